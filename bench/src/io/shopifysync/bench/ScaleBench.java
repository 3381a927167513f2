package io.shopifysync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.MasterKey;
import io.shopifysync.accounts.TokenCipher;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.db.Database;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Many small stores on one PostgreSQL, one instance and then two (separate JVMs, clustered Quartz, partitioned
 * jobs, work locks). Per run: a fresh database, every store registered, the instances started; measured the
 * first import (start to every store and resource INCREMENTAL), then the sync lag under polling only (no
 * webhooks): a customer of a random store is updated in the emulator and the time until the row with that
 * updatedAt is in the database is recorded, for many stores, as p50/p95/p99.
 *
 * <p>Arguments: shops (1000), poll interval ms (10000), lag samples (300), seconds to spread them over (60),
 * partitions (8).
 */
public final class ScaleBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    record Result(int instances, double importSeconds, double p50, double p95, double p99, double max, int samples) {
    }

    public static void main(String[] args) throws Exception {
        int shops = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int pollMs = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int samples = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        int spreadSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        int partitions = args.length > 4 ? Integer.parseInt(args[4]) : 8;
        System.out.printf("scale: %d stores (5 orders, 3 products, 5 customers each), poll.interval.ms=%d, sync.partitions=%d,"
                + " %d lag samples over %d s; PostgreSQL %s%n", shops, pollMs, partitions, samples, spreadSeconds,
                BenchDatabase.ADMIN_URL);
        List<Result> results = new ArrayList<>();
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(shops).seed(5).orders(5).products(3).customers(5)
                .plan("plus").start()) {
            for (int instances : new int[] {1, 2}) {
                results.add(run(emu, instances, pollMs, samples, spreadSeconds, partitions));
            }
        }
        Result one = results.get(0);
        Result two = results.get(1);
        System.out.println();
        System.out.println("| instances | first import of all stores (s) | lag p50 (s) | lag p95 (s) | lag p99 (s) | lag max (s) | samples |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
        for (Result r : results) {
            System.out.printf("| %d | %.1f | %.1f | %.1f | %.1f | %.1f | %d |%n", r.instances(), r.importSeconds(), r.p50(), r.p95(),
                    r.p99(), r.max(), r.samples());
        }
        System.out.printf("scaling ratio (one instance / two): import %.2f, lag p50 %.2f, lag p95 %.2f%n",
                one.importSeconds() / two.importSeconds(), one.p50() / two.p50(), one.p95() / two.p95());
    }

    static Result run(ShopifyEmulator emu, int instances, int pollMs, int samples, int spreadSeconds, int partitions)
            throws Exception {
        String url = BenchDatabase.create();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String masterKey = Base64.getEncoder().encodeToString(key);
        List<Process> apps = new ArrayList<>();
        try (Database db = Database.open(url, "postgres", "", 4, 10_000)) {
            Accounts accounts = new Accounts(db, new TokenCipher(MasterKey.fromBase64(masterKey)));
            for (EmulatedShop shop : emu.shops()) {
                accounts.add(shop.domain(), shop.accessToken(), shop.adminUrl(), true);
            }
            long expected = (long) emu.shops().size() * Catalog.load().resources().size();
            Path data = Files.createTempDirectory("bench-scale");
            long t0 = System.nanoTime();
            for (int i = 0; i < instances; i++) {
                apps.add(start(url, masterKey, data, pollMs, partitions, i));
            }
            while (count(db, "SELECT COUNT(*) FROM shopify.sync_state WHERE phase = 'INCREMENTAL'") < expected) {
                if (System.nanoTime() - t0 > Duration.ofMinutes(20).toNanos()) {
                    throw new IllegalStateException("import not done after 20 minutes");
                }
                Thread.sleep(200);
            }
            double importSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("scale: %d instance(s): every store INCREMENTAL after %.1f s (JVM start included)%n",
                    instances, importSeconds);
            Thread.sleep(2L * pollMs); // the first polls of every store have run

            List<double[]> lags = lag(emu, db, samples, spreadSeconds);
            List<Double> sorted = new ArrayList<>();
            for (double[] l : lags) {
                sorted.add(l[0]);
            }
            Collections.sort(sorted);
            Result r = new Result(instances, importSeconds, pct(sorted, 50), pct(sorted, 95), pct(sorted, 99),
                    sorted.get(sorted.size() - 1), sorted.size());
            System.out.printf("scale: %d instance(s): sync lag p50 %.1f s, p95 %.1f s, p99 %.1f s, max %.1f s (%d samples)%n",
                    instances, r.p50(), r.p95(), r.p99(), r.max(), r.samples());
            return r;
        } finally {
            for (Process p : apps) {
                p.destroy();
            }
            for (Process p : apps) {
                p.waitFor();
            }
            BenchDatabase.drop(url);
        }
    }

    private static Process start(String url, String masterKey, Path data, int pollMs, int partitions, int n) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "io.shopifysync.cli.ShopifySync", "run");
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("DB_") || k.startsWith("SHOPIFY_CLIENT"));
        Map<String, String> env = new HashMap<>();
        env.put("DB_URL", url);
        env.put("DB_USER", "postgres");
        env.put("DB_PASSWORD", "");
        env.put("DB_POOL_SIZE", "12");
        env.put("SHOPIFY_SYNC_DATA_DIR", data.toString());
        env.put("SHOPIFY_SYNC_MASTER_KEY", masterKey);
        env.put("HTTP_PORT", "0");
        env.put("MANAGEMENT_PORT", "0");
        env.put("POLL_INTERVAL_MS", Integer.toString(pollMs));
        env.put("SYNC_PARTITIONS", Integer.toString(partitions));
        env.put("LOG_LEVEL", "WARN");
        pb.environment().putAll(env);
        File log = new File("bench/results/scale-instance-" + n + ".log");
        return pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.to(log)).start();
    }

    /** Updates one customer of a random store at a steady pace; returns each update's lag in seconds. */
    private static List<double[]> lag(ShopifyEmulator emu, Database db, int samples, int spreadSeconds) throws Exception {
        Random random = new Random(11);
        record Pending(String shop, long id, OffsetDateTime updatedAt, long sentNanos) {
        }
        List<Pending> pending = new ArrayList<>();
        List<double[]> done = new ArrayList<>();
        Instant since = Instant.now().minusSeconds(1);
        long start = System.nanoTime();
        long interval = Duration.ofSeconds(spreadSeconds).toNanos() / samples;
        int sent = 0;
        long deadline = start + Duration.ofSeconds(spreadSeconds + 180L).toNanos();
        while ((sent < samples || !pending.isEmpty()) && System.nanoTime() < deadline) {
            while (sent < samples && System.nanoTime() - start >= sent * interval) {
                EmulatedShop shop = emu.shops().get(random.nextInt(emu.shops().size()));
                JsonNode answer = post(emu.baseUrl() + "/_emulator/shops/" + shop.domain() + "/customers/update", "{\"count\":1}");
                JsonNode o = answer.path("objects").get(0);
                pending.add(new Pending(shop.domain(), Long.parseLong(o.path("legacyResourceId").asText()),
                        OffsetDateTime.parse(o.path("updatedAt").asText()), System.nanoTime()));
                sent++;
            }
            Map<String, OffsetDateTime> stored = new HashMap<>();
            try (Connection c = db.dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT shop_domain, id, updated_at FROM shopify.customers WHERE synced_at >= ?")) {
                ps.setObject(1, OffsetDateTime.ofInstant(since, java.time.ZoneOffset.UTC));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        stored.put(rs.getString(1) + "/" + rs.getLong(2), rs.getObject(3, OffsetDateTime.class));
                    }
                }
            }
            long now = System.nanoTime();
            pending.removeIf(p -> {
                OffsetDateTime u = stored.get(p.shop() + "/" + p.id());
                if (u != null && !u.isBefore(p.updatedAt())) {
                    done.add(new double[] {(now - p.sentNanos()) / 1e9});
                    return true;
                }
                return false;
            });
            Thread.sleep(200);
        }
        if (!pending.isEmpty()) {
            throw new IllegalStateException(pending.size() + " changes never reached the database");
        }
        return done;
    }

    private static double pct(List<Double> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private static long count(Database db, String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); var s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static JsonNode post(String url, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }
}
