package io.shopifysync.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.MasterKey;
import io.shopifysync.accounts.ShopDomain;
import io.shopifysync.accounts.TokenCipher;
import io.shopifysync.app.ShopifySyncApp;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.config.AppConfig;
import io.shopifysync.db.Database;
import io.shopifysync.db.Dialect;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.sync.Digest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.security.SecureRandom;
import java.sql.Statement;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The system as users run it, for end-to-end tests: a test database, the real application (routes from
 * routes/) on a random port, and helpers to register emulated shops and compare digests.
 */
public final class SyncHarness implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestDatabase tdb;
    private final Path dataDir;
    private final AppConfig config;
    private final Database db;
    private ShopifySyncApp app;

    public SyncHarness(Dialect dialect, Path dataDir, Map<String, String> settings) {
        this(TestDatabase.create(dialect), dataDir, settings);
    }

    public SyncHarness(TestDatabase tdb, Path dataDir, Map<String, String> settings) {
        this.tdb = tdb;
        this.dataDir = dataDir;
        Map<String, String> all = new HashMap<>();
        all.put("http.port", Integer.toString(FreePort.find()));
        all.put("management.port", Integer.toString(FreePort.find()));
        all.put("import.interval.ms", "200");
        all.put("admin.token", "test-admin-token");
        // a test ends by closing the app: in-flight calls to a paced or silent store need not be waited for 20 s
        // (every state survives a kill -9, so a forced stop proves no less)
        all.put("camel.main.shutdown-timeout", "3");
        // JMX registers an MBean per route and processor: 0.4 of a start's 0.9 s of CPU; a test that reads MBeans
        // through Jolokia or Hawtio sets camel.main.jmx-enabled=true, as production has it
        all.put("camel.main.jmx-enabled", "false");
        // one instance schedules alone: clustered Quartz on PostgreSQL ran about 20 statements per trigger fire, two
        // thirds of the server's work in these tests; the tests of several instances (cluster package, the app
        // processes) keep production's clustered store, and a test that needs it sets quartz.clustered=true
        all.put("quartz.clustered", "false");
        all.putAll(settings);
        this.config = tdb.config(dataDir, all);
        this.db = tdb.open();
    }

    /** A fresh master key (base64 of 32 random bytes): a harness and the processes beside it must share one. */
    public static String newMasterKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** The environment of a separate application process (AppProcess) on this harness's database, data dir and key. */
    public Map<String, String> processEnv() {
        Map<String, String> env = new HashMap<>(CliProcess.envFor(tdb));
        env.put("SHOPIFY_SYNC_DATA_DIR", dataDir.toString());
        config.get("shopify.sync.master.key").ifPresent(key -> env.put("SHOPIFY_SYNC_MASTER_KEY", key));
        env.put("HTTP_PORT", Integer.toString(FreePort.find()));
        return env;
    }

    public SyncHarness start() throws Exception {
        app = ShopifySyncApp.start(config);
        return this;
    }

    /** Stops the application as a crash would leave things: whatever was committed stays. */
    public void stop() throws Exception {
        if (app != null) {
            app.close();
            app = null;
        }
    }

    public ShopifySyncApp app() {
        return app;
    }

    /** Where the application's HTTP server (webhooks, admin API) listens. */
    public String httpBase() {
        return "http://127.0.0.1:" + config.get("http.port").orElseThrow();
    }

    /** Where the management server (health, metrics, Jolokia) listens. */
    public String managementBase() {
        return "http://127.0.0.1:" + config.get("management.port").orElseThrow();
    }

    public AppConfig config() {
        return config;
    }

    /** The JDBC URL another process uses to reach the same database. */
    public String databaseUrl() {
        return tdb.url();
    }

    public Database db() {
        return db;
    }

    public void register(EmulatedShop shop) {
        register(shop.domain(), shop.accessToken(), shop.adminUrl());
    }

    /** The token cipher the running application uses (same master key). */
    public TokenCipher cipher() {
        return TokenCipher.forConfig(config);
    }

    /** Registers a shop as {@code accounts add --allow-insecure-api-url} does: the emulator's URL is plain HTTP. */
    public void register(String shop, String token, String apiUrl) {
        new Accounts(db, TokenCipher.forConfig(config)).add(shop, token, apiUrl, true);
    }

    /** Rows of sync_state still in BACKFILL (or missing) for the catalog's resources of this shop. */
    public boolean allIncremental(String shop) throws Exception {
        int expected = Catalog.load().resources().size();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM shopify.sync_state WHERE phase = 'INCREMENTAL' AND shop_domain = '"
                     + ShopDomain.parse(shop).value() + "'")) {
            rs.next();
            return rs.getInt(1) == expected;
        }
    }

    public JsonNode databaseDigest(String shop) throws Exception {
        return JSON.readTree(new Digest(db, Catalog.load()).computeJson(ShopDomain.parse(shop)));
    }

    public static JsonNode emulatorDigest(ShopifyEmulator emulator, String shop) throws Exception {
        return JSON.readTree(emulator.digest(shop));
    }

    /** PostgreSQL only: the database disappears under the running application. */
    public void stopDatabase() {
        db.close();
        tdb.dropNow();
    }

    public void execute(String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    public long count(String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The first column of every row of a query, as text. */
    public java.util.List<String> texts(String sql) throws Exception {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        stop();
        db.close();
        tdb.close();
    }

}
