package io.shopifysync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.MasterKey;
import io.shopifysync.accounts.ShopDomain;
import io.shopifysync.accounts.TokenCipher;
import io.shopifysync.app.ShopifySyncApp;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.config.AppConfig;
import io.shopifysync.db.Database;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.shopify.ShopThrottle;
import io.shopifysync.shopify.Throttles;
import io.shopifysync.sync.Digest;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Paged-sync throughput against the rate limit (PostgreSQL on 127.0.0.1:5432, a fresh database per run).
 *
 * <p>An emulated store at plan {@code basic} (bucket 2000 points, restored at 100/s) is imported through
 * the real routes ({@link ShopifySyncApp}) with {@code import.paged-only=true}, so the first import pages
 * with {@code ShopifyGraphql} + {@code ShopThrottle} + {@code Pager} instead of using a bulk operation.
 * Measured: registration to every resource INCREMENTAL. Every GraphQL call goes through a small recording
 * proxy in this JVM, which keeps each answer's {@code extensions.cost} (requested and actual cost, the bucket
 * the shop reports) and whether it was THROTTLED; the emulator's own request counter (control API) is the
 * cross-check that nothing went around it.
 *
 * <p>The bound: the shop lets through at most {@code initialBucket + restoreRate × t} points in t seconds.
 * With C the total actual cost of the run, reading the objects cannot take less than
 * {@code (C - initialBucket) / restoreRate} seconds; the bound in objects/s is objects over that time
 * (the steady-state bound, {@code restoreRate / (C / objects)}, is printed beside it).
 * Targets (issue): achieved ≥ 0.90 × bound, ≤ 1 THROTTLED per 100 requests.
 */
public final class PollBench {

    private static final String PG = System.getenv().getOrDefault("BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static final Pattern ROOT_FIELD = Pattern.compile("\\{\\s*(\\w+)\\s*\\(");

    public static void main(String[] args) throws Exception {
        int customers = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        String plan = args.length > 1 ? args[1] : "basic";
        paged(customers, plan);
    }

    /** One GraphQL call as seen by the proxy. */
    record Call(long sentNanos, long answeredNanos, String op, String field, int first, int status, int requested,
                int actual, boolean throttled, double available, double maximum, double restoreRate, int objects) {}

    static void paged(int customers, String plan) throws Exception {
        String db = BenchDatabase.create();
        Path data = Files.createTempDirectory("bench-data");
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(42).orders(0).products(0)
                .customers(customers).plan(plan).timeScale(0).start()) {
            EmulatedShop shop = emu.shops().get(0);
            String control = emu.baseUrl() + "/_emulator/shops/" + shop.domain();
            Recorder proxy = new Recorder(emu.baseUrl());
            System.out.printf("poll: paged first import of %d customers, 0 orders, 0 products; plan %s; import.paged-only=true%n",
                    customers, plan);
            Map<String, String> settings = new HashMap<>();
            settings.put("db.url", db);
            settings.put("db.user", "postgres");
            settings.put("db.password", "");
            settings.put("http.port", "0");
            settings.put("shopify.sync.data.dir", data.toString());
            settings.put("import.paged-only", "true");
            settings.put("poll.interval.ms", "3600000");
            AppConfig config = AppConfig.load().with(settings);
            try (ShopifySyncApp app = ShopifySyncApp.start(config)) {
                Database database = app.context().getRegistry().lookupByNameAndType("database", Database.class);
                Throttles throttles = app.context().getRegistry().lookupByNameAndType("throttles", Throttles.class);
                JsonNode before = get(control);
                double initialBucket = before.path("throttleStatus").path("currentlyAvailable").asDouble();
                double restoreRate = before.path("throttleStatus").path("restoreRate").asDouble();
                double maximum = before.path("throttleStatus").path("maximumAvailable").asDouble();
                long requestsBefore = before.path("requests").asLong();
                System.out.printf("poll: emulator bucket before registration: %.0f of %.0f points, restore %.0f/s%n",
                        initialBucket, maximum, restoreRate);

                long t0 = System.nanoTime();
                proxy.t0 = t0;
                new Accounts(database, new TokenCipher(MasterKey.load(config)))
                        .add(shop.domain(), shop.accessToken(), proxy.baseUrl() + "/shops/" + shop.domain(), true);
                int resources = Catalog.load().resources().size();
                long deadline = t0 + Duration.ofMinutes(15).toNanos();
                while (BenchDatabase.incremental(database, shop.domain()) < resources) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("not every resource INCREMENTAL after 15 minutes");
                    }
                    Thread.sleep(20);
                }
                long t1 = System.nanoTime();
                double seconds = (t1 - t0) / 1e9;
                JsonNode after = get(control);
                long emulatorRequests = after.path("requests").asLong() - requestsBefore;

                String ours = new Digest(database, Catalog.load()).computeJson(ShopDomain.parse(shop.domain()));
                boolean equal = JSON.readTree(ours).equals(JSON.readTree(emu.digest(shop.domain())));
                long objects = 0;
                for (JsonNode part : JSON.readTree(ours)) {
                    objects += part.path("count").asLong();
                }
                report(proxy.calls(), objects, seconds, t0, t1, initialBucket, restoreRate, emulatorRequests,
                        throttles.of(shop.domain()), equal, config);
            } finally {
                proxy.close();
            }
        } finally {
            BenchDatabase.drop(db);
        }
    }

    private static void report(List<Call> calls, long objects, double seconds, long t0, long t1, double initialBucket,
                               double restoreRate, long emulatorRequests, ShopThrottle ours, boolean digestEqual,
                               AppConfig config) {
        long totalActual = 0;
        long totalRequested = 0;
        int throttled = 0;
        int pages = 0;
        long paged = 0;
        Map<String, long[]> byField = new java.util.TreeMap<>();
        for (Call c : calls) {
            totalActual += c.actual();
            totalRequested += c.throttled() ? 0 : c.requested();
            throttled += c.throttled() || c.status() == 429 ? 1 : 0;
            long[] f = byField.computeIfAbsent(c.op() + " " + c.field(), k -> new long[4]);
            f[0]++;
            f[1] += c.actual();
            f[2] += c.objects();
            f[3] += c.throttled() ? 1 : 0;
            if ("Page".equals(c.op()) && !c.throttled()) {
                pages++;
                paged += c.objects();
            }
        }
        int requests = calls.size();
        double costPerObject = (double) totalActual / Math.max(1, objects);
        double achieved = objects / seconds;
        double steadyBound = restoreRate / costPerObject;
        double minSeconds = Math.max(0, totalActual - initialBucket) / restoreRate;
        double bound = minSeconds > 0 ? objects / minSeconds : Double.POSITIVE_INFINITY;
        double ratio = achieved / bound;
        double per100 = requests == 0 ? 0 : 100.0 * throttled / requests;

        System.out.printf("poll: objects %d (rows of every table; %d roots read in %d pages), digest equal: %s%n",
                objects, paged, pages, digestEqual);
        System.out.printf("poll: seconds %.2f (accounts add -> every resource INCREMENTAL)%n", seconds);
        System.out.printf("poll: actual cost %d points (requested %d), %.3f points/object; initial bucket %.0f points, restore %.0f points/s%n",
                totalActual, totalRequested, costPerObject, initialBucket, restoreRate);
        System.out.printf("poll: shortest possible time (actual cost - initial bucket) / restore = (%d - %.0f) / %.0f = %.2f s%n",
                totalActual, initialBucket, restoreRate, minSeconds);
        System.out.printf("poll: achieved %.2f objects/s; bound %.2f objects/s (initial bucket counted as free); ratio %.3f  [target >= 0.90: %s]%n",
                achieved, bound, ratio, ratio >= 0.90 ? "PASS" : "FAIL");
        System.out.printf("poll: steady-state bound restore / cost per object = %.2f objects/s; achieved / steady-state bound %.3f (flattered by the initial bucket)%n",
                steadyBound, achieved / steadyBound);
        System.out.printf("poll: requests %d (emulator counted %d); THROTTLED %d = %.2f per 100 requests  [target <= 1: %s]%n",
                requests, emulatorRequests, throttled, per100, per100 <= 1.0 ? "PASS" : "FAIL");
        System.out.printf("poll: our ShopThrottle: %d waits, %d ms waited in total, %d THROTTLED seen, mirror now max %.0f restore %.0f/s%n",
                ours.waits(), ours.waitedMillis(), ours.throttledCount(), ours.maximum(), ours.restoreRate());

        if (calls.isEmpty()) {
            return;
        }
        // where the time went: before the first call, between first and last call, after the last answer
        Call first = calls.get(0);
        Call last = calls.get(calls.size() - 1);
        double window = (last.sentNanos() - first.sentNanos()) / 1e9;
        long beforeLast = totalActual - last.actual();
        System.out.printf("poll: time: %.2f s to the first call, %.2f s first -> last call, %.2f s last answer -> all INCREMENTAL%n",
                (first.sentNanos() - t0) / 1e9, window, (t1 - last.answeredNanos()) / 1e9);
        // the last call could only be sent once its requested cost was in the bucket
        long needed = beforeLast + last.requested();
        double offered = initialBucket + restoreRate * window;
        System.out.printf("poll: bucket use from first to last call: %d points spent before the last call + %d requested by it "
                + "= %d of %.0f offered (initial + restore x %.2f s) = %.1f%%%n",
                beforeLast, last.requested(), needed, offered, window, 100.0 * needed / offered);
        for (Map.Entry<String, long[]> e : byField.entrySet()) {
            long[] f = e.getValue();
            System.out.printf("poll:   %-28s %4d calls, %7d points, %6d objects, %d THROTTLED%n", e.getKey(), f[0], f[1], f[2], f[3]);
        }
        System.out.println("poll: first calls and every THROTTLED (t = seconds since accounts add; avail = bucket the shop reported after the call):");
        for (int i = 0; i < calls.size(); i++) {
            Call c = calls.get(i);
            if (i < 10 || c.throttled() || c.status() != 200 || i == calls.size() - 1) {
                System.out.printf("poll:   #%-3d t=%7.3f..%7.3f %-5s %-19s first=%-3d requested=%-4d actual=%-4s avail=%-5.0f max=%-5.0f restore=%-4.0f%s%n",
                        i + 1, (c.sentNanos() - t0) / 1e9, (c.answeredNanos() - t0) / 1e9, c.op(), c.field(), c.first(),
                        c.requested(), c.throttled() ? "-" : Integer.toString(c.actual()), c.available(), c.maximum(),
                        c.restoreRate(), c.throttled() ? "  THROTTLED" : c.status() != 200 ? "  HTTP " + c.status() : "");
            }
        }
        System.out.printf("poll: import.interval.ms=%s import.threads=%s poll.interval.ms=%s%n",
                config.get("import.interval.ms").orElse("?"), config.get("import.threads").orElse("?"),
                config.get("poll.interval.ms").orElse("?"));
    }

    /**
     * A forwarding HTTP proxy in front of the emulator that records every GraphQL answer's cost. It adds
     * one local hop per call (about a millisecond); at plan basic a 250-customer page is worth ~7 s of
     * restore, so the pacing, not the hop, decides the throughput.
     */
    static final class Recorder implements AutoCloseable {
        private final HttpServer server;
        private final ExecutorService pool = Executors.newFixedThreadPool(8);
        private final String target;
        private final List<Call> calls = new ArrayList<>();
        volatile long t0;

        Recorder(String target) throws Exception {
            this.target = target;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            server.createContext("/", this::forward);
            server.setExecutor(pool);
            server.start();
        }

        String baseUrl() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        synchronized List<Call> calls() {
            List<Call> copy = new ArrayList<>(calls);
            copy.sort((a, b) -> Long.compare(a.sentNanos(), b.sentNanos()));
            return copy;
        }

        private void forward(HttpExchange ex) {
            try {
                byte[] body;
                try (InputStream in = ex.getRequestBody()) {
                    body = in.readAllBytes();
                }
                HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(target + ex.getRequestURI()))
                        .timeout(Duration.ofSeconds(60))
                        .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
                for (String h : List.of("X-Shopify-Access-Token", "Content-Type", "Accept", "Range")) {
                    String v = ex.getRequestHeaders().getFirst(h);
                    if (v != null) {
                        req.header(h, v);
                    }
                }
                long sent = System.nanoTime();
                HttpResponse<byte[]> resp = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
                long answered = System.nanoTime();
                for (String h : List.of("Content-Type", "Retry-After", "Content-Range")) {
                    resp.headers().firstValue(h).ifPresent(v -> ex.getResponseHeaders().add(h, v));
                }
                byte[] out = resp.body();
                ex.sendResponseHeaders(resp.statusCode(), out.length == 0 ? -1 : out.length);
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(out);
                }
                if (ex.getRequestURI().getPath().endsWith("/graphql.json")) {
                    record(sent, answered, body, resp.statusCode(), out);
                }
            } catch (Exception e) {
                System.err.println("proxy: " + e);
            } finally {
                ex.close();
            }
        }

        private void record(long sent, long answered, byte[] request, int status, byte[] response) {
            String op = "?";
            String field = "?";
            int first = 0;
            int requested = 0;
            int actual = 0;
            boolean throttled = false;
            double available = -1;
            double maximum = -1;
            double restore = -1;
            int objects = 0;
            try {
                JsonNode q = JSON.readTree(request);
                String query = q.path("query").asText();
                Matcher m = Pattern.compile("^\\s*(query|mutation)\\s+(\\w+)").matcher(query);
                op = m.find() ? m.group(2) : "anon";
                Matcher f = ROOT_FIELD.matcher(query);
                field = f.find() ? f.group(1) : "?";
                if ("orders".equals(field) && query.contains("transactions {")) {
                    field = "orders/transactions"; // the order_transactions resource reads orders again
                }
                first = q.path("variables").path("first").asInt(0);
                if (status == 200) {
                    JsonNode r = JSON.readTree(response);
                    JsonNode cost = r.path("extensions").path("cost");
                    requested = cost.path("requestedQueryCost").asInt();
                    actual = cost.path("actualQueryCost").asInt(0);
                    JsonNode ts = cost.path("throttleStatus");
                    available = ts.path("currentlyAvailable").asDouble(-1);
                    maximum = ts.path("maximumAvailable").asDouble(-1);
                    restore = ts.path("restoreRate").asDouble(-1);
                    for (JsonNode e : r.path("errors")) {
                        throttled |= "THROTTLED".equals(e.path("extensions").path("code").asText());
                    }
                    JsonNode conn = r.path("data").path(field.startsWith("orders") ? "orders" : field);
                    objects = conn.path("edges").size();
                }
            } catch (Exception e) {
                System.err.println("proxy: cannot read a call: " + e);
            }
            synchronized (this) {
                calls.add(new Call(sent, answered, op, field, first, status, requested, actual, throttled, available, maximum,
                        restore, objects));
            }
        }

        @Override
        public void close() {
            server.stop(0);
            pool.shutdownNow();
        }
    }

    private static JsonNode get(String url) throws Exception {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body());
    }
}
