package io.shopifysync.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.MasterKey;
import io.shopifysync.accounts.TokenCipher;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.db.Database;
import io.shopifysync.db.Dialect;
import io.shopifysync.db.Jdbc;
import io.shopifysync.lifecycle.ShopData;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.TestDatabase;
import io.shopifysync.webhooks.InboxGroupCommit.Delivery;
import io.shopifysync.webhooks.InboxGroupCommit.Outcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The intake's group commit on both databases: outcomes per delivery, one bad delivery failing alone, races. */
class InboxGroupCommitTest {

    private static final String SHOP = "a.myshopify.com";
    private static final String STRANGER = "stranger.myshopify.com";

    private static Delivery delivery(String shop, String event, String topic) {
        return new Delivery(shop, event, "wh-" + event, topic, 1L, OffsetDateTime.parse("2026-11-26T10:00:00.123456-05:00"),
                null, "2026-10", "{}", "{\"id\":1}", OffsetDateTime.now(ZoneOffset.UTC));
    }

    private static InboxGroupCommit groupCommit(Database db, int writers, int capacity) throws Exception {
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(db.dataSource()));
        InsertOnceIdempotentRepository repo = new InsertOnceIdempotentRepository(db.dataSource(), tx, db.sql(), "webhook-intake");
        repo.start();
        return new InboxGroupCommit(db.dataSource(), db.sql(), repo, tx, writers, 200, capacity);
    }

    private static void register(Database db) throws Exception {
        new Accounts(db, new TokenCipher(MasterKey.fromBase64(Base64.getEncoder().encodeToString(new byte[32])))).add(SHOP, "t", null);
    }

    private static long count(Database db, String sql) throws Exception {
        try (var c = db.dataSource().getConnection(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void sqlDelete(Database db) throws Exception {
        try (var c = db.dataSource().getConnection(); var s = c.createStatement()) {
            s.executeUpdate("DELETE FROM shopify.webhook_inbox");
            s.executeUpdate("DELETE FROM shopify.camel_messageprocessed");
        }
    }

    /** Writes {@code deliveries} as one batch, as a writer would, and returns each outcome or its exception. */
    private static List<Object> writeOneBatch(InboxGroupCommit inbox, List<Delivery> deliveries) {
        List<Object> results = new ArrayList<>();
        for (CompletableFuture<Outcome> f : inbox.writeAsOneBatch(deliveries)) {
            assertThat(f).isDone();
            results.add(f.handle((outcome, e) -> outcome != null ? outcome : e).join());
        }
        return results;
    }

    @BothDatabases
    void oneBatchAnswersEachDeliveryOnItsOwnAndABadOneFailsAlone(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open()) {
            register(db);
            InboxGroupCommit inbox = groupCommit(db, 1, 100);
            List<Delivery> clean = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                clean.add(delivery(SHOP, "c" + i, "orders/updated"));
            }
            clean.add(delivery(SHOP, "c0", "orders/updated"));
            assertThat(writeOneBatch(inbox, clean)).containsOnly(Outcome.STORED, Outcome.DUPLICATE);
            assertThat(inbox.transactions()).as("21 deliveries, one of them twice, in one transaction").isEqualTo(1);
            assertThat(inbox.batchesSplit()).isZero();
            sqlDelete(db);
            assertThat(writeOneBatch(inbox, List.of(delivery(SHOP, "e0", "orders/updated")))).containsExactly(Outcome.STORED);

            List<Object> outcomes = writeOneBatch(inbox, List.of(
                    delivery(SHOP, "e1", "orders/updated"),
                    delivery(SHOP, "e1", "orders/updated"),        // the same event twice in one batch
                    delivery(SHOP, "e0", "orders/updated"),        // stored by the earlier batch
                    delivery(STRANGER, "e2", "orders/updated"),    // not registered
                    delivery(SHOP, "e3", "t".repeat(200)),         // topic over VARCHAR(128): cannot be stored
                    delivery(SHOP, "e4", "customers/update")));

            assertThat(outcomes.subList(0, 4)).containsExactly(Outcome.STORED, Outcome.DUPLICATE, Outcome.DUPLICATE,
                    Outcome.UNREGISTERED);
            assertThat(outcomes.get(4)).isInstanceOf(Exception.class);
            assertThat(outcomes.get(5)).isEqualTo(Outcome.STORED);
            assertThat(inbox.batchesSplit()).as("the bad delivery split its batch").isEqualTo(1);
            assertThat(count(db, "SELECT COUNT(*) FROM shopify.webhook_inbox")).isEqualTo(3);
            assertThat(count(db, "SELECT COUNT(*) FROM shopify.webhook_inbox WHERE event_key IN ('e0', 'e1', 'e4')")).isEqualTo(3);
            // only stored deliveries keep a key: the refused and the failed one can be delivered again
            assertThat(count(db, "SELECT COUNT(*) FROM shopify.camel_messageprocessed")).isEqualTo(3);
            assertThat(count(db, "SELECT COUNT(*) FROM shopify.camel_messageprocessed WHERE messageid IN "
                    + "('stranger.myshopify.com/e2', 'a.myshopify.com/e3')")).isZero();
        }
    }

    @BothDatabases
    void concurrentDeliveriesWithDuplicatesAreStoredExactlyOnce(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open()) {
            register(db);
            InboxGroupCommit inbox = groupCommit(db, 2, 10_000);
            ExecutorService writers = Executors.newFixedThreadPool(2);
            ExecutorService senders = Executors.newFixedThreadPool(16);
            try {
                inbox.start(writers);
                int events = 600;
                List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
                List<String> keys = new ArrayList<>();
                // every event sent once, 30% of them twice more, from 16 threads at once
                for (int i = 0; i < events; i++) {
                    int copies = i % 10 < 3 ? 3 : 1;
                    for (int c = 0; c < copies; c++) {
                        String event = "e" + i;
                        keys.add(event);
                        outcomes.add(CompletableFuture.supplyAsync(() -> inbox.submit(delivery(SHOP, event, "orders/updated")), senders)
                                .thenCompose(f -> f));
                    }
                }
                Map<String, Integer> stored = new HashMap<>();
                for (int i = 0; i < outcomes.size(); i++) {
                    Outcome o = outcomes.get(i).get(30, TimeUnit.SECONDS);
                    assertThat(o).isIn(Outcome.STORED, Outcome.DUPLICATE);
                    if (o == Outcome.STORED) {
                        stored.merge(keys.get(i), 1, Integer::sum);
                    }
                }
                assertThat(stored).as("events stored; inbox rows %s, keys %s", count(db, "SELECT COUNT(*) FROM shopify.webhook_inbox"),
                        count(db, "SELECT COUNT(*) FROM shopify.camel_messageprocessed")).hasSize(events);
                assertThat(stored.values()).allMatch(n -> n == 1);
                assertThat(count(db, "SELECT COUNT(*) FROM shopify.webhook_inbox")).isEqualTo(events);
                assertThat(count(db, "SELECT COUNT(*) FROM shopify.camel_messageprocessed")).isEqualTo(events);
            } finally {
                inbox.stop();
                writers.shutdown();
                assertThat(writers.awaitTermination(10, TimeUnit.SECONDS)).as("writers end after stop").isTrue();
                senders.shutdownNow();
            }
        }
    }

    @BothDatabases
    void anIntakeDuringAPurgeOfItsShopStoresNothing(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open();
             Connection purge = db.dataSource().getConnection()) {
            register(db);
            InboxGroupCommit inbox = groupCommit(db, 1, 10);
            ExecutorService writers = Executors.newSingleThreadExecutor();
            try {
                inbox.start(writers);
                // a purge (shop/redact) has deleted the shop's row and not committed yet
                purge.setAutoCommit(false);
                try (Statement st = purge.createStatement()) {
                    st.executeUpdate("DELETE FROM shopify.shops WHERE shop_domain = '" + SHOP + "'");
                }
                CompletableFuture<Outcome> during = inbox.submit(delivery(SHOP, "e1", "orders/updated"));
                if (dialect == Dialect.POSTGRESQL) {
                    // refused at once (the route answers 503), not holding the writer for the purge's length
                    assertThatThrownBy(() -> during.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                            .hasMessageContaining("55P03"); // lock_not_available
                } else {
                    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(3)).until(() -> !during.isDone());
                }
                purge.commit();
                if (dialect == Dialect.H2) {
                    assertThat(during.get(10, TimeUnit.SECONDS)).isEqualTo(Outcome.UNREGISTERED);
                }
                assertThat(inbox.submit(delivery(SHOP, "e1", "orders/updated")).get(10, TimeUnit.SECONDS))
                        .isEqualTo(Outcome.UNREGISTERED);
                assertThat(count(db, "SELECT COUNT(*) FROM shopify.webhook_inbox")).isZero();
                assertThat(count(db, "SELECT COUNT(*) FROM shopify.camel_messageprocessed")).isZero();
            } finally {
                inbox.stop();
                writers.shutdown();
            }
        }
    }

    @BothDatabases
    void aPurgeWaitsForAnIntakeHoldingItsShopAndThenDeletesWhatItStored(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open();
             Connection intake = db.dataSource().getConnection()) {
            register(db);
            // an intake transaction that locked the shop's row and stored a delivery, not committed yet
            intake.setAutoCommit(false);
            try (PreparedStatement lock = intake.prepareStatement(db.sql().get("lock-registered-shops"))) {
                lock.setArray(1, intake.createArrayOf("varchar", new String[] {SHOP}));
                lock.executeQuery().close();
            }
            try (Statement st = intake.createStatement()) {
                st.executeUpdate("INSERT INTO shopify.webhook_inbox (event_key, topic, shop_domain, headers, body, received_at, status)"
                        + " VALUES ('e1', 'orders/updated', '" + SHOP + "', '{}', '{}', CURRENT_TIMESTAMP, 'NEW')");
            }
            ShopData shopData = new ShopData(new Jdbc(db), Catalog.load(), Clock.systemUTC());
            CompletableFuture<Map<String, Integer>> purged = CompletableFuture.supplyAsync(() -> shopData.purge(SHOP, "test"));
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(3)).until(() -> !purged.isDone());
            intake.commit();
            assertThat(purged.get(10, TimeUnit.SECONDS)).containsEntry("webhook_inbox", 1).containsEntry("shops", 1);
            assertThat(count(db, "SELECT COUNT(*) FROM shopify.webhook_inbox")).isZero();
        }
    }

    @BothDatabases
    void refusesAtOnceWhenStoppedOrFull(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open()) {
            register(db);
            InboxGroupCommit notStarted = groupCommit(db, 1, 10);
            assertThatThrownBy(() -> notStarted.submit(delivery(SHOP, "e1", "orders/updated")).get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RejectedExecutionException.class);

            InboxGroupCommit tiny = groupCommit(db, 1, 1);
            // started on a pool with no thread free, so nothing drains the queue of one
            ExecutorService busy = Executors.newSingleThreadExecutor();
            CompletableFuture<Void> block = new CompletableFuture<>();
            busy.execute(block::join);
            try {
                tiny.start(busy);
                CompletableFuture<Outcome> first = tiny.submit(delivery(SHOP, "e1", "orders/updated"));
                assertThatThrownBy(() -> tiny.submit(delivery(SHOP, "e2", "orders/updated")).get())
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RejectedExecutionException.class)
                        .hasMessageContaining("queue is full");
                block.complete(null);
                assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(Outcome.STORED);
            } finally {
                tiny.stop();
                busy.shutdown();
            }
            assertThat(count(db, "SELECT COUNT(*) FROM shopify.webhook_inbox")).isEqualTo(1);
        }
    }
}
