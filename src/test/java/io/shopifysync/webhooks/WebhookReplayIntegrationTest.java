package io.shopifysync.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shopifysync.db.Dialect;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.EmulatorControl;
import io.shopifysync.testing.Fixtures;
import io.shopifysync.testing.SyncHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shopify's HMAC covers the body only: a signed body re-sent under another shop's domain and another topic still
 * verifies. It must never delete or stop another shop, nor act on another kind of object; a late app/uninstalled
 * retry must not uninstall a shop that was installed again since.
 */
class WebhookReplayIntegrationTest {

    private static final String SECRET = "whsec_replay";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TRIGGERED_AT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'");
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    private static String sample(String file, String shop) throws Exception {
        return Files.readString(Fixtures.dir().resolve("webhooks").resolve(file)).replace("{shop}.myshopify.com", shop);
    }

    private int deliver(SyncHarness sync, String shop, String topic, String body, String eventId, OffsetDateTime triggeredAt)
            throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(sync.httpBase() + "/webhooks/shopify"))
                .header("Content-Type", "application/json").header("X-Shopify-Topic", topic)
                .header("X-Shopify-Shop-Domain", shop).header("X-Shopify-API-Version", "2026-10")
                .header("X-Shopify-Webhook-Id", UUID.randomUUID().toString()).header("X-Shopify-Event-Id", eventId)
                .header("X-Shopify-Triggered-At", TRIGGERED_AT.format(triggeredAt.withOffsetSameInstant(ZoneOffset.UTC)))
                .header("X-Shopify-Hmac-Sha256", WebhookSignature.sign(SECRET, bytes))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static List<String> strings(SyncHarness sync, String sql, String param) throws Exception {
        try (Connection c = sync.db().dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    private static OffsetDateTime installedAt(SyncHarness sync, String shop) throws Exception {
        try (Connection c = sync.db().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT installed_at FROM shopify.shops WHERE shop_domain = ?")) {
            ps.setString(1, shop);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getObject(1, OffsetDateTime.class);
            }
        }
    }

    private static String pendingOf(String shop) {
        return "SELECT COUNT(*) FROM shopify.webhook_inbox WHERE status IN ('NEW', 'CLAIMED') AND shop_domain = '" + shop + "'";
    }

    @BothDatabases
    void aSignedBodyReplayedUnderAnotherShopAndTopicDeletesNothingAndIsDeadLettered(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(2).seed(61).orders(6).products(3).customers(6)
                .plan("plus").clientSecret(SECRET).timeScale(0.01).start();
             SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of("shopify.client.secret", SECRET,
                     "poll.interval.ms", "3600000", "webhook.process.interval.ms", "200")).start()) {
            String a = emu.shops().get(0).domain();
            EmulatedShop victim = emu.shops().get(1);
            String b = victim.domain();
            sync.register(emu.shops().get(0));
            sync.register(victim);
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(a) && sync.allIncremental(b));
            long orders = sync.count("SELECT COUNT(*) FROM shopify.orders WHERE shop_domain = '" + b + "'");
            assertThat(orders).isPositive();
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);

            // signed bodies (as shop A's deliveries were), re-sent with shop B's domain, a compliance topic, a new event id
            String order = sample("orders-updated.json", a);
            assertThat(deliver(sync, b, "shop/redact", order, "forged-1", now)).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> sync.count(pendingOf(b)) == 0);
            assertThat(strings(sync, "SELECT status FROM shopify.shops WHERE shop_domain = ?", b))
                    .as("shop B's account after a forged shop/redact").containsExactly("INSTALLED");
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.orders WHERE shop_domain = '" + b + "'"))
                    .as("shop B's orders after a forged shop/redact").isEqualTo(orders);
            assertThat(deliver(sync, b, "shop/redact", sample("shop-redact.json", a), "forged-2", now)).isEqualTo(200);
            assertThat(deliver(sync, b, "customers/redact", sample("customers-redact.json", a), "forged-3", now)).isEqualTo(200);
            ObjectNode shopA = (ObjectNode) JSON.readTree(sample("app-uninstalled.json", a));
            shopA.put("myshopify_domain", a);
            assertThat(deliver(sync, b, "app/uninstalled", shopA.toString(), "forged-4", now)).isEqualTo(200);
            // and under a resource topic of another type: an Order is no Customer
            assertThat(deliver(sync, b, "customers/update", order, "forged-5", now)).isEqualTo(200);
            assertThat(deliver(sync, b, "customers/delete", order, "forged-6", now)).isEqualTo(200);

            await().atMost(Duration.ofSeconds(20)).until(() -> sync.count(pendingOf(b)) == 0);
            assertThat(strings(sync, "SELECT status FROM shopify.shops WHERE shop_domain = ?", b))
                    .as("shop B's account is untouched").containsExactly("INSTALLED");
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.orders WHERE shop_domain = '" + b + "'")).isEqualTo(orders);
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.redactions")).isZero();
            assertThat(sync.databaseDigest(b)).as("shop B's data is untouched").isEqualTo(SyncHarness.emulatorDigest(emu, b));
            assertThat(sync.databaseDigest(a)).isEqualTo(SyncHarness.emulatorDigest(emu, a));

            // each is kept as a dead letter naming why
            assertThat(strings(sync, "SELECT reason FROM shopify.dead_letters WHERE shop_domain = ? ORDER BY inbox_id", b))
                    .containsExactly(
                            "shop/redact: shop/redact body has no shop_domain: not a shop/redact payload",
                            "shop/redact: shop/redact body names shop_domain " + a + ", the header names " + b,
                            "customers/redact: customers/redact body names shop_domain " + a + ", the header names " + b,
                            "app/uninstalled: app/uninstalled body names myshopify_domain " + a + ", the header names " + b,
                            "customers/update: customers/update body names gid://shopify/Order/820982911946154508"
                                    + " (admin_graphql_api_id), not a Customer",
                            "customers/delete: customers/delete body names gid://shopify/Order/820982911946154508"
                                    + " (admin_graphql_api_id), not a Customer");
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.webhook_inbox WHERE status = 'DEAD' AND shop_domain = '" + b + "'"))
                    .isEqualTo(6);
        }
    }

    @BothDatabases
    void aLateUninstallFromBeforeTheReinstallIsIgnoredAndALaterOneIsNot(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(62).orders(3).products(2).customers(3)
                .plan("plus").clientSecret(SECRET).timeScale(0.01).start();
             SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of("shopify.client.secret", SECRET,
                     "poll.interval.ms", "3600000", "webhook.process.interval.ms", "200")).start()) {
            EmulatedShop shop = emu.shops().get(0);
            String domain = shop.domain();
            EmulatorControl control = new EmulatorControl(emu);
            sync.register(shop);
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(domain));
            // uninstalled in the store, as Shopify tells it
            control.call("POST", "/_emulator/shops/" + domain + "/webhooks/subscriptions",
                    "{\"topic\":\"app/uninstalled\",\"uri\":\"" + sync.httpBase() + "/webhooks/shopify\"}");
            control.call("POST", "/_emulator/shops/" + domain + "/uninstall", "{\"redactDelayMs\":100000000}");
            await().atMost(Duration.ofSeconds(20)).until(() -> strings(sync,
                    "SELECT status FROM shopify.shops WHERE shop_domain = ?", domain).equals(List.of("UNINSTALLED")));

            // installed again, and added again
            String token = control.call("POST", "/_emulator/shops/" + domain + "/reinstall", null).path("accessToken").asText();
            sync.register(domain, token, shop.adminUrl());
            OffsetDateTime reinstalled = installedAt(sync, domain);
            assertThat(strings(sync, "SELECT status FROM shopify.shops WHERE shop_domain = ?", domain)).containsExactly("INSTALLED");

            ObjectNode body = (ObjectNode) JSON.readTree(sample("app-uninstalled.json", domain));
            body.put("myshopify_domain", domain);
            // a retry of the first uninstall, triggered before the reinstall, arriving late
            assertThat(deliver(sync, domain, "app/uninstalled", body.toString(), "late-retry", reinstalled.minusSeconds(1)))
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> strings(sync,
                    "SELECT status FROM shopify.webhook_inbox WHERE event_key = ?", "late-retry").equals(List.of("DONE")));
            assertThat(strings(sync, "SELECT status FROM shopify.shops WHERE shop_domain = ?", domain))
                    .as("a late uninstall from before the reinstall").containsExactly("INSTALLED");

            // uninstalled again after the reinstall: that one counts
            assertThat(deliver(sync, domain, "app/uninstalled", body.toString(), "after-reinstall", reinstalled.plusSeconds(1)))
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> strings(sync,
                    "SELECT status FROM shopify.shops WHERE shop_domain = ?", domain).equals(List.of("UNINSTALLED")));
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.dead_letters")).isZero();
        }
    }

    @BothDatabases
    void aShopReAddedAfterAuthFailedCountsAsReinstalledForALateUninstall(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(63).orders(3).products(2).customers(3)
                .plan("plus").clientSecret(SECRET).timeScale(0.01).start();
             SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of("shopify.client.secret", SECRET,
                     "poll.interval.ms", "300", "webhook.process.interval.ms", "200")).start()) {
            EmulatedShop shop = emu.shops().get(0);
            String domain = shop.domain();
            EmulatorControl control = new EmulatorControl(emu);
            sync.register(shop);
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(domain));
            // uninstalled in the store, but its webhook is late: a poll meets the revoked token first
            OffsetDateTime uninstalledAt = OffsetDateTime.now(ZoneOffset.UTC);
            control.call("POST", "/_emulator/shops/" + domain + "/uninstall", "{\"redactDelayMs\":100000000}");
            await().atMost(Duration.ofSeconds(20)).until(() -> strings(sync,
                    "SELECT status FROM shopify.shops WHERE shop_domain = ?", domain).equals(List.of("AUTH_FAILED")));

            // the merchant installs the app again and the operator adds the new token
            String token = control.call("POST", "/_emulator/shops/" + domain + "/reinstall", null).path("accessToken").asText();
            sync.register(domain, token, shop.adminUrl());
            assertThat(installedAt(sync, domain)).as("re-adding a shop that was not INSTALLED starts a new installation")
                    .isAfter(uninstalledAt);

            // the first uninstall's webhook arrives now: it is older than the installation and changes nothing
            ObjectNode body = (ObjectNode) JSON.readTree(sample("app-uninstalled.json", domain));
            body.put("myshopify_domain", domain);
            assertThat(deliver(sync, domain, "app/uninstalled", body.toString(), "late-first-uninstall", uninstalledAt))
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> strings(sync,
                    "SELECT status FROM shopify.webhook_inbox WHERE event_key = ?", "late-first-uninstall").equals(List.of("DONE")));
            assertThat(strings(sync, "SELECT status FROM shopify.shops WHERE shop_domain = ?", domain)).containsExactly("INSTALLED");
        }
    }
}
