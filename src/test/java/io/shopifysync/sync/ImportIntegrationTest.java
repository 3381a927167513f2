package io.shopifysync.sync;

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

/** The first import as users run it: the real routes against the emulator, judged by the digest. */
class ImportIntegrationTest {

    @TempDir
    Path dataDir;

    private static ShopifyEmulator emulator(int seed) {
        return ShopifyEmulator.builder().port(0).shops(1).seed(seed).orders(40).products(12).customers(30)
                .plan("plus").timeScale(0.01).start();
    }

    @BothDatabases
    void aCleanImportEqualsTheStore(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = emulator(42); SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of()).start()) {
            EmulatedShop shop = emu.shops().get(0);
            sync.register(shop);
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain()));
            assertThat(sync.databaseDigest(shop.domain())).isEqualTo(SyncHarness.emulatorDigest(emu, shop.domain()));
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.product_variants")).isGreaterThanOrEqualTo(2048);
            assertThat(sync.count("SELECT MAX(c) FROM (SELECT COUNT(*) c FROM shopify.order_line_items GROUP BY order_id) x"))
                    .isEqualTo(300);
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.order_transactions WHERE kind = 'REFUND'")).isPositive();
        }
    }

    /** A shop synced before order_transactions joined the catalog gets it backfilled, and nothing else re-imported. */
    @BothDatabases
    void aResourceAddedToTheCatalogBackfillsForAnExistingShop(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = emulator(8); SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of()).start()) {
            EmulatedShop shop = emu.shops().get(0);
            sync.register(shop);
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain()));
            sync.stop();
            // the database as the previous release left it: no order_transactions rows, no sync_state for them
            sync.execute("DELETE FROM shopify.order_transactions");
            sync.execute("DELETE FROM shopify.sync_state WHERE resource = 'order_transactions'");
            EmulatorControl control = new EmulatorControl(emu);
            long transactionsBefore = bulkOperationsReading(control, shop, "transactions");
            long importsBefore = bulkOperationsReading(control, shop, "lineItems") + bulkOperationsReading(control, shop, "variants");

            sync.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain()));
            assertThat(sync.databaseDigest(shop.domain())).isEqualTo(SyncHarness.emulatorDigest(emu, shop.domain()));
            assertThat(bulkOperationsReading(control, shop, "transactions")).as("one bulk operation for the new resource")
                    .isEqualTo(transactionsBefore + 1);
            assertThat(bulkOperationsReading(control, shop, "lineItems") + bulkOperationsReading(control, shop, "variants"))
                    .as("nothing else re-imported").isEqualTo(importsBefore);
        }
    }

    /** Bulk operations of the shop whose query reads this field (reconciliations read ids only). */
    private static long bulkOperationsReading(EmulatorControl control, EmulatedShop shop, String field) {
        long n = 0;
        for (var op : control.call("GET", "/_emulator/shops/" + shop.domain() + "/bulk", null).path("bulkOperations")) {
            n += op.path("query").asText().contains(field) ? 1 : 0;
        }
        return n;
    }
}
