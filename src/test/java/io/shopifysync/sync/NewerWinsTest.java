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
import io.shopifysync.testing.RouteFiles;
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
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The newer-wins upserts of import, poll and webhooks (the poll's through routes/writes.yaml): stale data never wins, tombstones stay down. */
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

    /**
     * routes/poll.yaml's write-poll-page with routes/writes.yaml on the database, then the count step the poll loop runs
     * after it; the metrics' rows_upserted_total in {@link #counted}.
     */
    private final class PollPageRoute implements AutoCloseable {
        final DefaultCamelContext camel = new DefaultCamelContext();
        final java.util.concurrent.atomic.AtomicInteger counted = new java.util.concurrent.atomic.AtomicInteger();
        final PageWrites pageWrites;

        PollPageRoute(Database db, Fixture f) throws Exception {
            Upserts upserts = new Upserts(catalog, db.dialect(), new SyncEvents() {
                @Override
                public void rowsUpserted(String shop, String table, int rows) {
                    counted.addAndGet(rows);
                }
            });
            pageWrites = new PageWrites(catalog, upserts, db.sql(), f.state());
            DataSourceTransactionManager transactions = new DataSourceTransactionManager(db.dataSource());
            camel.getRegistry().bind("dataSource", db.dataSource());
            camel.getRegistry().bind("PROPAGATION_REQUIRED", new SpringTransactionPolicy(new TransactionTemplate(transactions)));
            camel.getRegistry().bind("pageWrites", pageWrites);
            camel.getPropertiesComponent().addInitialProperty("db.dialect", db.dialect().name().toLowerCase(java.util.Locale.ROOT));
            RouteFiles.load(camel, "poll.yaml", "writes.yaml");
            camel.start();
        }

        void write(Resource r, Pager.Page page) {
            Exchange done = camel.createProducerTemplate().request("direct:write-poll-page", e -> {
                e.setProperty("shop", SHOP);
                e.setProperty("resource", r.name());
                e.setProperty(PageReads.MAX_UPDATED_AT, page.maxUpdatedAt());
                e.setProperty(PageReads.ROOTS, (long) page.roots());
                e.getMessage().setBody(page);
            });
            if (done.getException() != null) {
                throw new IllegalStateException(done.getException());
            }
            pageWrites.committed(done);
        }

        @Override
        public void close() throws Exception {
            camel.close();
        }
    }

    @BothDatabases
    void rowsAreCountedInTheMetricsOnlyWhenTheirTransactionCommits(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open()) {
            Fixture f = fixture(db);
            try (PollPageRoute route = new PollPageRoute(db, f)) {
                Pager.Page good = page(products, 1, "2026-01-01T00:00:00Z", "a", 11, 12);
                List<Row> failing = new ArrayList<>(good.rows());
                // the product's batch is written, then its variants' fails in the database: the page rolls back
                Row variant = failing.remove(failing.size() - 1);
                List<Object> values = new ArrayList<>(variant.values());
                values.set(values.size() - 2, "not a quantity");
                failing.add(new Row(variant.table(), variant.id(), variant.parentId(), variant.updatedAt(), values, variant.data()));
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> route.write(products,
                        new Pager.Page(failing, List.of(1L), null, false, good.maxUpdatedAt())));
                assertThat(title(db, 1)).as("rolled back").isNull();
                assertThat(f.state().pollState(SHOP, "products").orElseThrow().highWaterMark()).as("the mark with it").isNull();
                assertThat(route.counted.get()).as("rows of a rolled-back batch are not counted").isZero();
                route.write(products, good); // the retry
                assertThat(route.counted.get()).as("the product and its two variants, once").isEqualTo(3);
            }
        }
    }

    @BothDatabases
    void aStaleRowIsNeitherWrittenNorCounted(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open()) {
            Fixture f = fixture(db);
            try (PollPageRoute route = new PollPageRoute(db, f)) {
                route.write(products, page(products, 1, "2026-01-02T00:00:00Z", "second"));
                route.counted.set(0);
                Pager.Page stale = page(products, 1, "2026-01-01T00:00:00Z", "first, read late");
                Pager.Page fresh = page(products, 2, "2026-01-01T00:00:00Z", "new");
                List<Row> rows = new ArrayList<>(stale.rows());
                rows.addAll(fresh.rows());
                route.write(products, new Pager.Page(rows, List.of(1L, 2L), null, false, fresh.maxUpdatedAt()));
                assertThat(title(db, 1)).isEqualTo("second");
                assertThat(title(db, 2)).isEqualTo("new");
                assertThat(route.counted.get()).as("only the new product").isEqualTo(1);
            }
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
            try (PollPageRoute route = new PollPageRoute(db, f)) {
                route.write(products, page(products, 1, "2026-01-01T00:00:00Z", "p", 10, 11, 12));
                route.write(products, page(products, 1, "2026-01-02T00:00:00Z", "p", 10, 12, 13));
            }
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
