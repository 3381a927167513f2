package io.shopifysync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.MasterKey;
import io.shopifysync.accounts.TokenCipher;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.catalog.Resource;
import io.shopifysync.catalog.Row;
import io.shopifysync.catalog.RowMapper;
import io.shopifysync.db.Database;
import io.shopifysync.db.Dialect;
import io.shopifysync.db.Jdbc;
import io.shopifysync.routes.RouteHarness;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** The one write path of import, poll and webhooks: stale data never wins, tombstones stay down. */
class NewerWinsTest {

    private static final String SHOP = "acme.myshopify.com";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Catalog catalog = Catalog.load();
    private final Resource products = catalog.resource("products");

    private static Row product(long id, String updatedAt, String title, long... variants) throws Exception {
        StringBuilder v = new StringBuilder();
        for (long variant : variants) {
            v.append(v.length() == 0 ? "" : ",").append("{\"node\":{\"id\":\"gid://shopify/ProductVariant/").append(variant)
                    .append("\",\"title\":\"v\",\"price\":\"1.00\"}}");
        }
        return RowMapper.root(Catalog.load().resource("products"), JSON.readTree("{\"id\":\"gid://shopify/Product/" + id
                + "\",\"title\":\"" + title + "\",\"updatedAt\":\"" + updatedAt + "\",\"variants\":{\"edges\":[" + v + "]}}"));
    }

    private static Pager.Page page(Resource r, long id, String updatedAt, String title, long... variants) throws Exception {
        List<Row> rows = new ArrayList<>();
        rows.add(product(id, updatedAt, title));
        for (long variant : variants) {
            rows.add(RowMapper.child(r.children().get(0), id, JSON.readTree("{\"id\":\"gid://shopify/ProductVariant/" + variant
                    + "\",\"title\":\"v\",\"price\":\"1.00\"}")));
        }
        return new Pager.Page(rows, List.of(id), null, false, OffsetDateTime.parse(updatedAt));
    }

    private record Fixture(Jdbc jdbc, ResourceWriter writer, Upserts upserts, SyncStateStore state) {
    }

    private Fixture fixture(Database db) {
        Jdbc jdbc = new Jdbc(db);
        SyncStateStore state = new SyncStateStore(jdbc, Clock.systemUTC());
        new Accounts(db, new TokenCipher(MasterKey.fromBase64(Base64.getEncoder().encodeToString(new byte[32])))).add(SHOP, "t", null);
        state.ensureRows("products");
        Upserts upserts = new Upserts(catalog, db.dialect());
        return new Fixture(jdbc, new ResourceWriter(jdbc, upserts, state), upserts, state);
    }

    private static void write(Database db, Upserts upserts, Row row) throws Exception {
        try (Connection c = db.dataSource().getConnection()) {
            upserts.write(c, SHOP, List.of(row), OffsetDateTime.now());
        }
    }

    private static String title(Database db, long id) throws Exception {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT title, deleted_at FROM shopify.products WHERE shop_domain = ? AND id = ?")) {
            ps.setString(1, SHOP);
            ps.setLong(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) + (rs.getObject(2) == null ? "" : " (deleted)") : null;
            }
        }
    }

    @BothDatabases
    void rowsAreCountedInTheMetricsOnlyWhenTheirTransactionCommits(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open()) {
            Fixture f = fixture(db);
            java.util.concurrent.atomic.AtomicInteger counted = new java.util.concurrent.atomic.AtomicInteger();
            Upserts upserts = new Upserts(catalog, db.dialect(), new SyncEvents() {
                @Override
                public void rowsUpserted(String shop, String table, int rows) {
                    counted.addAndGet(rows);
                }
            });
            ResourceWriter writer = new ResourceWriter(f.jdbc(), upserts, f.state());
            Pager.Page good = page(products, 1, "2026-01-01T00:00:00Z", "a", 11, 12);
            List<Row> failing = new ArrayList<>(good.rows());
            failing.add(new Row("no_such_table", 2, null, OffsetDateTime.parse("2026-01-01T00:00:00Z"), List.of(), "{}"));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> writer.writeCurrent(SHOP, products,
                    new Pager.Page(failing, List.of(1L), null, false, good.maxUpdatedAt()), true)).hasMessageContaining("no_such_table");
            assertThat(title(db, 1)).as("rolled back").isNull();
            assertThat(counted.get()).as("rows of a rolled-back batch are not counted").isZero();
            writer.writeCurrent(SHOP, products, good, true); // the retry
            assertThat(counted.get()).as("the product and its two variants, once").isEqualTo(3);
        }
    }

    @BothDatabases
    void olderDataNeverOverwritesNewer(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open()) {
            Fixture f = fixture(db);
            write(db, f.upserts(), product(1, "2026-01-02T00:00:00Z", "second"));
            write(db, f.upserts(), product(1, "2026-01-01T00:00:00Z", "first, retried late"));
            assertThat(title(db, 1)).isEqualTo("second");
            write(db, f.upserts(), product(1, "2026-01-03T00:00:00Z", "third"));
            assertThat(title(db, 1)).isEqualTo("third");
            write(db, f.upserts(), product(1, "2026-01-03T00:00:00Z", "third, same second"));
            assertThat(title(db, 1)).as("an equally new live row is rewritten").isEqualTo("third, same second");
        }
    }

    @BothDatabases
    void aTombstoneIsNotResurrectedByAStaleRetry(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open()) {
            Fixture f = fixture(db);
            write(db, f.upserts(), product(1, "2026-01-02T00:00:00Z", "live"));
            assertThat(f.writer().tombstone(SHOP, "products", List.of(1L), OffsetDateTime.parse("2026-01-05T00:00:00Z"))).isEqualTo(1);
            write(db, f.upserts(), product(1, "2026-01-02T00:00:00Z", "retry of the last update"));
            write(db, f.upserts(), product(1, "2026-01-01T00:00:00Z", "older"));
            assertThat(title(db, 1)).isEqualTo("live (deleted)");
        }
    }

    @BothDatabases
    void aPolledParentReplacesItsChildren(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open()) {
            Fixture f = fixture(db);
            f.writer().writePolledPage(SHOP, products, page(products, 1, "2026-01-01T00:00:00Z", "p", 10, 11, 12));
            f.writer().writePolledPage(SHOP, products, page(products, 1, "2026-01-02T00:00:00Z", "p", 10, 12, 13));
            try (Connection c = db.dataSource().getConnection();
                 ResultSet rs = c.createStatement().executeQuery(
                         "SELECT id, deleted_at IS NULL FROM shopify.product_variants ORDER BY id")) {
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(rs.getLong(1) + (rs.getBoolean(2) ? " live" : " deleted"));
                }
                assertThat(rows).containsExactly("10 live", "11 deleted", "12 live", "13 live");
            }
            assertThat(f.state().pollState(SHOP, "products").orElseThrow().highWaterMark())
                    .isEqualTo(OffsetDateTime.parse("2026-01-02T00:00:00Z"));
        }
    }

    @BothDatabases
    void tombstonesArePurgedAfterTheirTime(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open()) {
            Fixture f = fixture(db);
            write(db, f.upserts(), product(1, "2026-01-02T00:00:00Z", "old tombstone"));
            write(db, f.upserts(), product(2, "2026-01-02T00:00:00Z", "fresh tombstone"));
            write(db, f.upserts(), product(3, "2026-01-02T00:00:00Z", "live"));
            f.writer().tombstone(SHOP, "products", List.of(1L), OffsetDateTime.now().minusDays(31));
            f.writer().tombstone(SHOP, "products", List.of(2L), OffsetDateTime.now().minusDays(1));
            // the purge-tombstones route of routes/maintenance.yaml, ticked by hand (its route test)
            try (RouteHarness h = RouteHarness.of("maintenance.yaml").property("purge.cron", "0 17 3 * * ?")
                    .bind("dataSource", db.dataSource())
                    .bind("tombstones", new Tombstones(f.jdbc().sql(), catalog, Clock.systemUTC(), Duration.ofDays(30)))
                    .tickedByHand("purge-tombstones").start()) {
                h.tick("purge-tombstones");
            }
            assertThat(title(db, 1)).isNull();
            assertThat(title(db, 2)).isEqualTo("fresh tombstone (deleted)");
            assertThat(title(db, 3)).isEqualTo("live");
        }
    }
}
