package io.shopifysync.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shopifysync.db.Dialect;
import io.shopifysync.testing.SyncHarness;
import io.shopifysync.testing.TestDatabase;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quartz on PostgreSQL is the clustered JDBC store in schema shopify: triggers survive a restart without failing
 * it, a changed interval takes effect, and triggers of routes that no longer exist are removed. H2 has none of it.
 */
class QuartzClusterIntegrationTest {

    @TempDir
    Path dataDir;

    @Test
    void postgresqlKeepsTriggersInTheDatabaseAndAppliesChangedIntervalsOnRestart() throws Exception {
        TestDatabase tdb = TestDatabase.create(Dialect.POSTGRESQL);
        try (SyncHarness first = new SyncHarness(tdb, dataDir, Map.of("quartz.clustered", "true", "poll.interval.ms", "60000", "sync.partitions", "2"))) {
            first.start();
            assertThat(pollTriggers(first)).contains("orders-p0 60000", "orders-p1 60000", "customers-p1 60000")
                    .noneMatch(t -> t.startsWith("orders "));
            assertThat(first.count("SELECT COUNT(*) FROM shopify.qrtz_scheduler_state WHERE sched_name = 'shopify-sync'"))
                    .as("this instance checked in").isEqualTo(1);
            assertThat(first.count("SELECT COUNT(*) FROM shopify.qrtz_job_details WHERE is_nonconcurrent"))
                    .as("stateful jobs: one instance at a time cluster-wide").isPositive();
            first.stop();
            assertThat(pollTriggers(first)).as("a stopped cluster member leaves the shared triggers").contains("orders-p0 60000");

            // the same database, restarted with another interval and one partition: no failure on the existing triggers
            try (SyncHarness second = new SyncHarness(tdb, dataDir, Map.of("quartz.clustered", "true", "poll.interval.ms", "45000", "sync.partitions", "1"))) {
                second.start();
                assertThat(pollTriggers(second)).contains("orders 45000", "customers 45000")
                        .as("stale partition triggers removed").noneMatch(t -> t.contains("-p"));
                second.stop();
            }
        }
    }

    @Test
    void stopsPromptlyWhenTheDatabaseIsGoneWhileAJobRuns() throws Exception {
        // a store that accepts the connection and never answers holds the import job; once the routes have stopped,
        // camel-quartz would wait for that job, and Quartz retries its completion until the database returns
        try (ServerSocket silentStore = new ServerSocket(0)) {
            SyncHarness sync = new SyncHarness(Dialect.POSTGRESQL, dataDir, Map.of("quartz.clustered", "true", "import.interval.ms", "100",
                    "camel.main.shutdown-timeout", "2")).start();
            sync.register("silent.myshopify.com", "shpat_" + "2".repeat(32),
                    "http://127.0.0.1:" + silentStore.getLocalPort() + "/admin/api/2026-10/graphql.json");
            await().atMost(Duration.ofSeconds(20)).until(() -> sync.count("SELECT COUNT(*) FROM shopify.qrtz_fired_triggers"
                    + " WHERE trigger_group = 'import' AND state = 'EXECUTING'") > 0);
            sync.stopDatabase();
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
                try {
                    sync.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(30)).until(stopped::isDone);
            assertThat(stopped).isNotCompletedExceptionally();
        }
    }

    @Test
    void h2SchedulesInMemoryAndHasNoQuartzTables() throws Exception {
        try (SyncHarness h2 = new SyncHarness(Dialect.H2, dataDir, Map.of())) {
            h2.start();
            assertThat(h2.count("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shopify'"
                    + " AND table_name LIKE 'qrtz%'")).isZero();
            assertThat(h2.count("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shopify'"
                    + " AND table_name = 'work_locks'")).isEqualTo(1);
        }
    }

    /** "name interval" of every trigger of group poll. */
    private static List<String> pollTriggers(SyncHarness h) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = h.db().dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT t.trigger_name, s.repeat_interval FROM shopify.qrtz_triggers t"
                     + " JOIN shopify.qrtz_simple_triggers s USING (sched_name, trigger_name, trigger_group)"
                     + " WHERE t.trigger_group = 'poll'")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getLong(2));
            }
        }
        return out;
    }
}
