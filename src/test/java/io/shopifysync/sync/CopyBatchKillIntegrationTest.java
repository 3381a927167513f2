package io.shopifysync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the application while a bulk batch's transaction is open on PostgreSQL, on both of its ways in: the first
 * import's direct COPY, and the staged upsert a batch takes when rows of it are stored already. The test holds an
 * uncommitted row of an order in the middle of the file, so the batch that carries that order stops inside its
 * transaction, part of its rows written: in the COPY itself, or in the upsert from the staging table. The next process
 * resumes the download at the last committed byte offset and the database ends equal to the store, no row missing,
 * none twice.
 */
class CopyBatchKillIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    /** A backend of the app's database inside a bulk batch's transaction: a COPY, a staging table or an upsert under way. */
    private static final String MID_COPY_BATCH = "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
            + " AND pid <> pg_backend_pid() AND xact_start IS NOT NULL AND (query LIKE '%COPY shopify.%' OR query LIKE '%COPY pg_temp.staged_%'"
            + " OR query LIKE '%FROM pg_temp.staged_%' OR query LIKE '%CREATE TEMPORARY TABLE IF NOT EXISTS pg_temp.staged_%')";
    /** A batch's statement waiting for the test's transaction (the statements start with their SQL file's comment). */
    private static final String WAITING_FOR_THE_TEST = "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
            + " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock' AND query LIKE ";

    @Test
    void aKillInsideAFirstImportsDirectCopyResumesWithoutMissingOrDuplicateRows() throws Exception {
        killMidBatchAndResume(false, WAITING_FOR_THE_TEST + "'%COPY shopify.orders (%'");
    }

    @Test
    void aKillInsideAStagedUpsertOfStoredRowsResumesWithoutMissingOrDuplicateRows() throws Exception {
        killMidBatchAndResume(true, WAITING_FOR_THE_TEST + "'%FROM pg_temp.staged_orders%'");
    }

    /**
     * {@code storedBefore}: every order but the held one is stored already, older than the store's, so each batch's
     * direct COPY meets a stored row and the batch goes through staging.
     */
    private void killMidBatchAndResume(boolean storedBefore, String batchWaiting) throws Exception {
        String masterKey = SyncHarness.newMasterKey();
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(11).orders(4000).products(0).customers(0)
                .plan("plus").timeScale(0).start();
             SyncHarness sync = new SyncHarness(TestDatabase.create(Dialect.POSTGRESQL, dataDir), dataDir,
                     Map.of("shopify.sync.master.key", masterKey))) {
            EmulatedShop shop = emu.shops().get(0);
            sync.register(shop);
            List<Long> ids = orderIds(emu, shop);
            long held = ids.get(ids.size() / 2);
            if (storedBefore) {
                sync.execute("INSERT INTO shopify.orders (shop_domain, id, updated_at, synced_at, data) SELECT '" + shop.domain()
                        + "', id, TIMESTAMP WITH TIME ZONE '2001-01-01 00:00:00+00', CURRENT_TIMESTAMP, '{\"stale\":true}' FROM unnest(ARRAY["
                        + String.join(",", ids.stream().filter(id -> id != held).map(String::valueOf).toList()) + "]::BIGINT[]) AS id");
            }
            Map<String, String> env = sync.processEnv();
            env.put("IMPORT_INTERVAL_MS", "200");
            env.put("IMPORT_BULK_COPY", "true"); // the default, said because the test is about it
            env.put("IMPORT_BATCH_SIZE", "200"); // many small batches: the ones before the held order commit
            Path log = Files.createTempFile(dataDir, "app", ".log");

            try (Connection holder = sync.db().dataSource().getConnection(); Statement st = holder.createStatement()) {
                // the held order's key, inserted and not committed: the batch that carries it waits for this transaction
                holder.setAutoCommit(false);
                st.execute("INSERT INTO shopify.orders (shop_domain, id, updated_at, synced_at, data) VALUES ('" + shop.domain()
                        + "', " + held + ", CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, '{}')");
                try (AppProcess first = AppProcess.start(env, log)) { // closed (stopped) if the wait fails: no process left behind
                    await().atMost(Duration.ofSeconds(180)).until(() -> sync.count(batchWaiting) > 0);
                    first.kill();
                }
                holder.rollback();
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
            assertThat(committedOffset).as("batches before the held order's had committed").isPositive();
            assertThat(resumedDownloads(emu, shop, committedOffset)).as("a download resumed at a committed offset").isPositive();
        }
    }

    /** Every order's numeric id, in id order, paged through the emulator's Admin API as any app reads it. */
    private static List<Long> orderIds(ShopifyEmulator emu, EmulatedShop shop) throws Exception {
        EmulatorControl control = new EmulatorControl(emu);
        List<Long> ids = new ArrayList<>();
        String after = null;
        do {
            JsonNode page = control.graphql(shop.domain(), shop.accessToken(), "query($after: String) { orders(first: 250, "
                    + "after: $after) { pageInfo { hasNextPage endCursor } nodes { id } } }",
                    after == null ? null : "{\"after\":" + JSON.writeValueAsString(after) + "}").path("data").path("orders");
            page.path("nodes").forEach(n -> ids.add(Long.parseLong(n.path("id").asText().replaceAll(".*/", ""))));
            after = page.path("pageInfo").path("hasNextPage").asBoolean() ? page.path("pageInfo").path("endCursor").asText() : null;
        } while (after != null);
        assertThat(ids).as("orders listed").hasSize(4000).isSorted();
        return ids;
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
