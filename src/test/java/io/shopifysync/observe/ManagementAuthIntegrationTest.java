package io.shopifysync.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.config.ConfigException;
import io.shopifysync.db.Dialect;
import io.shopifysync.testing.FreePort;
import io.shopifysync.testing.SyncHarness;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The management port: every path needs ADMIN_TOKEN (Bearer or Basic), everything is refused without one, it binds
 * loopback by default, and Jolokia answers Hawtio's reads behind that guard. No data is involved, so H2 suffices.
 */
class ManagementAuthIntegrationTest {

    private static final String TOKEN = "mgmt-token-for-tests";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @TempDir
    static Path sharedDataDir;

    /** The app with the default settings, shared by the tests that only read from it (requests, no writes). */
    private static SyncHarness defaults;

    private static SyncHarness defaults() throws Exception {
        if (defaults == null) {
            SyncHarness h = new SyncHarness(Dialect.H2, sharedDataDir, Map.of("admin.token", TOKEN, "camel.main.jmx-enabled", "true"));
            try {
                h.start();
            } catch (Exception | Error e) {
                h.close();
                throw e;
            }
            defaults = h;
        }
        return defaults;
    }

    @AfterAll
    static void closeDefaults() throws Exception {
        if (defaults != null) {
            try {
                defaults.close();
            } finally {
                defaults = null;
            }
        }
    }

    private SyncHarness harness(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(Map.of("admin.token", TOKEN, "camel.main.jmx-enabled", "true"));
        all.putAll(settings);
        return new SyncHarness(Dialect.H2, dataDir, all);
    }

    private HttpResponse<String> get(String url, String authorization) throws Exception {
        return get(url, authorization, Map.of());
    }

    private HttpResponse<String> get(String url, String authorization, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyManagementPathNeedsTheAdminTokenAsBearerOrBasicPassword() throws Exception {
        SyncHarness sync = defaults();
        String base = sync.managementBase();
        for (String path : new String[] {"/observe/health", "/observe/metrics", "/observe/jolokia/version", "/anything"}) {
            HttpResponse<String> none = get(base + path, null);
            assertThat(none.statusCode()).as(path).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"shopify-sync\"");
            assertThat(get(base + path, "Bearer wrong-token").statusCode()).as(path).isEqualTo(401);
            assertThat(get(base + path, basic("admin", "wrong-token")).statusCode()).as(path).isEqualTo(401);
            assertThat(get(base + path, basic("someone", TOKEN)).statusCode()).as("wrong user " + path).isEqualTo(401);
            assertThat(get(base + path, "Basic !!notbase64").statusCode()).as(path).isEqualTo(401);
            assertThat(none.body()).doesNotContain(TOKEN);
        }
        assertThat(get(base + "/observe/metrics", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(get(base + "/observe/metrics", basic("admin", TOKEN)).statusCode()).isEqualTo(200);
        assertThat(get(base + "/observe/health", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(get(base + "/observe/jolokia/version", basic("admin", TOKEN)).statusCode()).isEqualTo(200);
    }

    @Test
    void probesAnswerABareStatusWithoutCredentialsAndDetailsNeedThem() throws Exception {
        SyncHarness sync = defaults();
        String base = sync.managementBase();
        HttpResponse<String> ready = get(base + "/observe/health/ready", null);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ready.body())).isEqualTo(JSON.readTree("{\"status\":\"UP\"}"));
        HttpResponse<String> live = get(base + "/observe/health/live", null);
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(live.body()).path("status").asText()).isEqualTo("UP");
        // details are only served with credentials
        assertThat(get(base + "/observe/health/ready?exposureLevel=full", null).body()).doesNotContain("checks");
        assertThat(get(base + "/observe/health?exposureLevel=full", null).statusCode()).isEqualTo(401);
        HttpResponse<String> full = get(base + "/observe/health/ready?exposureLevel=full", "Bearer " + TOKEN);
        assertThat(JSON.readTree(full.body()).path("checks").size()).isPositive();
    }

    @Test
    void probesNeedCredentialsTooWhenConfiguredSo() throws Exception {
        try (SyncHarness sync = harness(Map.of("management.probes.public", "false")).start()) {
            assertThat(get(sync.managementBase() + "/observe/health/ready", null).statusCode()).isEqualTo(401);
            assertThat(get(sync.managementBase() + "/observe/health/ready", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void everythingButTheBareProbesIsRefusedWhileNoAdminTokenIsSet() throws Exception {
        try (SyncHarness sync = harness(Map.of("admin.token", "")).start()) {
            String base = sync.managementBase();
            for (String path : new String[] {"/observe/health", "/observe/metrics", "/observe/jolokia/version"}) {
                HttpResponse<String> r = get(base + path, "Bearer ");
                assertThat(r.statusCode()).as(path).isEqualTo(401);
                assertThat(r.body()).contains("set ADMIN_TOKEN");
                assertThat(get(base + path, basic("admin", "")).statusCode()).as(path).isEqualTo(401);
            }
            assertThat(get(base + "/observe/health/ready", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void bindsLoopbackByDefault() throws Exception {
        SyncHarness sync = defaults();
        assertThat(sync.config().get("management.host")).contains("127.0.0.1");
        int port = Integer.parseInt(sync.config().get("management.port").orElseThrow());
        Optional<InetAddress> external = nonLoopbackAddress();
        if (external.isPresent()) {
            assertThatThrownBy(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(external.get(), port), 2000);
                }
            }).as("connecting via " + external.get()).isInstanceOf(java.io.IOException.class);
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            assertThat(s.isConnected()).isTrue();
        }
    }

    @Test
    void aSharedWebhookAndManagementPortIsRefused() {
        String port = Integer.toString(FreePort.find());
        SyncHarness sync = harness(Map.of("http.port", port, "management.port", port));
        try (sync) {
            assertThatThrownBy(sync::start).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("management.port must differ from http.port");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void crossOriginCallsAreServedOnlyForConfiguredOrigins() throws Exception {
        try (SyncHarness sync = harness(Map.of("management.cors.origins", "http://localhost:8181")).start()) {
            String url = sync.managementBase() + "/observe/jolokia/version";
            HttpResponse<String> foreign = get(url, "Bearer " + TOKEN, Map.of("Origin", "http://evil.example"));
            assertThat(foreign.statusCode()).isEqualTo(403);
            HttpResponse<String> allowed = get(url, "Bearer " + TOKEN, Map.of("Origin", "http://localhost:8181"));
            assertThat(allowed.statusCode()).isEqualTo(200);
            assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).contains("http://localhost:8181");
            HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(URI.create(url))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "http://localhost:8181").header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "authorization,content-type").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(preflight.statusCode()).isEqualTo(204);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("")).contains("Authorization");
            // same origin (what Hawtio's proxy or a page served by this port sends) needs no configuration
            String self = sync.managementBase();
            assertThat(get(url, "Bearer " + TOKEN, Map.of("Origin", self)).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void jolokiaReadsTheCamelContextAndARoutesExchangeCount() throws Exception {
        SyncHarness sync = defaults();
        String jolokia = sync.managementBase() + "/observe/jolokia";
        JsonNode context = JSON.readTree(get(jolokia + "/read/org.apache.camel:context=shopify-sync,type=context,name=%22shopify-sync%22/State",
                basic("admin", TOKEN)).body());
        assertThat(context.path("status").asInt()).as(context.toString()).isEqualTo(200);
        assertThat(context.path("value").asText()).isEqualTo("Started");

        String routeId = sync.app().context().getRoutes().get(0).getRouteId();
        String body = "{\"type\":\"read\",\"mbean\":\"org.apache.camel:context=shopify-sync,type=routes,name=\\\"" + routeId
                + "\\\"\",\"attribute\":\"ExchangesTotal\"}";
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(jolokia + "/"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode read = JSON.readTree(post.body());
        assertThat(read.path("status").asInt()).as(read.toString()).isEqualTo(200);
        assertThat(read.path("value").isNumber()).isTrue();
    }

    @Test
    void jolokiaRefusesHeapDumpsAndDiagnosticCommandsEvenWithTheToken() throws Exception {
        SyncHarness sync = defaults();
        String jolokia = sync.managementBase() + "/observe/jolokia";
        for (String body : new String[] {
                "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=HotSpotDiagnostic\",\"operation\":\"dumpHeap\","
                        + "\"arguments\":[\"" + dataDir.resolve("heap.hprof") + "\",true]}",
                "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=DiagnosticCommand\",\"operation\":\"vmSystemProperties\"}",
                "{\"type\":\"read\",\"mbean\":\"com.sun.management:type=HotSpotDiagnostic\",\"attribute\":\"DiagnosticOptions\"}"}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(jolokia + "/"))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode answer = JSON.readTree(r.body());
            assertThat(answer.path("status").asInt()).as(r.body()).isEqualTo(403);
        }
        assertThat(dataDir.resolve("heap.hprof")).doesNotExist();
        // what Hawtio's Camel views use stays allowed
        JsonNode routes = JSON.readTree(get(jolokia + "/exec/org.apache.camel:context=shopify-sync,type=context,name=%22shopify-sync%22/dumpRoutesAsXml()",
                "Bearer " + TOKEN).body());
        assertThat(routes.path("status").asInt()).as(routes.toString()).isEqualTo(200);
        assertThat(routes.path("value").asText()).contains("webhook-intake");
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }
}
