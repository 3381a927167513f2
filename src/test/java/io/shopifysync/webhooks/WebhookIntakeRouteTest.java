package io.shopifysync.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.MasterKey;
import io.shopifysync.accounts.TokenCipher;
import io.shopifysync.db.Database;
import io.shopifysync.db.Dialect;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.RouteFiles;
import io.shopifysync.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.Model;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Route webhook-intake of routes/webhooks.yaml on each database, its HTTP consumer replaced by {@code direct:intake}:
 * the verify step, then the group commit as the endpoint {@code webhook-inbox:store} whose URI options (from the
 * webhook.intake.* properties) size it, then the answer. Run: {@code mvn -B -q -o test -Dtest=WebhookIntakeRouteTest}.
 */
class WebhookIntakeRouteTest {

    private static final String SECRET = "whsec_route_test";
    private static final String SHOP = "intake.myshopify.com";

    private static CamelContext camel(Database db, Map<String, String> properties) throws Exception {
        CamelContext camel = new DefaultCamelContext();
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(db.dataSource()));
        InsertOnceIdempotentRepository idempotency = new InsertOnceIdempotentRepository(db.dataSource(), tx, db.sql(),
                "webhook-intake");
        camel.addService(idempotency);
        var registry = camel.getRegistry();
        // as AppBeans binds them
        registry.bind(WebhookInboxComponent.SCHEME, new WebhookInboxComponent(db.dataSource(), db.sql(), idempotency, tx,
                Clock.systemUTC()));
        registry.bind("verifyShopifyWebhook", new WebhookVerifier(new WebhookSignature(SECRET, null), 1_000_000));
        registry.bind("webhookIntake", new WebhookIntake());
        registry.bind("shopifyHeadersOnly", new ShopifyHeadersOnly());
        Map.of("webhook.intake.writers", "2", "webhook.intake.max.batch", "50", "webhook.intake.queue", "300",
                "webhook.intake.timeout.ms", "4000").forEach(camel.getPropertiesComponent()::addInitialProperty);
        properties.forEach(camel.getPropertiesComponent()::addInitialProperty);
        camel.getCamelContextExtension().getContextPlugin(Model.class).setRouteFilterPattern("webhook-intake", null);
        RouteFiles.load(camel, "webhooks.yaml");
        AdviceWith.adviceWith(camel, "webhook-intake", a -> a.replaceFromWith("direct:intake"));
        return camel;
    }

    private static Exchange deliver(CamelContext camel, String shop, String event, String body, String secret) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return camel.createProducerTemplate().request("direct:intake", e -> {
            var m = e.getMessage();
            m.setBody(bytes);
            m.setHeader("X-Shopify-Topic", "orders/updated");
            m.setHeader("X-Shopify-Shop-Domain", shop);
            m.setHeader("X-Shopify-Event-Id", event);
            m.setHeader("X-Shopify-Webhook-Id", "wh-" + event);
            m.setHeader("X-Shopify-API-Version", "2026-10");
            m.setHeader("X-Shopify-Hmac-Sha256", WebhookSignature.sign(secret, bytes));
        });
    }

    private static Integer status(Exchange answered) {
        return answered.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
    }

    private static long count(Database db, String sql) throws Exception {
        try (var c = db.dataSource().getConnection(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static WebhookInboxEndpoint inboxEndpoint(CamelContext camel) {
        return camel.getEndpoints().stream().filter(WebhookInboxEndpoint.class::isInstance).map(WebhookInboxEndpoint.class::cast)
                .findFirst().orElseThrow(() -> new AssertionError("no webhook-inbox endpoint in " + camel.getEndpoints()));
    }

    @BothDatabases
    void aVerifiedDeliveryIsStoredOnceThroughTheInboxEndpointWhoseOptionsTheYamlSets(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open(); CamelContext camel = camel(db, Map.of())) {
            new Accounts(db, new TokenCipher(MasterKey.fromBase64(Base64.getEncoder().encodeToString(new byte[32]))))
                    .add(SHOP, "t", null);
            camel.start();

            WebhookInboxEndpoint inbox = inboxEndpoint(camel);
            assertThat(inbox.getEndpointUri()).startsWith("webhook-inbox://store");
            assertThat(inbox.getWriters()).isEqualTo(2);
            assertThat(inbox.getMaxBatch()).isEqualTo(50);
            assertThat(inbox.getQueueSize()).isEqualTo(300);
            assertThat(inbox.getTimeoutMs()).isEqualTo(4000);
            // the steps as Hawtio names them
            assertThat(camel.getCamelContextExtension().getContextPlugin(Model.class).getRouteDefinition("webhook-intake")
                    .getOutputs()).extracting(o -> o.getId()).containsSubsequence("verify-hmac-and-headers",
                    "store-in-inbox-group-commit");

            Exchange stored = deliver(camel, SHOP, "e1", "{\"id\":7,\"updated_at\":\"2026-11-26T10:00:00Z\"}", SECRET);
            assertThat(status(stored)).isEqualTo(200);
            assertThat(count(db, "SELECT COUNT(*) FROM shopify.webhook_inbox WHERE event_key = 'e1' AND object_id = 7")).isEqualTo(1);
            long transactions = inbox.groupCommit().transactions();
            assertThat(transactions).as("committed by the endpoint's group commit").isEqualTo(1);

            // the same event again: a duplicate, answered 200 and not stored again
            assertThat(status(deliver(camel, SHOP, "e1", "{\"id\":7}", SECRET))).isEqualTo(200);
            assertThat(count(db, "SELECT COUNT(*) FROM shopify.webhook_inbox")).isEqualTo(1);
            // a wrong signature never reaches the store; an unregistered shop is refused by it
            assertThat(status(deliver(camel, SHOP, "e2", "{}", "whsec_other"))).isEqualTo(401);
            assertThat(inbox.groupCommit().transactions()).isEqualTo(transactions + 1);
            assertThat(status(deliver(camel, "stranger.myshopify.com", "e3", "{}", SECRET))).isEqualTo(401);
            assertThat(count(db, "SELECT COUNT(*) FROM shopify.webhook_inbox")).isEqualTo(1);
            assertThat(count(db, "SELECT COUNT(*) FROM shopify.camel_messageprocessed")).isEqualTo(1);
        }
    }

    /** A YAML editor's typo in an option or the operation is refused when the endpoint is made, not ignored. */
    @Test
    void anUnknownInboxOptionOrOperationIsRefused() throws Exception {
        try (TestDatabase tdb = TestDatabase.create(Dialect.H2); Database db = tdb.open();
             CamelContext camel = camel(db, Map.of())) {
            assertThatThrownBy(() -> camel.getEndpoint("webhook-inbox:store?maxBatchSize=5"))
                    .hasStackTraceContaining("maxBatchSize");
            assertThatThrownBy(() -> camel.getEndpoint("webhook-inbox:save")).hasStackTraceContaining("webhook-inbox:store");
        }
    }
}
