package io.shopifysync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopifysync.db.Database;
import io.shopifysync.db.Dialect;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.CliProcess;
import io.shopifysync.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** {@code dlq list|replay|discard} as a user runs it: a separate JVM pointed at the test database by DB_URL. */
class DlqCommandTest {

    private static final String A = "alpha.myshopify.com";
    private static final String B = "beta.myshopify.com";

    @TempDir
    Path dataDir;

    private CliProcess.Result run(TestDatabase tdb, String... args) throws Exception {
        return CliProcess.run(dataDir, CliProcess.envFor(tdb), args);
    }

    private static void execute(Database db, String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String one(Database db, String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        }
    }

    private static void deadInbox(Database db, long id, String shop) throws Exception {
        execute(db, "INSERT INTO shopify.webhook_inbox (id, event_key, topic, shop_domain, object_id, headers, body, received_at,"
                + " status, attempts, claimed_at, last_error) VALUES (" + id + ", 'ev-" + id + "', 'orders/updated', '" + shop
                + "', 42, '{}', '{\"id\":42}', CURRENT_TIMESTAMP, 'DEAD', 5, CURRENT_TIMESTAMP, 'orders/updated: boom')");
    }

    private static void deadLetter(Database db, long id, String shop, String source, String reason, Long inboxId) throws Exception {
        execute(db, "INSERT INTO shopify.dead_letters (id, shop_domain, source, resource, reason, payload, created_at, inbox_id)"
                + " VALUES (" + id + ", '" + shop + "', '" + source + "', 'orders', '" + reason + "', '{}', CURRENT_TIMESTAMP, "
                + inboxId + ")");
    }

    /** The data lines of a list (the header and blank lines left out), by their first cell, the id. */
    private static List<String> ids(String listOutput) {
        return listOutput.lines().skip(1).filter(l -> !l.isBlank()).map(l -> l.split("\\s+")[0]).toList();
    }

    @BothDatabases
    void listReplayAndDiscard(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect, dataDir); Database db = tdb.open()) {
            CliProcess.Result empty = run(tdb, "dlq", "list");
            assertThat(empty.exitCode()).as(empty.err()).isZero();
            assertThat(empty.out()).contains("no dead letters");

            deadInbox(db, 100, A);
            deadInbox(db, 101, B);
            deadLetter(db, 1, A, "webhook-process", "orders/updated: the order vanished", 100L);
            deadLetter(db, 2, A, "bulk-ingest", "malformed JSONL line 7", null);
            deadLetter(db, 3, B, "webhook-process", "orders/updated: rejected", 101L);
            deadLetter(db, 4, B, "bulk-ingest", "malformed JSONL line 9", null);

            CliProcess.Result list = run(tdb, "dlq", "list");
            assertThat(list.exitCode()).as(list.err()).isZero();
            assertThat(list.out().lines().findFirst().orElseThrow())
                    .contains("ID", "SHOP", "SOURCE", "RESOURCE", "REASON", "CREATED", "REPLAYED", "DISCARDED");
            assertThat(ids(list.out())).containsExactly("1", "2", "3", "4");
            assertThat(list.out()).contains(A, B, "webhook-process", "bulk-ingest", "malformed JSONL line 7", "orders");
            CliProcess.Result onlyB = run(tdb, "dlq", "list", "--shop", "Beta.myshopify.com");
            assertThat(ids(onlyB.out())).containsExactly("3", "4");

            // a webhook dead letter: its delivery is NEW again with no attempts, and the letter is marked replayed
            CliProcess.Result replay = run(tdb, "dlq", "replay", "--id", "1");
            assertThat(replay.exitCode()).as(replay.err()).isZero();
            assertThat(replay.out()).contains("replayed dead letter 1");
            assertThat(one(db, "SELECT status FROM shopify.webhook_inbox WHERE id = 100")).isEqualTo("NEW");
            assertThat(one(db, "SELECT attempts FROM shopify.webhook_inbox WHERE id = 100")).isEqualTo("0");
            assertThat(one(db, "SELECT COUNT(*) FROM shopify.webhook_inbox WHERE id = 100 AND claimed_at IS NULL"
                    + " AND last_error IS NULL")).isEqualTo("1");
            assertThat(one(db, "SELECT COUNT(*) FROM shopify.dead_letters WHERE id = 1 AND replayed_at IS NOT NULL")).isEqualTo("1");
            assertThat(one(db, "SELECT status FROM shopify.webhook_inbox WHERE id = 101")).as("other rows untouched").isEqualTo("DEAD");
            CliProcess.Result listed = run(tdb, "dlq", "list", "--shop", A);
            assertThat(listed.out().lines().filter(l -> l.startsWith("1 ")).findFirst().orElseThrow())
                    .matches(".*\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ\\s+-$");

            CliProcess.Result again = run(tdb, "dlq", "replay", "--id", "1");
            assertThat(again.exitCode()).isEqualTo(2);
            assertThat(again.err()).contains("replayed already");

            // from the bulk import: nothing stored to run again, said plainly, nothing changed
            CliProcess.Result notReplayable = run(tdb, "dlq", "replay", "--id", "2");
            assertThat(notReplayable.exitCode()).isEqualTo(2);
            assertThat(notReplayable.err()).contains("dead letter 2", "cannot be replayed automatically", "bulk-ingest",
                    "did not come from a stored webhook delivery");
            assertThat(one(db, "SELECT COUNT(*) FROM shopify.dead_letters WHERE id = 2 AND replayed_at IS NULL")).isEqualTo("1");

            for (String command : new String[] {"replay", "discard"}) {
                CliProcess.Result unknown = run(tdb, "dlq", command, "--id", "999");
                assertThat(unknown.exitCode()).as(command).isEqualTo(2);
                assertThat(unknown.err()).as(command).contains("no dead letter with id 999");
            }
            CliProcess.Result neither = run(tdb, "dlq", "replay");
            assertThat(neither.exitCode()).isEqualTo(2);
            assertThat(neither.err()).contains("--id", "--all");

            CliProcess.Result discard = run(tdb, "dlq", "discard", "--id", "2");
            assertThat(discard.exitCode()).as(discard.err()).isZero();
            assertThat(discard.out()).contains("discarded dead letter 2");
            assertThat(ids(run(tdb, "dlq", "list").out())).containsExactly("1", "3", "4");
            assertThat(ids(run(tdb, "dlq", "list", "--all").out())).containsExactly("1", "2", "3", "4");
            CliProcess.Result discardedReplay = run(tdb, "dlq", "replay", "--id", "2");
            assertThat(discardedReplay.exitCode()).isEqualTo(2);
            assertThat(discardedReplay.err()).contains("discarded");

            // --all: what can be replayed is, the rest is named with the reason
            CliProcess.Result all = run(tdb, "dlq", "replay", "--all", "--shop", B);
            assertThat(all.exitCode()).as(all.err()).isZero();
            assertThat(all.out()).contains("replayed dead letter 3", "skipped: dead letter 4", "replayed 1, skipped 1");
            assertThat(one(db, "SELECT status FROM shopify.webhook_inbox WHERE id = 101")).isEqualTo("NEW");

            CliProcess.Result everyShop = run(tdb, "dlq", "discard", "--all");
            assertThat(everyShop.exitCode()).isEqualTo(2);
            assertThat(everyShop.err()).contains("needs --shop");
            assertThat(one(db, "SELECT COUNT(*) FROM shopify.dead_letters WHERE discarded_at IS NOT NULL")).isEqualTo("1");

            CliProcess.Result discardB = run(tdb, "dlq", "discard", "--all", "--shop", B);
            assertThat(discardB.exitCode()).as(discardB.err()).isZero();
            assertThat(discardB.out()).contains("discarded 2 dead letters of " + B);
            assertThat(run(tdb, "dlq", "list", "--shop", B).out()).contains("no dead letters for " + B);
            assertThat(ids(run(tdb, "dlq", "list").out())).containsExactly("1");
        }
    }
}
