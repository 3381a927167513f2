package io.shopifysync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.shopifysync.db.Dialect;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.testing.AppProcess;
import io.shopifysync.testing.EmulatorControl;
import io.shopifysync.testing.SyncHarness;
import io.shopifysync.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the application while a COPY batch's transaction is open on PostgreSQL (its rows COPYed into the staging
 * tables, its orders upserted, its line items waiting on a lock the test holds, its progress not yet committed): the
 * next process resumes the download at the last committed byte offset and the database ends equal to the store, no row
 * missing, none twice.
 */
class CopyBatchKillIntegrationTest {

    @TempDir
    Path dataDir;

    /** A backend of the app's database inside a bulk batch's transaction: staging created, COPY or upsert under way. */
    private static final String MID_COPY_BATCH = "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
            + " AND pid <> pg_backend_pid() AND xact_start IS NOT NULL AND (query LIKE 'COPY pg_temp.staged_%' OR query LIKE '%FROM pg_temp.staged_%'"
            + " OR query LIKE 'CREATE TEMPORARY TABLE IF NOT EXISTS pg_temp.staged_%')";
    /** The batch's set-based upsert of line items, after its COPY, waiting for the lock the test holds. */
    private static final String UPSERT_WAITING = "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
            + " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock' AND query LIKE '%FROM pg_temp.staged_order_line_items%'";

    @Test
    void aKillDuringACopyBatchResumesWithoutMissingOrDuplicateRows() throws Exception {
        String masterKey = SyncHarness.newMasterKey();
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(11).orders(4000).products(0).customers(0)
                .plan("plus").timeScale(0).start();
             SyncHarness sync = new SyncHarness(TestDatabase.create(Dialect.POSTGRESQL, dataDir), dataDir,
                     Map.of("shopify.sync.master.key", masterKey))) {
            EmulatedShop shop = emu.shops().get(0);
            sync.register(shop);
            Map<String, String> env = sync.processEnv();
            env.put("IMPORT_INTERVAL_MS", "200");
            env.put("IMPORT_BULK_COPY", "true"); // the COPY path (KillResumeIntegrationTest kills the JDBC batch path)
            env.put("IMPORT_BATCH_SIZE", "200"); // many small batches: the kill lands inside one
            Path log = Files.createTempFile(dataDir, "app", ".log");

            AppProcess first = AppProcess.start(env, log);
            await().atMost(Duration.ofSeconds(180)).until(() -> sync.count("SELECT COUNT(*) FROM shopify.order_line_items") > 0);
            try (Connection lock = sync.db().dataSource().getConnection(); Statement st = lock.createStatement()) {
                // inserts into line items wait from now on: the next batch stops inside its transaction, after its COPY
                lock.setAutoCommit(false);
                st.execute("LOCK TABLE shopify.order_line_items IN SHARE MODE");
                await().atMost(Duration.ofSeconds(120)).until(() -> sync.count(UPSERT_WAITING) > 0);
                first.kill();
                lock.rollback();
            }
            long committedOffset = sync.count("SELECT MAX(bulk_bytes_done) FROM shopify.sync_state WHERE shop_domain = '"
                    + shop.domain() + "'");
            assertThat(sync.allIncremental(shop.domain())).as("killed mid-import").isFalse();
            // the killed batch's transaction ends with its connection (PostgreSQL rolls it back when it sees the socket close)
            await().atMost(Duration.ofSeconds(30)).until(() -> sync.count(MID_COPY_BATCH) == 0);

            try (AppProcess second = AppProcess.start(env, log)) {
                await().atMost(Duration.ofSeconds(120)).until(() -> sync.allIncremental(shop.domain()));
                assertThat(sync.databaseDigest(shop.domain())).isEqualTo(SyncHarness.emulatorDigest(emu, shop.domain()));
            }
            assertThat(committedOffset).as("batches before the killed one had committed").isPositive();
            assertThat(resumedDownloads(emu, shop, committedOffset)).as("a download resumed at a committed offset").isPositive();
        }
    }

    private static int resumedDownloads(ShopifyEmulator emu, EmulatedShop shop, long atLeast) {
        int n = 0;
        for (JsonNode d : new EmulatorControl(emu).call("GET", "/_emulator/shops/" + shop.domain() + "/bulk/downloads", null)
                .path("downloads")) {
            n += d.path("offset").asLong(0) > 0 && d.path("status").asInt() == 206 ? 1 : 0;
        }
        return n;
    }
}
