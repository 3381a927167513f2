package io.shopifysync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.accounts.Account;
import io.shopifysync.accounts.Accounts;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.db.Dialect;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.status.StatusReport;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.EmulatorControl;
import io.shopifysync.testing.SyncHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without read_all_orders Shopify shows only the orders created in the last 60 days. The emulator's generated orders
 * were created 2024-06..2026-06, long before "now": every one of them is outside that window; orders created through
 * the control API during the test are inside it.
 */
class OrderHistoryWindowIntegrationTest {

    private static final String SECRET = "whsec_scopes_secret";
    private static final String LIMITED = "{\"scopes\":[\"read_orders\",\"read_products\",\"read_customers\"]}";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    private static ShopifyEmulator emulator(long seed) {
        return ShopifyEmulator.builder().port(0).shops(2).seed(seed).orders(20).products(3).customers(5)
                .plan("plus").clientSecret(SECRET).timeScale(0.01).start();
    }

    /** Imports the whole history (the scope granted), then the shop no longer grants read_all_orders. */
    private static void importThenLimit(SyncHarness sync, ShopifyEmulator emu, EmulatorControl control, EmulatedShop shop) {
        control.call("POST", "/_emulator/shops/" + shop.domain() + "/orders/create", "{\"count\":3}");
        sync.register(shop);
        await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain())
                && sync.databaseDigest(shop.domain()).equals(SyncHarness.emulatorDigest(emu, shop.domain())));
        control.call("PUT", "/_emulator/shops/" + shop.domain() + "/scopes", LIMITED);
    }

    private static OffsetDateTime reconciledAt(SyncHarness sync) throws Exception {
        try (Connection c = sync.db().dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT reconciled_at FROM shopify.sync_state WHERE resource = 'orders'")) {
            rs.next();
            OffsetDateTime at = rs.getObject(1, OffsetDateTime.class);
            return at == null ? OffsetDateTime.MIN : at;
        }
    }

    private static long orderIdBy(SyncHarness sync, String shop, String order) throws Exception {
        return sync.count("SELECT id FROM shopify.orders WHERE shop_domain = '" + shop + "' ORDER BY created_at " + order
                + ", id " + order + " FETCH FIRST 1 ROWS ONLY");
    }

    @BothDatabases
    void reconciliationNeverTombstonesOrdersOlderThanTheWindowTheShopShows(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = emulator(61);
             SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of("poll.interval.ms", "300",
                     "reconcile.interval.ms", "0", "sync.overlap.seconds", "5")).start()) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatorControl control = new EmulatorControl(emu);
            importThenLimit(sync, emu, control, shop);
            long stored = sync.count("SELECT COUNT(*) FROM shopify.orders WHERE deleted_at IS NULL");
            assertThat(stored).isEqualTo(23);

            // an order inside the window is deleted without a webhook: reconciliation (under the limited scopes) finds it
            long recent = orderIdBy(sync, shop.domain(), "DESC");
            control.call("POST", "/_emulator/shops/" + shop.domain() + "/orders/delete", "{\"ids\":[" + recent + "]}");
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    sync.count("SELECT COUNT(*) FROM shopify.orders WHERE deleted_at IS NOT NULL AND id = " + recent) == 1);
            // and another full round after that one, so every reconciliation step has run under the limited scopes
            OffsetDateTime first = reconciledAt(sync);
            await().atMost(Duration.ofSeconds(30)).until(() -> reconciledAt(sync).isAfter(first));

            assertThat(sync.count("SELECT COUNT(*) FROM shopify.orders WHERE deleted_at IS NOT NULL"))
                    .as("only the order deleted in the store is tombstoned; the 20 older than the window are kept").isEqualTo(1);
            // the database still holds exactly the store (the emulator's digest covers its whole history)
            assertThat(sync.databaseDigest(shop.domain())).isEqualTo(SyncHarness.emulatorDigest(emu, shop.domain()));
            assertThat(new Accounts(sync.db(), sync.cipher()).accessScopes(shop.domain()).orElseThrow().handles())
                    .containsExactly("read_customers", "read_orders", "read_products");
        }
    }

    @BothDatabases
    void aWebhookOnAnOrderOlderThanTheWindowDoesNotTombstoneIt(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = emulator(62);
             SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of("shopify.client.secret", SECRET,
                     "poll.interval.ms", "3600000", "webhook.process.interval.ms", "200")).start()) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatorControl control = new EmulatorControl(emu);
            importThenLimit(sync, emu, control, shop);
            control.call("POST", "/_emulator/shops/" + shop.domain() + "/webhooks/subscriptions",
                    "{\"topic\":\"orders/updated\",\"uri\":\"" + sync.httpBase() + "/webhooks/shopify\"}");

            // the merchant edits an old order: Shopify sends orders/updated, but nodes() answers null for it
            long old = orderIdBy(sync, shop.domain(), "ASC");
            control.call("POST", "/_emulator/shops/" + shop.domain() + "/orders/update", "{\"ids\":[" + old + "]}");
            await().atMost(Duration.ofSeconds(30)).until(() -> sync.count("SELECT COUNT(*) FROM shopify.webhook_inbox "
                    + "WHERE topic = 'orders/updated' AND status = 'DONE'") >= 1);

            assertThat(sync.count("SELECT COUNT(*) FROM shopify.orders WHERE deleted_at IS NOT NULL"))
                    .as("the old order the store no longer shows is kept, not tombstoned").isZero();
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.orders WHERE deleted_at IS NULL")).isEqualTo(23);
        }
    }

    @BothDatabases
    void registrationReadsTheScopesRefusesAMissingResourceScopeAndStatusSaysHistoryIsLimited(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = emulator(63);
             SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of("poll.interval.ms", "500",
                     "reconcile.interval.ms", "0")).start()) {
            EmulatedShop limited = emu.shops().get(0);
            EmulatedShop noProducts = emu.shops().get(1);
            EmulatorControl control = new EmulatorControl(emu);
            control.call("POST", "/_emulator/shops/" + limited.domain() + "/orders/create", "{\"count\":3}");
            control.call("PUT", "/_emulator/shops/" + limited.domain() + "/scopes", LIMITED);
            control.call("PUT", "/_emulator/shops/" + noProducts.domain() + "/scopes",
                    "{\"scopes\":[\"read_orders\",\"read_all_orders\",\"read_customers\"]}");

            // a shop without read_products is refused (nothing stored) unless the operator accepts it
            HttpResponse<String> refused = addShop(sync, noProducts, false);
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(refused.body()).path("error").asText())
                    .contains("read_products").contains("products cannot be read").contains("acceptMissingScopes");
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.shops")).isZero();
            HttpResponse<String> accepted = addShop(sync, noProducts, true);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(201);
            assertThat(JSON.readTree(accepted.body()).path("warnings").toString()).contains("read_products");

            // without read_all_orders: a warning, and the shop is added
            HttpResponse<String> added = addShop(sync, limited, false);
            assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
            JsonNode body = JSON.readTree(added.body());
            assertThat(body.path("accessScopes").toString()).isEqualTo("[\"read_customers\",\"read_orders\",\"read_products\"]");
            assertThat(body.path("warnings").toString()).contains("orders history is limited to the last 60 days");

            // the import takes what the shop shows: the 3 recent orders
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(limited.domain()));
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.orders WHERE shop_domain = '" + limited.domain() + "'")).isEqualTo(3);

            // accounts list, status and the status page say so
            Account listed = new Accounts(sync.db(), sync.cipher()).list().stream()
                    .filter(a -> a.shopDomain().equals(limited.domain())).findFirst().orElseThrow();
            assertThat(listed.accessScopes().handles()).containsExactly("read_customers", "read_orders", "read_products");
            StatusReport.ShopAccess access = new StatusReport(sync.db(), Catalog.load(), Clock.systemUTC()).build().shops().stream()
                    .filter(a -> a.shop().equals(limited.domain())).findFirst().orElseThrow();
            assertThat(String.join(" ", access.notes())).contains("orders history is limited to the last 60 days")
                    .contains("read_all_orders");
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(sync.httpBase() + "/status/data"))
                    .header("Authorization", "Bearer test-admin-token").build(), HttpResponse.BodyHandlers.ofString());
            JsonNode shops = JSON.readTree(page.body()).path("shops");
            JsonNode limitedShop = shops.get(0).path("shop").asText().equals(limited.domain()) ? shops.get(0) : shops.get(1);
            assertThat(limitedShop.path("notes").toString()).contains("orders history is limited to the last 60 days");
            assertThat(limitedShop.path("accessScopes").toString()).doesNotContain("read_all_orders").contains("read_orders");
        }
    }

    private HttpResponse<String> addShop(SyncHarness sync, EmulatedShop shop, boolean acceptMissingScopes) throws Exception {
        String body = JSON.writeValueAsString(Map.of("shop", shop.domain(), "token", shop.accessToken(), "apiUrl", shop.adminUrl(),
                "allowInsecureApiUrl", true, "acceptMissingScopes", acceptMissingScopes));
        return http.send(HttpRequest.newBuilder(URI.create(sync.httpBase() + "/admin/shops"))
                .header("Authorization", "Bearer test-admin-token").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
