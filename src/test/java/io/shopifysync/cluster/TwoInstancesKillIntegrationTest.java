package io.shopifysync.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shopifysync.db.Dialect;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.testing.AppProcess;
import io.shopifysync.testing.EmulatorControl;
import io.shopifysync.testing.FreePort;
import io.shopifysync.testing.SyncHarness;
import io.shopifysync.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances (separate JVMs) on one PostgreSQL share several stores' imports, polls and webhooks; one is
 * killed with SIGKILL mid-import under webhook load. The other takes its work over, every store's digest ends
 * equal to the emulator's, every delivery is stored once and processed, and the instances' own account of
 * their work (the work-lock log) shows no shop and resource worked on by two at the same time.
 */
class TwoInstancesKillIntegrationTest {

    private static final String SECRET = "whsec_two_instances";
    private static final String[] TOPICS = {"orders/create", "orders/updated", "orders/delete", "products/create",
            "products/update", "products/delete", "customers/create", "customers/update", "customers/delete"};
    private static final String[] CHURNED = {"orders", "customers"};
    private static final Pattern WORK = Pattern.compile("work (claimed|released) (\\S+) (\\S+) at (\\d+)");

    @TempDir
    Path dataDir;

    /** One claim of a shop and resource by one instance, in epoch millis; end = Long.MAX_VALUE while held. */
    record Hold(String instance, String key, long start, long end) {
    }

    @Test
    void theSurvivorFinishesEveryStoreAndNoWorkIsDoneTwiceAtOnce() throws Exception {
        String masterKey = SyncHarness.newMasterKey();
        // bulk results are read at 300 objects/s, so imports take seconds and the kill lands inside them
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(6).seed(9).orders(300).products(30)
                .customers(150).plan("plus").clientSecret(SECRET).timeScale(1).bulkObjectsPerSecond(300).start();
             SyncHarness sync = new SyncHarness(TestDatabase.create(Dialect.POSTGRESQL), dataDir,
                     Map.of("shopify.sync.master.key", masterKey))) {
            EmulatorControl control = new EmulatorControl(emu);
            int portA = FreePort.find();
            int portB = FreePort.find();
            for (EmulatedShop shop : emu.shops()) {
                sync.register(shop);
                // behind no load balancer: every event goes to both instances, a harsher test than one copy
                for (String topic : TOPICS) {
                    for (int port : new int[] {portA, portB}) {
                        control.call("POST", "/_emulator/shops/" + shop.domain() + "/webhooks/subscriptions",
                                "{\"topic\":\"" + topic + "\",\"uri\":\"http://127.0.0.1:" + port + "/webhooks/shopify\"}");
                    }
                }
            }
            // kept in target/ after the run: the two instances' logs side by side
            Path logA = Files.createDirectories(Path.of("target", "two-instances")).resolve("a.log");
            Path logB = logA.resolveSibling("b.log");
            Files.deleteIfExists(logA);
            Files.deleteIfExists(logB);
            long killedAt;
            try (AppProcess a = AppProcess.start(env(sync, portA), logA);
                 AppProcess b = AppProcess.start(env(sync, portB), logB)) {
                // mid-import, with both instances at work: a bulk operation runs, B has done work beside A, and A
                // holds a shop and resource
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() ->
                        sync.count("SELECT COUNT(*) FROM shopify.sync_state WHERE bulk_status IN ('CREATED', 'RUNNING')") > 0
                                && holds("B", logB, Long.MAX_VALUE).size() >= 10 && holds("A", logA, Long.MAX_VALUE).size() >= 10
                                && !openHolds(holds("A", logA, Long.MAX_VALUE)).isEmpty());
                for (EmulatedShop shop : emu.shops()) {
                    for (String resource : CHURNED) {
                        control.call("POST", "/_emulator/shops/" + shop.domain() + "/" + resource + "/churn",
                                "{\"createPerSecond\":1,\"updatePerSecond\":2,\"deletePerSecond\":0.5}");
                    }
                }
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                        sync.count("SELECT COUNT(*) FROM shopify.webhook_inbox") > 0);
                // the kill follows the read that saw A holding work at once: A's import steps are short, and a second
                // read (as this test once did) found them all released
                java.util.concurrent.atomic.AtomicReference<List<Hold>> open = new java.util.concurrent.atomic.AtomicReference<>(List.of());
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
                    open.set(openHolds(holds("A", logA, Long.MAX_VALUE)));
                    return !open.get().isEmpty();
                });
                List<Hold> heldByA = open.get();
                killedAt = System.currentTimeMillis();
                a.kill();
                boolean allDoneAtKill = true;
                for (EmulatedShop shop : emu.shops()) {
                    allDoneAtKill &= sync.allIncremental(shop.domain());
                }
                assertThat(allDoneAtKill).as("killed mid-import").isFalse();
                assertThat(heldByA).as("A was working when killed").isNotEmpty();

                // webhook load and changes go on against the survivor, then stop
                await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6)).until(() -> true);
                for (EmulatedShop shop : emu.shops()) {
                    for (String resource : CHURNED) {
                        control.call("DELETE", "/_emulator/shops/" + shop.domain() + "/" + resource + "/churn", null);
                    }
                }
                try {
                    await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                        for (EmulatedShop shop : emu.shops()) {
                            if (!sync.allIncremental(shop.domain())
                                    || !sync.databaseDigest(shop.domain()).equals(SyncHarness.emulatorDigest(emu, shop.domain()))) {
                                return false;
                            }
                        }
                        return true;
                    });
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    for (EmulatedShop shop : emu.shops()) {
                        System.out.println(shop.domain() + " db  " + sync.databaseDigest(shop.domain()));
                        System.out.println(shop.domain() + " emu " + SyncHarness.emulatorDigest(emu, shop.domain()));
                    }
                    sync.execute("SELECT 1");
                    try (var c = sync.db().dataSource().getConnection(); var st = c.createStatement();
                         var rs = st.executeQuery("SELECT shop_domain, resource, phase, bulk_status, rows_done, last_error,"
                                 + " next_attempt_at, last_poll_at FROM shopify.sync_state ORDER BY 1, 2")) {
                        while (rs.next()) {
                            System.out.println(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " "
                                    + rs.getString(4) + " " + rs.getLong(5) + " " + rs.getString(6) + " " + rs.getString(7)
                                    + " " + rs.getString(8));
                        }
                    }
                    throw e;
                }
                // deliveries A had claimed when it died are taken back once their claim is 2 minutes old
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() ->
                        sync.count("SELECT COUNT(*) FROM shopify.webhook_inbox WHERE status <> 'DONE'") == 0);
                assertThat(b.isAlive()).isTrue();
                List<Hold> byB = holds("B", logB, Long.MAX_VALUE);
                for (Hold h : heldByA) {
                    assertThat(byB).as("B took over %s, which A held when it died", h.key())
                            .anySatisfy(x -> assertThat(x.key().equals(h.key()) && x.start() >= killedAt).isTrue());
                }
            }

            List<Hold> all = new ArrayList<>(holds("A", logA, killedAt));
            all.addAll(holds("B", logB, Long.MAX_VALUE));
            assertThat(all.stream().filter(h -> h.instance().equals("A")).count()).as("A worked").isPositive();
            assertThat(all.stream().filter(h -> h.instance().equals("B") && h.start() < killedAt).count())
                    .as("B worked beside A before the kill").isPositive();
            assertThat(overlaps(all)).as("no shop and resource worked on by two at once").isEmpty();
            assertThat(sync.count("SELECT COUNT(*) FROM (SELECT event_key FROM shopify.webhook_inbox"
                    + " GROUP BY shop_domain, event_key HAVING COUNT(*) > 1) x")).as("no delivery stored twice").isZero();
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.webhook_inbox")).as("deliveries arrived").isPositive();
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.dead_letters")).isZero();
            // the same event arriving at both instances at once is stored by one and acknowledged by both
            assertThat(Files.readString(logA) + Files.readString(logB)).as("no delivery refused while the database was up")
                    .doesNotContain("answering 503");
        }
    }

    private static Map<String, String> env(SyncHarness sync, int port) {
        Map<String, String> env = sync.processEnv();
        env.put("SHOPIFY_CLIENT_SECRET", SECRET);
        env.put("HTTP_PORT", Integer.toString(port));
        env.put("IMPORT_INTERVAL_MS", "200");
        env.put("POLL_INTERVAL_MS", "2000");
        env.put("RECONCILE_INTERVAL_MS", "10000");
        env.put("SYNC_PARTITIONS", "4");
        env.put("QUARTZ_CLUSTER_CHECKIN_MS", "2000");
        env.put("WORK_LOCKS_LOG_LEVEL", "DEBUG");
        return env;
    }

    /** The instance's claims from its log; a claim never released ends at {@code openUntil}. */
    static List<Hold> holds(String instance, Path log, long openUntil) throws IOException {
        Map<String, Long> open = new TreeMap<>();
        List<Hold> out = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            Matcher m = WORK.matcher(line);
            if (!m.find()) {
                continue;
            }
            String key = m.group(2) + " " + m.group(3);
            long at = Long.parseLong(m.group(4));
            if (m.group(1).equals("claimed")) {
                open.put(key, at);
            } else {
                Long start = open.remove(key);
                if (start != null) {
                    out.add(new Hold(instance, key, start, at));
                }
            }
        }
        open.forEach((key, start) -> out.add(new Hold(instance, key, start, openUntil)));
        return out;
    }

    private static List<Hold> openHolds(List<Hold> holds) {
        return holds.stream().filter(h -> h.end() == Long.MAX_VALUE).toList();
    }

    /** Pairs of holds of one shop and resource whose times intersect. */
    static List<String> overlaps(List<Hold> holds) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < holds.size(); i++) {
            for (int j = i + 1; j < holds.size(); j++) {
                Hold x = holds.get(i);
                Hold y = holds.get(j);
                if (x.key().equals(y.key()) && x.start() < y.end() && y.start() < x.end()) {
                    out.add(x + " / " + y);
                }
            }
        }
        return out;
    }
}
