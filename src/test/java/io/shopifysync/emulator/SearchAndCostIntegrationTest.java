package io.shopifysync.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Search syntax, node/nodes, query cost, the leaky bucket, MAX_COST_EXCEEDED, 401 and 404. */
class SearchAndCostIntegrationTest {

    @RegisterExtension
    static EmulatorExtension emu = EmulatorExtension.builder()
            .port(0).shops(2).seed(99)
            .orders(80).products(20).customers(30)
            .plan("plus").timeScale(0.001)
            .build();

    static GraphqlClient client;
    static final String UNAUTHORIZED = "{\"errors\":\"[API] Invalid API key or access token (unrecognized login or wrong password)\"}";

    @BeforeAll
    static void client() {
        client = GraphqlClient.forFirstShop(emu);
    }

    record Obj(String id, long legacy, Instant createdAt, Instant updatedAt) {}

    static List<Obj> everything(String connection) {
        List<Obj> out = new ArrayList<>();
        for (JsonNode n : client.walk(connection, null, null, "id legacyResourceId createdAt updatedAt", 250, false)) {
            out.add(new Obj(n.path("id").asText(), Long.parseLong(n.path("legacyResourceId").asText()),
                    Instant.parse(n.path("createdAt").asText()), Instant.parse(n.path("updatedAt").asText())));
        }
        return out;
    }

    static Set<String> search(String connection, String query) {
        return client.walk(connection, null, query, "id", 250, false).stream()
                .map(n -> n.path("id").asText()).collect(Collectors.toSet());
    }

    static Set<String> filter(List<Obj> all, Predicate<Obj> p) {
        return all.stream().filter(p).map(Obj::id).collect(Collectors.toSet());
    }

    static Predicate<Obj> cmp(String field, String op, Instant pivot) {
        return o -> {
            Instant v = field.equals("updated_at") ? o.updatedAt() : o.createdAt();
            int c = v.compareTo(pivot);
            return switch (op) {
                case ">" -> c > 0;
                case ">=" -> c >= 0;
                case "<" -> c < 0;
                case "<=" -> c <= 0;
                default -> throw new IllegalArgumentException(op);
            };
        };
    }

    @ParameterizedTest
    @CsvSource({"orders,updated_at", "orders,created_at", "products,updated_at", "customers,updated_at", "customers,created_at"})
    void timestampFiltersSelectExactlyTheMatchingObjects(String connection, String field) {
        List<Obj> all = everything(connection);
        List<Instant> values = all.stream().map(o -> field.equals("updated_at") ? o.updatedAt() : o.createdAt()).sorted().toList();
        // a pivot that is an exact value held by some object (so > and >= differ), from the middle
        Instant pivot = values.get(values.size() / 2);
        for (String op : List.of(">", ">=", "<", "<=")) {
            Set<String> expected = filter(all, cmp(field, op, pivot));
            String q = field + ":" + op + "'" + pivot + "'";
            assertThat(search(connection, q)).as(connection + " " + q).isEqualTo(expected);
            long count = client.data("query($q: String) { " + connection + "Count(query: $q) { count } }", Map.of("q", q))
                    .path(connection + "Count").path("count").asLong();
            assertThat(count).as(connection + "Count " + q).isEqualTo(expected.size());
        }
        assertThat(filter(all, cmp(field, ">", pivot))).isNotEqualTo(filter(all, cmp(field, ">=", pivot)));
    }

    @Test
    void idFilterAndAndCombination() {
        List<Obj> all = everything("orders");
        List<Long> legacy = all.stream().map(Obj::legacy).sorted().toList();
        long pivotId = legacy.get(legacy.size() / 3);
        assertThat(search("orders", "id:>" + pivotId)).isEqualTo(filter(all, o -> o.legacy() > pivotId));
        assertThat(search("orders", "id:<=" + pivotId)).isEqualTo(filter(all, o -> o.legacy() <= pivotId));

        List<Instant> ups = all.stream().map(Obj::updatedAt).sorted().toList();
        Instant lo = ups.get(ups.size() / 4);
        Instant hi = ups.get(3 * ups.size() / 4);
        String q = "updated_at:>='" + lo + "' AND updated_at:<'" + hi + "'";
        Set<String> expected = filter(all, o -> !o.updatedAt().isBefore(lo) && o.updatedAt().isBefore(hi));
        assertThat(expected).isNotEmpty();
        assertThat(search("orders", q)).isEqualTo(expected);
        String q3 = q + " AND id:>" + pivotId;
        assertThat(search("orders", q3)).isEqualTo(filter(all, o -> !o.updatedAt().isBefore(lo) && o.updatedAt().isBefore(hi) && o.legacy() > pivotId));
    }

    @Test
    void searchCombinesWithSortKeyAndPagingLikeAPoller() {
        List<Obj> all = everything("orders");
        List<Instant> ups = all.stream().map(Obj::updatedAt).sorted().toList();
        Instant hwm = ups.get(ups.size() / 2);
        String q = "updated_at:>='" + hwm + "'";
        List<JsonNode> walked = client.walk("orders", "sortKey: UPDATED_AT", q, "id updatedAt", 3, false);
        assertThat(walked.stream().map(n -> n.path("id").asText()).toList())
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(filter(all, o -> !o.updatedAt().isBefore(hwm)));
        assertThat(walked.stream().map(n -> Instant.parse(n.path("updatedAt").asText())).toList()).isSorted();
    }

    @Test
    void nodeAndNodesResolveGids() {
        List<Obj> orders = everything("orders");
        List<Obj> products = everything("products");
        List<Obj> customers = everything("customers");
        Obj o = orders.get(3), p = products.get(2), c = customers.get(1);
        JsonNode d = client.data("query($o: ID!, $p: ID!, $c: ID!) { "
                + "o: node(id: $o) { id ... on Order { legacyResourceId updatedAt } } "
                + "p: node(id: $p) { id ... on Product { legacyResourceId updatedAt } } "
                + "c: node(id: $c) { id ... on Customer { legacyResourceId updatedAt } } "
                + "n: nodes(ids: [$c, $o, \"gid://shopify/Order/1\", $p]) { id } }",
                Map.of("o", o.id(), "p", p.id(), "c", c.id()));
        assertThat(d.path("o").path("id").asText()).isEqualTo(o.id());
        assertThat(Instant.parse(d.path("o").path("updatedAt").asText())).isEqualTo(o.updatedAt());
        assertThat(d.path("p").path("legacyResourceId").asText()).isEqualTo(Long.toString(p.legacy()));
        assertThat(d.path("c").path("id").asText()).isEqualTo(c.id());
        JsonNode n = d.path("n");
        assertThat(n).hasSize(4);
        assertThat(n.get(0).path("id").asText()).isEqualTo(c.id());
        assertThat(n.get(1).path("id").asText()).isEqualTo(o.id());
        assertThat(n.get(2).isNull()).as("unknown id resolves to null: " + n).isTrue();
        assertThat(n.get(3).path("id").asText()).isEqualTo(p.id());
    }

    // ------------------------------------------------------------------ cost

    @Test
    void extensionsCostIsOnEveryResponseAndMatchesTheDocumentedRules() {
        // scalars 0, object 1, connection = 2 + first × (cost of one node)
        GraphqlClient.Resp r = client.post("{ orders(first: 5) { edges { node { id name lineItems(first: 3) { edges { node { id quantity } } } } } } }");
        assertThat(r.status()).isEqualTo(200);
        JsonNode cost = r.cost();
        assertThat(cost.path("requestedQueryCost").asInt()).as(r.body()).isEqualTo(CostRules.orders5LineItems3());
        assertThat(cost.path("actualQueryCost").isNumber()).isTrue();
        assertThat(cost.path("actualQueryCost").asInt()).isBetween(1, cost.path("requestedQueryCost").asInt());
        JsonNode ts = cost.path("throttleStatus");
        assertThat(ts.path("maximumAvailable").asDouble()).isEqualTo(20000.0);
        assertThat(ts.path("restoreRate").asDouble()).isEqualTo(1000.0);
        assertThat(ts.path("currentlyAvailable").asDouble()).isBetween(0.0, 20000.0);

        GraphqlClient.Resp single = client.post("{ ordersCount { count } }");
        assertThat(single.cost().path("requestedQueryCost").asInt()).as(single.body()).isEqualTo(1);
        GraphqlClient.Resp big = client.post("{ products(first: 10) { edges { node { id variants(first: 20) { edges { node { id } } } } } } }");
        assertThat(big.cost().path("requestedQueryCost").asInt()).as(big.body()).isEqualTo(CostRules.products10Variants20());
    }

    @Test
    void mutationsCostTen() {
        GraphqlClient.Resp r = client.post("mutation { webhookSubscriptionDelete(id: \"gid://shopify/WebhookSubscription/1\") { deletedWebhookSubscriptionId userErrors { field message } } }");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.cost().path("requestedQueryCost").asInt()).as(r.body()).isEqualTo(10);
    }

    @Test
    void maxCostExceededIsRejectedWithoutCharging() {
        GraphqlClient.Resp r = client.post("{ orders(first: 250) { edges { node { id lineItems(first: 250) { edges { node { id } } } } } } }");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.errors().isArray() && r.errors().size() > 0).as(r.body()).isTrue();
        assertThat(r.errors().get(0).path("extensions").path("code").asText()).as(r.body()).isEqualTo("MAX_COST_EXCEEDED");
        assertThat(r.json().path("data").path("orders").isMissingNode() || r.json().path("data").path("orders").isNull()).isTrue();
        assertThat(r.cost().path("requestedQueryCost").asInt()).as(r.body()).isGreaterThan(1000);
        double after = r.cost().path("throttleStatus").path("currentlyAvailable").asDouble();
        // nothing was charged: a bucket of 20000 with > 1000 taken would show < 19000 right now
        assertThat(after).as(r.body()).isGreaterThan(19000.0);
    }

    @ParameterizedTest
    @CsvSource({"basic,2000,100", "advanced,4000,200", "plus,20000,1000"})
    void planSetsBucketSizeAndRestoreRate(String plan, double max, double rate) {
        try (ShopifyEmulator e = ShopifyEmulator.builder().port(0).shops(1).seed(1).orders(3).products(2).customers(2).plan(plan).start()) {
            var shop = e.shops().get(0);
            GraphqlClient c = new GraphqlClient(e.baseUrl(), shop.domain(), shop.accessToken());
            JsonNode ts = c.post("{ ordersCount { count } }").cost().path("throttleStatus");
            assertThat(ts.path("maximumAvailable").asDouble()).isEqualTo(max);
            assertThat(ts.path("restoreRate").asDouble()).isEqualTo(rate);
        }
    }

    @Test
    void burstIsThrottledLikeShopifyAndTheBucketRestores() {
        try (ShopifyEmulator e = ShopifyEmulator.builder().port(0).shops(1).seed(5).orders(300).products(2).customers(2).plan("basic").timeScale(0.001).start()) {
            var shop = e.shops().get(0);
            GraphqlClient c = new GraphqlClient(e.baseUrl(), shop.domain(), shop.accessToken());
            String expensive = CostRules.ABOUT_500;
            int requested = -1;
            GraphqlClient.Resp throttled = null;
            int successes = 0;
            for (int i = 0; i < 20 && throttled == null; i++) {
                GraphqlClient.Resp r = c.post(expensive);
                assertThat(r.status()).as("throttling is HTTP 200, not 429").isEqualTo(200);
                requested = r.cost().path("requestedQueryCost").asInt();
                assertThat(requested).as(r.body()).isEqualTo(583);
                if (r.throttled()) throttled = r; else successes++;
            }
            assertThat(throttled).as("a burst of ~500-point queries on a 2000-point bucket is throttled").isNotNull();
            assertThat(successes).isBetween(2, 6);

            JsonNode t = throttled.json();
            FixtureShapeTest.assertSameShape(WebhookHmacTest.readFixture("graphql/throttled.json"), t, "throttled", false);
            assertThat(t.has("data") && !t.path("data").isNull() && t.path("data").size() > 0).as("no data when throttled").isFalse();
            assertThat(t.path("errors").get(0).path("message").asText()).isEqualTo("Throttled");
            JsonNode cost = t.path("extensions").path("cost");
            assertThat(cost.path("actualQueryCost").isNull()).isTrue();
            assertThat(cost.path("requestedQueryCost").asInt()).isEqualTo(requested);
            double available = cost.path("throttleStatus").path("currentlyAvailable").asDouble();
            assertThat(available).isLessThan(requested);
            assertThat(cost.path("throttleStatus").path("maximumAvailable").asDouble()).isEqualTo(2000.0);
            assertThat(cost.path("throttleStatus").path("restoreRate").asDouble()).isEqualTo(100.0);

            // the bucket leaks back at 100/s: the same query succeeds again, but not before it could have
            long t0 = System.nanoTime();
            double needSeconds = (requested - available) / 100.0;
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> !c.post(expensive).throttled());
            double waited = (System.nanoTime() - t0) / 1e9;
            assertThat(waited).as("restore took %.2fs, needed ≈ %.2fs", waited, needSeconds).isGreaterThanOrEqualTo(needSeconds * 0.7 - 0.15);
        }
    }

    @Test
    void bucketsArePerShop() {
        var other = emu.shops().get(1);
        GraphqlClient c2 = new GraphqlClient(emu.baseUrl(), other.domain(), other.accessToken());
        client.post("{ orders(first: 100) { edges { node { id } } } }");
        double a2 = c2.post("{ ordersCount { count } }").cost().path("throttleStatus").path("currentlyAvailable").asDouble();
        assertThat(a2).isGreaterThanOrEqualTo(20000.0 - 1 - 1e-6);
    }

    // ------------------------------------------------------------------ auth and routing

    @Test
    void missingOrWrongTokenIs401WithShopifysBody() {
        String url = client.graphqlUrl(GraphqlClient.VERSION);
        String body = GraphqlClient.body("{ ordersCount { count } }", null);
        for (String token : new String[] {null, "shpat_00000000000000000000000000000000", "", emu.shops().get(1).accessToken()}) {
            GraphqlClient.Resp r = GraphqlClient.raw(url, token, body);
            assertThat(r.status()).as("token " + token).isEqualTo(401);
            assertThat(r.json()).isEqualTo(GraphqlClient.JSON.valueToTree(parse(UNAUTHORIZED)));
        }
        assertThat(GraphqlClient.raw(url, client.token, body).status()).isEqualTo(200);
    }

    @Test
    void malformedAndFutureVersionsAre404() {
        for (String v : List.of("unstable-x", "2026-13", "2026-05", "26-01", "2027-01")) {
            GraphqlClient.Resp r = GraphqlClient.raw(client.graphqlUrl(v), client.token, GraphqlClient.body("{ ordersCount { count } }", null));
            assertThat(r.status()).as(v).isEqualTo(404);
        }
    }

    @Test
    void supportedVersionsAreServedAndRetiredOnesFallForwardSayingSoInTheHeader() {
        Map<String, String> servedFor = new java.util.LinkedHashMap<>();
        servedFor.put("2026-01", "2026-01");
        servedFor.put("2026-04", "2026-04");
        servedFor.put("2026-07", "2026-07");
        servedFor.put("2026-10", "2026-10");
        servedFor.put("2025-07", "2026-01");
        servedFor.put("2019-04", "2026-01");
        for (Map.Entry<String, String> e : servedFor.entrySet()) {
            GraphqlClient.Resp r = GraphqlClient.raw(client.graphqlUrl(e.getKey()), client.token, GraphqlClient.body("{ ordersCount { count } }", null));
            assertThat(r.status()).as(e.getKey()).isEqualTo(200);
            assertThat(r.headers().get("x-shopify-api-version")).as(e.getKey()).containsExactly(e.getValue());
        }
        try {
            // retiring 2026-01 and 2026-04: a request for either is served 2026-07
            client.controlOk("PUT", "/_emulator/settings", Map.of("apiVersions", List.of("2026-10", "2026-07")));
            GraphqlClient.Resp r = GraphqlClient.raw(client.graphqlUrl("2026-01"), client.token, GraphqlClient.body("{ ordersCount { count } }", null));
            assertThat(r.headers().get("x-shopify-api-version")).containsExactly("2026-07");
            assertThat(client.controlOk("GET", "/_emulator/settings", null).path("apiVersions").toString()).isEqualTo("[\"2026-07\",\"2026-10\"]");
            for (Object bad : List.of(List.of(), List.of("2026-02"), List.of("latest"), "2026-07", List.of(202607))) {
                GraphqlClient.Resp refused = client.control("PUT", "/_emulator/settings", Map.of("apiVersions", bad, "timeScale", 0.5));
                assertThat(refused.status()).as(String.valueOf(bad)).isEqualTo(400);
                assertThat(refused.json().path("error").asText()).contains("apiVersions");
            }
            assertThat(client.controlOk("GET", "/_emulator/settings", null).path("timeScale").asDouble()).as("nothing changed").isNotEqualTo(0.5);
        } finally {
            client.controlOk("PUT", "/_emulator/settings", Map.of("apiVersions", List.of("2026-01", "2026-04", "2026-07", "2026-10")));
        }
    }

    @Test
    void tokensAreDeterministicShpatTokens() {
        for (var s : emu.shops()) {
            assertThat(s.accessToken()).matches("shpat_[0-9a-f]{32}");
            assertThat(s.adminUrl()).isEqualTo(emu.baseUrl() + "/shops/" + s.domain());
        }
        assertThat(emu.shops().get(0).domain()).isEqualTo("sandbox-1.myshopify.com");
        assertThat(emu.shops().get(1).domain()).isEqualTo("sandbox-2.myshopify.com");
        try (ShopifyEmulator again = ShopifyEmulator.builder().port(0).shops(2).seed(99).orders(1).products(1).customers(1).start()) {
            assertThat(again.shops().get(0).accessToken()).isEqualTo(emu.shops().get(0).accessToken());
            assertThat(again.shops().get(1).accessToken()).isEqualTo(emu.shops().get(1).accessToken());
        }
    }

    @Test
    void hostHeaderSelectsTheShopWithoutPathPrefix() throws Exception {
        var shop = emu.shops().get(1);
        URI base = URI.create(emu.baseUrl());
        String body = GraphqlClient.body("{ orders(first: 1) { edges { node { id } } } }", null);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /admin/api/2026-10/graphql.json HTTP/1.1\r\nHost: " + shop.domain() + "\r\n"
                    + "X-Shopify-Access-Token: " + shop.accessToken() + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            String resp = buf.toString(StandardCharsets.UTF_8);
            assertThat(resp).startsWith("HTTP/1.1 200");
            assertThat(resp).contains("gid://shopify/Order/");
        }
    }

    @Test
    void shopsHaveIndependentData() {
        var s2 = emu.shops().get(1);
        GraphqlClient c2 = new GraphqlClient(emu.baseUrl(), s2.domain(), s2.accessToken());
        List<String> a = everything("orders").stream().map(Obj::id).toList();
        List<String> b = c2.walk("orders", null, null, "id", 250, false).stream().map(n -> n.path("id").asText()).toList();
        assertThat(a).hasSize(80);
        assertThat(b).hasSize(80);
        assertThat(a).doesNotContainAnyElementsOf(b);
        assertThat(a.stream().sorted(Comparator.naturalOrder()).toList()).isNotEqualTo(b);
    }

    static Object parse(String json) {
        try {
            return GraphqlClient.JSON.readValue(json, Object.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Shopify's published cost rules, written down independently of the emulator: scalars and enums
     * 0, an object 1, a connection 2 plus first/last times the cost of one node, a mutation 10
     * (shopify.dev "GraphQL Admin API rate limits"; e.g. products(first: 250) { edges { node { id } } } = 252).
     */
    static final class CostRules {
        /** cost of a connection of n nodes each costing nodeCost */
        static int connection(int n, int nodeCost) {
            return 2 + n * nodeCost;
        }

        static int orders5LineItems3() {
            // Order object 1 + lineItems connection of 3 LineItem objects
            return connection(5, 1 + connection(3, 1));
        }

        static int products10Variants20() {
            return connection(10, 1 + connection(20, 1));
        }

        /** orders(first: 83) with lineItems(first: 4): 2 + 83 × (1 + 2 + 4) = 583 points. */
        static final String ABOUT_500 = "{ orders(first: 83) { edges { node { id lineItems(first: 4) { edges { node { id } } } } } } }";
    }
}
