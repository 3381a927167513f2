package io.shopifysync.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shopifysync.db.Dialect;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.EmulatorControl;
import io.shopifysync.testing.SyncHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** Uninstall, then shop/redact: one shop's data goes, with an audit row; the other shop is untouched. */
class ShopRedactIntegrationTest {

    private static final String SECRET = "whsec_redact";

    @TempDir
    Path dataDir;

    @BothDatabases
    void uninstallStopsTheShopAndRedactDeletesOnlyItsData(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(2).seed(41).orders(8).products(3).customers(8)
                .plan("plus").clientSecret(SECRET).timeScale(0.01).start();
             SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of("shopify.client.secret", SECRET,
                     "webhook.process.interval.ms", "200", "poll.interval.ms", "500")).start()) {
            EmulatedShop gone = emu.shops().get(0);
            EmulatedShop kept = emu.shops().get(1);
            sync.register(gone);
            sync.register(kept);
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(gone.domain()) && sync.allIncremental(kept.domain()));
            EmulatorControl control = new EmulatorControl(emu);
            control.call("PUT", "/_emulator/webhooks/settings", "{\"complianceUrl\":\"" + sync.httpBase() + "/webhooks/shopify\"}");
            control.call("POST", "/_emulator/shops/" + gone.domain() + "/webhooks/subscriptions",
                    "{\"topic\":\"app/uninstalled\",\"uri\":\"" + sync.httpBase() + "/webhooks/shopify\"}");

            control.call("POST", "/_emulator/shops/" + gone.domain() + "/uninstall", "{\"redactDelayMs\":200000}");
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    sync.count("SELECT COUNT(*) FROM shopify.shops WHERE status = 'UNINSTALLED' AND shop_domain = '" + gone.domain() + "'") == 1);
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.orders WHERE shop_domain = '" + gone.domain() + "'"))
                    .as("uninstall keeps the data until shop/redact").isPositive();
            // polling stopped: once calls in flight have ended, no request reaches the shop for 2 s (four poll intervals)
            java.util.concurrent.atomic.AtomicInteger last = new java.util.concurrent.atomic.AtomicInteger(-1);
            await().during(Duration.ofMillis(2000)).atMost(Duration.ofSeconds(10)).until(() -> {
                int now = control.call("GET", "/_emulator/shops/" + gone.domain(), null).path("requests").asInt();
                return now == last.getAndSet(now);
            });

            control.call("POST", "/_emulator/shops/" + gone.domain() + "/compliance/shop-redact", null);
            await().atMost(Duration.ofSeconds(20)).until(() -> sync.count("SELECT COUNT(*) FROM shopify.redactions") == 1);
            for (String table : new String[] {"orders", "order_line_items", "products", "product_variants", "customers",
                    "order_transactions", "sync_state", "webhook_inbox", "dead_letters", "shops", "work_locks"}) {
                assertThat(sync.count("SELECT COUNT(*) FROM shopify." + table + " WHERE shop_domain = '" + gone.domain() + "'"))
                        .as(table).isZero();
            }
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.redactions WHERE shop_domain = '" + gone.domain()
                    + "' AND source = 'shop/redact'")).isEqualTo(1);
            assertThat(sync.databaseDigest(kept.domain())).as("the other shop is untouched")
                    .isEqualTo(SyncHarness.emulatorDigest(emu, kept.domain()));
        }
    }
}
