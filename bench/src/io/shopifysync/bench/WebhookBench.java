package io.shopifysync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.MasterKey;
import io.shopifysync.accounts.TokenCipher;
import io.shopifysync.app.ShopifySyncApp;
import io.shopifysync.config.AppConfig;
import io.shopifysync.db.Database;
import io.shopifysync.webhooks.InboxGroupCommit;
import io.shopifysync.webhooks.WebhookInboxEndpoint;
import io.shopifysync.webhooks.WebhookSignature;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Webhook intake benchmark against PostgreSQL on 127.0.0.1:5432 (a fresh database per run).
 *
 * <p>An open-loop load generator ({@link OpenLoopLoad}: one java.nio thread, a fixed request rate over a pool of
 * keep-alive connections, pre-encoded requests; the next request is sent when it is due, whether or not earlier ones
 * were answered) sends signed {@code orders/updated} deliveries with unique {@code X-Shopify-Event-Id}s. Latency is
 * measured from the moment a request was due (not when a free connection took it), so queueing in the client counts,
 * as it would for Shopify. Percentiles come from the sorted array of every measured request.
 *
 * <ol>
 *   <li>{@code ours}: the real application ({@code ShopifySyncApp}, route {@code webhook-intake}), one
 *       registered shop; afterwards every event id answered 200 is looked up in {@code shopify.webhook_inbox}.</li>
 *   <li>{@code bare}: a bare Vert.x {@code HttpServer} in the same JVM, the app stopped, whose handler verifies the
 *       same HMAC and runs one INSERT of the same columns into the same table through a HikariCP pool of the same
 *       size ({@code executeBlocking}, unordered, like platform-http-vertx does), one commit per delivery (no
 *       idempotency key, no group commit), driven at the same rate.</li>
 * </ol>
 */
public final class WebhookBench {

    private static final String PG = System.getenv().getOrDefault("BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "whsec_bench_secret";
    private static final String SHOP = "webhook-bench.myshopify.com";
    private static final String TOPIC = "orders/updated";
    private static final String[] STORED_HEADERS = {"X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-API-Version",
            "X-Shopify-Webhook-Id", "X-Shopify-Event-Id", "X-Shopify-Triggered-At", "X-Shopify-Name"};

    /** A pre-signed body: payloads differ by object id, the event id (a header) differs per request. */
    private record Payload(Buffer body, String hmac) {
    }

    /** One measured phase. */
    private record Result(String label, int offered, double seconds, int sent, int ok, int non200, int failed,
                          double achieved, long[] sortedLatencyNanos, Set<String> acked, Map<Integer, Integer> statuses,
                          Map<String, Long> cpuNanos, long[] maxLatencyNanosBySecond,
                          java.time.Instant startedAt) {
        double pct(double p) {
            if (sortedLatencyNanos.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(p / 100.0 * sortedLatencyNanos.length) - 1;
            return sortedLatencyNanos[Math.max(0, Math.min(sortedLatencyNanos.length - 1, i))] / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        int rate = intArg(args, 0, 3_000);
        int seconds = intArg(args, 1, 12);
        int connections = intArg(args, 2, 64);
        Payload[] payloads = payloads(256);
        String db = BenchDatabase.create();
        Path data = Files.createTempDirectory("bench-webhooks");
        OpenLoopLoad generator = new OpenLoopLoad("127.0.0.1", connections);
        try {
            Map<String, String> settings = new HashMap<>();
            settings.put("db.url", db);
            settings.put("db.user", "postgres");
            settings.put("db.password", "");
            settings.put("http.port", Integer.toString(freePort()));
            settings.put("shopify.sync.data.dir", data.toString());
            settings.put("shopify.client.secret", SECRET);
            // intake alone is measured: nothing else competes for the two cores (see bench/README.md)
            settings.put("poll.interval.ms", "3600000");
            settings.put("import.interval.ms", "3600000");
            settings.put("webhook.process.interval.ms", "3600000");
            AppConfig config = AppConfig.load().with(settings);
            int pool = config.getInt("db.pool.size");
            System.out.printf("webhooks: offered %d/s for %d s after warm-up, %d client connections, open loop "
                            + "(single-threaded java.nio load generator in the same JVM), db.pool.size=%d, PostgreSQL %s%n",
                    rate, seconds, connections, pool, PG);

            Result ours;
            long oursStored;
            try (ShopifySyncApp app = ShopifySyncApp.start(config)) {
                Database database = app.context().getRegistry().lookupByNameAndType("database", Database.class);
                new Accounts(database, new TokenCipher(MasterKey.load(config))).add(SHOP, "shpat_bench",
                        "http://127.0.0.1:9/shops/" + SHOP, true);
                int port = Integer.parseInt(settings.get("http.port"));
                Set<String> warmAcked = warmUp(generator, port, "ours-warm-", payloads, rate);
                // the group commit the route's webhook-inbox:store endpoint runs
                InboxGroupCommit inbox = app.context().getEndpoints().stream().filter(WebhookInboxEndpoint.class::isInstance)
                        .map(e -> ((WebhookInboxEndpoint) e).groupCommit()).findFirst().orElseThrow();
                long transactionsBefore = inbox.transactions();
                ours = load(generator, port, "ours", "ours-", payloads, rate, seconds);
                long transactions = inbox.transactions() - transactionsBefore;
                System.out.printf("ours: group commit: %d transactions for %d deliveries, %.1f deliveries per commit on average, "
                        + "%d batches split%n", transactions, ours.sent(), ours.sent() / (double) Math.max(1, transactions),
                        inbox.batchesSplit());
                ours.acked().addAll(warmAcked);
            }
            oursStored = verify(db, "ours", ours.acked());
            print(ours);

            boolean committed = oursStored == ours.acked().size();
            if ("ours".equals(System.getenv("BENCH_SIDES"))) {
                // tuning runs only: without the bare side there is no ratio
                System.out.printf("bare: skipped (BENCH_SIDES=ours); ours committed %s%n", committed ? "yes" : "NO");
                return;
            }
            Result bare;
            long bareStored;
            // its own Vertx with default options, as platform-http-vertx creates one (event loops, 20 workers)
            Vertx bareVertx = Vertx.vertx();
            try (HikariDataSource ds = bareDataSource(db, pool)) {
                int port = freePort();
                HttpServer server = bareServer(bareVertx, ds, port);
                try {
                    Set<String> warmAcked = warmUp(generator, port, "bare-warm-", payloads, rate);
                    bare = load(generator, port, "bare", "bare-", payloads, rate, seconds);
                    bare.acked().addAll(warmAcked);
                } finally {
                    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                }
            } finally {
                bareVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            bareStored = verify(db, "bare", bare.acked());
            print(bare);

            System.out.printf("ratio ours / bare: throughput %.2f, p50 %.2f, p99 %.2f, max %.2f%n",
                    ours.achieved() / bare.achieved(), ours.pct(50) / bare.pct(50), ours.pct(99) / bare.pct(99),
                    ours.pct(100) / bare.pct(100));
            boolean sustained = ours.achieved() >= 0.98 * rate && ours.non200() == 0 && ours.failed() == 0;
            boolean latency = ours.pct(99) <= 25.0;
            System.out.printf("target (>= 3000/s sustained, p99 ack <= 25 ms, every ack committed): offered %d/s %s, "
                            + "sustained %s, p99 %s, committed %s (bare committed %s)%n", rate, rate >= 3000 ? "ok" : "BELOW 3000",
                    sustained ? "yes" : "NO", latency ? "ok" : "MISSED", committed ? "yes" : "NO",
                    bareStored == bare.acked().size() ? "yes" : "NO");
        } finally {
            generator.close();
            BenchDatabase.drop(db);
        }
    }

    private static int intArg(String[] args, int i, int dflt) {
        return args.length > i ? Integer.parseInt(args[i]) : dflt;
    }

    /**
     * Warmed to a steady state, as a listener that has run for hours: rounds of 5 s at half the rate until the JIT
     * compiler threads used under 5% of a core in a round (at most 12 rounds), then 2 s at the rate. Measured with a
     * fixed 5 s warm-up, the compiler took a third of the JVM's CPU during the measured phase.
     */
    private static Set<String> warmUp(OpenLoopLoad generator, int port, String prefix, Payload[] payloads, int rate)
            throws Exception {
        Set<String> acked = new HashSet<>();
        int sent = 0;
        int bad = 0;
        int rounds = 0;
        double jitCores;
        do {
            Result round = load(generator, port, "warm-up", prefix + rounds + "-", payloads, Math.max(1, rate / 2), 5);
            rounds++;
            jitCores = round.cpuNanos().getOrDefault(JVM_JIT, 0L) / 1e9 / round.seconds();
            acked.addAll(round.acked());
            sent += round.sent();
            bad += round.non200() + round.failed();
        } while (jitCores >= 0.05 && rounds < 12);
        Result last = load(generator, port, "warm-up", prefix + "last-", payloads, rate, 2);
        acked.addAll(last.acked());
        System.out.printf("  warm-up %s: %d rounds of 5 s at %d/s (JIT compiler in the last: %.2f of a core), then 2 s at %d/s; "
                + "%d sent, %d not 200%n", prefix, rounds, Math.max(1, rate / 2), jitCores, rate, sent + last.sent(),
                bad + last.non200() + last.failed());
        return acked;
    }

    /** Open loop: request i is due at start + i / rate; it is sent then, however many are still unanswered. */
    private static Result load(OpenLoopLoad generator, int port, String label, String prefix, Payload[] payloads, int rate,
                               int seconds) throws Exception {
        int total = rate * seconds;
        byte[][] bodies = new byte[payloads.length][];
        String[] hmacs = new String[payloads.length];
        for (int p = 0; p < payloads.length; p++) {
            bodies[p] = payloads[p].body().getBytes();
            hmacs[p] = payloads[p].hmac();
        }
        IntFunction<byte[]> requests = webhookRequests(port, prefix, bodies, hmacs);
        Map<String, Long> cpuBefore = cpuByThreadGroup();
        OpenLoopLoad.Result run = generator.run(port, rate, seconds, requests);
        long start = run.startNanos();
        java.time.Instant startedAt = java.time.Instant.now().minusNanos(System.nanoTime() - start);
        long sendEnd = run.allDueNanos();
        long[] latency = run.latencyNanos();
        int[] status = run.status();
        long[] completedAt = run.completedAtNanos();
        if (run.unanswered() > 0) {
            System.out.printf("  %s: %d requests still unanswered after 60 s%n", label, run.unanswered());
        }
        Map<String, Long> cpu = cpuByThreadGroup();
        cpu.replaceAll((group, nanos) -> nanos - cpuBefore.getOrDefault(group, 0L));
        int ok = 0;
        int non200 = 0;
        int failed = 0;
        long last = start;
        Set<String> acked = new HashSet<>();
        Map<Integer, Integer> statuses = new LinkedHashMap<>();
        for (int i = 0; i < total; i++) {
            last = Math.max(last, completedAt[i]);
            statuses.merge(status[i], 1, Integer::sum);
            if (status[i] == 200) {
                ok++;
                acked.add(prefix + i);
            } else if (status[i] == -1 || status[i] == 0) {
                failed++;
            } else {
                non200++;
            }
        }
        double elapsed = (last - start) / 1e9;
        double sendSeconds = (sendEnd - start) / 1e9;
        long[] sorted = Arrays.copyOf(latency, total);
        Arrays.sort(sorted);
        if (!label.equals("warm-up") && sendSeconds > seconds * 1.02) {
            System.out.printf("  %s: the generator fell behind its schedule (%.2f s to send %d s of requests)%n",
                    label, sendSeconds, seconds);
        }
        long[] maxBySecond = new long[seconds];
        for (int i = 0; i < total; i++) {
            int second = i / rate;
            maxBySecond[second] = Math.max(maxBySecond[second], latency[i]);
        }
        return new Result(label, rate, elapsed, total, ok, non200, failed, ok / elapsed, sorted, acked, statuses, cpu,
                maxBySecond, startedAt);
    }

    private static final byte[] EVENT_ID_HEADER = "\r\nX-Shopify-Event-Id: ".getBytes(StandardCharsets.US_ASCII);

    /**
     * Request i as complete HTTP/1.1 bytes, the headers load() always sent: per payload the bytes before and after the
     * two id values are encoded once, per request only {@code prefix + i} is written (twice) between them.
     */
    static IntFunction<byte[]> webhookRequests(int port, String prefix, byte[][] bodies, String[] hmacs) {
        byte[][] heads = new byte[bodies.length][];
        byte[][] tails = new byte[bodies.length][];
        for (int p = 0; p < bodies.length; p++) {
            heads[p] = ("POST /webhooks/shopify HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + port + "\r\n"
                    + "Content-Length: " + bodies[p].length + "\r\n"
                    + "Content-Type: application/json\r\n"
                    + "X-Shopify-Topic: " + TOPIC + "\r\n"
                    + "X-Shopify-Shop-Domain: " + SHOP + "\r\n"
                    + "X-Shopify-API-Version: 2026-10\r\n"
                    + "X-Shopify-Webhook-Id: wh-").getBytes(StandardCharsets.UTF_8);
            byte[] end = ("\r\nX-Shopify-Triggered-At: 2026-11-26T10:00:00.000000Z\r\n"
                    + "X-Shopify-Hmac-Sha256: " + hmacs[p] + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
            tails[p] = Arrays.copyOf(end, end.length + bodies[p].length);
            System.arraycopy(bodies[p], 0, tails[p], end.length, bodies[p].length);
        }
        byte[] idPrefix = prefix.getBytes(StandardCharsets.UTF_8);
        return i -> {
            byte[] head = heads[i % heads.length];
            byte[] tail = tails[i % tails.length];
            int digits = decimalDigits(i);
            int idLength = idPrefix.length + digits;
            byte[] request = new byte[head.length + idLength + EVENT_ID_HEADER.length + idLength + tail.length];
            System.arraycopy(head, 0, request, 0, head.length);
            int at = writeId(request, head.length, idPrefix, i, digits);
            System.arraycopy(EVENT_ID_HEADER, 0, request, at, EVENT_ID_HEADER.length);
            at = writeId(request, at + EVENT_ID_HEADER.length, idPrefix, i, digits);
            System.arraycopy(tail, 0, request, at, tail.length);
            return request;
        };
    }

    private static int decimalDigits(int i) {
        int digits = 1;
        for (int rest = i / 10; rest > 0; rest /= 10) {
            digits++;
        }
        return digits;
    }

    /** Writes {@code prefix + i} ({@code i >= 0}, {@code digits} decimal digits) at {@code at}; returns the end. */
    private static int writeId(byte[] out, int at, byte[] prefix, int i, int digits) {
        System.arraycopy(prefix, 0, out, at, prefix.length);
        int end = at + prefix.length + digits;
        for (int p = end - 1; p >= at + prefix.length; p--) {
            out[p] = (byte) ('0' + i % 10);
            i /= 10;
        }
        return end;
    }

    private static void print(Result r) {
        System.out.printf("%s: offered %d/s, sent %d, 200 %d, non-200 %d, failed %d, achieved %.0f acks/s (first due to last "
                        + "answer %.2f s); ack latency ms p50 %.2f p90 %.2f p95 %.2f p99 %.2f p99.9 %.2f max %.2f; statuses %s%n",
                r.label(), r.offered(), r.sent(), r.ok(), r.non200(), r.failed(), r.achieved(), r.seconds(), r.pct(50), r.pct(90),
                r.pct(95), r.pct(99), r.pct(99.9), r.pct(100), r.statuses());
        // where the tail sits in time: one slow second (a pause) or a queue that builds up (capacity)
        long[] bySecond = r.maxLatencyNanosBySecond();
        Integer[] order = new Integer[bySecond.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Long.compare(bySecond[b], bySecond[a]));
        StringBuilder slowest = new StringBuilder();
        for (int k = 0; k < Math.min(5, order.length); k++) {
            slowest.append(String.format(" +%d s: %.1f ms;", order[k], bySecond[order[k]] / 1e6));
        }
        System.out.printf("%s: seconds (by due time from %s) whose slowest answer took over 25 ms: %d of %d; the slowest:%s%n",
                r.label(), r.startedAt().truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
                Arrays.stream(bySecond).filter(n -> n > 25_000_000L).count(), bySecond.length, slowest);
        StringBuilder cpu = new StringBuilder();
        long all = 0;
        for (Map.Entry<String, Long> e : r.cpuNanos().entrySet()) {
            if (!Set.of(POSTGRESQL, JVM_PROCESS, JVM_GC, JVM_JIT).contains(e.getKey())) {
                all += e.getValue();
                cpu.append(String.format(" %s %.1f", e.getKey(), e.getValue() / 1e3 / r.sent()));
            }
        }
        System.out.printf("%s: JVM CPU per request, µs (client and server share the JVM; vert.x-worker = the server's request "
                + "handling):%s; all threads %.1f; GC threads %.1f; JIT compiler threads %.1f; whole JVM process %.1f; "
                + "PostgreSQL processes %.1f%n", r.label(), cpu, all / 1e3 / r.sent(), r.cpuNanos().getOrDefault(JVM_GC, 0L) / 1e3 / r.sent(),
                r.cpuNanos().getOrDefault(JVM_JIT, 0L) / 1e3 / r.sent(), r.cpuNanos().getOrDefault(JVM_PROCESS, 0L) / 1e3 / r.sent(),
                r.cpuNanos().getOrDefault(POSTGRESQL, 0L) / 1e3 / r.sent());
    }

    private static final String POSTGRESQL = "postgresql";
    /** The JVM's whole CPU time, which also counts the GC and JIT threads that ThreadMXBean does not list. */
    private static final String JVM_PROCESS = "jvm-process";
    private static final String JVM_GC = "jvm-gc";
    private static final String JVM_JIT = "jvm-jit";

    /** CPU time (user + system) of every process named postgres on this machine, from /proc, in nanoseconds. */
    private static long postgresCpuNanos() {
        long ticks = 0;
        java.io.File[] procs = new java.io.File("/proc").listFiles((dir, name) -> name.chars().allMatch(Character::isDigit));
        for (java.io.File proc : procs == null ? new java.io.File[0] : procs) {
            try {
                String stat = Files.readString(proc.toPath().resolve("stat"));
                int close = stat.lastIndexOf(')');
                if (!stat.substring(stat.indexOf('(') + 1, close).equals("postgres")) {
                    continue;
                }
                String[] f = stat.substring(close + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
            } catch (Exception e) {
                // the process ended meanwhile
            }
        }
        return ticks * 10_000_000L; // USER_HZ is 100 on Linux
    }

    /** CPU time of the JVM's own threads that ThreadMXBean does not list: garbage collection and JIT compilation. */
    private static Map<String, Long> hiddenJvmThreadsCpuNanos() {
        Map<String, Long> byGroup = new java.util.TreeMap<>(Map.of(JVM_GC, 0L, JVM_JIT, 0L));
        java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
        for (java.io.File task : tasks == null ? new java.io.File[0] : tasks) {
            try {
                String stat = Files.readString(task.toPath().resolve("stat"));
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String group = name.startsWith("GC Thread") || name.startsWith("G1 ") ? JVM_GC
                        : name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler") ? JVM_JIT : null;
                if (group != null) {
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    byGroup.merge(group, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L, Long::sum);
                }
            } catch (Exception e) {
                // the thread ended meanwhile
            }
        }
        return byGroup;
    }

    /** CPU time of the JVM's live threads, summed by thread name with digits dropped. */
    private static Map<String, Long> cpuByThreadGroup() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<String, Long> byGroup = new java.util.TreeMap<>();
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                long nanos = threads.getThreadCpuTime(info.getThreadId());
                if (nanos > 0) {
                    byGroup.merge(group(info.getThreadName()), nanos, Long::sum);
                }
            }
        }
        byGroup.put(POSTGRESQL, postgresCpuNanos());
        byGroup.putAll(hiddenJvmThreadsCpuNanos());
        byGroup.put(JVM_PROCESS, ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime());
        return byGroup;
    }

    private static String group(String threadName) {
        if (threadName.startsWith("vert.x-worker")) {
            return "vert.x-worker";
        }
        if (threadName.startsWith("vert.x-eventloop")) {
            return "vert.x-eventloop";
        }
        return threadName.equals(OpenLoopLoad.THREAD_NAME) ? "generator" : "other";
    }

    /** Every event id answered 200 must be in the inbox; returns how many are. */
    private static long verify(String url, String label, Set<String> acked) throws Exception {
        Set<String> stored = new HashSet<>();
        long rows;
        long distinct;
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            try (PreparedStatement ps = c.prepareStatement("SELECT event_key FROM shopify.webhook_inbox WHERE shop_domain = ?")) {
                ps.setString(1, SHOP);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        stored.add(rs.getString(1));
                    }
                }
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT COUNT(*), COUNT(DISTINCT event_key) FROM shopify.webhook_inbox")) {
                rs.next();
                rows = rs.getLong(1);
                distinct = rs.getLong(2);
            }
        }
        long present = acked.stream().filter(stored::contains).count();
        System.out.printf("%s: verified %d acknowledged (200) event ids (warm-up included): %d in shopify.webhook_inbox, "
                + "%d missing; inbox rows so far %d (%d distinct event ids)%n", label, acked.size(), present,
                acked.size() - present, rows, distinct);
        return present;
    }

    // ---- the baseline: a bare Vert.x server doing the same verify + INSERT -------------------------------------

    private static HikariDataSource bareDataSource(String url, int poolSize) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setUsername("postgres");
        hc.setPassword("");
        hc.setMaximumPoolSize(poolSize);
        hc.setPoolName("bare");
        return new HikariDataSource(hc);
    }

    /**
     * One delivery into the inbox, for a registered shop and only once: the application's statement before group
     * commit (it now writes every delivery of a commit in one {@code insert-webhooks} statement).
     */
    private static final String BARE_INSERT = """
            INSERT INTO shopify.webhook_inbox (event_key, webhook_id, topic, shop_domain, object_id, object_updated_at,
                triggered_at, api_version, headers, body, received_at, status)
            SELECT ?, ?, ?, s.shop_domain, CAST(? AS BIGINT), CAST(? AS TIMESTAMPTZ), CAST(? AS TIMESTAMPTZ), ?, ?, ?,
                CAST(? AS TIMESTAMPTZ), 'NEW'
            FROM shopify.shops s
            WHERE s.shop_domain = ? AND NOT EXISTS (SELECT 1 FROM shopify.webhook_inbox x
                WHERE x.shop_domain = s.shop_domain AND x.event_key = ?)
            ON CONFLICT (shop_domain, event_key) DO NOTHING""";

    private static HttpServer bareServer(Vertx vertx, HikariDataSource ds, int port) throws Exception {
        WebhookSignature signature = new WebhookSignature(SECRET, null);
        String insert = BARE_INSERT;
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true));
        server.requestHandler(req -> req.body().onComplete(ar -> {
            if (ar.failed()) {
                req.response().setStatusCode(400).end();
                return;
            }
            byte[] body = ar.result().getBytes();
            vertx.executeBlocking(() -> store(signature, ds, insert, req, body), false)
                    .onComplete(r -> req.response().setStatusCode(r.succeeded() ? r.result() : 503).end());
        }));
        server.listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return server;
    }

    /** The minimal handler: HMAC, then the application's {@code insert-webhook} statement, autocommit. */
    private static int store(WebhookSignature signature, HikariDataSource ds, String insert, HttpServerRequest req,
                             byte[] body) throws Exception {
        if (!signature.verify(body, req.getHeader("X-Shopify-Hmac-Sha256"))) {
            return 401;
        }
        String text = new String(body, StandardCharsets.UTF_8);
        Long objectId = null;
        OffsetDateTime objectUpdatedAt = null;
        try {
            JsonNode json = JSON.readTree(text);
            if (json != null && json.path("id").canConvertToLong()) {
                objectId = json.path("id").asLong();
            }
            if (json != null && json.hasNonNull("updated_at")) {
                objectUpdatedAt = OffsetDateTime.parse(json.get("updated_at").asText());
            }
        } catch (Exception e) {
            // stored as it came
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h : STORED_HEADERS) {
            String v = req.getHeader(h);
            if (v != null) {
                headers.put(h, v);
            }
        }
        String triggered = req.getHeader("X-Shopify-Triggered-At");
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(insert)) {
            ps.setString(1, req.getHeader("X-Shopify-Event-Id"));
            ps.setString(2, req.getHeader("X-Shopify-Webhook-Id"));
            ps.setString(3, req.getHeader("X-Shopify-Topic"));
            ps.setObject(4, objectId);
            ps.setObject(5, objectUpdatedAt);
            ps.setObject(6, triggered == null ? null : OffsetDateTime.parse(triggered));
            ps.setString(7, req.getHeader("X-Shopify-API-Version"));
            ps.setString(8, JSON.writeValueAsString(headers));
            ps.setString(9, text);
            ps.setObject(10, OffsetDateTime.now(ZoneOffset.UTC));
            ps.setString(11, req.getHeader("X-Shopify-Shop-Domain"));
            ps.setString(12, req.getHeader("X-Shopify-Event-Id"));
            return ps.executeUpdate() == 1 ? 200 : 401;
        }
    }

    // ---- payloads and database -------------------------------------------------------------------------------

    /** Realistic orders/updated bodies (~1.3 KB), signed once each. */
    private static Payload[] payloads(int n) throws Exception {
        Payload[] out = new Payload[n];
        for (int i = 0; i < n; i++) {
            long id = 5_000_000_000L + i;
            Map<String, Object> order = new LinkedHashMap<>();
            order.put("id", id);
            order.put("admin_graphql_api_id", "gid://shopify/Order/" + id);
            order.put("name", "#" + (1000 + i));
            order.put("email", "customer" + i + "@example.com");
            order.put("created_at", "2026-11-20T09:00:00Z");
            order.put("updated_at", "2026-11-26T10:00:00Z");
            order.put("currency", "EUR");
            order.put("financial_status", "paid");
            order.put("fulfillment_status", null);
            order.put("total_price", "129.90");
            order.put("subtotal_price", "119.90");
            order.put("total_tax", "10.00");
            order.put("tags", "bench, webhook");
            order.put("line_items", List.of(
                    lineItem(id * 10 + 1, "Linen shirt", "49.95", 1),
                    lineItem(id * 10 + 2, "Canvas tote", "34.95", 2)));
            order.put("shipping_address", Map.of("city", "Lyon", "country_code", "FR", "zip", "69002",
                    "address1", "12 rue de la République"));
            byte[] body = JSON.writeValueAsBytes(order);
            out[i] = new Payload(Buffer.buffer(body), WebhookSignature.sign(SECRET, body));
        }
        return out;
    }

    private static Map<String, Object> lineItem(long id, String title, String price, int quantity) {
        Map<String, Object> li = new LinkedHashMap<>();
        li.put("id", id);
        li.put("admin_graphql_api_id", "gid://shopify/LineItem/" + id);
        li.put("title", title);
        li.put("price", price);
        li.put("quantity", quantity);
        li.put("sku", "SKU-" + id);
        li.put("variant_id", id + 7);
        li.put("product_id", id + 11);
        return li;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
