package io.shopifysync.testing;

import io.shopifysync.config.AppConfig;
import io.shopifysync.db.Database;
import io.shopifysync.db.Dialect;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * A fresh, empty database of one dialect for one test: an in-memory H2, or a new database on the local
 * PostgreSQL (dropped on close). PostgreSQL being unreachable fails the test; it never skips it.
 */
public final class TestDatabase implements AutoCloseable {

    /** The server that PostgreSQL tests use; {@code TEST_PG_URL} points them elsewhere. */
    public static final String PG_ADMIN_URL = System.getenv().getOrDefault("TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String PG_USER = System.getenv().getOrDefault("TEST_PG_USER", "postgres");
    public static final String PG_PASSWORD = System.getenv().getOrDefault("TEST_PG_PASSWORD", "");

    private final Dialect dialect;
    private final String url;
    private final String user;
    private final String password;
    private final String pgName;

    private TestDatabase(Dialect dialect, String url, String user, String password, String pgName) {
        this.dialect = dialect;
        this.url = url;
        this.user = user;
        this.password = password;
        this.pgName = pgName;
    }

    public static TestDatabase create(Dialect dialect) {
        return create(dialect, null);
    }

    /** With {@code h2Dir}, H2 is a file there that other processes can open too (AUTO_SERVER). */
    public static TestDatabase create(Dialect dialect, Path h2Dir) {
        String name = "ss_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        if (dialect == Dialect.H2) {
            String url = h2Dir == null ? "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1"
                    : "jdbc:h2:file:" + h2Dir.toAbsolutePath().resolve(name) + ";AUTO_SERVER=TRUE";
            return new TestDatabase(dialect, url + Database.H2_OPTIONS, "sa", "", null);
        }
        try (Connection c = adminConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
            // commits do not wait for the WAL flush: only a crash of PostgreSQL itself could lose one, and the tests
            // kill the application, never the server (committed rows stay visible to every other connection)
            s.execute("ALTER DATABASE " + name + " SET synchronous_commit = off");
        } catch (SQLException e) {
            throw new AssertionError("PostgreSQL is expected at " + PG_ADMIN_URL + " but is unreachable (" + e.getMessage()
                    + "); start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start", e);
        }
        String pgUrl = PG_ADMIN_URL.substring(0, PG_ADMIN_URL.lastIndexOf('/') + 1) + name;
        return new TestDatabase(dialect, pgUrl, PG_USER, PG_PASSWORD, name);
    }

    private static Connection adminConnection() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", PG_USER);
        p.setProperty("password", PG_PASSWORD);
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(PG_ADMIN_URL, p);
    }

    public Dialect dialect() {
        return dialect;
    }

    public String url() {
        return url;
    }

    public Database open() {
        return Database.open(url, user, password, 5, 3_000);
    }

    /** Configuration keys that point the application at this database. */
    public Map<String, String> settings() {
        Map<String, String> m = new HashMap<>();
        m.put("db.url", url);
        m.put("db.user", user);
        m.put("db.password", password);
        m.put("db.pool.size", "5");
        m.put("db.connection.timeout.ms", "1500");
        return m;
    }

    /** The project's application.properties with this database and a private data dir. */
    public AppConfig config(Path dataDir, Map<String, String> extra) {
        Map<String, String> all = new HashMap<>(settings());
        all.put("shopify.sync.data.dir", dataDir.toString());
        all.putAll(extra);
        return AppConfig.load(ProjectHome.path(), Map.of(), new Properties()).with(all);
    }

    /** Makes the database vanish under a running application (PostgreSQL only): connections fail from now on. */
    public void dropNow() {
        if (pgName == null) {
            throw new IllegalStateException("only a PostgreSQL test database can be dropped");
        }
        try (Connection c = adminConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + pgName + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (pgName != null) {
            dropNow();
        }
    }

    @Override
    public String toString() {
        return dialect.name();
    }
}
