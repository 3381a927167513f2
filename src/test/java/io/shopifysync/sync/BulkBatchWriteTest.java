package io.shopifysync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A bulk batch as {@link BulkIngest} writes it: on PostgreSQL by COPY into staging tables and one set-based upsert per
 * table, on H2 by JDBC batches; the same rules either way (newer-wins across and within batches, children replaced,
 * the progress in the same transaction), and COPY stores exactly what the row-by-row upsert stores.
 */
class BulkBatchWriteTest {

    private static final String SHOP = "acme.myshopify.com";
    private static final String OTHER_SHOP = "other.myshopify.com";
    private static final String OP = "gid://shopify/BulkOperation/9";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Catalog catalog = Catalog.load();
    private final Resource products = catalog.resource("products");
    private final Resource orders = catalog.resource("orders");

    private record Fixture(Jdbc jdbc, ResourceWriter writer, Upserts upserts, SyncStateStore state) {
        /** A batch of the products' bulk result; these tests have no value the database refuses. */
        void batch(List<Row> rows, long offset, long roots) {
            writer.writeBulkBatch(SHOP, "products", OP, rows, offset, roots, (row, reason) -> {
                throw new AssertionError("refused: " + reason);
            });
        }
    }

    private Fixture fixture(Database db) {
        Jdbc jdbc = new Jdbc(db);
        SyncStateStore state = new SyncStateStore(jdbc, Clock.systemUTC());
        Accounts accounts = new Accounts(db, new TokenCipher(MasterKey.fromBase64(Base64.getEncoder().encodeToString(new byte[32]))));
        accounts.add(SHOP, "t", null);
        accounts.add(OTHER_SHOP, "t", null);
        for (String r : List.of("products", "orders")) {
            state.ensureRows(r);
            state.bulkStarted(SHOP, r, OP, state.now(), null);
        }
        Upserts upserts = new Upserts(catalog, db.dialect());
        return new Fixture(jdbc, new ResourceWriter(jdbc, upserts, state), upserts, state);
    }

    private Row product(long id, String updatedAt, String title) throws Exception {
        return RowMapper.root(products, JSON.readTree("{\"id\":\"gid://shopify/Product/" + id + "\",\"title\":"
                + JSON.writeValueAsString(title) + ",\"updatedAt\":\"" + updatedAt + "\"}"));
    }

    private Row variant(long productId, long id, String title) throws Exception {
        return RowMapper.child(products.children().get(0), productId, JSON.readTree("{\"id\":\"gid://shopify/ProductVariant/"
                + id + "\",\"title\":" + JSON.writeValueAsString(title) + ",\"price\":\"1.50\"}"));
    }

    private static List<String> query(Database db, String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    b.append(i == 1 ? "" : " | ").append(rs.getString(i));
                }
                out.add(b.toString());
            }
            return out;
        }
    }

    @BothDatabases
    void anOlderRowInALaterBatchDoesNotOverwriteANewerOne(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open()) {
            Fixture f = fixture(db);
            f.batch(List.of(product(1, "2026-01-02T00:00:00Z", "newer"),
                    product(2, "2026-01-02T00:00:00Z", "two")), 100, 2);
            f.batch(List.of(product(1, "2026-01-01T00:00:00Z", "older, in a later batch"),
                    product(2, "2026-01-03T00:00:00Z", "two, newer")), 200, 2);
            assertThat(query(db, "SELECT id, title FROM shopify.products ORDER BY id"))
                    .containsExactly("1 | newer", "2 | two, newer");
            f.writer().tombstone(SHOP, "products", List.of(2L), OffsetDateTime.parse("2026-01-04T00:00:00Z"));
            f.batch(List.of(product(2, "2026-01-03T00:00:00Z", "two, stale retry")), 300, 1);
            assertThat(query(db, "SELECT title, CASE WHEN deleted_at IS NULL THEN 'live' ELSE 'deleted' END"
                    + " FROM shopify.products WHERE id = 2"))
                    .as("a tombstone is not resurrected by an equally new row").containsExactly("two, newer | deleted");
        }
    }

    @BothDatabases
    void theSameRootTwiceInOneBatchKeepsTheNewestAndChildrenTheLast(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open()) {
            Fixture f = fixture(db);
            f.batch(List.of(
                    product(1, "2026-01-02T00:00:00Z", "newest"), variant(1, 10, "first"),
                    product(1, "2026-01-01T00:00:00Z", "older, later in the file"), variant(1, 10, "last"),
                    product(3, "2026-01-05T00:00:00Z", "same second, first"), product(3, "2026-01-05T00:00:00Z", "same second, last")),
                    100, 3);
            assertThat(query(db, "SELECT id, title FROM shopify.products ORDER BY id"))
                    .containsExactly("1 | newest", "3 | same second, last");
            assertThat(query(db, "SELECT id, title FROM shopify.product_variants")).containsExactly("10 | last");
        }
    }

    @BothDatabases
    void aChildInALaterBatchReplacesItsStoredRow(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open()) {
            Fixture f = fixture(db);
            f.batch(List.of(product(1, "2026-01-02T00:00:00Z", "p"),
                    variant(1, 10, "v10 before"), variant(1, 11, "v11")), 100, 1);
            f.writer().tombstone(SHOP, "product_variants", List.of(10L), OffsetDateTime.parse("2026-01-03T00:00:00Z"));
            // a parent's children may span batches: each child line replaces its own stored row
            f.batch(List.of(variant(1, 10, "v10 after")), 200, 0);
            assertThat(query(db, "SELECT id, product_id, title, price, CASE WHEN deleted_at IS NULL THEN 'live' ELSE 'deleted' END"
                    + " FROM shopify.product_variants ORDER BY id"))
                    .containsExactly("10 | 1 | v10 after | 1.5000 | live", "11 | 1 | v11 | 1.5000 | live");
        }
    }

    @BothDatabases
    void theProgressCommitsWithTheRowsOrNotAtAll(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open()) {
            Fixture f = fixture(db);
            f.batch(List.of(product(1, "2026-01-02T00:00:00Z", "p"), variant(1, 10, "v")), 123, 1);
            SyncState s = f.state().load(SHOP, "products").orElseThrow();
            assertThat(s.bulkBytesDone()).isEqualTo(123);
            assertThat(s.rowsDone()).isEqualTo(1);

            List<Row> failing = List.of(product(2, "2026-01-02T00:00:00Z", "rolled back"), variant(2, 20, "rolled back"),
                    new Row("no_such_table", 3, null, OffsetDateTime.parse("2026-01-01T00:00:00Z"), List.of(), "{}"));
            assertThatThrownBy(() -> f.batch(failing, 456, 2))
                    .hasMessageContaining("no_such_table");
            assertThat(f.state().load(SHOP, "products").orElseThrow().bulkBytesDone()).isEqualTo(123);
            assertThat(query(db, "SELECT id FROM shopify.products UNION ALL SELECT id FROM shopify.product_variants"))
                    .containsExactlyInAnyOrder("1", "10");

            // the connection that ran the failed batch is reused: its staging tables hold nothing of the rolled-back batch
            for (int i = 0; i < 6; i++) {
                f.batch(List.of(product(4 + i, "2026-01-02T00:00:00Z", "p" + i)), 500 + i, 1);
            }
            assertThat(query(db, "SELECT COUNT(*) FROM shopify.products")).containsExactly("7");
            assertThat(f.state().load(SHOP, "products").orElseThrow().bulkBytesDone()).isEqualTo(505);
        }
    }

    /**
     * A first import's batch is COPYed straight into the tables; a batch that meets a stored row rolls back and goes
     * through staging, where newer-wins keeps the newer stored row and still writes the batch's new rows and progress.
     */
    @Test
    void aBatchOfNewRowsIsCopiedStraightInAndOneMeetingAStoredRowGoesThroughStagingOnPostgresql() throws Exception {
        try (TestDatabase tdb = TestDatabase.create(Dialect.POSTGRESQL); Database db = tdb.open()) {
            Fixture f = fixture(db);
            f.batch(List.of(product(1, "2026-01-02T00:00:00Z", "one"), variant(1, 10, "v10"),
                    product(2, "2026-01-02T00:00:00Z", "two")), 100, 2);
            assertThat(f.upserts().bulkBatchesDirectAndStaged()).containsExactly(1, 0);

            f.batch(List.of(product(3, "2026-01-02T00:00:00Z", "three, new"),
                    variant(3, 30, "v30, new"), product(1, "2026-01-01T00:00:00Z", "one, older")), 200, 2);
            assertThat(f.upserts().bulkBatchesDirectAndStaged()).as("the direct COPY met product 1").containsExactly(1, 1);
            assertThat(query(db, "SELECT id, title FROM shopify.products ORDER BY id"))
                    .containsExactly("1 | one", "2 | two", "3 | three, new");
            assertThat(query(db, "SELECT id, product_id, title FROM shopify.product_variants ORDER BY id"))
                    .containsExactly("10 | 1 | v10", "30 | 3 | v30, new");
            assertThat(f.state().load(SHOP, "products").orElseThrow().bulkBytesDone()).isEqualTo(200);
            assertThat(f.state().load(SHOP, "products").orElseThrow().rowsDone()).isEqualTo(4);
        }
    }

    /** Text COPY escapes backslash, tab, newline and CR and carries UTF-8: what it stores equals what the upsert stores. */
    @Test
    void copyStoresExactlyWhatTheRowByRowUpsertStoresOnPostgresql() throws Exception {
        try (TestDatabase tdb = TestDatabase.create(Dialect.POSTGRESQL); Database db = tdb.open()) {
            Fixture f = fixture(db);
            String awkward = "tab\there, newline\nthere, CR\r, backslash \\ and \\n literally, quote \" , é, 日本, 😀, \\N";
            List<Row> rows = new ArrayList<>();
            rows.add(RowMapper.root(orders, JSON.readTree("{\"id\":\"gid://shopify/Order/1\",\"name\":" + JSON.writeValueAsString(awkward)
                    + ",\"email\":null,\"createdAt\":\"2026-01-01T10:00:00.123456+05:30\",\"updatedAt\":\"2026-01-02T00:00:00Z\","
                    + "\"cancelledAt\":null,\"displayFinancialStatus\":\"PAID\",\"customer\":{\"id\":\"gid://shopify/Customer/77\"},"
                    + "\"totalPriceSet\":{\"shopMoney\":{\"amount\":\"12345678.9\",\"currencyCode\":\"EUR\"}}}")));
            rows.add(RowMapper.child(orders.children().get(0), 1, JSON.readTree("{\"id\":\"gid://shopify/LineItem/5\",\"title\":"
                    + JSON.writeValueAsString(awkward) + ",\"quantity\":3,\"sku\":null,\"variant\":null,"
                    + "\"originalUnitPriceSet\":{\"shopMoney\":{\"amount\":\"0.0001\",\"currencyCode\":\"EUR\"}}}")));
            OffsetDateTime now = OffsetDateTime.parse("2026-02-01T00:00:00Z");
            Upserts.Written copied = f.jdbc().inTransaction(c -> f.upserts().writeBulk(c, SHOP, rows, now));
            Upserts.Written upserted = f.jdbc().inTransaction(c -> f.upserts().write(c, OTHER_SHOP, rows, now));
            assertThat(copied.byTable()).isEqualTo(upserted.byTable()).containsEntry("orders", 1).containsEntry("order_line_items", 1);
            for (String table : List.of("orders", "order_line_items")) {
                String sql = "SELECT * FROM shopify." + table + " WHERE shop_domain = '%s'";
                List<String> viaCopy = query(db, sql.formatted(SHOP));
                assertThat(viaCopy).hasSize(1);
                assertThat(viaCopy.get(0).replace(SHOP, "SHOP")).isEqualTo(query(db, sql.formatted(OTHER_SHOP)).get(0).replace(OTHER_SHOP, "SHOP"));
            }
            assertThat(query(db, "SELECT name, data->>'name' FROM shopify.orders WHERE shop_domain = '" + SHOP + "'"))
                    .containsExactly(awkward + " | " + awkward);
        }
    }
}
