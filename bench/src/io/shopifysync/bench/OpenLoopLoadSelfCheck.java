package io.shopifysync.bench;

import io.shopifysync.webhooks.WebhookSignature;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntFunction;

/**
 * Checks {@link OpenLoopLoad}: its response parser on split, chunked and malformed input, then a run against a Vert.x
 * server that answers 200 with no body, chunked every 7th, {@code Connection: close} every 11th, 503 with a JSON body
 * every 13th and drops the connection unanswered every 97th; then a run against a raw socket server sending byte by
 * byte, chunked with extensions and trailers, and a malformed status line every 5th. Exits 1 on the first failed check.
 */
public final class OpenLoopLoadSelfCheck {

    private static final String SECRET = "whsec_self_check";
    private static final String PREFIX = "check-";
    private static final int RATE = 2_000;
    private static final int SECONDS = 3;
    private static final int CONNECTIONS = 16;
    private static final ConcurrentLinkedQueue<String> SERVER_PROBLEMS = new ConcurrentLinkedQueue<>();

    public static void main(String[] args) throws Exception {
        int parserCases = checkParser();
        byte[][] bodies = bodies(0);
        byte[][] largeBodies = bodies(LARGE_BODY_BYTES);
        Vertx vertx = Vertx.vertx();
        try (OpenLoopLoad generator = new OpenLoopLoad("127.0.0.1", CONNECTIONS)) {
            checkVertxServer(vertx, generator, bodies, hmacs(bodies), "cold JIT");
            checkVertxServer(vertx, generator, bodies, hmacs(bodies), "second run");
            checkRawServer(generator, largeBodies, hmacs(largeBodies));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        System.out.printf("OpenLoopLoadSelfCheck: all checks passed (%d parser cases, 3 server runs)%n", parserCases);
    }

    // ---- the parser alone --------------------------------------------------------------------------------------

    private static int checkParser() {
        int cases = 0;
        String[][] valid = {
                // response, expected status, expected closeAfter
                {"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "200", "false"},
                {"HTTP/1.1 200\r\ncontent-length: 5\r\n\r\nhello", "200", "false"},
                {"HTTP/1.1 503 Service Unavailable\r\nCONTENT-LENGTH:  17 \r\nContent-Type: application/json\r\n\r\n{\"error\":\"busy\"}\n", "503", "false"},
                {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", "200", "false"},
                {"HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, Chunked\r\n\r\n3;ext=1\r\nabc\r\nA \r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n", "200", "false"},
                {"HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 2\r\n\r\nok", "200", "true"},
                {"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", "200", "true"},
                {"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", "200", "false"},
                {"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx", "201", "false"},
                {"HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n", "204", "false"},
                {"HTTP/1.1 200 OK\nContent-Length: 1\n\nx", "200", "false"},
        };
        for (String[] v : valid) {
            byte[] bytes = v[0].getBytes(StandardCharsets.ISO_8859_1);
            for (int split = 0; split <= bytes.length; split++) {
                for (int step : new int[]{0, 1}) { // one split point, or byte by byte after it
                    OpenLoopLoad.ResponseParser parser = new OpenLoopLoad.ResponseParser();
                    ByteBuffer in = ByteBuffer.allocate(1024);
                    boolean complete = false;
                    int at = 0;
                    try {
                        while (!complete && at < bytes.length) {
                            int n = at == 0 ? split : step == 1 ? 1 : bytes.length - at;
                            n = Math.max(1, Math.min(n, bytes.length - at));
                            in.put(bytes, at, n);
                            at += n;
                            in.flip();
                            complete = parser.parse(in);
                            in.compact();
                        }
                    } catch (OpenLoopLoad.MalformedResponseException e) {
                        fail("parser rejected a valid response " + show(v[0]) + ": " + e.getMessage());
                    }
                    if (!complete || at != bytes.length || in.position() != 0 || parser.status() != Integer.parseInt(v[1])
                            || parser.closeAfter() != Boolean.parseBoolean(v[2])) {
                        fail("parser on " + show(v[0]) + " split at " + split + (step == 1 ? " then byte by byte" : "")
                                + ": complete " + complete + ", consumed " + at + " of " + bytes.length + ", left "
                                + in.position() + ", status " + parser.status() + ", closeAfter " + parser.closeAfter());
                    }
                    cases++;
                }
            }
        }
        // a body running to the end of the stream
        OpenLoopLoad.ResponseParser untilClose = new OpenLoopLoad.ResponseParser();
        try {
            if (untilClose.parse(ByteBuffer.wrap("HTTP/1.1 200 OK\r\n\r\nsome".getBytes(StandardCharsets.US_ASCII)))
                    || !untilClose.completesOnEndOfStream() || !untilClose.closeAfter()) {
                fail("a body without length should complete at end of stream");
            }
        } catch (OpenLoopLoad.MalformedResponseException e) {
            fail("parser rejected a body without length: " + e.getMessage());
        }
        cases++;
        String[] malformed = {
                "HTTP/1.1 2x0 OK\r\n\r\n",
                "HTTP/2 200\r\n\r\n",
                "<html>oops</html>\r\n",
                "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
                "HTTP/1.1 101 Switching Protocols\r\n\r\n",
        };
        for (String m : malformed) {
            try {
                new OpenLoopLoad.ResponseParser().parse(ByteBuffer.wrap(m.getBytes(StandardCharsets.US_ASCII)));
                fail("parser accepted a malformed response " + show(m));
            } catch (OpenLoopLoad.MalformedResponseException expected) {
                cases++;
            }
        }
        return cases;
    }

    // ---- a run against Vert.x ----------------------------------------------------------------------------------

    private static int expectedVertxStatus(int i) {
        return i % 97 == 0 ? -1 : i % 13 == 0 ? 503 : 200;
    }

    private static void checkVertxServer(Vertx vertx, OpenLoopLoad generator, byte[][] bodies, String[] hmacs,
                                         String run) throws Exception {
        int total = RATE * SECONDS;
        AtomicIntegerArray seen = new AtomicIntegerArray(total);
        AtomicLongArray answeredAt = new AtomicLongArray(total);
        WebhookSignature signature = new WebhookSignature(SECRET, null);
        int port = freePort();
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true));
        server.requestHandler(req -> {
            int i = eventIndex(req.getHeader("X-Shopify-Event-Id"));
            if (i < 0 || i >= total) {
                problem("unexpected event id " + req.getHeader("X-Shopify-Event-Id"));
                req.connection().close();
                return;
            }
            seen.incrementAndGet(i);
            checkHeaders(req, i, port, bodies);
            if (i % 97 == 0) {
                req.connection().close(); // no answer at all
                return;
            }
            req.body().onSuccess(body -> {
                byte[] bytes = body.getBytes();
                if (!Arrays.equals(bytes, bodies[i % bodies.length])) {
                    problem("request " + i + ": body differs (" + bytes.length + " bytes)");
                }
                if (!signature.verify(bytes, req.getHeader("X-Shopify-Hmac-Sha256"))) {
                    problem("request " + i + ": HMAC does not verify");
                }
                HttpServerResponse response = req.response();
                boolean close = i % 11 == 0;
                if (close) {
                    response.putHeader("Connection", "close");
                }
                String text = "";
                if (i % 13 == 0) {
                    response.setStatusCode(503).putHeader("Content-Type", "application/json");
                    text = "{\"error\":\"busy\",\"event\":\"" + PREFIX + i + "\"}";
                }
                if (i % 7 == 0) {
                    response.setChunked(true);
                    response.write("{\"part\":1}");
                    String rest = text;
                    vertx.setTimer(1, t -> end(response, rest, close, req, answeredAt, i)); // a later packet
                } else {
                    end(response, text, close, req, answeredAt, i);
                }
            });
        });
        server.listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        OpenLoopLoad.Result result;
        try {
            result = generator.run(port, RATE, SECONDS, WebhookBench.webhookRequests(port, PREFIX, bodies, hmacs));
        } finally {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        checkNoServerProblems("Vert.x");
        int expectedCloses = 0;
        for (int i = 0; i < total; i++) {
            if (i % 97 == 0 || i % 11 == 0) {
                expectedCloses++;
            }
        }
        checkRun("Vert.x", result, total, seen, OpenLoopLoadSelfCheck::expectedVertxStatus, CONNECTIONS + expectedCloses);
        // client-side delay: from the server ending a plain answer to the generator timestamping it
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            if (result.status()[i] == 200 && i % 7 != 0 && i % 11 != 0 && answeredAt.get(i) != 0) {
                delays.add(result.completedAtNanos()[i] - answeredAt.get(i));
            }
        }
        summary("Vert.x server, " + run + " (chunked /7, Connection: close /11, 503 /13, dropped /97)", result,
                total, RATE, String.format("; server end() to client timestamp µs p50 %.0f p99 %.0f", pct(delays, 50) / 1e3,
                        pct(delays, 99) / 1e3));
    }

    private static void end(HttpServerResponse response, String text, boolean close, HttpServerRequest req,
                            AtomicLongArray answeredAt, int i) {
        answeredAt.set(i, System.nanoTime());
        response.end(text).onComplete(v -> {
            if (close) {
                req.connection().close();
            }
        });
    }

    private static void checkHeaders(HttpServerRequest req, int i, int port, byte[][] bodies) {
        String eventId = PREFIX + i;
        Map<String, String> expected = Map.of(
                "Host", "127.0.0.1:" + port,
                "Content-Length", Integer.toString(bodies[i % bodies.length].length),
                "Content-Type", "application/json",
                "X-Shopify-Topic", "orders/updated",
                "X-Shopify-Shop-Domain", "webhook-bench.myshopify.com",
                "X-Shopify-API-Version", "2026-10",
                "X-Shopify-Webhook-Id", "wh-" + eventId,
                "X-Shopify-Event-Id", eventId,
                "X-Shopify-Triggered-At", "2026-11-26T10:00:00.000000Z");
        if (req.method() != HttpMethod.POST || !req.uri().equals("/webhooks/shopify") || !req.version().alpnName().equals("http/1.1")) {
            problem("request " + i + ": " + req.method() + " " + req.uri() + " " + req.version());
        }
        for (Map.Entry<String, String> e : expected.entrySet()) {
            if (!e.getValue().equals(req.getHeader(e.getKey()))) {
                problem("request " + i + ": " + e.getKey() + " is " + req.getHeader(e.getKey()) + ", expected " + e.getValue());
            }
        }
        if (req.getHeader("X-Shopify-Hmac-Sha256") == null || req.headers().size() != expected.size() + 1) {
            problem("request " + i + ": headers " + req.headers().names());
        }
    }

    // ---- a run against a raw socket server: split writes, chunk extensions and trailers, malformed answers -----

    private static int expectedRawStatus(int i) {
        return i % 5 == 0 ? -1 : i % 4 == 0 ? 202 : 200;
    }

    private static void checkRawServer(OpenLoopLoad generator, byte[][] bodies, String[] hmacs) throws Exception {
        int rate = 500;
        int seconds = 1;
        int total = rate * seconds;
        AtomicIntegerArray seen = new AtomicIntegerArray(total);
        try (ServerSocket listener = new ServerSocket(0, 100, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket socket = listener.accept();
                        Thread connection = new Thread(() -> serveRaw(socket, seen, total), "raw-server");
                        connection.setDaemon(true);
                        connection.start();
                    } catch (IOException e) {
                        return; // closed
                    }
                }
            }, "raw-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
            int port = listener.getLocalPort();
            System.err.println("(the next line about a malformed response is expected: the raw server sends some)");
            OpenLoopLoad.Result result = generator.run(port, rate, seconds, WebhookBench.webhookRequests(port, PREFIX, bodies, hmacs));
            checkNoServerProblems("raw");
            int expectedMalformed = 0;
            for (int i = 0; i < total; i++) {
                expectedMalformed += i % 5 == 0 ? 1 : 0;
            }
            checkRun("raw", result, total, seen, OpenLoopLoadSelfCheck::expectedRawStatus, CONNECTIONS + expectedMalformed);
            if (result.malformed() != expectedMalformed) {
                fail("raw: " + result.malformed() + " malformed responses counted, expected " + expectedMalformed);
            }
            if (result.partialWrites() == 0) {
                fail("raw: no partial write although the server reads the 8 MB bodies late");
            }
            summary("raw server (malformed /5, chunked with extension and trailer /4, byte by byte /3, an 8 MB body /100 "
                    + "read late)", result, total, rate, "");
        }
    }

    private static void serveRaw(Socket socket, AtomicIntegerArray seen, int total) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                int contentLength = -1;
                String eventId = null;
                String line = readLine(in);
                if (line == null) {
                    return;
                }
                while (!(line = readLine(in)).isEmpty()) {
                    int colon = line.indexOf(':');
                    String name = line.substring(0, colon).trim();
                    String value = line.substring(colon + 1).trim();
                    if (name.equalsIgnoreCase("Content-Length")) {
                        contentLength = Integer.parseInt(value);
                    } else if (name.equalsIgnoreCase("X-Shopify-Event-Id")) {
                        eventId = value;
                    }
                }
                if (contentLength >= LARGE_BODY_BYTES) {
                    Thread.sleep(50); // the client's write of the large body has to wait for the socket (partial writes)
                }
                if (in.readNBytes(contentLength).length != contentLength) {
                    problem("raw: short body");
                    return;
                }
                int i = eventIndex(eventId);
                if (i < 0 || i >= total) {
                    problem("raw: unexpected event id " + eventId);
                    return;
                }
                seen.incrementAndGet(i);
                String response;
                if (i % 5 == 0) {
                    response = "HTTP/1.1 2x0 Garbled\r\nContent-Length: 0\r\n\r\n";
                } else if (i % 4 == 0) {
                    response = "HTTP/1.1 202 Accepted\r\ntransfer-encoding: chunked\r\n\r\n4;name=value\r\nwxyz\r\n"
                            + "10\r\n0123456789abcdef\r\n0\r\nX-Checksum: none\r\n\r\n";
                } else {
                    response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Event: " + eventId + "\r\n\r\nok";
                }
                byte[] bytes = response.getBytes(StandardCharsets.US_ASCII);
                if (i % 3 == 0) {
                    for (byte b : bytes) {
                        out.write(b);
                        out.flush();
                    }
                } else {
                    out.write(bytes);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // the client closed the connection (after a malformed answer)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                return null;
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    // ---- shared checks ----------------------------------------------------------------------------------------

    private static void checkRun(String server, OpenLoopLoad.Result result, int total, AtomicIntegerArray seen,
                                 IntFunction<Integer> expectedStatus, int expectedConnects) {
        int[] status = result.status();
        if (status.length != total) {
            fail(server + ": " + status.length + " statuses for " + total + " requests");
        }
        int wrong = 0;
        StringBuilder examples = new StringBuilder();
        for (int i = 0; i < total; i++) {
            if (status[i] != expectedStatus.apply(i)) {
                if (wrong++ < 5) {
                    examples.append(String.format(" request %d: %d, expected %d;", i, status[i], expectedStatus.apply(i)));
                }
            }
            if (seen.get(i) != 1) {
                fail(server + ": the server saw request " + i + " " + seen.get(i) + " times, expected once");
            }
            if (result.completedAtNanos()[i] == 0 || result.sentAtNanos()[i] == 0) {
                fail(server + ": request " + i + " has no send or completion time");
            }
        }
        if (wrong > 0) {
            fail(server + ": " + wrong + " requests with the wrong status:" + examples);
        }
        if (result.unanswered() != 0) {
            fail(server + ": " + result.unanswered() + " unanswered");
        }
        if (result.connects() != expectedConnects) {
            fail(server + ": " + result.connects() + " connects, expected " + expectedConnects
                    + " (the pool plus one per connection the server closed)");
        }
    }

    private static void checkNoServerProblems(String server) {
        if (!SERVER_PROBLEMS.isEmpty()) {
            fail(server + " server saw " + SERVER_PROBLEMS.size() + " bad requests, e.g. " + SERVER_PROBLEMS.peek());
        }
    }

    private static void summary(String server, OpenLoopLoad.Result result, int total, int rate, String extra) {
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<Long> lag = new ArrayList<>();
        List<Long> latency = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            statuses.merge(result.status()[i], 1, Integer::sum);
            latency.add(result.latencyNanos()[i]);
            lag.add(result.sentAtNanos()[i] - (result.completedAtNanos()[i] - result.latencyNanos()[i]));
        }
        System.out.printf("ok %s: %d requests (%d/s), statuses %s as expected, each seen once by the server, %d connects, "
                        + "%d partial writes, %d malformed; latency ms p50 %.2f p99 %.2f; send lag after due µs p50 %.0f "
                        + "p99 %.0f max %.0f; last request released %.3f s after the first was due (schedule %.3f s); "
                        + "generator CPU %.1f µs/request%s%n", server, total, rate, statuses,
                result.connects(), result.partialWrites(), result.malformed(), pct(latency, 50) / 1e6,
                pct(latency, 99) / 1e6, pct(lag, 50) / 1e3, pct(lag, 99) / 1e3, pct(lag, 100) / 1e3,
                (result.allDueNanos() - result.startNanos()) / 1e9, (total - 1) / (double) rate,
                result.generatorCpuNanos() / 1e3 / total, extra);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    // more than the kernel buffers on both sides of a loopback connection take (tcp_wmem max is 4 MB by default)
    private static final int LARGE_BODY_BYTES = 8 * 1024 * 1024;

    /** 100 JSON bodies of varied sizes, the last one of {@code lastPad} bytes of padding when that is not 0. */
    private static byte[][] bodies(int lastPad) {
        byte[][] bodies = new byte[100][];
        for (int p = 0; p < bodies.length; p++) {
            int pad = p == bodies.length - 1 && lastPad > 0 ? lastPad : p * 37;
            String body = "{\"id\":" + (5_000_000_000L + p) + ",\"pad\":\"" + "x".repeat(pad) + "\"}";
            bodies[p] = body.getBytes(StandardCharsets.UTF_8);
        }
        return bodies;
    }

    private static String[] hmacs(byte[][] bodies) {
        String[] hmacs = new String[bodies.length];
        for (int p = 0; p < bodies.length; p++) {
            hmacs[p] = WebhookSignature.sign(SECRET, bodies[p]);
        }
        return hmacs;
    }

    private static int eventIndex(String eventId) {
        if (eventId == null || !eventId.startsWith(PREFIX)) {
            return -1;
        }
        try {
            return Integer.parseInt(eventId.substring(PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static double pct(List<Long> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static void problem(String message) {
        SERVER_PROBLEMS.add(message);
    }

    private static String show(String response) {
        return "\"" + response.replace("\r", "\\r").replace("\n", "\\n") + "\"";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void fail(String message) {
        System.out.println("OpenLoopLoadSelfCheck FAILED: " + message);
        System.exit(1);
    }

    private OpenLoopLoadSelfCheck() {
    }
}
