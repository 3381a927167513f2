package io.shopifysync.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shopifysync.db.Dialect;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.EmulatorControl;
import io.shopifysync.testing.SyncHarness;
import io.shopifysync.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Webhooks as Shopify sends them: signed, duplicated, reordered; the database converges on them alone. */
class WebhookIntegrationTest {

    private static final String SECRET = "whsec_test_secret";
    private static final String[] TOPICS = {"orders/create", "orders/updated", "orders/delete", "products/create",
            "products/update", "products/delete", "customers/create", "customers/update", "customers/delete"};
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    private SyncHarness harness(Dialect dialect) {
        // polling is off (1 h): whatever changes after the import reaches the database through webhooks only
        return new SyncHarness(dialect, dataDir, Map.of("shopify.client.secret", SECRET, "poll.interval.ms", "3600000",
                "webhook.process.interval.ms", "200"));
    }

    private HttpResponse<String> deliver(SyncHarness sync, String shop, String topic, String body, String secret,
                                         String eventId) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sync.httpBase() + "/webhooks/shopify"))
                .header("Content-Type", "application/json").header("X-Shopify-Topic", topic)
                .header("X-Shopify-Shop-Domain", shop).header("X-Shopify-API-Version", "2026-10")
                .header("X-Shopify-Webhook-Id", UUID.randomUUID().toString()).header("X-Shopify-Event-Id", eventId)
                .header("X-Shopify-Triggered-At", "2026-11-26T10:00:00.000000Z");
        if (secret != null) {
            b.header("X-Shopify-Hmac-Sha256", WebhookSignature.sign(secret, bytes));
        }
        return http.send(b.POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @BothDatabases
    void duplicatedReorderedDeliveriesConvergeAndTheOneBadDeliveryIsDeadLettered(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(31).orders(20).products(10).customers(20)
                .plan("plus").clientSecret(SECRET).timeScale(0.01).start();
             SyncHarness sync = harness(dialect).start()) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatorControl control = new EmulatorControl(emu);
            String base = "/_emulator/shops/" + shop.domain();
            sync.register(shop);
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain()));
            control.call("PUT", "/_emulator/webhooks/settings", "{\"duplicateRate\":0.3,\"reorderRate\":0.3,\"reorderDelayMs\":300}");
            for (String topic : TOPICS) {
                control.call("POST", base + "/webhooks/subscriptions",
                        "{\"topic\":\"" + topic + "\",\"uri\":\"" + sync.httpBase() + "/webhooks/shopify\"}");
            }
            for (String resource : new String[] {"orders", "products", "customers"}) {
                control.call("POST", base + "/" + resource + "/create", "{\"count\":5}");
                control.call("POST", base + "/" + resource + "/update", "{\"count\":5}");
                control.call("POST", base + "/" + resource + "/delete", "{\"count\":2}");
            }
            // the injected failure: a correctly signed delivery whose body is not JSON
            assertThat(deliver(sync, shop.domain(), "orders/updated", "{not json", SECRET, "bad-event").statusCode()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(60)).until(() ->
                    sync.databaseDigest(shop.domain()).equals(SyncHarness.emulatorDigest(emu, shop.domain())));
            await().atMost(Duration.ofSeconds(10)).until(() -> sync.count("SELECT COUNT(*) FROM shopify.dead_letters") == 1);
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.dead_letters WHERE payload = '{not json'"
                    + " AND source = 'webhook-process'")).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    sync.count("SELECT COUNT(*) FROM shopify.webhook_inbox WHERE status NOT IN ('DONE', 'DEAD')") == 0);
            assertThat(sync.databaseDigest(shop.domain())).isEqualTo(SyncHarness.emulatorDigest(emu, shop.domain()));
            long duplicates = control.call("GET", base + "/webhooks/deliveries", null).path("deliveries").findValues("duplicate")
                    .stream().filter(v -> v.asBoolean()).count();
            assertThat(duplicates).as("the emulator did send duplicates").isPositive();
            assertThat(sync.count("SELECT COUNT(*) FROM (SELECT event_key FROM shopify.webhook_inbox GROUP BY shop_domain, event_key"
                    + " HAVING COUNT(*) > 1) x")).as("no event stored twice").isZero();
        }
    }

    @BothDatabases
    void intakeRefusesWhatItCannotTrustAndStoresEachEventOnce(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(32).orders(1).products(1).customers(1)
                .plan("plus").start();
             SyncHarness sync = harness(dialect).start()) {
            EmulatedShop shop = emu.shops().get(0);
            sync.register(shop);
            String body = "{\"id\":1,\"updated_at\":\"2026-01-01T00:00:00-05:00\"}";
            assertThat(deliver(sync, shop.domain(), "customers/update", body, null, "e1").statusCode()).isEqualTo(401);
            assertThat(deliver(sync, shop.domain(), "customers/update", body, "wrong-secret", "e1").statusCode()).isEqualTo(401);
            assertThat(deliver(sync, "stranger.myshopify.com", "customers/update", body, SECRET, "e1").statusCode()).isEqualTo(401);
            assertThat(deliver(sync, shop.domain(), "customers/update", "x".repeat(6 * 1024 * 1024), SECRET, "e2").statusCode())
                    .isEqualTo(413);
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.webhook_inbox")).isZero();

            assertThat(deliver(sync, shop.domain(), "customers/update", body, SECRET, "e3").statusCode()).isEqualTo(200);
            assertThat(deliver(sync, shop.domain(), "customers/update", body, SECRET, "e3").statusCode()).isEqualTo(200);
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.webhook_inbox WHERE event_key = 'e3'")).isEqualTo(1);

            // a delivery that cannot be stored (topic over VARCHAR(128)) is a permanent 400 and leaves no key
            assertThat(deliver(sync, shop.domain(), "t".repeat(200), body, SECRET, "e6").statusCode()).isEqualTo(400);
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.camel_messageprocessed WHERE messageid LIKE '%/e6'")).isZero();
            assertThat(deliver(sync, shop.domain(), "customers/update", body, SECRET, "e6").statusCode()).isEqualTo(200);
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.webhook_inbox WHERE event_key = 'e6'")).isEqualTo(1);

            // the refused delivery's idempotency key was rolled back with it: once registered, the same event is stored
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.camel_messageprocessed WHERE messageid LIKE 'stranger%'")).isZero();
            sync.register("stranger.myshopify.com", "shpat_stranger", "http://127.0.0.1:9/admin/api/2026-10/graphql.json");
            assertThat(deliver(sync, "stranger.myshopify.com", "customers/update", body, SECRET, "e1").statusCode()).isEqualTo(200);
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.webhook_inbox WHERE shop_domain = 'stranger.myshopify.com'"))
                    .isEqualTo(1);
            // removed (accounts remove, no purge): its key is still there, and a redelivery is refused all the same
            sync.execute("DELETE FROM shopify.shops WHERE shop_domain = 'stranger.myshopify.com'");
            assertThat(deliver(sync, "stranger.myshopify.com", "customers/update", body, SECRET, "e1").statusCode()).isEqualTo(401);
            assertThat(deliver(sync, "stranger.myshopify.com", "customers/update", body, SECRET, "e5").statusCode()).isEqualTo(401);
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.camel_messageprocessed WHERE messageid LIKE 'stranger%'"))
                    .isEqualTo(1);
        }
    }

    @Test
    void answers503AndStoresNothingWhenTheDatabaseIsGone() throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).orders(1).products(1).customers(1).start();
             TestDatabase tdb = TestDatabase.create(Dialect.POSTGRESQL);
             SyncHarness sync = new SyncHarness(tdb, dataDir, Map.of("shopify.client.secret", SECRET,
                     "poll.interval.ms", "3600000")).start()) {
            EmulatedShop shop = emu.shops().get(0);
            sync.register(shop);
            sync.stopDatabase();
            HttpResponse<String> r = deliver(sync, shop.domain(), "customers/update", "{\"id\":1}", SECRET, "e4");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(r.body()).contains("not stored");
        }
    }
}
