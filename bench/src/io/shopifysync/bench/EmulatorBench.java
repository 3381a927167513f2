package io.shopifysync.bench;

import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Emulator benchmark.
 * <pre>
 *   (a) graphql: small GraphQL requests per second from one HttpClient (plan plus), sequential and with a few in flight
 *   (b) bulk:    one bulk query whose JSONL result has ≥ 1M objects, streamed without buffering; the emulator runs in
 *                this JVM, which bemulator.sh starts with -Xmx256m; peak heap from MemoryMXBean sampling and pool peaks
 * </pre>
 * Usage: EmulatorBench [graphql|bulk|all] [--seconds S] [--inflight N] [--bulk-orders N]
 */
public final class EmulatorBench {

    static final String VERSION = "2026-10";
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 && !args[0].startsWith("--") ? args[0] : "all";
        int seconds = intArg(args, "--seconds", 10);
        int inflight = intArg(args, "--inflight", 8);
        int bulkOrders = intArg(args, "--bulk-orders", 360_000);
        System.out.printf(Locale.ROOT, "# emulator bench: mode=%s java=%s maxHeap=%dMiB cpus=%d%n", mode,
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());
        HeapSampler heap = new HeapSampler();
        heap.start();
        try {
            if (mode.equals("graphql") || mode.equals("all")) graphql(seconds, inflight);
            if (mode.equals("bulk") || mode.equals("all")) bulk(bulkOrders, heap);
        } finally {
            heap.stopSampling();
        }
    }

    // ------------------------------------------------------------------ (a) small GraphQL requests/s

    static void graphql(int seconds, int inflight) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(42)
                .orders(50).products(10).customers(20).plan("plus").start()) {
            EmulatedShop shop = emu.shops().get(0);
            String url = emu.baseUrl() + "/shops/" + shop.domain() + "/admin/api/" + VERSION + "/graphql.json";
            String body = "{\"query\":\"{ orders(first: 1) { edges { node { id updatedAt } } } }\"}";
            HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").header("X-Shopify-Access-Token", shop.accessToken())
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            // Throttling off for a raw-throughput number: a practically unlimited bucket via the control API
            // (PUT /_emulator/shops/{shop}/throttle {"maximumAvailable":1e9,"restoreRate":1e9,"currentlyAvailable":1e9}).
            HttpResponse<String> off = HTTP.send(HttpRequest.newBuilder(URI.create(emu.baseUrl() + "/_emulator/shops/" + shop.domain() + "/throttle"))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"maximumAvailable\":1e9,\"restoreRate\":1e9,\"currentlyAvailable\":1e9}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (off.statusCode() != 200) throw new IllegalStateException("cannot lift throttling: " + off.statusCode() + " " + off.body());
            {
                System.out.println("graphql query: orders(first: 1) { edges { node { id updatedAt } } }  (cost 3, plan plus, throttling lifted: bucket 1e9, restore 1e9/s)");
                // warm-up (JIT, connection pool)
                runFor(req, 2, 1, null);
                Counts c1 = runFor(req, seconds, 1, "graphql sequential");
                Counts cN = runFor(req, seconds, inflight, "graphql inflight=" + inflight);
                if (c1.ok + cN.ok == 0) throw new IllegalStateException("no successful GraphQL request");
            }
        }
    }

    record Counts(long ok, long throttled, long failed) {}

    static Counts runFor(HttpRequest req, int seconds, int inflight, String label) throws Exception {
        AtomicLong ok = new AtomicLong(), throttled = new AtomicLong(), failed = new AtomicLong();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        List<CompletableFuture<Void>> loops = new ArrayList<>();
        for (int i = 0; i < inflight; i++) {
            loops.add(CompletableFuture.runAsync(() -> {
                while (System.nanoTime() < end) {
                    try {
                        HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) failed.incrementAndGet();
                        else if (r.body().contains("\"THROTTLED\"")) throttled.incrementAndGet();
                        else if (r.body().contains("\"errors\"")) failed.incrementAndGet();
                        else ok.incrementAndGet();
                    } catch (IOException e) {
                        failed.incrementAndGet();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }, java.util.concurrent.Executors.newSingleThreadExecutor()));
        }
        for (CompletableFuture<Void> f : loops) f.get();
        double secs = (System.nanoTime() - start) / 1e9;
        if (label != null) {
            System.out.printf(Locale.ROOT, "%-28s requests=%d ok=%d throttled=%d failed=%d seconds=%.2f requests/s=%.0f ok/s=%.0f%n",
                    label, ok.get() + throttled.get() + failed.get(), ok.get(), throttled.get(), failed.get(), secs,
                    (ok.get() + throttled.get() + failed.get()) / secs, ok.get() / secs);
        }
        return new Counts(ok.get(), throttled.get(), failed.get());
    }

    // ------------------------------------------------------------------ (b) bulk JSONL streaming

    static final Pattern ID = Pattern.compile("\"id\":\"(gid://shopify/BulkOperation/\\d+)\"");
    static final Pattern STATUS = Pattern.compile("\"status\":\"([A-Z]+)\"");
    static final Pattern URL = Pattern.compile("\"url\":\"([^\"]+)\"");
    static final Pattern OBJECT_COUNT = Pattern.compile("\"objectCount\":\"(\\d+)\"");
    static final Pattern ROOT_COUNT = Pattern.compile("\"rootObjectCount\":\"(\\d+)\"");
    static final Pattern FILE_SIZE = Pattern.compile("\"fileSize\":\"(\\d+)\"");

    static void bulk(int orders, HeapSampler heap) throws Exception {
        long t0 = System.nanoTime();
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(42)
                .orders(orders).products(1).customers(1).plan("plus").timeScale(0.0).start()) {
            double startSecs = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "bulk store: orders=%d started in %.2fs heapUsedNow=%dMiB%n", orders, startSecs,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20);
            EmulatedShop shop = emu.shops().get(0);
            String url = emu.baseUrl() + "/shops/" + shop.domain() + "/admin/api/" + VERSION + "/graphql.json";
            String bulkQuery = "{ orders { edges { node { id updatedAt lineItems { edges { node { id quantity } } } } } } }";
            java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
            com.sun.net.httpserver.HttpServer hook = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            hook.createContext("/finish", ex -> {
                ex.getRequestBody().readAllBytes();
                ex.sendResponseHeaders(200, -1);
                ex.close();
                finished.countDown();
            });
            hook.start();
            post(url, shop.accessToken(), "mutation($q: String!) { webhookSubscriptionCreate(topic: BULK_OPERATIONS_FINISH, "
                    + "webhookSubscription: { uri: $q, format: JSON }) { webhookSubscription { id } userErrors { message } } }",
                    "http://127.0.0.1:" + hook.getAddress().getPort() + "/finish");
            String run = post(url, shop.accessToken(), "mutation($q: String!) { bulkOperationRunQuery(query: $q) { "
                    + "bulkOperation { id status } userErrors { field message } } }", bulkQuery);
            Matcher m = ID.matcher(run);
            if (!m.find()) throw new IllegalStateException("bulkOperationRunQuery failed: " + run);
            String opId = m.group(1);
            long tRun = System.nanoTime();
            // wait for the bulk_operations/finish webhook instead of polling (subscribed before the run, see below)
            if (!finished.await(600, java.util.concurrent.TimeUnit.SECONDS)) throw new IllegalStateException("bulk op did not finish");
            String poll = post(url, shop.accessToken(), "query($id: ID!) { bulkOperation(id: $id) { id status errorCode objectCount "
                    + "rootObjectCount fileSize url } }", opId);
            Matcher st = STATUS.matcher(poll);
            String status = st.find() ? st.group(1) : "?";
            double runSecs = (System.nanoTime() - tRun) / 1e9;
            if (!status.equals("COMPLETED")) throw new IllegalStateException("bulk op " + status + ": " + poll);
            String resultUrl = group(URL, poll).replace("\\u0026", "&").replace("\\/", "/");
            long objectCount = Long.parseLong(group(OBJECT_COUNT, poll));
            String root = group(ROOT_COUNT, poll);
            String fileSize = group(FILE_SIZE, poll);
            hook.stop(0);
            System.out.printf(Locale.ROOT, "bulk operation: status=%s objectCount=%d rootObjectCount=%s fileSize=%s completed in %.2fs (generation objects/s=%.0f)%n",
                    status, objectCount, root, fileSize, runSecs, objectCount / runSecs);

            heap.resetPeak();
            long tStream = System.nanoTime();
            HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(URI.create(resultUrl)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) throw new IllegalStateException("GET result url -> " + r.statusCode());
            long lines = 0, bytes = 0, children = 0;
            byte[] buf = new byte[1 << 16];
            boolean sawParent = false;
            int matchPos = 0;
            byte[] parentKey = "\"__parentId\"".getBytes(StandardCharsets.UTF_8);
            try (InputStream in = r.body()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    bytes += n;
                    for (int i = 0; i < n; i++) {
                        byte b = buf[i];
                        if (b == '\n') {
                            lines++;
                            if (sawParent) children++;
                            sawParent = false;
                            matchPos = 0;
                        } else if (!sawParent) {
                            if (b == parentKey[matchPos]) {
                                if (++matchPos == parentKey.length) sawParent = true;
                            } else {
                                matchPos = b == parentKey[0] ? 1 : 0;
                            }
                        }
                    }
                }
            }
            double streamSecs = (System.nanoTime() - tStream) / 1e9;
            System.out.printf(Locale.ROOT,
                    "bulk stream: objects=%d (roots=%d children=%d) bytes=%d seconds=%.2f objects/s=%.0f MiB/s=%.1f%n",
                    lines, lines - children, children, bytes, streamSecs, lines / streamSecs, bytes / streamSecs / (1 << 20));
            System.out.printf(Locale.ROOT, "bulk objects match objectCount: %s; >= 1M objects: %s%n",
                    lines == objectCount, lines >= 1_000_000);
            System.out.printf(Locale.ROOT, "heap: maxHeap=%dMiB peakUsedSampled=%dMiB (whole run %dMiB) peakPoolsSum=%dMiB%n",
                    Runtime.getRuntime().maxMemory() >> 20, heap.peakSinceReset() >> 20, heap.peakOverall() >> 20, poolPeaks() >> 20);
        }
    }

    static String group(Pattern p, String s) {
        Matcher m = p.matcher(s);
        if (!m.find()) throw new IllegalStateException(p + " not in " + s);
        return m.group(1);
    }

    static String post(String url, String token, String query, String var) throws Exception {
        String varName = query.contains("$q") ? "q" : "id";
        String json = "{\"query\":" + quote(query) + ",\"variables\":{\"" + varName + "\":" + quote(var) + "}}";
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("X-Shopify-Access-Token", token)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
        return r.body();
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c == '\n') sb.append("\\n");
            else sb.append(c);
        }
        return sb.append('"').toString();
    }

    static long poolPeaks() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) sum += p.getPeakUsage().getUsed();
        }
        return sum;
    }

    static int intArg(String[] args, String name, int def) {
        for (int i = 0; i < args.length - 1; i++) if (args[i].equals(name)) return Integer.parseInt(args[i + 1]);
        return def;
    }

    /** Samples heap used every 20 ms (MemoryMXBean) on a scheduled executor. */
    static final class HeapSampler {
        final java.util.concurrent.ScheduledExecutorService exec = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heap-sampler");
            t.setDaemon(true);
            return t;
        });
        volatile long peakSinceReset, peakOverall;

        void start() {
            var mem = ManagementFactory.getMemoryMXBean();
            exec.scheduleAtFixedRate(() -> {
                long used = mem.getHeapMemoryUsage().getUsed();
                if (used > peakSinceReset) peakSinceReset = used;
                if (used > peakOverall) peakOverall = used;
            }, 0, 20, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        void resetPeak() {
            peakSinceReset = 0;
        }

        long peakSinceReset() {
            return peakSinceReset;
        }

        long peakOverall() {
            return peakOverall;
        }

        void stopSampling() {
            exec.shutdownNow();
        }
    }
}
