package io.shopifysync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.shopifysync.db.Dialect;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.testing.AppProcess;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.EmulatorControl;
import io.shopifysync.testing.SyncHarness;
import io.shopifysync.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the application while bulk operations run: the next process resumes the recorded
 * operations (it does not start new ones) and the database ends equal to the store.
 */
class KillResumeIntegrationTest {

    @TempDir
    Path dataDir;

    @BothDatabases
    void aKilledImportResumesTheRecordedBulkOperations(Dialect dialect) throws Exception {
        String masterKey = SyncHarness.newMasterKey();
        // the store is read slowly (400 objects/s), so the kill lands while its bulk operations run
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(3).orders(120).products(12).customers(60)
                .plan("plus").timeScale(1).bulkObjectsPerSecond(400).start();
             SyncHarness sync = new SyncHarness(TestDatabase.create(dialect, dataDir), dataDir,
                     Map.of("shopify.sync.master.key", masterKey))) {
            EmulatedShop shop = emu.shops().get(0);
            sync.register(shop);
            Map<String, String> env = sync.processEnv();
            env.put("IMPORT_INTERVAL_MS", "200");
            Path log = Files.createTempFile(dataDir, "app", ".log");

            try (AppProcess first = AppProcess.start(env, log)) { // closed (stopped) if the wait fails: no process left behind
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        sync.count("SELECT COUNT(*) FROM shopify.sync_state WHERE bulk_status IN ('CREATED', 'RUNNING')"
                                + " AND resource = 'orders'") == 1);
                first.kill();
            }
            assertThat(sync.allIncremental(shop.domain())).as("killed mid-import").isFalse();
            int operationsBefore = bulkOperations(emu, shop, "orders");

            try (AppProcess second = AppProcess.start(env, log)) {
                await().atMost(Duration.ofSeconds(90)).until(() -> sync.allIncremental(shop.domain()));
                assertThat(sync.databaseDigest(shop.domain())).isEqualTo(SyncHarness.emulatorDigest(emu, shop.domain()));
                assertThat(bulkOperations(emu, shop, "orders")).as("the recorded operation was resumed")
                        .isEqualTo(operationsBefore);
            }
        }
    }

    private static int bulkOperations(ShopifyEmulator emu, EmulatedShop shop, String connection) {
        int n = 0;
        for (JsonNode op : new EmulatorControl(emu).call("GET", "/_emulator/shops/" + shop.domain() + "/bulk", null)
                .path("bulkOperations")) {
            // the import's query reads the order's line items; a reconciliation reads ids only
            n += op.path("query").asText().contains("{ " + connection + " ") && op.path("query").asText().contains("lineItems") ? 1 : 0;
        }
        return n;
    }
}
