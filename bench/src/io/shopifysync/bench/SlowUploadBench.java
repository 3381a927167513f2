package io.shopifysync.bench;

import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The slow-upload attack of issue #15 against a real {@code run} in its own JVM (heap from {@code BENCH_APP_XMX}, 512m
 * by default) on PostgreSQL: {@code connections} clients each declare a body of {@code declared} bytes on
 * {@code POST /webhooks/shopify} with a forged HMAC header, send {@code sent} bytes and stall. While they hold on,
 * a probe every 250 ms times an authenticated admin call ({@code GET /admin/shops}), a signed webhook and
 * {@code /observe/health/ready}; the run prints each one's worst and median answer time, their statuses, what the
 * attackers were answered, and the OutOfMemoryErrors in the app's log.
 *
 * <p>Usage: {@code SlowUploadBench [connections=100] [declaredBytes=5242880] [sentBytes=5138022] [seconds=60]
 * [mode=fakehmac|nohmac]}.
 */
public final class SlowUploadBench {

    private static final String SECRET = "whsec_bench_secret";
    private static final String ADMIN = "bench-admin-token";

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        long declared = args.length > 1 ? Long.parseLong(args[1]) : 5L * 1024 * 1024;
        long sent = args.length > 2 ? Long.parseLong(args[2]) : (long) (4.9 * 1024 * 1024);
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        String mode = args.length > 4 ? args[4] : "fakehmac";
        String heap = System.getenv().getOrDefault("BENCH_APP_XMX", "512m");

        String db = BenchDatabase.create();
        Path data = Files.createTempDirectory("slow-upload");
        Path log = Path.of("bench/results/slow-upload-app.log");
        int httpPort = freePort();
        int mgmtPort = freePort();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(7).orders(20).products(5).customers(10)
                .clientSecret(SECRET).start()) {
            EmulatedShop shop = emu.shops().get(0);
            ProcessBuilder pb = new ProcessBuilder("java", "-Xmx" + heap, "-cp", System.getProperty("java.class.path"),
                    "io.shopifysync.cli.ShopifySync", "run");
            Map<String, String> env = pb.environment();
            env.put("DB_URL", db);
            env.put("DB_USER", "postgres");
            env.put("DB_PASSWORD", "");
            env.put("HTTP_PORT", Integer.toString(httpPort));
            env.put("MANAGEMENT_PORT", Integer.toString(mgmtPort));
            env.put("ADMIN_TOKEN", ADMIN);
            env.put("SHOPIFY_CLIENT_SECRET", SECRET);
            env.put("SHOPIFY_SYNC_DATA_DIR", data.toString());
            env.put("SHOPIFY_SYNC_MASTER_KEY", Base64.getEncoder().encodeToString(key));
            env.put("LOG_LEVEL", "INFO");
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            Process app = pb.start();
            try {
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                String base = "http://127.0.0.1:" + httpPort;
                String mgmt = "http://127.0.0.1:" + mgmtPort;
                awaitReady(http, mgmt, app);
                Probe register = adminPost(http, base, "{\"shop\":\"" + shop.domain() + "\",\"token\":\"" + shop.accessToken()
                        + "\",\"apiUrl\":\"" + shop.adminUrl() + "\",\"allowInsecureApiUrl\":true}");
                if (register.status >= 300) {
                    // an app without the flag refuses the unknown field: register the emulator's URL the old way
                    register = adminPost(http, base, "{\"shop\":\"" + shop.domain() + "\",\"token\":\"" + shop.accessToken()
                            + "\",\"apiUrl\":\"" + shop.adminUrl() + "\"}");
                }
                System.out.printf("slow-upload: load average at the start %s%n", loadAverage());
                System.out.printf("slow-upload: app -Xmx%s, shop registered (HTTP %d); attack: %d connections x %d of %d bytes, "
                        + "%s, %d s%n", heap, register.status, connections, sent, declared, mode, seconds);

                Map<String, AtomicLong> attackerAnswers = new ConcurrentHashMap<>();
                List<Thread> attackers = new ArrayList<>();
                long attackEnds = System.nanoTime() + seconds * 1_000_000_000L;
                for (int i = 0; i < connections; i++) {
                    Thread t = new Thread(() -> attack(httpPort, declared, sent, mode, attackEnds, attackerAnswers), "attacker-" + i);
                    t.setDaemon(true);
                    t.start();
                    attackers.add(t);
                }
                List<Probe> admin = new ArrayList<>();
                List<Probe> webhook = new ArrayList<>();
                List<Probe> ready = new ArrayList<>();
                int n = 0;
                while (System.nanoTime() < attackEnds) {
                    long t0 = System.nanoTime();
                    admin.add(timed(http, HttpRequest.newBuilder(URI.create(base + "/admin/shops"))
                            .header("Authorization", "Bearer " + ADMIN).GET()));
                    webhook.add(signedWebhook(http, base, shop.domain(), n++));
                    ready.add(timed(http, HttpRequest.newBuilder(URI.create(mgmt + "/observe/health/ready")).GET()));
                    long rest = 250 - (System.nanoTime() - t0) / 1_000_000;
                    if (rest > 0) {
                        Thread.sleep(rest);
                    }
                }
                for (Thread t : attackers) {
                    t.join(5_000);
                }
                System.out.printf("slow-upload: load average at the end %s%n", loadAverage());
                report("admin GET /admin/shops", admin);
                report("signed webhook", webhook);
                report("/observe/health/ready", ready);
                System.out.printf("slow-upload: attackers were answered %s%n", new TreeMap<>(attackerAnswers));
                System.out.printf("slow-upload: app alive after the attack: %s; OutOfMemoryError lines in its log: %d; "
                        + "ERROR lines: %d%n", app.isAlive(), count(log, "OutOfMemoryError"), count(log, " ERROR "));
            } finally {
                app.destroy();
                app.waitFor();
            }
        } finally {
            BenchDatabase.drop(db);
        }
    }

    /** One stalled upload: headers, then {@code sent} bytes, then nothing until the attack ends; records the answer. */
    private static void attack(int port, long declared, long sent, String mode, long endsAt, Map<String, AtomicLong> answers) {
        String outcome;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(1_000);
            OutputStream out = s.getOutputStream();
            String head = "POST /webhooks/shopify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + (mode.equals("nohmac") ? "" : "X-Shopify-Hmac-Sha256: " + Base64.getEncoder().encodeToString(new byte[32]) + "\r\n")
                    + "X-Shopify-Topic: orders/updated\r\nX-Shopify-Shop-Domain: victim.myshopify.com\r\n"
                    + "X-Shopify-Event-Id: " + UUID.randomUUID() + "\r\nContent-Length: " + declared + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'a');
            long written = 0;
            try {
                while (written < sent) {
                    int len = (int) Math.min(chunk.length, sent - written);
                    out.write(chunk, 0, len);
                    written += len;
                }
                out.flush();
            } catch (IOException e) {
                // the server stopped reading or closed: its answer (if any) is read below
            }
            outcome = readAnswer(s.getInputStream(), endsAt);
        } catch (IOException e) {
            outcome = "connect failed: " + e.getClass().getSimpleName();
        }
        answers.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
    }

    private static String readAnswer(InputStream in, long endsAt) {
        byte[] buf = new byte[256];
        while (System.nanoTime() < endsAt) {
            try {
                int n = in.read(buf);
                if (n < 0) {
                    return "closed without an answer";
                }
                String line = new String(buf, 0, n, StandardCharsets.US_ASCII).split("\r\n", 2)[0];
                return line.startsWith("HTTP/") ? "answered " + line.substring(9).trim() : "garbage";
            } catch (java.net.SocketTimeoutException e) {
                // still stalled: keep the connection until the attack ends
            } catch (IOException e) {
                return "reset: " + e.getClass().getSimpleName();
            }
        }
        return "still open at the end (no answer)";
    }

    private record Probe(long nanos, int status) {
    }

    private static Probe timed(HttpClient http, HttpRequest.Builder request) {
        long t0 = System.nanoTime();
        try {
            HttpResponse<Void> r = http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
            return new Probe(System.nanoTime() - t0, r.statusCode());
        } catch (IOException e) {
            return new Probe(System.nanoTime() - t0, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Probe(System.nanoTime() - t0, -1);
        }
    }

    private static Probe adminPost(HttpClient http, String base, String json) {
        return timed(http, HttpRequest.newBuilder(URI.create(base + "/admin/shops")).header("Authorization", "Bearer " + ADMIN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static Probe signedWebhook(HttpClient http, String base, String shop, int n) throws Exception {
        byte[] body = ("{\"id\":" + (1000 + n) + ",\"admin_graphql_api_id\":\"gid://shopify/Order/" + (1000 + n)
                + "\",\"updated_at\":\"2026-12-05T10:00:00Z\"}").getBytes(StandardCharsets.UTF_8);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String hmac = Base64.getEncoder().encodeToString(mac.doFinal(body));
        return timed(http, HttpRequest.newBuilder(URI.create(base + "/webhooks/shopify"))
                .header("Content-Type", "application/json").header("X-Shopify-Hmac-Sha256", hmac)
                .header("X-Shopify-Topic", "orders/updated").header("X-Shopify-Shop-Domain", shop)
                .header("X-Shopify-Event-Id", UUID.randomUUID().toString()).header("X-Shopify-API-Version", "2026-10")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static void report(String label, List<Probe> probes) {
        List<Long> ms = probes.stream().map(p -> p.nanos / 1_000_000).sorted().toList();
        Map<Integer, Long> statuses = new TreeMap<>();
        probes.forEach(p -> statuses.merge(p.status, 1L, Long::sum));
        System.out.printf("slow-upload: %-24s %4d probes, median %5d ms, p99 %5d ms, worst %5d ms, over 2 s: %d, statuses %s "
                        + "(-1 = no answer in 10 s)%n", label, ms.size(), ms.isEmpty() ? 0 : ms.get(ms.size() / 2),
                ms.isEmpty() ? 0 : ms.get((int) Math.min(ms.size() - 1, Math.ceil(ms.size() * 0.99) - 1)),
                ms.isEmpty() ? 0 : ms.get(ms.size() - 1), ms.stream().filter(m -> m > 2_000).count(), statuses);
    }

    private static void awaitReady(HttpClient http, String mgmt, Process app) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!app.isAlive()) {
                throw new IllegalStateException("the app exited with " + app.exitValue() + "; see bench/results/slow-upload-app.log");
            }
            if (timed(http, HttpRequest.newBuilder(URI.create(mgmt + "/observe/health/ready")).GET()).status == 200) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the app did not become ready in 120 s");
    }

    private static long count(Path log, String needle) throws IOException {
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains(needle)).count();
        } catch (java.io.UncheckedIOException e) {
            return -1;
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
