package io.shopifysync.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.shopifysync.db.Dialect;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.CliProcess;
import io.shopifysync.testing.FreePort;
import io.shopifysync.testing.SyncHarness;
import io.shopifysync.testing.TestDatabase;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store's API URL may point at any server (with --allow-insecure-api-url): whatever that server answers must
 * not reach status_reason, last_error, dead letters, {@code status}, {@code accounts list} or GET /admin/shops;
 * they carry a classification of the failure instead.
 */
class HostileApiAnswerIntegrationTest {

    private static final String SECRET = "sk_live_Zx81SECRETfromTheMetadataService";

    @TempDir
    Path dataDir;

    @TempDir
    Path cliDir;

    /** One path prefix per behaviour; every answer carries the secret. */
    private static HttpServer hostileServer() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        answer(server, "/denied", 403, "text/plain", "AccessKeyId=" + SECRET);
        answer(server, "/broken", 500, "text/html", "<html><body>internal: " + SECRET + "</body></html>");
        answer(server, "/not-graphql", 200, "text/html", "<html>" + SECRET + "</html>");
        answer(server, "/graphql-errors", 200, "application/json",
                "{\"errors\":[{\"message\":\"" + SECRET + "\",\"extensions\":{\"code\":\"" + SECRET + "\"}}]}");
        server.start();
        return server;
    }

    /** Answers every connection at once with plain text, as a non-TLS server on an https:// URL does. */
    private static ServerSocket plainTextAnswerer() throws Exception {
        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    s.getOutputStream().write(("HTTP/1.1 400 Bad Request\r\nContent-Length: " + (SECRET.length() + 2)
                            + "\r\n\r\n" + SECRET + "\r\n").getBytes(StandardCharsets.US_ASCII));
                } catch (Exception e) {
                    // closed: the test is over
                }
            }
        }, "plain-text-answerer");
        t.setDaemon(true);
        t.start();
        return socket;
    }

    private static void answer(HttpServer server, String prefix, int status, String type, String body) {
        server.createContext(prefix, exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", type);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
    }

    @BothDatabases
    void theRemoteAnswerNeverReachesStatusOutputOnlyItsClassification(Dialect dialect) throws Exception {
        HttpServer server = hostileServer();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        try (ServerSocket plain = plainTextAnswerer();
             SyncHarness sync = new SyncHarness(TestDatabase.create(dialect, dataDir), dataDir, // H2 as a file the CLI opens too
                Map.of("poll.interval.ms", "3600000"))) {
            sync.register("denied.myshopify.com", "shpat_x", base + "/denied");
            sync.register("broken.myshopify.com", "shpat_x", base + "/broken");
            sync.register("not-graphql.myshopify.com", "shpat_x", base + "/not-graphql");
            sync.register("graphql-errors.myshopify.com", "shpat_x", base + "/graphql-errors");
            sync.register("refused.myshopify.com", "shpat_x", "http://127.0.0.1:" + FreePort.find());
            sync.register("tls.myshopify.com", "shpat_x", "https://127.0.0.1:" + plain.getLocalPort());
            sync.start();

            await().atMost(Duration.ofSeconds(30)).until(() -> sync.count("SELECT COUNT(*) FROM shopify.shops WHERE status = "
                    + "'AUTH_FAILED' AND shop_domain = 'denied.myshopify.com'") == 1
                    && sync.count("SELECT COUNT(DISTINCT shop_domain) FROM shopify.sync_state WHERE last_error IS NOT NULL") == 6);

            assertThat(texts(sync, "SELECT status_reason FROM shopify.shops WHERE shop_domain = 'denied.myshopify.com'"))
                    .singleElement().asString().contains("HTTP 403 from the shop's API");
            assertThat(lastErrors(sync, "broken")).allSatisfy(e -> assertThat(e).contains("HTTP 500 from the shop's API"));
            assertThat(lastErrors(sync, "not-graphql")).allSatisfy(e -> assertThat(e).contains("response is not GraphQL JSON"));
            assertThat(lastErrors(sync, "graphql-errors")).allSatisfy(e -> assertThat(e).contains("GraphQL errors from the shop's API"));
            assertThat(lastErrors(sync, "refused")).allSatisfy(e -> assertThat(e).endsWith("failed: connection refused"));
            assertThat(lastErrors(sync, "tls")).allSatisfy(e -> assertThat(e).endsWith("failed: TLS error"));

            List<String> stored = new ArrayList<>();
            stored.addAll(texts(sync, "SELECT status_reason FROM shopify.shops"));
            stored.addAll(texts(sync, "SELECT last_error FROM shopify.sync_state"));
            stored.addAll(texts(sync, "SELECT reason FROM shopify.dead_letters"));
            assertThat(stored).isNotEmpty().noneMatch(t -> t != null && t.contains("SECRET"));

            Map<String, String> env = sync.processEnv();
            for (String[] command : new String[][] {{"status"}, {"accounts", "list"}}) {
                CliProcess.Result r = CliProcess.run(cliDir, env, command);
                assertThat(r.exitCode()).as(String.join(" ", command) + ": " + r.err()).isZero();
                assertThat(r.out()).as(String.join(" ", command)).contains("denied.myshopify.com").doesNotContain("SECRET");
            }
            HttpResponse<String> listed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sync.httpBase() + "/admin/shops"))
                    .header("Authorization", "Bearer test-admin-token").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(listed.body()).contains("HTTP 403 from the shop's API").doesNotContain("SECRET");
        } finally {
            server.stop(0);
        }
    }

    /** Accepts connections and reads requests, but never answers: a server that hangs a client without a timeout. */
    private static ServerSocket silentServer(List<Socket> held) throws Exception {
        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    held.add(socket.accept());
                } catch (Exception e) {
                    // closed: the test is over
                }
            }
        }, "silent-server");
        t.setDaemon(true);
        t.start();
        return socket;
    }

    @BothDatabases
    void anApiThatNeverAnswersTimesOutAtTheConfiguredLimit(Dialect dialect) throws Exception {
        List<Socket> held = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ServerSocket silent = silentServer(held);
             SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of("poll.interval.ms", "3600000",
                     "camel.component.https.response-timeout", "400", "camel.component.https.so-timeout", "400")).start()) {
            // routes/shopify-api.yaml calls through the https component (whatever the URL's scheme): application.properties
            // must give it the same timeouts as the http one, or a silent server holds a poll thread for ever
            org.apache.camel.CamelContext camel = sync.app().context();
            org.apache.camel.component.http.HttpComponent http = camel.getComponent("http", org.apache.camel.component.http.HttpComponent.class);
            org.apache.camel.component.http.HttpComponent https = camel.getComponent("https", org.apache.camel.component.http.HttpComponent.class);
            assertThat(https.getConnectTimeout()).as("connect timeout").isEqualTo(http.getConnectTimeout());
            assertThat(https.getConnectionRequestTimeout()).as("connection request timeout").isEqualTo(http.getConnectionRequestTimeout());
            assertThat(http.getResponseTimeout()).isEqualTo(http.getSoTimeout()).isEqualTo(60_000L);
            assertThat(https.getResponseTimeout()).isEqualTo(https.getSoTimeout()).isEqualTo(400L);
            sync.register("silent.myshopify.com", "shpat_x", "http://127.0.0.1:" + silent.getLocalPort());
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    sync.count("SELECT COUNT(*) FROM shopify.sync_state WHERE last_error LIKE '%timeout%'") > 0);
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    private static List<String> lastErrors(SyncHarness sync, String shop) throws Exception {
        List<String> out = texts(sync, "SELECT last_error FROM shopify.sync_state WHERE last_error IS NOT NULL AND shop_domain = '"
                + shop + ".myshopify.com'");
        assertThat(out).as(shop).isNotEmpty();
        return out;
    }

    private static List<String> texts(SyncHarness sync, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = sync.db().dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
