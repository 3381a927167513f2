package io.shopifysync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.MasterKey;
import io.shopifysync.accounts.ShopDomain;
import io.shopifysync.accounts.TokenCipher;
import io.shopifysync.app.ShopifySyncApp;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.catalog.Resource;
import io.shopifysync.config.AppConfig;
import io.shopifysync.db.Database;
import io.shopifysync.db.Jdbc;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.sync.BulkIngest;
import io.shopifysync.sync.DeadLetters;
import io.shopifysync.sync.Digest;
import io.shopifysync.sync.ResourceWriter;
import io.shopifysync.sync.SyncStateStore;
import io.shopifysync.sync.Upserts;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import io.shopifysync.sync.SyncEvents;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * Import benchmarks against PostgreSQL on 127.0.0.1:5432 (a fresh database per run).
 * <ul>
 *   <li>{@code e2e}: a seeded emulated store into PostgreSQL through {@code shopify-sync run} in its own JVM, register
 *   to all INCREMENTAL, with the time and CPU per resource and the app's heap peak;</li>
 *   <li>{@code generate FILE}: writes a bulk result of ~1M objects (orders with line items) from the emulator;</li>
 *   <li>{@code ingest FILE}: streams that file through BulkIngest, then loads the same rows with plain JDBC batches and
 *   with a bare COPY.</li>
 * </ul>
 */
public final class ImportBench {

    private static final String PG = System.getenv().getOrDefault("BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "e2e" : args[0]) {
            case "e2e" -> endToEnd(intArg(args, 1, 10_000), intArg(args, 2, 2_000), intArg(args, 3, 10_000));
            case "generate" -> generate(Path.of(args[1]), intArg(args, 2, 360_000));
            case "ingest" -> ingest(Path.of(args[1]));
            default -> throw new IllegalArgumentException("usage: e2e [orders products customers] | generate FILE [orders] | ingest FILE");
        }
    }

    private static int intArg(String[] args, int i, int dflt) {
        return args.length > i ? Integer.parseInt(args[i]) : dflt;
    }

    /**
     * The app as an operator runs it ({@code shopify-sync run} in a JVM of its own, -Xmx256m unless BENCH_APP_HEAP says
     * otherwise, GC logged for the heap peak), the emulator in this JVM; from registration until every resource is
     * INCREMENTAL, with where the time and the CPU went per resource.
     */
    static void endToEnd(int orders, int products, int customers) throws Exception {
        String db = BenchDatabase.create();
        Path data = Files.createTempDirectory("bench-data");
        Path appLog = data.resolve("app.log");
        Path gcLog = data.resolve("gc.log");
        String heap = System.getenv().getOrDefault("BENCH_APP_HEAP", "256m");
        String masterKey = Base64.getEncoder().encodeToString(new byte[32]);
        int stores = Integer.parseInt(System.getenv().getOrDefault("BENCH_STORES", "2"));
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(stores).seed(42).orders(orders).products(products)
                .customers(customers).plan("plus").timeScale(0).start();
             Database database = Database.open(db, "postgres", "", 2, 10_000)) { // migrated here, before the app starts
            System.out.printf("e2e: %d store(s), each of %d orders, %d products, %d customers (emulator bulk pacing off: timeScale 0); "
                    + "app: shopify-sync run at -Xmx%s in its own JVM%n", stores, orders, products, customers, heap);
            int httpPort = freePort();
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + heap, "-Xlog:gc:file=" + gcLog));
            String extra = System.getenv("BENCH_APP_JAVA_OPTS");
            if (extra != null && !extra.isBlank()) {
                cmd.addAll(List.of(extra.trim().split("\\s+")));
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.shopifysync.cli.ShopifySync", "run"));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().keySet().removeIf(k -> k.startsWith("DB_") || k.startsWith("SHOPIFY_SYNC_"));
            pb.environment().putAll(Map.of("DB_URL", db, "DB_USER", "postgres", "DB_PASSWORD", "",
                    "SHOPIFY_SYNC_DATA_DIR", data.toString(), "SHOPIFY_SYNC_MASTER_KEY", masterKey,
                    "HTTP_PORT", Integer.toString(httpPort), "MANAGEMENT_PORT", Integer.toString(freePort()), "LOG_LEVEL", "INFO"));
            Process app = pb.redirectErrorStream(true).redirectOutput(appLog.toFile()).start();
            try {
                waitForHttp(app, httpPort);
                Accounts accounts = new Accounts(database, new TokenCipher(MasterKey.fromBase64(masterKey)));
                for (int i = 0; i < emu.shops().size(); i++) {
                    String when = i == 0 ? "cold: the app's first store since it started, JIT compilers at work"
                            : "warm: store " + (i + 1) + " in the same app and emulator JVMs, already compiled";
                    measureOneStore(emu, emu.shops().get(i), when, app, accounts, database, db, appLog);
                }
            } finally {
                app.destroy();
                if (!app.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    app.destroyForcibly();
                }
            }
            long[] peak = gcPeaks(gcLog);
            System.out.printf("e2e: app JVM heap -Xmx%s: peak used %d MiB (before a GC), peak live %d MiB (after a GC), %d GCs, "
                    + "OutOfMemoryError in its log: %s%n", heap, peak[0], peak[1], peak[2],
                    Files.readString(appLog).contains("OutOfMemoryError"));
            System.out.printf("e2e: import.interval.ms=%s import.threads=%s import.batch.size=%s%n",
                    AppConfig.load().get("import.interval.ms").orElse("?"), AppConfig.load().get("import.threads").orElse("?"),
                    AppConfig.load().get("import.batch.size").orElse("?"));
        } finally {
            BenchDatabase.drop(db);
        }
    }

    /** One store from registration until every resource is INCREMENTAL, with where the time and the CPU went. */
    private static void measureOneStore(ShopifyEmulator emu, EmulatedShop shop, String when, Process app, Accounts accounts,
                                        Database database, String db, Path appLog) throws Exception {
        Map<String, Long> firstCompleted = new HashMap<>();
        Map<String, Long> incrementalAt = new HashMap<>();
        List<String> resources = Catalog.load().resources().stream().map(Resource::name).toList();
        PgBackendCpu pg = new PgBackendCpu(db);
        long appCpu0 = PgBackendCpu.processNanos(app.pid());
        long benchCpu0 = processCpuNanos();
        Map<String, Long> appThreads0 = PgBackendCpu.threadGroupNanos(app.pid());
        Map<String, Long> benchThreads0 = PgBackendCpu.threadGroupNanos(ProcessHandle.current().pid());
        long t0 = System.nanoTime();
        accounts.add(shop.domain(), shop.accessToken(), shop.adminUrl(), true);
        while (incrementalAt.size() < resources.size()) {
            if (!app.isAlive()) {
                throw new IllegalStateException("the app exited (" + app.exitValue() + "); see " + appLog);
            }
            long now = System.nanoTime() - t0;
            for (String[] row : syncState(database, shop.domain())) {
                if ("COMPLETED".equals(row[2]) || "PARTIAL".equals(row[2])) {
                    firstCompleted.putIfAbsent(row[0], now);
                }
                if ("INCREMENTAL".equals(row[1])) {
                    incrementalAt.putIfAbsent(row[0], now);
                }
            }
            pg.sample();
            Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        pg.sample();
        pg.close();
        long appCpu = PgBackendCpu.processNanos(app.pid()) - appCpu0;
        long benchCpu = processCpuNanos() - benchCpu0;
        Map<String, Long> appThreads = PgBackendCpu.threadGroupNanos(app.pid());
        Map<String, Long> benchThreads = PgBackendCpu.threadGroupNanos(ProcessHandle.current().pid());
        String ours = new Digest(database, Catalog.load()).computeJson(ShopDomain.parse(shop.domain()));
        boolean equal = JSON.readTree(ours).equals(JSON.readTree(emu.digest(shop.domain())));
        JsonNode d = JSON.readTree(ours);
        long rows = 0;
        for (JsonNode part : d) {
            rows += part.path("count").asLong();
        }
        System.out.printf("e2e %s (%s): register -> every resource INCREMENTAL in %.2f s; %d rows (%s); digest equal: %s%n",
                shop.domain(), when, seconds, rows, d, equal);
        Map<String, long[]> ingests = ingestLines(appLog, shop.domain());
        System.out.printf("e2e: per resource (s from registration; ingest times summed over its runs; the write overlaps "
                + "the parse, \"wait\" is the reader waiting for the writer; CPU of the reading and writing threads)%n");
        System.out.printf("  %-19s %13s %9s %9s %9s %9s %9s %12s %10s %12s%n", "resource", "export ready", "download",
                "parse", "write", "wait", "rows", "rows/s write", "JVM us/row", "INCREMENTAL");
        for (String r : resources) {
            long[] t = ingests.getOrDefault(r, new long[7]);
            System.out.printf("  %-19s %12.2fs %8.2fs %8.2fs %8.2fs %8.2fs %9d %12.0f %10.1f %11.2fs%n", r,
                    firstCompleted.getOrDefault(r, -1L) / 1e9, t[1] / 1e3, t[2] / 1e3, t[3] / 1e3, t[4] / 1e3, t[0],
                    t[3] == 0 ? 0 : t[0] / (t[3] / 1e3), t[0] == 0 ? 0 : t[5] * 1e3 / t[0], incrementalAt.get(r) / 1e9);
        }
        System.out.printf("e2e: CPU per stored row: app JVM %.1f us (%.1f s), PostgreSQL backends %.1f us (%.1f s), "
                        + "emulator+bench JVM %.1f us (%.1f s); wall %.2f s on %d cores%n",
                appCpu / 1e3 / rows, appCpu / 1e9, pg.nanos() / 1e3 / rows, pg.nanos() / 1e9, benchCpu / 1e3 / rows,
                benchCpu / 1e9, seconds, Runtime.getRuntime().availableProcessors());
        System.out.printf("e2e: JVM threads' CPU in that window: app JIT %.1f s, GC %.1f s, other %.1f s; emulator+bench JIT "
                        + "%.1f s, GC %.1f s, other %.1f s (live threads only: a compiler thread that exited is not counted)%n",
                delta(appThreads, appThreads0, "JIT"), delta(appThreads, appThreads0, "GC"), delta(appThreads, appThreads0, "other"),
                delta(benchThreads, benchThreads0, "JIT"), delta(benchThreads, benchThreads0, "GC"),
                delta(benchThreads, benchThreads0, "other"));
    }

    private static double delta(Map<String, Long> after, Map<String, Long> before, String group) {
        return (after.get(group) - before.get(group)) / 1e9;
    }

    private static List<String[]> syncState(Database db, String shop) throws Exception {
        List<String[]> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT resource, phase, bulk_status FROM shopify.sync_state WHERE shop_domain = ?")) {
            ps.setString(1, shop);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
        }
        return out;
    }

    private static final Pattern INGESTED = Pattern.compile(" (\\w+): ingested \\d+ lines \\(.*?, (\\d+) rows in \\d+ batches\\) .*\\("
            + "download wait (\\d+) ms, parse (\\d+) ms, write (\\d+) ms, waiting for the writer (\\d+) ms; thread CPU (\\d+) ms");

    /** Per resource of one shop from the app's log: rows, download, parse, write, writer wait, CPU (ms), ingest runs. */
    private static Map<String, long[]> ingestLines(Path log, String shop) throws Exception {
        Map<String, long[]> out = new HashMap<>();
        for (String line : Files.readAllLines(log)) {
            Matcher m = INGESTED.matcher(line);
            if (line.contains(shop + " ") && m.find()) {
                long[] t = out.computeIfAbsent(m.group(1), k -> new long[7]);
                for (int i = 0; i < 6; i++) {
                    t[i] += Long.parseLong(m.group(i + 2));
                }
                t[6]++;
            }
        }
        return out;
    }

    private static final Pattern GC = Pattern.compile("(\\d+)M->(\\d+)M\\(\\d+M\\)");

    /** Peak heap before a collection, peak after one (MiB), and how many collections, from -Xlog:gc. */
    private static long[] gcPeaks(Path gcLog) throws Exception {
        long[] out = new long[3];
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC.matcher(line);
            if (m.find()) {
                out[0] = Math.max(out[0], Long.parseLong(m.group(1)));
                out[1] = Math.max(out[1], Long.parseLong(m.group(2)));
                out[2]++;
            }
        }
        return out;
    }

    private static void waitForHttp(Process app, int port) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!app.isAlive()) {
                throw new IllegalStateException("the app exited (" + app.exitValue() + ") while starting");
            }
            try {
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status")).build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("the app did not answer on port " + port);
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static void generate(Path file, int orders) throws Exception {
        int stores = Integer.parseInt(System.getenv().getOrDefault("BENCH_STORES", "2"));
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(stores).seed(42).orders(orders).products(0).customers(0)
                .plan("plus").timeScale(0).start()) {
            EmulatedShop shop = emu.shops().get(0);
            HttpClient http = HttpClient.newHttpClient();
            String query = Catalog.load().resource("orders").bulkQuery(null);
            JsonNode started = graphql(http, shop, "mutation($q: String!) { bulkOperationRunQuery(query: $q) "
                    + "{ bulkOperation { id } userErrors { message } } }", Map.of("q", query));
            String id = started.path("data").path("bulkOperationRunQuery").path("bulkOperation").path("id").asText();
            JsonNode op;
            do {
                Thread.sleep(200);
                op = graphql(http, shop, "query($id: ID!) { bulkOperation(id: $id) { status objectCount url } }", Map.of("id", id))
                        .path("data").path("bulkOperation");
            } while (!"COMPLETED".equals(op.path("status").asText()));
            http.send(HttpRequest.newBuilder(URI.create(op.path("url").asText())).build(), HttpResponse.BodyHandlers.ofFile(file));
            System.out.printf("generate: %s objects, %d bytes -> %s%n", op.path("objectCount").asText(), Files.size(file), file);
        }
    }

    private static JsonNode graphql(HttpClient http, EmulatedShop shop, String query, Map<String, Object> vars) throws Exception {
        String body = JSON.writeValueAsString(Map.of("query", query, "variables", vars));
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(shop.adminUrl() + "/admin/api/2026-10/graphql.json"))
                .header("X-Shopify-Access-Token", shop.accessToken()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    /**
     * The same bulk file three ways, one after the other in this JVM (-Xmx256m in bench/import.sh), each into a fresh
     * database: BulkIngest as the app runs it (COPY + set-based newer-wins upsert on PostgreSQL, typed columns, progress
     * per batch), the plain JDBC batch INSERT baseline, and a bare COPY into an unindexed table (the physical limit).
     */
    static void ingest(Path file) throws Exception {
        int batchSize = Integer.parseInt(System.getenv().getOrDefault("IMPORT_BATCH_SIZE",
                AppConfig.load().get("import.batch.size").orElse("1000")));
        Ours ours = bulkIngest(file, batchSize, true);
        long lines = ours.result.lines();
        System.out.printf("ingest (BulkIngest as the app runs it on PostgreSQL: COPY straight into the tables (a first import), "
                + "a writer thread beside the parse, typed columns, progress per batch of %d): %d lines (%d rows) in %.2f s = %.0f lines/s%n", batchSize, lines,
                ours.result.rows(), ours.seconds, lines / ours.seconds);
        ours.print();
        Phase sameTables = plainJdbcIntoTheAppsTables(file);
        System.out.printf("plain JDBC batch INSERT of the same rows into the app's own tables (same columns, keys, indexes and "
                + "typed values; parse + map + insert, no upsert, no progress, batches of 1000): %.2f s = %.0f lines/s; "
                + "CPU per line: JVM %.1f us, PostgreSQL %.1f us%n", sameTables.seconds, lines / sameTables.seconds,
                sameTables.jvmNanos / 1e3 / lines, sameTables.pgNanos / 1e3 / lines);
        Phase plain = plainJdbc(file);
        System.out.printf("plain JDBC batch INSERT of the lines into two 4-column tables (parse + insert, no upsert, no progress): "
                + "%.2f s = %.0f lines/s; CPU per line: JVM %.1f us, PostgreSQL %.1f us%n", plain.seconds, lines / plain.seconds,
                plain.jvmNanos / 1e3 / lines, plain.pgNanos / 1e3 / lines);
        Phase bare = bareCopy(file);
        System.out.printf("bare COPY of the same lines into one unindexed table (no JSON parse in the JVM): %.2f s = %.0f lines/s; "
                + "CPU per line: JVM %.1f us, PostgreSQL %.1f us%n", bare.seconds, lines / bare.seconds, bare.jvmNanos / 1e3 / lines,
                bare.pgNanos / 1e3 / lines);
        Ours jdbcPath = null;
        if (!"false".equals(System.getenv("BENCH_INGEST_JDBC_PATH"))) {
            jdbcPath = bulkIngest(file, batchSize, false);
            System.out.printf("BulkIngest on its JDBC batch path (row-by-row newer-wins upserts, as before #19 and as on H2): "
                    + "%.2f s = %.0f lines/s%n", jdbcPath.seconds, lines / jdbcPath.seconds);
            jdbcPath.print();
        }
        System.out.printf("ratio BulkIngest / plain JDBC INSERT into the app's tables: %.2f; BulkIngest / plain JDBC INSERT into "
                + "4-column tables: %.2f; BulkIngest / bare COPY: %.2f%s%n", sameTables.seconds / ours.seconds, plain.seconds / ours.seconds,
                bare.seconds / ours.seconds, jdbcPath == null ? "" : String.format("; COPY path / JDBC batch path: %.2f",
                        jdbcPath.seconds / ours.seconds));
        System.out.printf("heap: max %d MiB; BulkIngest (COPY path) peak used after a batch %d MiB, peak live after a GC %d MiB%n",
                Runtime.getRuntime().maxMemory() >> 20, ours.heapAfterBatch >> 20, ours.liveAfterGc >> 20);
    }

    /** One BulkIngest run of the file into a fresh database, with the heap sampled after every committed batch. */
    private record Ours(BulkIngest.Result result, double seconds, long pgNanos, long heapAfterBatch, long liveAfterGc) {
        void print() {
            long lines = result.lines();
            System.out.printf("  read file %.2f s, parse %.2f s, write %.2f s (overlapping the parse), reader waiting for the writer "
                    + "%.2f s; CPU per line: JVM %.1f us, PostgreSQL %.1f us%n",
                    result.downloadNanos() / 1e9, result.parseNanos() / 1e9, result.writeNanos() / 1e9, result.writeWaitNanos() / 1e9,
                    result.cpuNanos() / 1e3 / lines, pgNanos / 1e3 / lines);
        }
    }

    private static Ours bulkIngest(Path file, int batchSize, boolean copy) throws Exception {
        long[] heap = new long[2]; // peak used after a batch, peak after the last GC seen after a batch (bytes)
        String url = BenchDatabase.create();
        try (Database db = Database.open(url, "postgres", "", 4, 10_000)) {
            Catalog catalog = Catalog.load();
            Resource orders = catalog.resource("orders");
            Jdbc jdbc = new Jdbc(db);
            SyncStateStore state = new SyncStateStore(jdbc, Clock.systemUTC());
            String shop = "bench.myshopify.com";
            new Accounts(db, new TokenCipher(MasterKey.fromBase64(Base64.getEncoder().encodeToString(new byte[32]))))
                    .add(shop, "shpat_bench", null);
            state.ensureRows("orders");
            state.bulkStarted(shop, "orders", "gid://shopify/BulkOperation/1", state.now(), null);
            BulkIngest ingest = new BulkIngest(new ResourceWriter(jdbc, new Upserts(catalog, db.dialect(), SyncEvents.NONE, copy), state),
                    new DeadLetters(jdbc, Clock.systemUTC()), batchSize);
            ingest.setEvents(new SyncEvents() {
                @Override
                public void bulkBatchCommitted(String s, String resource, int rows) {
                    Runtime rt = Runtime.getRuntime();
                    heap[0] = Math.max(heap[0], rt.totalMemory() - rt.freeMemory());
                    long afterGc = 0;
                    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                        if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                            afterGc += pool.getCollectionUsage().getUsed();
                        }
                    }
                    heap[1] = Math.max(heap[1], afterGc);
                }
            });
            System.gc();
            try (PgBackendCpu pg = new PgBackendCpu(url);
                 InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                long t0 = System.nanoTime();
                BulkIngest.Result r = ingest.ingest(shop, orders, "gid://shopify/BulkOperation/1", in, 0, 0);
                double seconds = (System.nanoTime() - t0) / 1e9;
                pg.sample();
                return new Ours(r, seconds, pg.nanos(), heap[0], heap[1]);
            }
        } finally {
            BenchDatabase.drop(url);
        }
    }

    private record Phase(double seconds, long jvmNanos, long pgNanos) {
    }

    /**
     * The baseline of the same rows into the same tables: each line parsed and mapped as the app maps it, then bound to a
     * plain {@code INSERT} (the app's upsert statement without its ON CONFLICT clause) in JDBC batches of 1000 lines
     * per commit, one connection, no progress.
     */
    private static Phase plainJdbcIntoTheAppsTables(Path file) throws Exception {
        String url = BenchDatabase.create();
        String shop = "bench.myshopify.com";
        try (Database db = Database.open(url, "postgres", "", 2, 10_000)) { // migrated: the app's tables
            Catalog catalog = Catalog.load();
            Resource orders = catalog.resource("orders");
            Upserts upserts = new Upserts(catalog, db.dialect());
            Map<String, String> inserts = new HashMap<>();
            for (String table : List.of(orders.table(), orders.children().get(0).table())) {
                String upsert = upserts.sqlFor(table);
                inserts.put(table, upsert.substring(0, upsert.indexOf("ON CONFLICT")).strip());
            }
            OffsetDateTime syncedAt = OffsetDateTime.now();
            return insertInBatches(file, url, List.of(), inserts.get(orders.table()), inserts.get(orders.children().get(0).table()),
                    (line, po, pl) -> {
                        JsonNode node = JSON.readTree(line);
                        JsonNode parent = node.get("__parentId");
                        io.shopifysync.catalog.Row row = parent == null
                                ? io.shopifysync.catalog.RowMapper.root(orders, node)
                                : io.shopifysync.catalog.RowMapper.child(orders.children().get(0),
                                        io.shopifysync.catalog.Gid.numericId(parent.asText()), node);
                        PreparedStatement ps = parent == null ? po : pl;
                        List<Object> values = upserts.parameters(shop, row, syncedAt);
                        for (int i = 0; i < values.size(); i++) {
                            ps.setObject(i + 1, values.get(i));
                        }
                        ps.addBatch();
                    });
        } finally {
            BenchDatabase.drop(url);
        }
    }

    /** The 4-column baseline: each line's ids and updatedAt, and the line itself as JSONB, with plain INSERT batches. */
    private static Phase plainJdbc(Path file) throws Exception {
        String url = BenchDatabase.create();
        try {
            return insertInBatches(file, url, List.of(
                    "CREATE TABLE plain_orders (shop_domain VARCHAR(255), id BIGINT PRIMARY KEY, updated_at TIMESTAMPTZ, data JSONB)",
                    "CREATE TABLE plain_line_items (shop_domain VARCHAR(255), id BIGINT PRIMARY KEY, order_id BIGINT, data JSONB)"),
                    "INSERT INTO plain_orders VALUES (?, ?, ?, CAST(? AS JSONB))",
                    "INSERT INTO plain_line_items VALUES (?, ?, ?, CAST(? AS JSONB))", (line, po, pl) -> {
                        JsonNode node = JSON.readTree(line);
                        String gid = node.get("id").asText();
                        long id = Long.parseLong(gid.substring(gid.lastIndexOf('/') + 1));
                        if (node.has("__parentId")) {
                            String parent = node.get("__parentId").asText();
                            pl.setString(1, "bench.myshopify.com");
                            pl.setLong(2, id);
                            pl.setLong(3, Long.parseLong(parent.substring(parent.lastIndexOf('/') + 1)));
                            pl.setString(4, line);
                            pl.addBatch();
                        } else {
                            po.setString(1, "bench.myshopify.com");
                            po.setLong(2, id);
                            po.setObject(3, OffsetDateTime.parse(node.get("updatedAt").asText()));
                            po.setString(4, line);
                            po.addBatch();
                        }
                    });
        } finally {
            BenchDatabase.drop(url);
        }
    }

    /** Adds one line's row to the batch of the orders' or the line items' INSERT. */
    private interface LineBinder {
        void bind(String line, PreparedStatement orders, PreparedStatement lineItems) throws Exception;
    }

    /** The file's lines through two INSERTs in JDBC batches, committed every 1000 lines, on one connection. */
    private static Phase insertInBatches(Path file, String url, List<String> setup, String ordersInsert, String lineItemsInsert,
                                         LineBinder binder) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("reWriteBatchedInserts", "true");
        try (Connection c = DriverManager.getConnection(url, p); Statement s = c.createStatement()) {
            for (String sql : setup) {
                s.execute(sql);
            }
            c.setAutoCommit(false);
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            try (PgBackendCpu pg = new PgBackendCpu(url);
                 BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                 PreparedStatement po = c.prepareStatement(ordersInsert);
                 PreparedStatement pl = c.prepareStatement(lineItemsInsert)) {
                String line;
                int n = 0;
                while ((line = r.readLine()) != null) {
                    binder.bind(line, po, pl);
                    if (++n % 1000 == 0) {
                        po.executeBatch();
                        pl.executeBatch();
                        c.commit();
                    }
                }
                po.executeBatch();
                pl.executeBatch();
                c.commit();
                double seconds = (System.nanoTime() - t0) / 1e9;
                pg.sample();
                return new Phase(seconds, THREADS.getCurrentThreadCpuTime() - cpu0, pg.nanos());
            }
        }
    }

    /**
     * The physical limit: every line COPYed as it is (shop, id, parent id, the line as JSONB) into one table without an
     * index, in one COPY, the ids cut out of the text without a JSON parse.
     */
    private static Phase bareCopy(Path file) throws Exception {
        String url = BenchDatabase.create();
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE bare_rows (shop_domain VARCHAR(255), id BIGINT, parent_id BIGINT, data JSONB)");
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            try (PgBackendCpu pg = new PgBackendCpu(url); BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY bare_rows FROM STDIN");
                StringBuilder b = new StringBuilder(1 << 16);
                String line;
                while ((line = r.readLine()) != null) {
                    b.append("bench.myshopify.com\t").append(gidNumber(line, "\"id\":\"")).append('\t');
                    long parent = gidNumber(line, "\"__parentId\":\"");
                    if (parent < 0) {
                        b.append("\\N");
                    } else {
                        b.append(parent);
                    }
                    b.append('\t').append(line.replace("\\", "\\\\")).append('\n');
                    if (b.length() > 1 << 16) {
                        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
                        copy.writeToCopy(bytes, 0, bytes.length);
                        b.setLength(0);
                    }
                }
                byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
                copy.writeToCopy(bytes, 0, bytes.length);
                copy.endCopy();
                double seconds = (System.nanoTime() - t0) / 1e9;
                pg.sample();
                return new Phase(seconds, THREADS.getCurrentThreadCpuTime() - cpu0, pg.nanos());
            }
        } finally {
            BenchDatabase.drop(url);
        }
    }

    /** The number at the end of the gid that follows {@code key} in a JSON line, or -1. */
    private static long gidNumber(String line, String key) {
        int k = line.indexOf(key);
        if (k < 0) {
            return -1;
        }
        int end = line.indexOf('"', k + key.length());
        return Long.parseLong(line.substring(line.lastIndexOf('/', end) + 1, end));
    }

}
