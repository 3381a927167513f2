package io.shopifysync.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shopifysync.db.Database;
import io.shopifysync.db.Dialect;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** A recycled PostgreSQL test database: empty, still migrated, under a new name that nobody from its last test holds. */
class TestDatabaseTest {

    @Test
    void aRecycledDatabaseIsEmptyAndMigratedUnderANewNameAndItsLastUserIsCutOff() throws Exception {
        TestDatabase used = TestDatabase.createFresh(Dialect.POSTGRESQL, null);
        String oldName = used.url().substring(used.url().lastIndexOf('/') + 1);
        try (Database db = used.open(); Connection lingering = db.dataSource().getConnection();
             Statement s = lingering.createStatement()) {
            s.execute("INSERT INTO shopify.work_locks (shop_domain, resource) VALUES ('left-over.myshopify.com', 'orders')");
            s.execute("INSERT INTO shopify.dead_letters (shop_domain, source, reason, created_at) VALUES ('left-over.myshopify.com', 'test', 'x', now())");

            String spare = TestDatabase.recycle(oldName);

            assertThat(spare).isNotNull().isNotEqualTo(oldName);
            assertThatThrownBy(() -> s.execute("SELECT 1")).as("the last test's connection is cut").isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> DriverManager.getConnection(used.url(), TestDatabase.PG_USER, TestDatabase.PG_PASSWORD).close())
                    .as("its old name is gone").hasMessageContaining("does not exist");
            String spareUrl = used.url().substring(0, used.url().lastIndexOf('/') + 1) + spare;
            try (Connection c = DriverManager.getConnection(spareUrl, TestDatabase.PG_USER, TestDatabase.PG_PASSWORD);
                 Statement q = c.createStatement()) {
                assertThat(count(q, "SELECT COUNT(*) FROM shopify.work_locks")).isZero();
                assertThat(count(q, "SELECT COUNT(*) FROM shopify.dead_letters")).isZero();
                assertThat(count(q, "SELECT COUNT(*) FROM shopify.flyway_schema_history")).as("still migrated").isPositive();
                q.execute("INSERT INTO shopify.dead_letters (shop_domain, source, reason, created_at) VALUES ('next.myshopify.com', 'test', 'y', now())");
                assertThat(count(q, "SELECT MIN(id) FROM shopify.dead_letters")).as("identities start again").isEqualTo(1);
            } finally {
                try (Connection admin = DriverManager.getConnection(TestDatabase.PG_ADMIN_URL, TestDatabase.PG_USER,
                        TestDatabase.PG_PASSWORD); Statement a = admin.createStatement()) {
                    a.execute("DROP DATABASE IF EXISTS " + spare + " WITH (FORCE)");
                }
            }
        }
    }

    @Test
    void aDatabaseWithAnythingBesideTheMigratedSchemaIsDroppedNotRecycled() throws Exception {
        TestDatabase used = TestDatabase.createFresh(Dialect.POSTGRESQL, null);
        String name = used.url().substring(used.url().lastIndexOf('/') + 1);
        try (Database db = used.open(); Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE public.left_over (id INT)");
        }

        assertThat(TestDatabase.recycle(name)).as("no spare made of it (it was dropped)").isNull();
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
