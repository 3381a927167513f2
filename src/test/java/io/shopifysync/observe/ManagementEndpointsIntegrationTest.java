package io.shopifysync.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.db.Dialect;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.EmulatorControl;
import io.shopifysync.testing.SyncHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Metrics and health on the management port, after real imports against the emulator, on both databases. */
class ManagementEndpointsIntegrationTest {

    private static final String TOKEN = "mgmt-token-for-tests";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    private SyncHarness harness(Dialect dialect) {
        return new SyncHarness(dialect, dataDir, Map.of("admin.token", TOKEN, "management.metrics.refresh.ms", "300",
                "shopify.client.secret", "whsec_mgmt", "poll.interval.ms", "500", "reconcile.interval.ms", "0"));
    }

    private static ShopifyEmulator emulator(int seed, int shops) {
        return ShopifyEmulator.builder().port(0).shops(shops).seed(seed).orders(12).products(5).customers(8).plan("plus")
                .clientSecret("whsec_mgmt").timeScale(0.01).start();
    }

    private String get(SyncHarness sync, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(sync.managementBase() + path)).header("Authorization", "Bearer " + TOKEN)
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private HttpResponse<String> anonymous(SyncHarness sync, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(sync.managementBase() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The value of the one sample of {@code name} whose labels include {@code labels}. */
    static OptionalDouble sample(String exposition, String name, Map<String, String> labels) {
        for (String line : exposition.split("\n")) {
            Matcher m = SAMPLE.matcher(line.trim());
            if (line.startsWith("#") || !m.matches() || !m.group(1).equals(name)) {
                continue;
            }
            Map<String, String> found = new HashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    found.put(l.group(1), l.group(2));
                }
            }
            if (found.entrySet().containsAll(labels.entrySet())) {
                return OptionalDouble.of(Double.parseDouble(m.group(3)));
            }
        }
        return OptionalDouble.empty();
    }

    private static double value(String exposition, String name, Map<String, String> labels) {
        return sample(exposition, name, labels).orElse(Double.NaN);
    }

    @BothDatabases
    void metricsCarryPerShopAndResourceSeriesAfterAnImport(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = emulator(81, 1); SyncHarness sync = harness(dialect)) {
            EmulatedShop shop = emu.shops().get(0);
            String d = shop.domain();
            // an empty bucket that does not refill: calls are answered THROTTLED and wait; then the store gets its
            // plan's bucket back
            EmulatorControl control = new EmulatorControl(emu);
            sync.start();
            control.call("PUT", "/_emulator/shops/" + d + "/throttle",
                    "{\"maximumAvailable\":1000,\"restoreRate\":0,\"currentlyAvailable\":0}");
            sync.register(shop);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                String m = get(sync, "/observe/metrics");
                assertThat(value(m, "shopify_sync_throttled_total", Map.of("shop", d))).as("THROTTLED answers").isGreaterThan(0);
                assertThat(value(m, "shopify_sync_throttle_waits_total", Map.of("shop", d))).as("waits").isGreaterThan(0);
                assertThat(value(m, "shopify_sync_throttle_wait_seconds_total", Map.of("shop", d))).as("waited").isGreaterThan(0);
            });
            control.call("PUT", "/_emulator/shops/" + d + "/plan", "{\"plan\":\"plus\"}");
            await().atMost(Duration.ofSeconds(90)).until(() -> sync.allIncremental(d));
            // one verified delivery and one with a bad signature, for the acknowledgement histogram
            long orderId = sync.count("SELECT MIN(id) FROM shopify.orders WHERE shop_domain = '" + d + "'");
            byte[] delivery = ("{\"id\":" + orderId + ",\"updated_at\":\"2026-11-26T10:00:00Z\"}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(sync.httpBase() + "/webhooks/shopify"))
                    .header("X-Shopify-Topic", "orders/updated").header("X-Shopify-Shop-Domain", d)
                    .header("X-Shopify-Event-Id", "mgmt-test-event").header("Content-Type", "application/json")
                    .header("X-Shopify-Hmac-Sha256", io.shopifysync.webhooks.WebhookSignature.sign("whsec_mgmt", delivery))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(delivery)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).isEqualTo(200);
            http.send(HttpRequest.newBuilder(URI.create(sync.httpBase() + "/webhooks/shopify"))
                    .header("X-Shopify-Topic", "orders/create").header("X-Shopify-Shop-Domain", d)
                    .header("X-Shopify-Hmac-Sha256", "bad").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                String m = get(sync, "/observe/metrics");
                for (String resource : new String[] {"orders", "products", "customers", "order_line_items", "product_variants"}) {
                    assertThat(value(m, "shopify_sync_rows_upserted_total", Map.of("shop", d, "resource", resource)))
                            .as("rows upserted " + resource).isGreaterThan(0);
                }
                for (String resource : new String[] {"orders", "products", "customers"}) {
                    assertThat(value(m, "shopify_sync_lag_seconds", Map.of("shop", d, "resource", resource)))
                            .as("lag " + resource).isGreaterThanOrEqualTo(0);
                    assertThat(value(m, "shopify_sync_last_success_age_seconds", Map.of("shop", d, "resource", resource)))
                            .as("last success " + resource).isGreaterThanOrEqualTo(0);
                    assertThat(value(m, "shopify_sync_bulk_operation_seconds_count",
                            Map.of("shop", d, "resource", resource, "status", "COMPLETED"))).as("bulk " + resource).isGreaterThan(0);
                }
                assertThat(value(m, "shopify_sync_throttle_available", Map.of("shop", d))).isGreaterThanOrEqualTo(0);
                assertThat(value(m, "shopify_sync_inbox_backlog", Map.of("shop", d))).isEqualTo(0);
                assertThat(value(m, "shopify_sync_dead_letters", Map.of("shop", d))).isEqualTo(0);
                assertThat(value(m, "shopify_sync_shop_status", Map.of("shop", d, "status", "INSTALLED"))).isEqualTo(1);
                assertThat(value(m, "shopify_sync_webhook_ack_seconds_count", Map.of("shop", "unverified", "status", "401")))
                        .isEqualTo(1);
                assertThat(sample(m, "shopify_sync_webhook_ack_seconds_bucket", Map.of("status", "401", "le", "+Inf"))).isPresent();
                assertThat(value(m, "shopify_sync_webhook_ack_seconds_count", Map.of("shop", d, "status", "200"))).isEqualTo(1);
                // Camel's own route metrics come through the same registry
                assertThat(m).contains("camel_exchanges_total");
                assertThat(m).doesNotContain(shop.accessToken());
            });
        }
    }

    @BothDatabases
    void aShopWhoseTokenIsRefusedShowsAsAuthFailedWhileTheInstanceStaysReady(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = emulator(82, 2); SyncHarness sync = harness(dialect).start()) {
            EmulatedShop refused = emu.shops().get(0);
            EmulatedShop fine = emu.shops().get(1);
            String wrongToken = "shpat_" + "0".repeat(32);
            sync.register(refused.domain(), wrongToken, refused.adminUrl());
            sync.register(fine);
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.count(
                    "SELECT COUNT(*) FROM shopify.shops WHERE status = 'AUTH_FAILED'") == 1 && sync.allIncremental(fine.domain()));

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String m = get(sync, "/observe/metrics");
                assertThat(value(m, "shopify_sync_shop_status", Map.of("shop", refused.domain(), "status", "AUTH_FAILED"))).isEqualTo(1);
                assertThat(sample(m, "shopify_sync_shop_status", Map.of("shop", refused.domain(), "status", "INSTALLED"))).isEmpty();
                assertThat(value(m, "shopify_sync_shop_status", Map.of("shop", fine.domain(), "status", "INSTALLED"))).isEqualTo(1);
                assertThat(value(m, "shopify_sync_dead_letters", Map.of("shop", refused.domain()))).isGreaterThan(0);
                assertThat(m).doesNotContain(wrongToken).doesNotContain(fine.accessToken());
            });
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode health = JSON.readTree(get(sync, "/observe/health?exposureLevel=full&data=true"));
                JsonNode shops = check(health, "shops");
                assertThat(shops.path("status").asText()).isEqualTo("DOWN");
                assertThat(shops.path("message").asText()).contains(refused.domain() + " AUTH_FAILED");
                assertThat(shops.path("data").path(refused.domain() + ".status").asText()).isEqualTo("AUTH_FAILED");
                assertThat(shops.path("data").path(fine.domain() + ".last_success_at").asText()).isNotEqualTo("never");
                assertThat(health.toString()).doesNotContain(wrongToken).doesNotContain(fine.accessToken());
            });
            // one store's refused token must not take the instance out of rotation
            HttpResponse<String> ready = anonymous(sync, "/observe/health/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            JsonNode readyFull = JSON.readTree(get(sync, "/observe/health/ready?exposureLevel=full"));
            assertThat(readyFull.path("status").asText()).isEqualTo("UP");
            assertThat(check(readyFull, "database").path("status").asText()).isEqualTo("UP");
            assertThat(check(readyFull, "shops").isMissingNode()).as("shops is not a readiness check").isTrue();
        }
    }

    @Test
    void readinessGoesDownWithTheDatabaseAndLivenessStaysUp() throws Exception {
        try (SyncHarness sync = harness(Dialect.POSTGRESQL).start()) {
            assertThat(anonymous(sync, "/observe/health/ready").statusCode()).isEqualTo(200);
            sync.stopDatabase();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                HttpResponse<String> ready = anonymous(sync, "/observe/health/ready");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(JSON.readTree(ready.body()).path("status").asText()).isEqualTo("DOWN");
            });
            JsonNode details = JSON.readTree(get(sync, "/observe/health/ready?exposureLevel=full"));
            assertThat(check(details, "database").path("status").asText()).isEqualTo("DOWN");
            assertThat(check(details, "database").path("message").asText()).startsWith("database unreachable");
            assertThat(anonymous(sync, "/observe/health/live").statusCode()).isEqualTo(200);
        }
    }

    @BothDatabases
    void theInboxCheckReportsABacklogOlderThanItsLimitWithoutTouchingReadiness(Dialect dialect) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of("admin.token", TOKEN, "management.metrics.refresh.ms", "300",
                "health.inbox.max.age.seconds", "60", "webhook.process.interval.ms", "3600000"));
        try (SyncHarness sync = new SyncHarness(dialect, dataDir, settings).start()) {
            sync.register("backlog.myshopify.com", "shpat_" + "1".repeat(32), "http://127.0.0.1:1/admin/api/2026-10/graphql.json");
            // received 5 minutes ago and claimed just now: the processor (whose first tick may come any moment)
            // leaves a fresh claim alone, so the delivery stays unprocessed for the whole test
            sync.execute("INSERT INTO shopify.webhook_inbox (event_key, topic, shop_domain, headers, body, received_at, status, "
                    + "claimed_at) VALUES ('e1', 'orders/create', 'backlog.myshopify.com', '{}', '{}', "
                    + "CURRENT_TIMESTAMP - INTERVAL '5' MINUTE, 'CLAIMED', CURRENT_TIMESTAMP)");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode inbox = check(JSON.readTree(get(sync, "/observe/health?exposureLevel=full&data=true")), "inbox");
                assertThat(inbox.path("status").asText()).isEqualTo("DOWN");
                assertThat(inbox.path("data").path("pending").asText()).isEqualTo("1");
                assertThat(value(get(sync, "/observe/metrics"), "shopify_sync_inbox_backlog",
                        Map.of("shop", "backlog.myshopify.com"))).isEqualTo(1);
                assertThat(value(get(sync, "/observe/metrics"), "shopify_sync_inbox_oldest_age_seconds",
                        Map.of("shop", "backlog.myshopify.com"))).isGreaterThan(60);
            });
            assertThat(anonymous(sync, "/observe/health/ready").statusCode()).isEqualTo(200);
        }
    }

    private static JsonNode check(JsonNode health, String name) {
        for (JsonNode c : health.path("checks")) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
}
