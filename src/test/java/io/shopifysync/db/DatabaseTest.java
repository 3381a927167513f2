package io.shopifysync.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseTest {

    private static final Map<String, String[]> REQUIRED = Map.of(
            "orders", new String[] {"shop_domain", "id", "updated_at", "deleted_at", "data"},
            "products", new String[] {"shop_domain", "id", "updated_at", "deleted_at", "data"},
            "customers", new String[] {"shop_domain", "id", "updated_at", "deleted_at", "data"},
            "order_line_items", new String[] {"shop_domain", "id", "order_id", "deleted_at", "data"},
            "product_variants", new String[] {"shop_domain", "id", "product_id", "deleted_at", "data"},
            "shops", new String[] {"shop_domain", "status", "access_token_enc"},
            "sync_state", new String[] {"shop_domain", "resource", "phase", "high_water_mark", "bulk_operation_id", "page_cursor"});

    @BothDatabases
    void migrationsCreateTheContractTablesInSchemaShopify(Dialect dialect) throws Exception {
        // never a recycled database: this is the migration of an empty one
        try (TestDatabase tdb = TestDatabase.createFresh(dialect, null); Database db = tdb.open();
             Connection c = db.dataSource().getConnection()) {
            for (var e : REQUIRED.entrySet()) {
                Map<String, String> columns = columns(c, e.getKey());
                assertThat(columns).as(e.getKey()).containsKeys(e.getValue());
            }
            String dataType = columns(c, "orders").get("data").toLowerCase(Locale.ROOT);
            assertThat(dataType).isEqualTo(dialect == Dialect.POSTGRESQL ? "jsonb" : "json");
            assertThat(columns(c, "orders").get("updated_at").toLowerCase(Locale.ROOT))
                    .isIn("timestamptz", "timestamp with time zone");
            try (ResultSet pk = c.getMetaData().getPrimaryKeys(null, "shopify", "orders")) {
                Map<Integer, String> keyColumns = new HashMap<>();
                while (pk.next()) {
                    keyColumns.put(pk.getInt("KEY_SEQ"), pk.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                }
                assertThat(keyColumns).containsExactlyInAnyOrderEntriesOf(Map.of(1, "shop_domain", 2, "id"));
            }
        }
    }

    @BothDatabases
    void openingTwiceIsANoOpMigration(Dialect dialect) {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database first = tdb.open()) {
            try (Database second = tdb.open()) {
                assertThat(second.dialect()).isEqualTo(dialect);
            }
        }
    }

    @Test
    void anUnreachableDatabaseIsNamedWithoutItsPassword() {
        assertThatThrownBy(() -> Database.open("jdbc:postgresql://127.0.0.1:1/nowhere?password=hunter2", "u", "hunter2", 1, 1000))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining("cannot connect to database jdbc:postgresql://127.0.0.1:1/nowhere?password=***")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void anUnsupportedUrlIsRefused() {
        assertThatThrownBy(() -> Database.open("jdbc:mysql://x/y", "u", "p", 1, 1000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unsupported database URL");
    }

    private static Map<String, String> columns(Connection c, String table) throws Exception {
        Map<String, String> out = new HashMap<>();
        try (ResultSet rs = c.getMetaData().getColumns(null, "shopify", table, null)) {
            while (rs.next()) {
                out.put(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT), rs.getString("TYPE_NAME"));
            }
        }
        return out;
    }
}
