package io.shopifysync.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.shopifysync.config.AppConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The application's database: a HikariCP pool on PostgreSQL ({@code DB_URL}) or, with no configuration,
 * an embedded H2 file under the data directory, migrated by Flyway to the current schema on open.
 */
public final class Database implements AutoCloseable {

    public static final String SCHEMA = "shopify";
    /** H2 settings that make it fold identifiers and order NULLs as PostgreSQL does. */
    public static final String H2_OPTIONS = ";DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)(password=)[^&;]*");

    private final HikariDataSource dataSource;
    private final Dialect dialect;
    private final String displayUrl;

    private Database(HikariDataSource dataSource, Dialect dialect, String displayUrl) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.displayUrl = displayUrl;
    }

    /** Opens the configured database and brings its schema up to date. */
    public static Database open(AppConfig config) {
        String url = config.get("db.url").orElseGet(() -> embeddedUrl(config.dataDir()));
        return open(url, config.get("db.user").orElse(url.startsWith("jdbc:h2:") ? "sa" : null),
                config.get("db.password").orElse(null), config.getInt("db.pool.size"),
                config.getInt("db.connection.timeout.ms"));
    }

    public static Database open(String url, String user, String password, int poolSize, int connectionTimeoutMs) {
        Dialect dialect = Dialect.fromJdbcUrl(url);
        String displayUrl = redact(url);
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setMaximumPoolSize(poolSize);
        hc.setPoolName("shopify-sync");
        hc.setConnectionTimeout(connectionTimeoutMs);
        hc.setInitializationFailTimeout(Math.min(connectionTimeoutMs, 5_000));
        if (dialect == Dialect.POSTGRESQL) {
            // one multi-row INSERT per JDBC batch instead of a round trip per row
            hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(hc);
        } catch (HikariPool.PoolInitializationException e) {
            throw new DatabaseUnavailableException("cannot connect to database " + displayUrl + ": " + rootMessage(e), e);
        }
        Database db = new Database(ds, dialect, displayUrl);
        try {
            db.migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return db;
    }

    static String embeddedUrl(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dataDir, e);
        }
        // AUTO_SERVER lets `status` and `digest` read while `run` holds the file open.
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("shopify-sync") + ";AUTO_SERVER=TRUE" + H2_OPTIONS;
    }

    private void migrate() {
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .schemas(SCHEMA)
                    .defaultSchema(SCHEMA)
                    .createSchemas(true)
                    // db/migration-<dialect> holds what only one database has (V8: Quartz's tables on PostgreSQL)
                    .locations("classpath:db/migration", "classpath:db/migration-" + dialect.name().toLowerCase(Locale.ROOT))
                    .placeholders(Map.of("json_type", dialect.jsonType()))
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new DatabaseUnavailableException("cannot migrate database " + displayUrl + ": " + rootMessage(e), e);
        }
    }

    /**
     * A second, small pool on the same database, for connections held open for a long time (work locks):
     * they can never starve the main pool, nor wait behind it.
     */
    public HikariDataSource openSidePool(String name, int size, int connectionTimeoutMs) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(dataSource.getJdbcUrl());
        hc.setUsername(dataSource.getUsername());
        hc.setPassword(dataSource.getPassword());
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(0);
        hc.setPoolName(name);
        hc.setConnectionTimeout(Math.max(250, connectionTimeoutMs));
        if (dialect == Dialect.POSTGRESQL) {
            // a lock is an open transaction: a server-wide idle-in-transaction timeout must not end it mid-work
            hc.setConnectionInitSql("SET idle_in_transaction_session_timeout = 0");
        }
        return new HikariDataSource(hc);
    }

    /** The URL as it may be shown: any password parameter is masked. */
    public static String redact(String url) {
        return PASSWORD_IN_URL.matcher(url).replaceAll("$1***");
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return msg.replaceAll("(?i)password=[^&;\\s]*", "password=***");
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Dialect dialect() {
        return dialect;
    }

    public String displayUrl() {
        return displayUrl;
    }

    public SqlStatements sql() {
        return new SqlStatements(dialect);
    }

    /** Checks the connection answers; used by health and by commands before they report success. */
    public void ping() throws SQLException {
        try (var c = dataSource.getConnection(); var s = c.createStatement()) {
            s.execute("SELECT 1");
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
