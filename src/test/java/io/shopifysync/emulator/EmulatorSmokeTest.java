package io.shopifysync.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A quick in-process check of the emulator's main paths (the full suites are the *IntegrationTest classes). */
class EmulatorSmokeTest {

    @RegisterExtension
    static EmulatorExtension emu = EmulatorExtension.builder().shops(2).orders(120).products(12).customers(30)
            .plan("plus").timeScale(0.0001).build();

    private static final ObjectMapper M = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<HttpServer> SERVERS = new CopyOnWriteArrayList<>();

    @AfterAll
    static void stopServers() {
        SERVERS.forEach(s -> s.stop(0));
    }

    private static JsonNode gql(EmulatedShop shop, String query) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(shop.graphqlUrl()))
                .header("X-Shopify-Access-Token", shop.accessToken()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(M.writeValueAsString(Map.of("query", query)))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return M.readTree(r.body());
    }

    private static JsonNode control(String method, String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(emu.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        return M.readTree(r.body());
    }

    @Test
    void pagingByUpdatedAtWhileObjectsChangeSeesEveryObject() throws Exception {
        EmulatedShop shop = emu.shops().get(0);
        Set<String> seen = new HashSet<>();
        String after = null;
        int pages = 0;
        while (true) {
            JsonNode d = gql(shop, "{ orders(first: 17, sortKey: UPDATED_AT" + (after == null ? "" : ", after: \"" + after + "\"")
                    + ") { edges { cursor node { id updatedAt } } pageInfo { hasNextPage endCursor } } }");
            assertThat(d.at("/extensions/cost/requestedQueryCost").asInt()).isEqualTo(2 + 17);
            for (JsonNode e : d.at("/data/orders/edges")) {
                seen.add(e.at("/node/id").asText());
            }
            if (pages++ % 2 == 0) {
                control("POST", "/_emulator/shops/" + shop.domain() + "/orders/update", "{\"count\":3}");
            }
            if (!d.at("/data/orders/pageInfo/hasNextPage").asBoolean()) {
                break;
            }
            after = d.at("/data/orders/pageInfo/endCursor").asText();
        }
        assertThat(seen).hasSizeGreaterThanOrEqualTo(120);
    }

    @Test
    void digestFollowsChanges() throws Exception {
        String domain = emu.shops().get(1).domain();
        JsonNode before = M.readTree(emu.digest(domain));
        assertThat(before.fieldNames()).toIterable().containsExactly("orders", "products", "customers", "order_line_items", "product_variants",
                "order_transactions");
        assertThat(before.at("/orders/count").asInt()).isEqualTo(120);
        assertThat(control("GET", "/_emulator/shops/" + domain + "/digest", null)).isEqualTo(before);
        control("POST", "/_emulator/shops/" + domain + "/orders/delete", "{\"count\":2}");
        JsonNode after = M.readTree(emu.digest(domain));
        assertThat(after.at("/orders/count").asInt()).isEqualTo(118);
        assertThat(after.at("/order_line_items/count").asInt()).isLessThan(before.at("/order_line_items/count").asInt());
    }

    @Test
    void webhooksAreSignedRetriedAndFailingSubscriptionsRemoved() throws Exception {
        EmulatedShop shop = emu.shops().get(0);
        AtomicInteger failing = new AtomicInteger();
        List<String> okBodies = new CopyOnWriteArrayList<>();
        List<String> hmacs = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        SERVERS.add(server);
        server.createContext("/ok", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            okBodies.add(new String(body, java.nio.charset.StandardCharsets.UTF_8));
            hmacs.add(ex.getRequestHeaders().getFirst("X-Shopify-Hmac-Sha256") + " " + Webhooks.hmac("sandbox-secret", body));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.createContext("/fail", ex -> {
            ex.getRequestBody().readAllBytes();
            failing.incrementAndGet();
            ex.sendResponseHeaders(500, -1);
            ex.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        JsonNode created = gql(shop, "mutation { webhookSubscriptionCreate(topic: CUSTOMERS_CREATE, webhookSubscription: {uri: \"" + base
                + "/ok\", format: JSON}) { webhookSubscription { id topic uri } userErrors { field message } } }");
        assertThat(created.at("/data/webhookSubscriptionCreate/userErrors")).isEmpty();
        gql(shop, "mutation { webhookSubscriptionCreate(topic: CUSTOMERS_UPDATE, webhookSubscription: {callbackUrl: \"" + base
                + "/fail\"}) { webhookSubscription { id } userErrors { message } } }");
        control("POST", "/_emulator/shops/" + shop.domain() + "/customers/create", "{\"count\":1}");
        control("POST", "/_emulator/shops/" + shop.domain() + "/customers/update", "{\"count\":1}");
        await().atMost(Duration.ofSeconds(10)).until(() -> okBodies.size() == 1 && failing.get() == 9);
        assertThat(hmacs.get(0).split(" ")[0]).isEqualTo(hmacs.get(0).split(" ")[1]);
        JsonNode body = M.readTree(okBodies.get(0));
        assertThat(body.get("id").isIntegralNumber()).isTrue();
        assertThat(body.get("admin_graphql_api_id").asText()).startsWith("gid://shopify/Customer/");
        await().atMost(Duration.ofSeconds(5)).until(() ->
                gql(shop, "{ webhookSubscriptions(first: 10) { nodes { topic } } }").at("/data/webhookSubscriptions/nodes").size() == 1);
        JsonNode log = control("GET", "/_emulator/shops/" + shop.domain() + "/webhooks/deliveries?topic=customers/update", null);
        assertThat(log.at("/deliveries/0/status").asText()).isEqualTo("FAILED");
        assertThat(log.at("/deliveries/0/attemptCount").asInt()).isEqualTo(9);
    }

    @Test
    void bulkQueryProducesJsonlWithParents() throws Exception {
        EmulatedShop shop = emu.shops().get(1);
        JsonNode run = gql(shop, "mutation { bulkOperationRunQuery(query: \"{ products { edges { node { id title variants { edges { node { id sku } } } } } } }\")"
                + " { bulkOperation { id status } userErrors { field message } } }");
        String id = run.at("/data/bulkOperationRunQuery/bulkOperation/id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                gql(shop, "{ bulkOperation(id: \"" + id + "\") { status } }").at("/data/bulkOperation/status").asText().equals("COMPLETED"));
        JsonNode op = gql(shop, "{ node(id: \"" + id + "\") { ... on BulkOperation { objectCount rootObjectCount url fileSize } } }").at("/data/node");
        String jsonl = HTTP.send(HttpRequest.newBuilder(URI.create(op.get("url").asText())).build(), HttpResponse.BodyHandlers.ofString()).body();
        String[] lines = jsonl.split("\n");
        assertThat(lines).hasSize(op.get("objectCount").asInt());
        assertThat(op.get("rootObjectCount").asInt()).isEqualTo(12);
        long children = java.util.Arrays.stream(lines).filter(l -> l.contains("__parentId")).count();
        assertThat(children).isEqualTo(lines.length - 12).isGreaterThanOrEqualTo(2048);
        assertThat(op.get("fileSize").asLong()).isEqualTo(jsonl.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }
}
