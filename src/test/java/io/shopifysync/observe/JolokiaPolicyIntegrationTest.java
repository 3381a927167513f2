package io.shopifysync.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.db.Dialect;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.SyncHarness;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jolokia.server.core.restrictor.RestrictorFactory;
import org.jolokia.server.core.service.api.Restrictor;

/**
 * The Jolokia policy (jolokia-access.xml) against the running management port, with the admin credentials: nothing
 * that runs an endpoint, creates one or loads routes or code is allowed on any MBean, while reads and the route
 * operations an operator needs still work.
 */
class JolokiaPolicyIntegrationTest {

    private static final String TOKEN = "mgmt-token-for-tests";
    private static final String CONTEXT = "org.apache.camel:context=shopify-sync,type=context,name=\"shopify-sync\"";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Operations the policy allows, by the MBean's {@code type} key (Camel) or exact name; all others are refused. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "org.apache.camel:context", Set.of("start", "stop", "restart", "suspend", "resume", "startAllRoutes", "reset",
                    "dumpRoutesAsXml", "dumpRoutesAsYaml", "dumpRestsAsXml", "dumpRoutesStatsAsXml", "dumpRouteStatsAsJSon",
                    "dumpStepStatsAsXml", "dumpRoutesCoverageAsXml", "dumpRouteTemplatesAsXml", "dumpStatsAsXml",
                    "dumpStatsAsJSon", "componentNames", "languageNames", "dataFormatNames", "routeIds", "routeGroups"),
            "org.apache.camel:routes", Set.of("start", "stop", "restart", "suspend", "resume", "reset", "dumpRouteAsXml",
                    "dumpRouteAsYaml", "dumpRouteStatsAsXml", "dumpRouteStatsAsJSon", "dumpStepStatsAsXml",
                    "dumpRouteSourceLocationsAsXml", "dumpStatsAsXml", "dumpStatsAsJSon", "processorIds"),
            "org.apache.camel:processors", Set.of("reset", "dumpProcessorAsXml", "dumpStatsAsXml", "dumpStatsAsJSon"),
            "org.apache.camel:steps", Set.of("reset", "dumpProcessorAsXml", "dumpStatsAsXml", "dumpStatsAsJSon"),
            "org.apache.camel:services", Set.of("endpointStatistics"),
            "java.lang:type=Memory", Set.of("gc"),
            "java.lang:type=Threading", Set.of("dumpAllThreads", "findDeadlockedThreads", "findMonitorDeadlockedThreads"));

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    private SyncHarness harness(Dialect dialect) {
        return new SyncHarness(dialect, dataDir, Map.of("admin.token", TOKEN, "shopify.client.secret", "whsec_policy",
                "camel.main.jmx-enabled", "true"));
    }

    private JsonNode jolokia(SyncHarness sync, Object request) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(sync.managementBase() + "/observe/jolokia/"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200); // Jolokia's own status is in the body
        return JSON.readTree(r.body());
    }

    private JsonNode exec(SyncHarness sync, String mbean, String operation, Object... arguments) throws Exception {
        return jolokia(sync, Map.of("type", "exec", "mbean", mbean, "operation", operation, "arguments", List.of(arguments)));
    }

    private String read(SyncHarness sync, String mbean, String attribute) throws Exception {
        JsonNode r = jolokia(sync, Map.of("type", "read", "mbean", mbean, "attribute", attribute));
        assertThat(r.path("status").asInt()).as(r.toString()).isEqualTo(200);
        return r.path("value").asText();
    }

    private static String route(String id) {
        return "org.apache.camel:context=shopify-sync,type=routes,name=\"" + id + "\"";
    }

    @BothDatabases
    void sendingToRequestingFromOrCreatingEndpointsAndLoadingRoutesAreRefusedAndHaveNoEffect(Dialect dialect) throws Exception {
        try (SyncHarness sync = harness(dialect).start()) {
            String apiUrl = "http://127.0.0.1:9/shops/victim.myshopify.com";
            sync.register("victim.myshopify.com", "shpat_" + "7".repeat(32), apiUrl);
            Path drop = Files.createDirectories(dataDir.resolve("drop"));
            String file = "file:" + drop + "?fileName=evil.yaml";
            String routeYaml = "- from: { uri: \"timer:evil\", steps: [ { to: \"log:evil\" } ] }";
            String sql = "sql:UPDATE shopify.shops SET api_url = 'http://127.0.0.1:1/stolen'";
            String created = "file:" + drop + "/created?autoCreate=true";
            String routeXml = "<route id=\"purge-tombstones\"><from uri=\"timer:evil\"/><to uri=\"" + file + "\"/></route>";
            Object[][] attempts = {
                    {CONTEXT, "sendStringBody(java.lang.String,java.lang.String)", file, routeYaml},
                    {CONTEXT, "sendBody(java.lang.String,java.lang.Object)", file, routeYaml},
                    {CONTEXT, "sendBodyAndHeaders(java.lang.String,java.lang.Object,java.util.Map)", file, routeYaml, Map.of()},
                    {CONTEXT, "requestStringBody(java.lang.String,java.lang.String)", sql, ""},
                    {CONTEXT, "requestBody(java.lang.String,java.lang.Object)", sql, ""},
                    {CONTEXT, "requestBodyAndHeaders(java.lang.String,java.lang.Object,java.util.Map)", sql, "", Map.of()},
                    {CONTEXT, "createEndpoint(java.lang.String)", created},
                    {CONTEXT, "canSendToEndpoint(java.lang.String)", created},
                    {CONTEXT, "removeEndpoints(java.lang.String)", "*"},
                    {CONTEXT, "setGlobalOption(java.lang.String,java.lang.String)", "CamelJacksonEnableTypeConverter", "true"},
                    {route("purge-tombstones"), "updateRouteFromXml(java.lang.String)", routeXml},
                    {route("status-sample"), "remove()"},
            };
            SoftAssertions softly = new SoftAssertions();
            for (Object[] a : attempts) {
                Object[] arguments = java.util.Arrays.copyOfRange(a, 2, a.length);
                JsonNode answer = exec(sync, (String) a[0], (String) a[1], arguments);
                softly.assertThat(answer.path("status").asInt()).as(a[1] + " on " + a[0] + ": " + answer).isEqualTo(403);
            }
            softly.assertThat(drop).as("files written by a file: endpoint").isEmptyDirectory();
            softly.assertThat(sync.count("SELECT COUNT(*) FROM shopify.shops WHERE api_url = '" + apiUrl + "'"))
                    .as("shops whose api_url the sql: endpoint left alone").isEqualTo(1);
            softly.assertThat(sync.app().context().hasEndpoint(created)).as("created endpoint").isNull();
            softly.assertThat(sync.app().context().getEndpoints()).as("endpoints").isNotEmpty();
            softly.assertThat(sync.app().context().getRoute("status-sample")).as("removed route").isNotNull();
            softly.assertThat(sync.app().context().getRoute("purge-tombstones").getEndpoint().getEndpointUri())
                    .as("replaced route's input").doesNotContain("evil");
            softly.assertAll();
        }
    }

    @Test
    void routeOperationsStatisticsResetsDumpsAndReadsStillWork() throws Exception {
        try (SyncHarness sync = harness(Dialect.H2).start()) {
            String purge = route("purge-tombstones");
            assertThat(read(sync, CONTEXT, "State")).isEqualTo("Started");
            for (String[] step : new String[][] {{"suspend()", "Suspended"}, {"resume()", "Started"}, {"stop()", "Stopped"},
                    {"start()", "Started"}, {"stop(long)", "Stopped"}, {"start", "Started"}}) {
                JsonNode answer = step[0].equals("stop(long)") ? exec(sync, purge, step[0], 5) : exec(sync, purge, step[0]);
                assertThat(answer.path("status").asInt()).as(step[0] + ": " + answer).isEqualTo(200);
                assertThat(read(sync, purge, "State")).as("after " + step[0]).isEqualTo(step[1]);
            }
            // an unsigned delivery still counts as an exchange of webhook-intake; resetting the statistics clears it
            http.send(HttpRequest.newBuilder(URI.create(sync.httpBase() + "/webhooks/shopify"))
                    .header("X-Shopify-Topic", "orders/create").header("X-Shopify-Shop-Domain", "x.myshopify.com")
                    .header("X-Shopify-Hmac-Sha256", "bad").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String intake = route("webhook-intake");
            assertThat(Long.parseLong(read(sync, intake, "ExchangesTotal"))).isPositive();
            assertThat(exec(sync, intake, "reset(boolean)", true).path("status").asInt()).isEqualTo(200);
            assertThat(Long.parseLong(read(sync, intake, "ExchangesTotal"))).isZero();
            assertThat(exec(sync, CONTEXT, "reset(boolean)", false).path("status").asInt()).isEqualTo(200);

            // what Hawtio's routes view and diagrams call
            for (JsonNode answer : new JsonNode[] {exec(sync, CONTEXT, "dumpRoutesAsXml()"),
                    exec(sync, CONTEXT, "dumpRoutesStatsAsXml", true, true), exec(sync, intake, "dumpRouteAsXml()"),
                    exec(sync, intake, "dumpRouteStatsAsXml", true, true)}) {
                assertThat(answer.path("status").asInt()).as(answer.toString()).isEqualTo(200);
                assertThat(answer.path("value").asText()).contains("webhook-intake");
            }
            assertThat(read(sync, "java.lang:type=Runtime", "Uptime")).isNotEmpty();
            assertThat(jolokia(sync, Map.of("type", "search", "mbean", "org.apache.camel:type=routes,*")).path("value").size())
                    .isGreaterThan(5);
            assertThat(jolokia(sync, Map.of("type", "version")).path("status").asInt()).isEqualTo(200);
        }
    }

    /**
     * Every operation of every MBean registered while the app runs (Camel's, the JVM's, Jolokia's, the pool's), in each
     * form a client may name it (bare, or with its signature with or without spaces), is judged by Jolokia's own policy
     * restrictor loaded as the management server loads it: refused unless it is on the allow-list. Every attribute write
     * is refused. Nothing is invoked. (Jolokia runs an operation given too many arguments, so probing over HTTP would
     * run them.)
     */
    @Test
    void everyOperationOutsideTheAllowListAndEveryAttributeWriteIsRefusedOnEveryMBean() throws Exception {
        try (SyncHarness sync = harness(Dialect.H2).start()) {
            Restrictor policy = RestrictorFactory.lookupPolicyRestrictor("classpath:/jolokia-access.xml");
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            List<String> wrong = new ArrayList<>();
            Set<String> seen = new java.util.HashSet<>();
            int writable = 0;
            for (ObjectName name : server.queryNames(null, null)) {
                Set<String> allowed = allowedOn(name);
                MBeanInfo info = server.getMBeanInfo(name);
                for (MBeanOperationInfo op : info.getOperations()) {
                    List<String> types = java.util.Arrays.stream(op.getSignature()).map(MBeanParameterInfo::getType).toList();
                    boolean expected = allowed.contains(op.getName());
                    for (String form : List.of(op.getName(), op.getName() + "(" + String.join(",", types) + ")",
                            op.getName() + "(" + String.join(", ", types) + ")")) {
                        seen.add(form);
                        if (policy.isOperationAllowed(name, form) != expected) {
                            wrong.add(form + " on " + name + (expected ? " is refused" : " is allowed"));
                        }
                    }
                }
                for (MBeanAttributeInfo attribute : info.getAttributes()) {
                    if (attribute.isWritable()) {
                        writable++;
                        if (policy.isAttributeWriteAllowed(name, attribute.getName())) {
                            wrong.add("writing " + attribute.getName() + " on " + name + " is allowed");
                        }
                    }
                }
            }
            assertThat(seen).as("operations found").contains("sendStringBody(java.lang.String,java.lang.String)",
                    "requestBody(java.lang.String,java.lang.Object)", "createEndpoint(java.lang.String)",
                    "updateRouteFromXml(java.lang.String)", "remove()", "dumpRoutesAsXml()", "dumpRoutesStatsAsXml(boolean,boolean)");
            assertThat(writable).as("writable attributes found").isGreaterThan(10);
            assertThat(wrong).as("operations and writes whose policy is not as expected").isEmpty();
            // Hawtio's tree: exec list() on its RBACRegistry, absent here, must answer 404 (Hawtio then falls back to list)
            ObjectName rbac = new ObjectName("hawtio:type=security,name=RBACRegistry");
            assertThat(server.isRegistered(rbac)).isFalse();
            assertThat(policy.isOperationAllowed(rbac, "list()")).isTrue();
            // reads stay open, except the JVM's diagnostic MBeans
            assertThat(policy.isAttributeReadAllowed(new ObjectName(CONTEXT), "State")).isTrue();
            assertThat(policy.isAttributeReadAllowed(new ObjectName("com.sun.management:type=HotSpotDiagnostic"),
                    "DiagnosticOptions")).isFalse();
        }
    }

    private static Set<String> allowedOn(ObjectName name) {
        String key = name.getDomain().equals("org.apache.camel") ? "org.apache.camel:" + name.getKeyProperty("type")
                : name.getCanonicalName();
        return ALLOWED.getOrDefault(key, Set.of());
    }
}
