package io.shopifysync.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopifysync.catalog.Catalog;
import io.shopifysync.catalog.CatalogRoutes;
import io.shopifysync.testing.ProjectHome;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Executors;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.Registry;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The webhook-process routes of routes/webhooks.yaml in seconds, without a database or a store: every sql: endpoint and
 * every per-kind direct: route is replaced (AdviceWith), so a YAML editor sees at once whether a claim still reaches
 * the right kind, the done and failed marks, the retry/dead-letter choice and the late-uninstall rule.
 * Run: {@code mvn -B -q -o test -Dtest=WebhookProcessRouteTest}.
 */
class WebhookProcessRouteTest extends CamelMainTestSupport {

    private static final String SHOP = "route-test.myshopify.com";
    private final Catalog catalog = Catalog.load();
    /** Three attempts at most; waits of 10 s, 20 s, … (less up to half at random). */
    private final WebhookProcessor processor = new WebhookProcessor(null, catalog, null, null, null, Clock.systemUTC(), 3,
            new WebhookProcessor.Backoff(Duration.ofSeconds(10), Duration.ofMinutes(1)), new Random(3));

    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        configuration.withUseAdviceWith(true);
    }

    @Override
    public void configureContext(CamelContextConfiguration configuration) {
        super.configureContext(configuration);
        Properties p = new Properties();
        p.setProperty("webhook.process.interval.ms", "500");
        p.setProperty("webhook.process.batch", "200");
        p.setProperty("webhook.process.claim.timeout.ms", "120000");
        p.setProperty("db.dialect", "h2");
        p.setProperty("cluster.membership", "process");
        configuration.withUseOverridePropertiesWithPropertiesComponent(p);
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.withRoutesIncludePattern("file:" + ProjectHome.path().resolve("routes/webhooks.yaml"))
                .withRouteFilterExcludePattern("webhook-intake");
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:webhook-route-test;DB_CLOSE_DELAY=-1");
        DataSourceTransactionManager transactions = new DataSourceTransactionManager(ds);
        registry.bind("dataSource", ds);
        registry.bind("transactionManager", transactions);
        registry.bind("PROPAGATION_REQUIRED", new SpringTransactionPolicy(new TransactionTemplate(transactions)));
        registry.bind("webhookProcessor", processor);
        registry.bind("pageWrites", new io.shopifysync.sync.PageWrites(catalog, null, null, null));
        registry.bind("inboxInstance", new InboxInstance(null, Clock.systemUTC()));
        registry.bind("shopData", new io.shopifysync.lifecycle.ShopData(null, catalog, Clock.systemUTC()));
        registry.bind("webhookPool", Executors.newFixedThreadPool(2));
    }

    private static Map<String, Object> row(long id, String topic, Long objectId, String body) {
        Map<String, Object> row = new HashMap<>();
        row.put("id", id);
        row.put("topic", topic);
        row.put("object_id", objectId);
        row.put("object_updated_at", null);
        row.put("body", body);
        row.put("attempts", 0);
        row.put("triggered_at", null);
        return row;
    }

    @Test
    void aClaimIsSplitIntoBatchesAndEachKindGoesToItsRoute() throws Exception {
        CatalogRoutes.instantiateWebhooks(context, catalog);
        List<Map<String, Object>> claimed = List.of(
                row(1, "orders/updated", 11L, "{\"id\":11,\"admin_graphql_api_id\":\"gid://shopify/Order/11\"}"),
                row(2, "orders/delete", 12L, "{\"id\":12}"),
                row(3, "app/uninstalled", null, "{\"id\":5,\"myshopify_domain\":\"" + SHOP + "\"}"),
                row(4, "customers/redact", null, "{\"shop_id\":5,\"shop_domain\":\"" + SHOP + "\",\"customer\":{\"id\":7},"
                        + "\"orders_to_redact\":[11]}"),
                row(5, "orders/updated", 13L, "{\"id\":13}"),
                row(6, "carts/create", 14L, "{\"id\":14}"),
                // a signed orders body re-sent under products/update: it must not act on a product
                row(7, "products/update", 15L, "{\"id\":15,\"admin_graphql_api_id\":\"gid://shopify/Order/15\"}"));
        AdviceWith.adviceWith(context, "webhook-process", a -> {
            a.replaceFromWith("direct:tick");
            a.weaveByToUri("sql:classpath:sql/take-back-inbox-claims*").replace().to("mock:take-back");
            a.weaveByToUri("sql:classpath:sql/select-inbox-shops*").replace()
                    .setBody(e -> List.of(Map.of("shop_domain", SHOP)));
        });
        AdviceWith.adviceWith(context, "webhook-process-shop", a -> {
            a.weaveByToUri("sql:classpath:sql/count-registered-shop*").replace().setBody(e -> 1L);
            a.weaveByToUri("direct:webhook-claim").replace().setBody(e -> claimed);
            a.weaveByToUri("direct:webhook-reread-*").replace().to("mock:reread");
            a.weaveByToUri("direct:webhook-tombstone-*").replace().to("mock:tombstone");
            a.weaveByToUri("direct:webhook-lifecycle").replace().to("mock:lifecycle");
            a.weaveByToUri("direct:webhook-compliance").replace().to("mock:compliance");
            a.weaveByToUri("direct:webhook-failed").replace().to("mock:failed");
            a.weaveByToUri("sql:classpath:sql/mark-inbox-done*").replace().to("mock:done");
        });
        context.start();
        MockEndpoint reread = getMockEndpoint("mock:reread");
        reread.expectedMessageCount(1);
        getMockEndpoint("mock:take-back").expectedMessageCount(1);
        getMockEndpoint("mock:tombstone").expectedMessageCount(1);
        getMockEndpoint("mock:lifecycle").expectedMessageCount(1);
        getMockEndpoint("mock:compliance").expectedMessageCount(1);
        MockEndpoint failed = getMockEndpoint("mock:failed");
        failed.expectedMessageCount(2);
        MockEndpoint done = getMockEndpoint("mock:done");
        done.expectedMessageCount(4);

        template.sendBody("direct:tick", null);

        MockEndpoint.assertIsSatisfied(context);
        // the two orders upserts are one batch, re-read together, and applied last
        WebhookBatch orders = reread.getReceivedExchanges().get(0).getProperty("batch", WebhookBatch.class);
        assertThat(orders.getResource()).isEqualTo("orders");
        assertThat(orders.getDeliveries()).extracting(WebhookDelivery::id).containsExactly(1L, 5L);
        assertThat(getMockEndpoint("mock:tombstone").getReceivedExchanges().get(0).getMessage().getBody(WebhookBatch.class)
                .getResource()).isEqualTo("orders");
        assertThat(getMockEndpoint("mock:lifecycle").getReceivedExchanges().get(0).getMessage().getBody(WebhookBatch.class)
                .getTopic()).isEqualTo("app/uninstalled");
        // what was applied is marked DONE, one parameter row per delivery (sql batch=true)
        List<Object> doneIds = new ArrayList<>();
        for (Exchange e : done.getReceivedExchanges()) {
            for (Object r : e.getMessage().getBody(List.class)) {
                doneIds.add(((Map<?, ?>) r).get("id"));
            }
        }
        assertThat(doneIds).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);
        // poison: an unknown topic and a body of another type go to webhook-failed with the reason
        assertThat(failed.getReceivedExchanges()).extracting(e -> e.getMessage().getBody(WebhookBatch.class).getTopic())
                .containsExactly("carts/create", "products/update");
        assertThat(failed.getReceivedExchanges().get(1).getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class))
                .isInstanceOf(PoisonDelivery.class).hasMessageContaining("not a Product");
    }

    @Test
    void aFailedBatchRetriesAfterItsBackoffUntilItsLastAttemptThenIsDeadLettered() throws Exception {
        AdviceWith.adviceWith(context, "webhook-failed", a -> {
            a.weaveByToUri("sql:classpath:sql/mark-inbox-failed*").replace().to("mock:retry");
            a.weaveByToUri("direct:webhook-dead-letter").replace().to("mock:dead");
        });
        context.start();
        getMockEndpoint("mock:retry").expectedMessageCount(1);
        getMockEndpoint("mock:dead").expectedMessageCount(1);
        WebhookBatch batch = new WebhookBatch(WebhookBatch.REREAD, "orders", List.of(
                new WebhookDelivery(1, "orders/updated", 11L, null, "{\"id\":11}", 1, null),
                new WebhookDelivery(2, "orders/updated", 12L, null, "{\"id\":12}", 3, null)), null);
        OffsetDateTime before = OffsetDateTime.now();

        template.send("direct:webhook-failed", e -> {
            e.setProperty("shop", SHOP);
            e.setProperty(Exchange.EXCEPTION_CAUGHT, new IllegalStateException("the store answered 503"));
            e.getMessage().setBody(batch);
        });

        MockEndpoint.assertIsSatisfied(context);
        Map<?, ?> retry = getMockEndpoint("mock:retry").getReceivedExchanges().get(0).getMessage().getBody(Map.class);
        assertThat(retry.get("id")).isEqualTo(1L);
        assertThat(retry.get("status")).isEqualTo("NEW");
        assertThat((OffsetDateTime) retry.get("nextAttemptAt")).isBetween(before.plusSeconds(5), before.plusSeconds(11));
        Map<?, ?> dead = getMockEndpoint("mock:dead").getReceivedExchanges().get(0).getMessage().getBody(Map.class);
        assertThat(dead.get("id")).isEqualTo(2L);
        assertThat(dead.get("status")).isEqualTo("DEAD");
        assertThat(dead.get("reason")).isEqualTo("orders/updated: the store answered 503");
        assertThat(dead.get("resource")).isEqualTo("orders");
    }

    @Test
    void anUninstallFromBeforeTheCurrentInstallIsIgnored() throws Exception {
        OffsetDateTime installedAt = OffsetDateTime.parse("2026-12-01T10:00:00Z");
        AdviceWith.adviceWith(context, "webhook-lifecycle", a -> {
            a.weaveByToUri("sql:classpath:sql/select-shop-installed-at*").replace().setBody(e -> installedAt);
            a.weaveByToUri("sql:classpath:sql/mark-shop-uninstalled*").replace().to("mock:uninstalled");
        });
        context.start();
        MockEndpoint uninstalled = getMockEndpoint("mock:uninstalled");
        uninstalled.expectedMessageCount(1);

        for (OffsetDateTime triggered : List.of(installedAt.minusMinutes(1), installedAt.plusMinutes(1))) {
            WebhookBatch batch = new WebhookBatch(WebhookBatch.LIFECYCLE, null, List.of(
                    new WebhookDelivery(1, "app/uninstalled", null, null, "{}", 1, triggered)), null);
            template.send("direct:webhook-lifecycle", e -> {
                e.setProperty("shop", SHOP);
                e.setProperty("batch", batch);
                e.getMessage().setBody(batch);
            });
        }

        MockEndpoint.assertIsSatisfied(context);
        assertThat(uninstalled.getReceivedExchanges().get(0).getProperty("batch", WebhookBatch.class).getDeliveries().get(0)
                .triggeredAt()).isEqualTo(installedAt.plusMinutes(1));
    }

    @Test
    void aClaimMarksEveryClaimedRowWithThisInstanceAndAnEmptyClaimMarksNothing() throws Exception {
        List<Map<String, Object>> rows = List.of(row(1, "orders/updated", 11L, "{}"), row(2, "orders/delete", 12L, "{}"));
        List<List<Map<String, Object>>> answers = new ArrayList<>(List.of(rows, List.of()));
        AdviceWith.adviceWith(context, "webhook-claim", a -> {
            a.weaveByToUri("sql:classpath:sql/claim-inbox*").replace().setBody(e -> answers.remove(0));
            a.weaveByToUri("sql:classpath:sql/mark-inbox-claimed*").replace().to("mock:claimed");
        });
        context.start();
        MockEndpoint marked = getMockEndpoint("mock:claimed");
        marked.expectedMessageCount(1);

        Object first = template.requestBody("direct:webhook-claim", (Object) null);
        Object second = template.requestBody("direct:webhook-claim", (Object) null);

        MockEndpoint.assertIsSatisfied(context);
        assertThat(first).isEqualTo(rows);
        assertThat((List<?>) second).isEmpty();
        assertThat(marked.getReceivedExchanges().get(0).getMessage().getBody(List.class)).isEqualTo(rows);
        assertThat(marked.getReceivedExchanges().get(0).getProperty("batchSize")).isEqualTo(200);
    }
}
