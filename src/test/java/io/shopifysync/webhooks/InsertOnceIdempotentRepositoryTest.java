package io.shopifysync.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shopifysync.db.Database;
import io.shopifysync.db.Dialect;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The intake's idempotent repository: add is one INSERT whose update count is the answer, on both databases. */
class InsertOnceIdempotentRepositoryTest {

    private static InsertOnceIdempotentRepository repository(Database db, TransactionTemplate tx, String processor) throws Exception {
        InsertOnceIdempotentRepository repo = new InsertOnceIdempotentRepository(db.dataSource(), tx, db.sql(), processor);
        repo.start();
        return repo;
    }

    private static int rows(Database db, String processor, String key) throws Exception {
        try (var c = db.dataSource().getConnection();
             var ps = c.prepareStatement("SELECT COUNT(*) FROM shopify.camel_messageprocessed WHERE processorname = ? AND messageid = ?")) {
            ps.setString(1, processor);
            ps.setString(2, key);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @BothDatabases
    void addIsTrueOnceThenFalseAndContainsRemoveClearStayCorrect(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open()) {
            TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(db.dataSource()));
            InsertOnceIdempotentRepository repo = repository(db, tx, "webhook-intake");
            InsertOnceIdempotentRepository other = repository(db, tx, "other");

            assertThat(repo.contains("a.myshopify.com/e1")).isFalse();
            assertThat(repo.add("a.myshopify.com/e1")).isTrue();
            assertThat(repo.add("a.myshopify.com/e1")).isFalse();
            assertThat(rows(db, "webhook-intake", "a.myshopify.com/e1")).isEqualTo(1);
            assertThat(repo.contains("a.myshopify.com/e1")).isTrue();
            assertThat(repo.confirm("a.myshopify.com/e1")).isTrue();
            // the same id under another processor is another key
            assertThat(other.add("a.myshopify.com/e1")).isTrue();

            assertThat(repo.remove("a.myshopify.com/e1")).isTrue();
            assertThat(repo.remove("a.myshopify.com/e1")).isFalse();
            assertThat(repo.contains("a.myshopify.com/e1")).isFalse();
            assertThat(repo.add("a.myshopify.com/e1")).isTrue();

            assertThat(repo.add("a.myshopify.com/e2")).isTrue();
            repo.clear();
            assertThat(repo.contains("a.myshopify.com/e1")).isFalse();
            assertThat(repo.contains("a.myshopify.com/e2")).isFalse();
            assertThat(other.contains("a.myshopify.com/e1")).as("clear keeps other processors' keys").isTrue();
        }
    }

    @BothDatabases
    void aDuplicateAddLeavesTheSurroundingTransactionUsable(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open()) {
            TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(db.dataSource()));
            InsertOnceIdempotentRepository repo = repository(db, tx, "webhook-intake");
            assertThat(repo.add("k")).isTrue();
            // a failed INSERT would abort a PostgreSQL transaction: the intake's inbox INSERT could not follow
            Boolean[] answers = tx.execute(status -> new Boolean[] {repo.add("k"), repo.add("k2"), repo.contains("k")});
            assertThat(answers).containsExactly(false, true, true);
            assertThat(repo.contains("k2")).isTrue();
        }
    }

    @BothDatabases
    void aKeyAddedInATransactionThatRollsBackIsGone(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open()) {
            TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(db.dataSource()));
            InsertOnceIdempotentRepository repo = repository(db, tx, "webhook-intake");
            Boolean added = tx.execute(status -> {
                boolean a = repo.add("k");
                status.setRollbackOnly();
                return a;
            });
            assertThat(added).isTrue();
            assertThat(repo.contains("k")).isFalse();
            assertThat(repo.add("k")).isTrue();
        }
    }

    @BothDatabases
    void concurrentAddsOfOneKeyAnswerTrueExactlyOnce(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open()) {
            TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(db.dataSource()));
            InsertOnceIdempotentRepository repo = repository(db, tx, "webhook-intake");
            int threads = 4;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                for (int k = 0; k < 25; k++) {
                    String key = "shop.myshopify.com/race-" + k;
                    CountDownLatch start = new CountDownLatch(1);
                    List<Future<Boolean>> adds = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        adds.add(pool.submit(() -> {
                            start.await();
                            return repo.add(key);
                        }));
                    }
                    start.countDown();
                    int trues = 0;
                    for (Future<Boolean> f : adds) {
                        trues += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
                    }
                    assertThat(trues).as(key).isEqualTo(1);
                    assertThat(rows(db, "webhook-intake", key)).isEqualTo(1);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @BothDatabases
    void anAddWaitsForTheTransactionHoldingTheKeyAndFollowsItsOutcome(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open()) {
            TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(db.dataSource()));
            InsertOnceIdempotentRepository repo = repository(db, tx, "webhook-intake");
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (boolean commit : new boolean[] {false, true}) {
                    String key = "shop.myshopify.com/held-" + commit;
                    CountDownLatch added = new CountDownLatch(1);
                    CountDownLatch finish = new CountDownLatch(1);
                    CompletableFuture<Boolean> holder = CompletableFuture.supplyAsync(() -> tx.execute(status -> {
                        boolean a = repo.add(key);
                        added.countDown();
                        try {
                            finish.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        if (!commit) {
                            status.setRollbackOnly();
                        }
                        return a;
                    }), pool);
                    assertThat(added.await(10, TimeUnit.SECONDS)).isTrue();
                    CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() -> repo.add(key), pool);
                    // the second add cannot answer while the first transaction may still go either way
                    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !second.isDone());
                    finish.countDown();
                    assertThat(holder.get(10, TimeUnit.SECONDS)).isTrue();
                    assertThat(second.get(10, TimeUnit.SECONDS)).as("second add after the first %s", commit ? "committed" : "rolled back")
                            .isEqualTo(!commit);
                    assertThat(rows(db, "webhook-intake", key)).isEqualTo(1);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
