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
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * Import benchmarks against PostgreSQL on 127.0.0.1:5432 (a fresh database per run).
 * <ul>
 *   <li>{@code e2e}: a seeded emulated store into PostgreSQL through the real routes, register to all INCREMENTAL;</li>
 *   <li>{@code generate FILE}: writes a bulk result of ~1M objects (orders with line items) from the emulator;</li>
 *   <li>{@code ingest FILE}: streams that file through BulkIngest, then loads the same rows with plain JDBC batches.</li>
 * </ul>
 */
public final class ImportBench {

    private static final String PG = System.getenv().getOrDefault("BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final ObjectMapper JSON = new ObjectMapper();

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

    static void endToEnd(int orders, int products, int customers) throws Exception {
        String db = BenchDatabase.create();
        Path data = Files.createTempDirectory("bench-data");
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(42).orders(orders).products(products)
                .customers(customers).plan("plus").timeScale(0).start()) {
            EmulatedShop shop = emu.shops().get(0);
            System.out.printf("e2e: store of %d orders, %d products, %d customers (emulator bulk pacing off: timeScale 0)%n",
                    orders, products, customers);
            Map<String, String> settings = new HashMap<>();
            settings.put("db.url", db);
            settings.put("db.user", "postgres");
            settings.put("db.password", "");
            settings.put("http.port", "0");
            settings.put("shopify.sync.data.dir", data.toString());
            AppConfig config = AppConfig.load().with(settings);
            try (ShopifySyncApp app = ShopifySyncApp.start(config)) {
                Database database = app.context().getRegistry().lookupByNameAndType("database", Database.class);
                long t0 = System.nanoTime();
                new Accounts(database, new TokenCipher(MasterKey.load(config))).add(shop.domain(), shop.accessToken(), shop.adminUrl(), true);
                int resources = Catalog.load().resources().size();
                while (BenchDatabase.incremental(database, shop.domain()) < resources) {
                    Thread.sleep(20);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                String ours = new Digest(database, Catalog.load()).computeJson(ShopDomain.parse(shop.domain()));
                boolean equal = JSON.readTree(ours).equals(JSON.readTree(emu.digest(shop.domain())));
                JsonNode d = JSON.readTree(ours);
                long rows = 0;
                for (JsonNode part : d) {
                    rows += part.path("count").asLong();
                }
                System.out.printf("e2e: register -> every resource INCREMENTAL in %.2f s; %d rows (%s); digest equal: %s%n",
                        seconds, rows, d, equal);
                System.out.printf("e2e: import.interval.ms=%s import.threads=%s import.batch.size=%s%n",
                        config.get("import.interval.ms").orElse("?"), config.get("import.threads").orElse("?"),
                        config.get("import.batch.size").orElse("?"));
            }
        } finally {
            BenchDatabase.drop(db);
        }
    }

    static void generate(Path file, int orders) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(42).orders(orders).products(0).customers(0)
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

    static void ingest(Path file) throws Exception {
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
            BulkIngest ingest = new BulkIngest(new ResourceWriter(jdbc, new Upserts(catalog, db.dialect()), state),
                    new DeadLetters(jdbc, Clock.systemUTC()), 1000);
            long lines;
            double ours;
            System.gc();
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                long t0 = System.nanoTime();
                BulkIngest.Result r = ingest.ingest(shop, orders, "gid://shopify/BulkOperation/1", in, 0, 0);
                ours = (System.nanoTime() - t0) / 1e9;
                lines = r.lines();
            }
            long heapAfterOurs = usedHeapMb();
            System.out.printf("ingest (BulkIngest, newer-wins upserts, progress per batch): %d rows in %.2f s = %.0f rows/s%n",
                    lines, ours, lines / ours);
            double plain = plainJdbc(url, file);
            System.out.printf("plain JDBC batch INSERT of the same rows (parse + insert, no upsert, no progress): %.2f s = %.0f rows/s%n",
                    plain, lines / plain);
            System.out.printf("ratio BulkIngest / plain JDBC throughput: %.2f; max heap %d MiB, heap used after ingest %d MiB%n",
                    plain / ours, Runtime.getRuntime().maxMemory() >> 20, heapAfterOurs);
        } finally {
            BenchDatabase.drop(url);
        }
    }

    /** The baseline: the same tables' rows from the same file with plain INSERT batches of 1000 in one connection. */
    private static double plainJdbc(String url, Path file) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("reWriteBatchedInserts", "true");
        try (Connection c = DriverManager.getConnection(url, p); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE plain_orders (shop_domain VARCHAR(255), id BIGINT PRIMARY KEY, updated_at TIMESTAMPTZ, data JSONB)");
            s.execute("CREATE TABLE plain_line_items (shop_domain VARCHAR(255), id BIGINT PRIMARY KEY, order_id BIGINT, data JSONB)");
            c.setAutoCommit(false);
            long t0 = System.nanoTime();
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                 PreparedStatement po = c.prepareStatement("INSERT INTO plain_orders VALUES (?, ?, ?, CAST(? AS JSONB))");
                 PreparedStatement pl = c.prepareStatement("INSERT INTO plain_line_items VALUES (?, ?, ?, CAST(? AS JSONB))")) {
                String line;
                int n = 0;
                while ((line = r.readLine()) != null) {
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
                    if (++n % 1000 == 0) {
                        po.executeBatch();
                        pl.executeBatch();
                        c.commit();
                    }
                }
                po.executeBatch();
                pl.executeBatch();
                c.commit();
            }
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    private static long usedHeapMb() {
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) >> 20;
    }
}
