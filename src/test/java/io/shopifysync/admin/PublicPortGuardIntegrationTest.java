package io.shopifysync.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.db.Dialect;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.SyncHarness;
import io.shopifysync.webhooks.WebhookSignature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The public port under hostile clients (issue #15, items 2 and 6): the real application on each database, spoken to
 * over raw sockets where a well-behaved client would hide the attack.
 */
class PublicPortGuardIntegrationTest {

    private static final String SECRET = "whsec_guard_secret";
    private static final String ADMIN = "test-admin-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dataDir;

    private SyncHarness harness(Dialect dialect, Map<String, String> extra) {
        Map<String, String> settings = new java.util.HashMap<>(Map.of("shopify.client.secret", SECRET,
                "poll.interval.ms", "3600000", "webhook.process.interval.ms", "3600000"));
        settings.putAll(extra);
        return new SyncHarness(dialect, dataDir, settings);
    }

    @BothDatabases
    void queryParametersNeverStandInForHeaders(Dialect dialect) throws Exception {
        try (SyncHarness sync = harness(dialect, Map.of()).start()) {
            String token = "?Authorization=Bearer%20" + ADMIN;
            HttpResponse<String> admin = get(sync.httpBase() + "/admin/shops" + token, null);
            assertThat(admin.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(admin.body()).path("error").asText()).contains("query parameter 'Authorization'");
            assertThat(get(sync.httpBase() + "/status/data" + token, null).statusCode()).isEqualTo(400);
            // the same calls with the header are served, and the admin API's own parameter still works
            assertThat(get(sync.httpBase() + "/admin/shops", ADMIN).statusCode()).isEqualTo(200);
            assertThat(get(sync.httpBase() + "/status/data", ADMIN).statusCode()).isEqualTo(200);
            HttpResponse<String> remove = http.send(HttpRequest.newBuilder(URI.create(sync.httpBase()
                    + "/admin/shops?shop=absent.myshopify.com")).header("Authorization", "Bearer " + ADMIN).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(remove.statusCode()).isEqualTo(404);

            // a signed body whose topic comes from the URL: refused, and nothing is stored
            sync.register("guarded.myshopify.com", "shpat_unused", "http://127.0.0.1:1/unused");
            byte[] body = "{\"id\":1,\"updated_at\":\"2026-12-01T00:00:00Z\"}".getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> webhook = http.send(HttpRequest.newBuilder(URI.create(sync.httpBase()
                            + "/webhooks/shopify?X-Shopify-Topic=shop/redact&x-shopify-event-id=forged"))
                    .header("Content-Type", "application/json").header("X-Shopify-Hmac-Sha256", WebhookSignature.sign(SECRET, body))
                    .header("X-Shopify-Shop-Domain", "guarded.myshopify.com").header("X-Shopify-Topic", "orders/updated")
                    .header("X-Shopify-Event-Id", UUID.randomUUID().toString())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(webhook.statusCode()).isEqualTo(400);
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.webhook_inbox")).isZero();
        }
    }

    /** No SQL is involved: H2 only. */
    @Test
    void noBodyIsReadBeforeTheRequestShowsItsCredentials() throws Exception {
        try (SyncHarness sync = harness(Dialect.H2, Map.of()).start()) {
            int port = port(sync);
            // headers only: each answer must arrive although not one byte of the declared 5 MB was sent
            assertThat(answerToHeadersOnly(port, "POST /webhooks/shopify", "X-Shopify-Topic: orders/updated\r\n", 5_242_880))
                    .startsWith("HTTP/1.1 401");
            assertThat(answerToHeadersOnly(port, "POST /admin/shops", "Content-Type: application/json\r\n", 5_242_880))
                    .startsWith("HTTP/1.1 401");
            assertThat(answerToHeadersOnly(port, "POST /admin/shops", "Authorization: Bearer wrong\r\n", 5_242_880))
                    .startsWith("HTTP/1.1 401");
            // an authenticated admin call is held to the admin API's small limit before its body is read
            assertThat(answerToHeadersOnly(port, "POST /admin/shops", "Authorization: Bearer " + ADMIN + "\r\n", 100_000))
                    .startsWith("HTTP/1.1 413");
            assertThat(answerToHeadersOnly(port, "POST /webhooks/shopify", "X-Shopify-Hmac-Sha256: AAAA\r\n", 6_000_000))
                    .startsWith("HTTP/1.1 413");
            assertThat(answerToHeadersOnly(port, "POST /webhooks/shopify", "X-Shopify-Hmac-Sha256: AAAA\r\n", -1))
                    .startsWith("HTTP/1.1 400");
        }
    }

    @BothDatabases
    void stalledUploadsAreBoundedAndCutWhileSignedWebhooksAndTheAdminApiAnswer(Dialect dialect) throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        try (SyncHarness sync = harness(dialect, Map.of("http.body.timeout.ms", "1500",
                "http.large.bodies.budget.bytes", "3000000", "webhook.max.body.bytes", "1000000")).start()) {
            int port = port(sync);
            sync.register("guarded.myshopify.com", "shpat_unused", "http://127.0.0.1:1/unused");
            PublicPortGuard guard = sync.app().context().getRegistry().lookupByNameAndType("publicPortGuard", PublicPortGuard.class);
            List<Socket> stalled = new ArrayList<>();
            try {
                // three uploads of 1 MB declared, half sent, then silence: the budget of 3 MB is taken
                for (int i = 0; i < 3; i++) {
                    stalled.add(stall(port, 1_000_000, 500_000));
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> guard.largeBodyBytesInFlight() == 3_000_000);
                // a fourth is turned away at once, before its body is read
                assertThat(answerToHeadersOnly(port, "POST /webhooks/shopify", "X-Shopify-Hmac-Sha256: AAAA\r\n", 1_000_000))
                        .startsWith("HTTP/1.1 503");
                // a signed webhook and the admin API are served meanwhile
                assertThat(signedWebhook(sync).statusCode()).isEqualTo(200);
                assertThat(get(sync.httpBase() + "/admin/shops", ADMIN).statusCode()).isEqualTo(200);
                // the stalled uploads are answered 408 and closed once the body timeout passes; their budget is back
                for (Socket s : stalled) {
                    assertThat(readAnswer(s, 10_000)).startsWith("HTTP/1.1 408");
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> guard.largeBodyBytesInFlight() == 0);
                assertThat(signedWebhook(sync).statusCode()).isEqualTo(200);
                // a client that goes away mid-body is routine: no ERROR line, no stack trace
                Socket quitter = stall(port, 1_000_000, 100_000);
                await().atMost(Duration.ofSeconds(5)).until(() -> guard.largeBodyBytesInFlight() == 1_000_000);
                quitter.close();
                await().atMost(Duration.ofSeconds(5)).until(() -> guard.largeBodyBytesInFlight() == 0);
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
            }
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.webhook_inbox")).isEqualTo(2);
        } finally {
            root.detachAppender(logs);
        }
        // the HTTP server's own loggers (the import of the unreachable shop may log its failures elsewhere)
        assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.ERROR && (e.getLoggerName().startsWith("io.vertx")
                || e.getLoggerName().startsWith("org.apache.camel.component.platform") || e.getLoggerName().contains("PublicPort")))
                .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
    }

    /** No SQL is involved: H2 only. */
    @Test
    void idleKeepAliveConnectionsAreClosed() throws Exception {
        try (SyncHarness sync = harness(Dialect.H2, Map.of("http.idle.timeout.seconds", "1")).start();
             Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port(sync)), 5_000);
            s.getOutputStream().write(("GET /admin/shops HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ADMIN + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(readAnswer(s, 5_000)).startsWith("HTTP/1.1 200");
            long t0 = System.nanoTime();
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            // drain what is left of the answer, then the server's close shows as end of stream
            while (in.read() >= 0) {
                assertThat(System.nanoTime() - t0).isLessThan(Duration.ofSeconds(8).toNanos());
            }
        }
    }

    private static int port(SyncHarness sync) {
        return Integer.parseInt(sync.config().get("http.port").orElseThrow());
    }

    private HttpResponse<String> get(String url, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> signedWebhook(SyncHarness sync) throws Exception {
        byte[] body = "{\"id\":7,\"updated_at\":\"2026-12-01T00:00:00Z\"}".getBytes(StandardCharsets.UTF_8);
        return http.send(HttpRequest.newBuilder(URI.create(sync.httpBase() + "/webhooks/shopify"))
                .header("Content-Type", "application/json").header("X-Shopify-Hmac-Sha256", WebhookSignature.sign(SECRET, body))
                .header("X-Shopify-Shop-Domain", "guarded.myshopify.com").header("X-Shopify-Topic", "orders/updated")
                .header("X-Shopify-Event-Id", UUID.randomUUID().toString()).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends a request's line and headers with {@code contentLength} declared (-1: an unreadable one) and no body. */
    private static String answerToHeadersOnly(int port, String requestLine, String headers, long contentLength) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            String length = contentLength < 0 ? "lots" : Long.toString(contentLength);
            s.getOutputStream().write((requestLine + " HTTP/1.1\r\nHost: x\r\n" + headers + "Content-Length: " + length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = readAnswer(s, 5_000);
            // every refusal is JSON, whatever it refused
            String body = answer.substring(answer.indexOf("\r\n\r\n") + 4).trim();
            if (!body.isEmpty()) {
                JsonNode error = JSON.readTree(body);
                assertThat(error.path("error").asText()).isNotBlank();
            }
            return answer;
        }
    }

    /** A signed-looking webhook upload that declares {@code declared} bytes, sends {@code sent} and goes quiet. */
    private static Socket stall(int port, long declared, int sent) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        OutputStream out = s.getOutputStream();
        out.write(("POST /webhooks/shopify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Shopify-Hmac-Sha256: AAAA\r\n"
                + "X-Shopify-Topic: orders/updated\r\nX-Shopify-Shop-Domain: guarded.myshopify.com\r\nContent-Length: " + declared
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[sent]);
        out.flush();
        return s;
    }

    /** What the server answered (status line, headers and as much body as arrived), or "" on a close without one. */
    private static String readAnswer(Socket s, int timeoutMillis) throws IOException {
        s.setSoTimeout(timeoutMillis);
        InputStream in = s.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                got.write(buf, 0, n);
                String text = got.toString(StandardCharsets.ISO_8859_1);
                int head = text.indexOf("\r\n\r\n");
                if (head >= 0 && complete(text, head)) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer within " + timeoutMillis + " ms; got so far: " + got.toString(StandardCharsets.ISO_8859_1));
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    private static boolean complete(String text, int head) {
        String headers = text.substring(0, head).toLowerCase();
        int at = headers.indexOf("content-length:");
        if (at < 0) {
            return true;
        }
        int end = headers.indexOf("\r\n", at);
        long length = Long.parseLong(headers.substring(at + 15, end < 0 ? headers.length() : end).trim());
        return text.length() - head - 4 >= length;
    }
}
