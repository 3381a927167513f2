package io.shopifysync.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.shopifysync.db.Database;
import io.shopifysync.db.Dialect;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.TestDatabase;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

class WorkLocksTest {

    private static final String SHOP = "locks.myshopify.com";

    @BothDatabases
    void aHeldShopAndResourceIsSkippedByEveryOtherClaimerUntilReleased(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open();
             HikariDataSource poolA = db.openSidePool("locks-a", 3, 1_000);
             HikariDataSource poolB = db.openSidePool("locks-b", 3, 1_000)) {
            // two pools stand for two processes
            WorkLocks a = new WorkLocks(poolA, db.sql());
            WorkLocks b = new WorkLocks(poolB, db.sql());

            Optional<WorkLocks.Claim> held = a.tryClaim(SHOP, "orders");
            assertThat(held).as("first claim, row created on first use").isPresent();
            long t0 = System.nanoTime();
            assertThat(b.tryClaim(SHOP, "orders")).as("held elsewhere: skipped").isEmpty();
            assertThat(a.tryClaim(SHOP, "orders")).as("held by another thread of the same process: skipped").isEmpty();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("skipping never waits for the holder")
                    .isLessThan(900);
            try (WorkLocks.Claim other = b.tryClaim(SHOP, "products").orElseThrow()) {
                assertThat(other.resource()).isEqualTo("products");
            }
            try (WorkLocks.Claim otherShop = b.tryClaim("other.myshopify.com", "orders").orElseThrow()) {
                assertThat(otherShop.shop()).isEqualTo("other.myshopify.com");
            }

            held.get().close();
            try (WorkLocks.Claim next = b.tryClaim(SHOP, "orders").orElseThrow()) {
                assertThat(next.shop()).isEqualTo(SHOP);
            }
        }
    }

    @BothDatabases
    void aRowHeldThroughAPurgeGoesWhenItsStepReleasesItAndARegisteredShopKeepsItsRow(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open();
             HikariDataSource pool = db.openSidePool("locks", 3, 1_000);
             java.sql.Connection c = db.dataSource().getConnection(); java.sql.Statement s = c.createStatement()) {
            WorkLocks locks = new WorkLocks(pool, db.sql());
            s.execute("INSERT INTO shopify.shops (shop_domain, api_url, access_token_enc, token_key_id, status, installed_at,"
                    + " created_at, updated_at) VALUES ('kept.myshopify.com', 'https://kept.myshopify.com', 'x', 'k1', 'INSTALLED',"
                    + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
            locks.tryClaim("kept.myshopify.com", "orders").orElseThrow().close();
            assertThat(rows(s, "kept.myshopify.com")).as("a registered shop's row stays for its next claim").isEqualTo(1);

            // the purged shop (no shops row any more) whose step held its lock while the purge skipped the row
            WorkLocks.Claim running = locks.tryClaim(SHOP, "orders").orElseThrow();
            try (java.sql.PreparedStatement purge = c.prepareStatement(db.sql().get("delete-shop-work-locks"))) {
                purge.setString(1, SHOP);
                purge.setString(2, SHOP);
                assertThat(purge.executeUpdate()).as("the purge skips the held row").isZero();
            }
            assertThat(rows(s, SHOP)).isEqualTo(1);
            running.close();
            assertThat(rows(s, SHOP)).as("gone once its step is done").isZero();
        }
    }

    private static long rows(java.sql.Statement s, String shop) throws java.sql.SQLException {
        try (java.sql.ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM shopify.work_locks WHERE shop_domain = '" + shop + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @BothDatabases
    void claimersRacingForANewRowGetItExactlyOnce(Dialect dialect) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(6);
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open();
             HikariDataSource pool = db.openSidePool("locks", 6, 2_000)) {
            WorkLocks locks = new WorkLocks(pool, db.sql());
            for (int round = 0; round < 5; round++) {
                String resource = "r" + round;
                java.util.List<Future<Optional<WorkLocks.Claim>>> claims = new java.util.ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    claims.add(threads.submit(() -> locks.tryClaim(SHOP, resource)));
                }
                // every claimer has answered before any claim is released
                java.util.List<WorkLocks.Claim> won = new java.util.ArrayList<>();
                for (Future<Optional<WorkLocks.Claim>> f : claims) {
                    f.get(10, TimeUnit.SECONDS).ifPresent(won::add);
                }
                won.forEach(WorkLocks.Claim::close);
                assertThat(won).as("round %d", round).hasSize(1);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @BothDatabases
    void aClaimWithNoFreeLockConnectionIsSkippedNotFailed(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open();
             HikariDataSource pool = db.openSidePool("locks", 1, 250)) {
            WorkLocks locks = new WorkLocks(pool, db.sql());
            try (WorkLocks.Claim held = locks.tryClaim(SHOP, "orders").orElseThrow()) {
                assertThat(locks.tryClaim(SHOP, "customers")).isEmpty();
            }
            assertThat(locks.tryClaim(SHOP, "customers")).isPresent().get().satisfies(WorkLocks.Claim::close);
        }
    }
}
