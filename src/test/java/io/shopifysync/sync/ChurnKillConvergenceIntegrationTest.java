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
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;

/** Order and customer churn (creates, updates, deletes) across a killed and restarted import still converges. */
class ChurnKillConvergenceIntegrationTest {

    @TempDir
    Path dataDir;

    @BothDatabases
    void churnDuringAKilledImportConverges(Dialect dialect) throws Exception {
        String masterKey = SyncHarness.newMasterKey();
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(9).orders(300).products(12).customers(150)
                .plan("plus").timeScale(1).bulkObjectsPerSecond(300).start();
             SyncHarness sync = new SyncHarness(TestDatabase.create(dialect, dataDir), dataDir,
                     Map.of("shopify.sync.master.key", masterKey))) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatorControl control = new EmulatorControl(emu);
            String base = "/_emulator/shops/" + shop.domain();
            sync.register(shop);
            Map<String, String> env = sync.processEnv();
            env.put("IMPORT_INTERVAL_MS", "200");
            env.put("POLL_INTERVAL_MS", "2000");
            env.put("RECONCILE_INTERVAL_MS", "10000");
            Path log = Path.of("target", "churn-kill-" + dialect + ".log");
            Files.deleteIfExists(log);

            try (AppProcess first = AppProcess.start(env, log)) { // closed (stopped) if the wait fails: no process left behind
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        sync.count("SELECT COUNT(*) FROM shopify.sync_state WHERE bulk_status IN ('CREATED', 'RUNNING')") > 0);
                // ~50 customers deleted: about one order in ten used to change its transactions with its customer gone
                control.call("POST", base + "/orders/churn", "{\"createPerSecond\":2,\"updatePerSecond\":3,\"deletePerSecond\":1}");
                control.call("POST", base + "/customers/churn", "{\"createPerSecond\":2,\"updatePerSecond\":3,\"deletePerSecond\":5}");
                await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
                first.kill();
            }
            assertThat(sync.allIncremental(shop.domain())).as("killed mid-import").isFalse();

            try (AppProcess second = AppProcess.start(env, log)) {
                await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6)).until(() -> true);
                control.call("DELETE", base + "/orders/churn", null);
                control.call("DELETE", base + "/customers/churn", null);
                try {
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() ->
                            sync.allIncremental(shop.domain())
                                    && sync.databaseDigest(shop.domain()).equals(SyncHarness.emulatorDigest(emu, shop.domain())));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    System.out.println("db  " + sync.databaseDigest(shop.domain()));
                    System.out.println("emu " + SyncHarness.emulatorDigest(emu, shop.domain()));
                    dumpTransactionDiff(sync, control, shop);
                    throw e;
                }
            }
        }
    }

    private static void dumpTransactionDiff(SyncHarness sync, EmulatorControl control, EmulatedShop shop) throws Exception {
        Map<Long, String> emuTx = new TreeMap<>();
        Map<Long, String> emuOrders = new TreeMap<>();
        String after = null;
        do {
            JsonNode conn = control.graphql(shop.domain(), shop.accessToken(),
                    "query($after: String) { orders(first: 100, after: $after, sortKey: ID) { edges { node { id updatedAt createdAt "
                            + "transactions { id } } } pageInfo { hasNextPage endCursor } } }",
                    after == null ? "{}" : "{\"after\":\"" + after + "\"}").path("data").path("orders");
            for (JsonNode edge : conn.path("edges")) {
                JsonNode n = edge.path("node");
                long oid = id(n.path("id").asText());
                emuOrders.put(oid, n.path("updatedAt").asText() + " created " + n.path("createdAt").asText());
                for (JsonNode t : n.path("transactions")) {
                    emuTx.put(id(t.path("id").asText()), oid + "");
                }
            }
            after = conn.path("pageInfo").path("hasNextPage").asBoolean() ? conn.path("pageInfo").path("endCursor").asText() : null;
        } while (after != null);
        Map<Long, String> dbTx = new TreeMap<>();
        try (Connection c = sync.db().dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT t.id, t.order_id, t.deleted_at, o.deleted_at, o.updated_at, t.synced_at"
                     + " FROM shopify.order_transactions t LEFT JOIN shopify.orders o ON o.shop_domain = t.shop_domain"
                     + " AND o.id = t.order_id WHERE t.shop_domain = '" + shop.domain() + "'")) {
            while (rs.next()) {
                dbTx.put(rs.getLong(1), rs.getLong(2) + " txDeleted=" + rs.getString(3) + " orderDeleted=" + rs.getString(4)
                        + " orderUpdated=" + rs.getString(5) + " synced=" + rs.getString(6));
            }
        }
        for (Map.Entry<Long, String> e : emuTx.entrySet()) {
            String db = dbTx.get(e.getKey());
            if (db == null || db.contains("txDeleted=2") || !db.contains("orderDeleted=null")) {
                long oid = Long.parseLong(e.getValue());
                System.out.println("emu has tx " + e.getKey() + " of order " + oid + " (" + emuOrders.get(oid) + "), db: " + db);
            }
        }
        for (Map.Entry<Long, String> e : dbTx.entrySet()) {
            if (!emuTx.containsKey(e.getKey()) && e.getValue().contains("txDeleted=null") && e.getValue().contains("orderDeleted=null")) {
                System.out.println("db has live tx " + e.getKey() + " the store lacks: " + e.getValue()
                        + " emu order " + emuOrders.get(Long.parseLong(e.getValue().split(" ")[0])));
            }
        }
        try (Connection c = sync.db().dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT resource, phase, high_water_mark, bulk_started_at, last_poll_at FROM shopify.sync_state")) {
            while (rs.next()) {
                System.out.println(rs.getString(1) + " " + rs.getString(2) + " hwm=" + rs.getString(3) + " bulkStart="
                        + rs.getString(4) + " lastPoll=" + rs.getString(5));
            }
        }
    }

    private static long id(String gid) {
        return Long.parseLong(gid.substring(gid.lastIndexOf('/') + 1));
    }
}
