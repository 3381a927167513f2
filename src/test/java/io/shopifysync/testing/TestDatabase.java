package io.shopifysync.testing;

import static org.awaitility.Awaitility.await;

import io.shopifysync.config.AppConfig;
import io.shopifysync.db.Database;
import io.shopifysync.db.Dialect;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * An empty database of one dialect for one test: an in-memory H2, or a database on the local PostgreSQL. PostgreSQL
 * being unreachable fails the test; it never skips it. A closed PostgreSQL database is renamed, emptied and kept for
 * the next test of this JVM (creating, migrating and dropping one cost about 0.55 s of the server's CPU, and the
 * suite is CPU-bound); the rename first, so an app a test left running can never write into the next test's data.
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
    private volatile boolean dropped;

    /** Migrated, emptied PostgreSQL databases under new names, ready for this JVM's next tests; dropped at exit. */
    private static final Queue<String> SPARE = new ConcurrentLinkedQueue<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (String name; (name = SPARE.poll()) != null; ) {
                drop(name);
            }
        }, "drop spare test databases"));
    }

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
        String spare = dialect == Dialect.POSTGRESQL ? SPARE.poll() : null;
        return spare != null ? postgresql(spare) : createFresh(dialect, h2Dir);
    }

    /** A database never used before (PostgreSQL: created now, not yet migrated). */
    public static TestDatabase createFresh(Dialect dialect, Path h2Dir) {
        String name = newName();
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
        return postgresql(name);
    }

    private static TestDatabase postgresql(String name) {
        String pgUrl = PG_ADMIN_URL.substring(0, PG_ADMIN_URL.lastIndexOf('/') + 1) + name;
        return new TestDatabase(Dialect.POSTGRESQL, pgUrl, PG_USER, PG_PASSWORD, name);
    }

    private static String newName() {
        return "ss_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
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
        dropped = true;
        drop(pgName);
    }

    private static void drop(String name) {
        try (Connection c = adminConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (pgName != null && !dropped) {
            String spare = recycle(pgName);
            if (spare != null) {
                SPARE.add(spare);
            }
        }
    }

    /**
     * Closes the database to every connection, renames it (whoever still holds its old name finds nothing, as after
     * a drop) and empties every table but Flyway's history; the new name, or null when it was dropped instead.
     */
    static String recycle(String name) {
        String spare = newName();
        try (Connection admin = adminConnection(); Statement s = admin.createStatement()) {
            s.execute("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false");
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
            // a terminated backend takes a moment to exit; until then the rename is refused
            await().atMost(Duration.ofSeconds(2)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                    .ignoreExceptions().until(() -> s.execute("ALTER DATABASE " + name + " RENAME TO " + spare) || true);
            s.execute("ALTER DATABASE " + spare + " ALLOW_CONNECTIONS true");
        } catch (SQLException | RuntimeException e) {
            drop(name);
            return null;
        }
        try (Connection c = DriverManager.getConnection(postgresql(spare).url, PG_USER, PG_PASSWORD);
             Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            boolean migrated = false;
            try (ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                    + Database.SCHEMA + "' AND table_type = 'BASE TABLE'")) {
                while (rs.next()) {
                    String table = rs.getString(1);
                    migrated |= table.equals("flyway_schema_history");
                    if (!table.equals("flyway_schema_history")) {
                        tables.add(Database.SCHEMA + ".\"" + table + "\"");
                    }
                }
            }
            // only a fully migrated schema and nothing beside it is kept: anything else is not the state a test expects
            boolean clean = migrated && !tables.isEmpty() && count(s, "SELECT COUNT(*) FROM " + Database.SCHEMA
                    + ".flyway_schema_history WHERE NOT success") == 0
                    && count(s, "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name NOT IN ('"
                    + Database.SCHEMA + "', 'public', 'information_schema') AND schema_name NOT LIKE 'pg\\_%'") == 0
                    && count(s, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'") == 0;
            if (!clean) {
                throw new SQLException("not a migrated schema");
            }
            s.execute("TRUNCATE " + String.join(", ", tables) + " RESTART IDENTITY CASCADE");
            return spare;
        } catch (SQLException e) {
            drop(spare);
            return null;
        }
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public String toString() {
        return dialect.name();
    }
}
