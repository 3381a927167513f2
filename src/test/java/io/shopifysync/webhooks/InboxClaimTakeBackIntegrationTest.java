package io.shopifysync.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shopifysync.db.Dialect;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.FreePort;
import io.shopifysync.testing.SyncHarness;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deliveries claimed by an instance that was killed are processed as soon as the cluster knows the instance is gone
 * (PostgreSQL: it has no row in Quartz's {@code qrtz_scheduler_state}; H2, one process: it is not this process), not
 * after the 2-minute claim timeout. On PostgreSQL a claim of an instance that is still checking in stays with it.
 */
class InboxClaimTakeBackIntegrationTest {

    private static final String SHOP = "take-back.myshopify.com";

    @TempDir
    Path dataDir;

    @BothDatabases
    void claimsOfAGoneInstanceAreProcessedWellWithinTheOldTwoMinuteWait(Dialect dialect) throws Exception {
        try (SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of("quartz.clustered", "true", "webhook.process.interval.ms", "200",
                "poll.interval.ms", "3600000", "import.interval.ms", "3600000"))) {
            // the shop's API is unreachable: a delete topic needs no call to it
            sync.register(SHOP, "shpat_take_back", "http://127.0.0.1:" + FreePort.find() + "/shops/" + SHOP);
            OffsetDateTime claimedAt = OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(10);
            long dead = claimed(sync, "ev-dead", 41, "killed-instance", claimedAt);
            long live = -1;
            if (dialect == Dialect.POSTGRESQL) {
                // another instance that checks in (far ahead, so no failure detection ever takes it for gone)
                sync.execute("INSERT INTO shopify.qrtz_scheduler_state (sched_name, instance_name, last_checkin_time,"
                        + " checkin_interval) VALUES ('shopify-sync', 'live-elsewhere', "
                        + (System.currentTimeMillis() + 3_600_000L) + ", 7500)");
                live = claimed(sync, "ev-live", 42, "live-elsewhere", claimedAt);
            }
            sync.start();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    "DONE".equals(status(sync, dead)));
            if (live >= 0) {
                assertThat(status(sync, live)).as("a claim of an instance still checking in").isEqualTo("CLAIMED");
            }
        }
    }

    private static long claimed(SyncHarness sync, String event, long objectId, String by, OffsetDateTime at) throws Exception {
        try (Connection c = sync.db().dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO shopify.webhook_inbox (event_key, topic, shop_domain, object_id, headers, body, received_at,"
                        + " status, attempts, claimed_at, claimed_by) VALUES (?, 'orders/delete', ?, ?, '{}', ?, ?, 'CLAIMED', 1, ?, ?)")) {
            ps.setString(1, event);
            ps.setString(2, SHOP);
            ps.setLong(3, objectId);
            ps.setString(4, "{\"id\":" + objectId + "}");
            ps.setObject(5, at);
            ps.setObject(6, at);
            ps.setString(7, by);
            ps.executeUpdate();
        }
        return sync.count("SELECT id FROM shopify.webhook_inbox WHERE event_key = '" + event + "'");
    }

    private static String status(SyncHarness sync, long id) throws Exception {
        return sync.texts("SELECT status FROM shopify.webhook_inbox WHERE id = " + id).get(0);
    }
}
