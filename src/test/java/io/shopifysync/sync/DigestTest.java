package io.shopifysync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopifysync.accounts.ShopDomain;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.db.Database;
import io.shopifysync.db.Dialect;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;

class DigestTest {

    private static final String SHOP = "acme.myshopify.com";
    private static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @BothDatabases
    void followsContractC3(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open()) {
            // ids out of order, one above 2^53, a non-UTC offset with fractional seconds, a tombstone, another shop
            insertTop(db, "orders", SHOP, 10L, "2024-03-01T10:00:00.750+02:00", false);
            insertTop(db, "orders", SHOP, 9007199254740993L, "2024-03-02T00:00:00Z", false);
            insertTop(db, "orders", SHOP, 2L, "2024-03-01T08:00:00Z", false);
            insertTop(db, "orders", SHOP, 5L, "2024-03-01T08:00:00Z", true);
            insertTop(db, "orders", "other.myshopify.com", 3L, "2024-03-01T08:00:00Z", false);
            insertTop(db, "products", SHOP, 100L, "2024-01-01T00:00:00Z", false);
            insertTop(db, "products", SHOP, 101L, "2024-01-01T00:00:00Z", true);
            insertChild(db, "product_variants", "product_id", 7L, 100L);
            insertChild(db, "product_variants", "product_id", 8L, 101L); // parent tombstoned: not counted
            insertChild(db, "product_variants", "product_id", 6L, 100L);
            insertChild(db, "order_line_items", "order_id", 11L, 10L);

            Map<String, Digest.Entry> d = new Digest(db, Catalog.load()).compute(ShopDomain.parse(SHOP));

            assertThat(d.keySet()).containsExactly("orders", "products", "customers", "order_line_items", "product_variants",
                    "order_transactions");
            assertThat(d.get("orders")).isEqualTo(new Digest.Entry(3, sha256(
                    "2 2024-03-01T08:00:00Z\n10 2024-03-01T08:00:00Z\n9007199254740993 2024-03-02T00:00:00Z\n")));
            assertThat(d.get("products")).isEqualTo(new Digest.Entry(1, sha256("100 2024-01-01T00:00:00Z\n")));
            assertThat(d.get("customers")).isEqualTo(new Digest.Entry(0, EMPTY));
            assertThat(d.get("product_variants")).isEqualTo(new Digest.Entry(2, sha256("6 100\n7 100\n")));
            assertThat(d.get("order_line_items")).isEqualTo(new Digest.Entry(1, sha256("11 10\n")));
            assertThat(new Digest(db, Catalog.load()).computeJson(ShopDomain.parse(SHOP)))
                    .startsWith("{\"orders\":{\"count\":3,\"sha256\":\"")
                    .contains("\"customers\":{\"count\":0,\"sha256\":\"" + EMPTY + "\"}");
        }
    }

    private static void insertTop(Database db, String table, String shop, long id, String updatedAt, boolean deleted) throws Exception {
        OffsetDateTime t = OffsetDateTime.parse(updatedAt);
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO shopify." + table + " (shop_domain, id, updated_at, deleted_at, synced_at, data) VALUES (?, ?, ?, ?, ?, "
                        + db.dialect().jsonParameter() + ")")) {
            ps.setString(1, shop);
            ps.setLong(2, id);
            ps.setObject(3, t);
            ps.setObject(4, deleted ? t : null);
            ps.setObject(5, OffsetDateTime.now(ZoneOffset.UTC));
            ps.setString(6, "{\"id\":" + id + "}");
            ps.executeUpdate();
        }
    }

    private static void insertChild(Database db, String table, String parentColumn, long id, long parentId) throws Exception {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO shopify." + table + " (shop_domain, id, " + parentColumn + ", synced_at, data) VALUES (?, ?, ?, ?, "
                        + db.dialect().jsonParameter() + ")")) {
            ps.setString(1, SHOP);
            ps.setLong(2, id);
            ps.setLong(3, parentId);
            ps.setObject(4, OffsetDateTime.now(ZoneOffset.UTC));
            ps.setString(5, "{}");
            ps.executeUpdate();
        }
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
