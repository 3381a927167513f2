package io.shopifysync.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The control API under /_emulator/: data mutation, faults, uninstall, and the C3 digest checked against our own. */
class ControlApiIntegrationTest {

    @RegisterExtension
    static EmulatorExtension emu = EmulatorExtension.builder()
            .port(0).shops(2).seed(11)
            .orders(25).products(10).customers(20)
            .plan("plus").timeScale(0.0005)
            .build();

    static GraphqlClient client;

    @BeforeAll
    static void client() {
        client = GraphqlClient.forFirstShop(emu);
    }

    @AfterEach
    void clearFaults() {
        client.clearFaults();
        client.stopSteadyMutations();
    }

    static JsonNode digestEndpoint(GraphqlClient c) {
        GraphqlClient.Resp r = c.get("/_emulator/shops/" + c.shop + "/digest");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().getOrDefault("content-type", List.of("")).get(0)).startsWith("application/json");
        return r.json();
    }

    static void assertDigestMatchesGraphql(GraphqlClient c) {
        JsonNode served = digestEndpoint(c);
        JsonNode mine = GraphqlClient.JSON.valueToTree(c.digestViaGraphql());
        assertThat(FixtureShapeTest.keys(served))
                .containsExactlyInAnyOrder("orders", "products", "customers", "order_line_items", "product_variants",
                        "order_transactions");
        for (String k : List.of("orders", "products", "customers", "order_line_items", "product_variants", "order_transactions")) {
            assertThat(served.path(k).path("count").isIntegralNumber()).as(k + ".count is a number").isTrue();
            assertThat(served.path(k).path("sha256").asText()).matches("[0-9a-f]{64}");
            assertThat(served.path(k)).as("digest of " + k).isEqualTo(mine.path(k));
        }
    }

    @Test
    void digestEqualsOurOwnDigestOfTheGraphqlApi() throws IOException {
        assertDigestMatchesGraphql(client);
        assertThat(GraphqlClient.JSON.readTree(emu.digest(client.shop))).isEqualTo(digestEndpoint(client));
        // a fresh store of the same configuration: the counts are the configured ones
        try (ShopifyEmulator fresh = ShopifyEmulator.builder().port(0).shops(2).seed(11).orders(25).products(10).customers(20).plan("plus").start()) {
            var s = fresh.shops().get(0);
            GraphqlClient c = new GraphqlClient(fresh.baseUrl(), s.domain(), s.accessToken());
            assertDigestMatchesGraphql(c);
            freshCounts(c, GraphqlClient.JSON.readTree(fresh.digest(fresh.shops().get(1).domain())));
        }
    }

    private static void freshCounts(GraphqlClient c, JsonNode otherShop) {
        JsonNode d = digestEndpoint(c);
        assertThat(d.path("orders").path("count").asLong()).isEqualTo(25);
        assertThat(d.path("products").path("count").asLong()).isEqualTo(10);
        assertThat(d.path("customers").path("count").asLong()).isEqualTo(20);
        assertThat(d.path("order_line_items").path("count").asLong()).isGreaterThanOrEqualTo(300);
        assertThat(d.path("product_variants").path("count").asLong()).isGreaterThanOrEqualTo(2048);
        // the other shop has its own store
        assertThat(otherShop).isNotEqualTo(d);
    }

    @Test
    void createUpdateDeleteKeepTheDigestHonest() {
        JsonNode before = digestEndpoint(client);
        client.createObjects("orders", 4);
        client.createObjects("products", 2);
        client.createObjects("customers", 3);
        JsonNode afterCreate = digestEndpoint(client);
        assertThat(afterCreate.path("orders").path("count").asLong()).isEqualTo(before.path("orders").path("count").asLong() + 4);
        assertThat(afterCreate.path("products").path("count").asLong()).isEqualTo(before.path("products").path("count").asLong() + 2);
        assertThat(afterCreate.path("customers").path("count").asLong()).isEqualTo(before.path("customers").path("count").asLong() + 3);
        assertDigestMatchesGraphql(client);

        Instant t0 = Instant.now().minusSeconds(1);
        client.updateObjects("orders", 5);
        JsonNode afterUpdate = digestEndpoint(client);
        assertThat(afterUpdate.path("orders").path("count")).isEqualTo(afterCreate.path("orders").path("count"));
        assertThat(afterUpdate.path("orders").path("sha256")).isNotEqualTo(afterCreate.path("orders").path("sha256"));
        long moved = client.data("query($q: String) { ordersCount(query: $q) { count } }", Map.of("q", "updated_at:>='" + t0 + "'"))
                .path("ordersCount").path("count").asLong();
        assertThat(moved).as("updated orders have a fresh updatedAt").isGreaterThanOrEqualTo(5);
        assertDigestMatchesGraphql(client);

        client.deleteObjects("customers", 2);
        client.deleteObjects("orders", 1);
        JsonNode afterDelete = digestEndpoint(client);
        assertThat(afterDelete.path("customers").path("count").asLong()).isEqualTo(afterCreate.path("customers").path("count").asLong() - 2);
        assertThat(afterDelete.path("orders").path("count").asLong()).isEqualTo(afterCreate.path("orders").path("count").asLong() - 1);
        assertDigestMatchesGraphql(client);
    }

    @Test
    void deletedProductsShowUpAsDestroyEvents() {
        Instant since = Instant.now().minusSeconds(2);
        Set<String> before = new HashSet<>();
        client.walk("products", null, null, "id", 250, false).forEach(n -> before.add(n.path("id").asText()));
        client.deleteObjects("products", 2);
        Set<String> after = new HashSet<>();
        client.walk("products", null, null, "id", 250, false).forEach(n -> after.add(n.path("id").asText()));
        Set<String> deleted = new HashSet<>(before);
        deleted.removeAll(after);
        assertThat(deleted).hasSize(2);

        JsonNode events = client.data("query($q: String) { events(first: 50, query: $q) { edges { node { id createdAt "
                + "... on BasicEvent { action subjectId subjectType } } } } }",
                Map.of("q", "subject_type:PRODUCT action:destroy created_at:>'" + since + "'")).path("events").path("edges");
        Set<String> subjects = new HashSet<>();
        for (JsonNode e : events) {
            JsonNode n = e.path("node");
            assertThat(n.path("action").asText()).isEqualTo("destroy");
            assertThat(n.path("subjectType").asText()).isEqualTo("PRODUCT");
            assertThat(n.path("id").asText()).startsWith("gid://shopify/BasicEvent/");
            assertThat(Instant.parse(n.path("createdAt").asText())).isAfter(since);
            subjects.add(n.path("subjectId").asText());
        }
        assertThat(subjects).isEqualTo(deleted);
        // an old window sees nothing newer than its start only if it filters; a future window sees none
        JsonNode none = client.data("query($q: String) { events(first: 50, query: $q) { edges { node { id } } } }",
                Map.of("q", "subject_type:PRODUCT action:destroy created_at:>'" + Instant.now().plusSeconds(3600) + "'")).path("events").path("edges");
        assertThat(none).isEmpty();
    }

    @Test
    void steadyRateMutationsChangeTheStoreUntilStopped() {
        JsonNode start = digestEndpoint(client);
        client.startSteadyMutations(50);
        await().atMost(Duration.ofSeconds(10)).until(() -> !digestEndpoint(client).equals(start));
        client.stopSteadyMutations();
        JsonNode[] frozen = {digestEndpoint(client)};
        // after stopping, nothing moves any more
        await().pollDelay(Duration.ofMillis(50)).atMost(Duration.ofSeconds(2)).until(() -> {
            JsonNode now = digestEndpoint(client);
            boolean same = now.equals(frozen[0]);
            frozen[0] = now;
            return same;
        });
        JsonNode settled = frozen[0];
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> digestEndpoint(client).equals(settled));
        assertDigestMatchesGraphql(client);
    }

    @Test
    void serverErrorFault() {
        client.setFault(Map.of("errorRate", 1.0));
        GraphqlClient.Resp r = client.post("{ ordersCount { count } }");
        assertThat(r.status()).isBetween(500, 599);
        client.clearFaults();
        assertThat(client.post("{ ordersCount { count } }").status()).isEqualTo(200);
    }

    @Test
    void shopStateFaultsAnswerShopifysStatusesAndA429CarriesRetryAfter() {
        for (int status : new int[] {402, 404, 423}) {
            client.setFault(Map.of("errorStatus", status, "failNextRequests", 1));
            GraphqlClient.Resp r = client.post("{ ordersCount { count } }");
            assertThat(r.status()).isEqualTo(status);
            assertThat(r.json().path("errors").isTextual()).as("Shopify's plain {\"errors\": reason}").isTrue();
            assertThat(client.post("{ ordersCount { count } }").status()).as("only the next request").isEqualTo(200);
        }
        client.setFault(Map.of("errorStatus", 429, "retryAfterSeconds", 2.5, "failNextRequests", 1));
        GraphqlClient.Resp limited = client.post("{ ordersCount { count } }");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.headers().get("retry-after")).containsExactly("2.5");
    }

    @Test
    void graphqlErrorCodesAreAnsweredWithHttp200() {
        for (String code : List.of("INTERNAL_SERVER_ERROR", "SHOP_PENDING_TERMINATION")) {
            client.setFault(Map.of("errorCode", code, "failNextRequests", 2));
            for (int i = 0; i < 2; i++) {
                GraphqlClient.Resp r = client.post("{ ordersCount { count } }");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.json().path("errors").path(0).path("extensions").path("code").asText()).isEqualTo(code);
                assertThat(r.json().has("data")).isFalse();
            }
            assertThat(client.post("{ ordersCount { count } }").json().path("data").path("ordersCount").path("count").isNumber()).isTrue();
        }
    }

    @Test
    void aShopFrozenUntilClearedAnswers402UntilItIsUnfrozenAndTheRequestLogSaysWhen() {
        client.controlOk("DELETE", "/_emulator/shops/" + client.shop + "/requests", null);
        client.setFault(Map.of("errorStatus", 402, "failUntilCleared", true));
        for (int i = 0; i < 3; i++) {
            assertThat(client.post("{ ordersCount { count } }").status()).isEqualTo(402);
        }
        client.setFault(Map.of("failUntilCleared", false));
        assertThat(client.post("{ ordersCount { count } }").status()).isEqualTo(200);
        client.setFault(Map.of("errorRate", 1.0, "errorStatus", 423));
        assertThat(client.post("{ ordersCount { count } }").status()).isEqualTo(423);
        client.clearFaults();
        assertThat(client.post("{ ordersCount { count } }").status()).isEqualTo(200);
        JsonNode log = client.controlOk("GET", "/_emulator/shops/" + client.shop + "/requests", null).path("requests");
        assertThat(log).hasSize(6);
        List<Integer> statuses = new java.util.ArrayList<>();
        long previous = 0;
        for (JsonNode e : log) {
            statuses.add(e.path("status").asInt());
            assertThat(e.path("atMillis").asLong()).isGreaterThanOrEqualTo(previous);
            assertThat(Instant.parse(e.path("at").asText()).toEpochMilli()).isEqualTo(e.path("atMillis").asLong());
            assertThat(e.path("servedVersion").asText()).isEqualTo(GraphqlClient.VERSION);
            previous = e.path("atMillis").asLong();
        }
        assertThat(statuses).containsExactly(402, 402, 402, 200, 423, 200);
    }

    @Test
    void invalidFaultsAre400AndChangeNothing() {
        client.setFault(Map.of("errorRate", 0.25));
        List<Map<String, Object>> bad = List.of(Map.of("errorStatus", 403), Map.of("errorStatus", 200), Map.of("errorStatus", 600),
                Map.of("errorStatus", 429.5), Map.of("retryAfterSeconds", -1), Map.of("retryAfterSeconds", "2"),
                Map.of("errorCode", "THROTTLED"), Map.of("errorCode", 5), Map.of("failUntilCleared", "yes"),
                Map.of("errorRate", 0.5, "errorStatus", 418), Map.of("noSuchFault", 1));
        for (Map<String, Object> body : bad) {
            GraphqlClient.Resp r = client.control("PUT", "/_emulator/shops/" + client.shop + "/faults", body);
            assertThat(r.status()).as(body.toString()).isEqualTo(400);
            assertThat(r.json().path("error").asText()).as(body.toString()).isNotBlank();
        }
        JsonNode faults = client.controlOk("GET", "/_emulator/shops/" + client.shop + "/faults", null);
        assertThat(faults.path("errorRate").asDouble()).isEqualTo(0.25);
        assertThat(faults.path("errorStatus").asInt()).isEqualTo(500);
        assertThat(faults.path("errorCode").isNull()).isTrue();
        assertThat(faults.path("failUntilCleared").asBoolean()).isFalse();
    }

    @Test
    void latencyFault() {
        client.setFault(Map.of("latencyMs", 300));
        long t0 = System.nanoTime();
        assertThat(client.post("{ ordersCount { count } }").status()).isEqualTo(200);
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(290);
        client.clearFaults();
        long t1 = System.nanoTime();
        client.post("{ ordersCount { count } }");
        assertThat((System.nanoTime() - t1) / 1_000_000).isLessThan(290);
    }

    @Test
    void droppedConnectionsFault() {
        client.setFault(Map.of("dropRate", 1.0));
        assertThatThrownBy(() -> client.post("{ ordersCount { count } }")).isInstanceOf(UncheckedIOException.class);
        client.clearFaults();
        assertThat(client.post("{ ordersCount { count } }").status()).isEqualTo(200);
    }

    @Test
    void throttlePressureEmptiesTheBucket() {
        client.drainBucket(0);
        GraphqlClient.Resp r = client.post("{ orders(first: 200) { edges { node { id } } } }");
        assertThat(r.throttled()).as(r.body()).isTrue();
        assertThat(r.cost().path("throttleStatus").path("currentlyAvailable").asDouble()).isLessThan(202);
        // plus restores 1000 points/s
        await().atMost(Duration.ofSeconds(5)).until(() -> !client.post("{ orders(first: 200) { edges { node { id } } } }").throttled());
    }

    @Test
    void revokedTokenIs401() {
        try (ShopifyEmulator e = ShopifyEmulator.builder().port(0).shops(1).seed(3).orders(2).products(1).customers(1).start()) {
            var s = e.shops().get(0);
            GraphqlClient c = new GraphqlClient(e.baseUrl(), s.domain(), s.accessToken());
            assertThat(c.post("{ ordersCount { count } }").status()).isEqualTo(200);
            c.revokeToken();
            GraphqlClient.Resp r = c.post("{ ordersCount { count } }");
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.body()).isEqualTo(SearchAndCostIntegrationTest.UNAUTHORIZED);
        }
    }

    @Test
    void uninstallSendsAppUninstalledThenShopRedactAndRevokesAccess() {
        try (ShopifyEmulator e = ShopifyEmulator.builder().port(0).shops(1).seed(3).orders(2).products(1).customers(1)
                .clientSecret("uninstall-secret").timeScale(0.00001).start();
             GraphqlClient.Receiver rx = new GraphqlClient.Receiver()) {
            var s = e.shops().get(0);
            GraphqlClient c = new GraphqlClient(e.baseUrl(), s.domain(), s.accessToken());
            WebhookDeliveryIntegrationTest.subscribe(c, "APP_UNINSTALLED", rx.url("/uninstalled"));
            c.uninstall();
            // shop/redact follows 48 h later (scaled: ~1.7 s) at the app's compliance URL (here: the subscription's URL)
            await().atMost(Duration.ofSeconds(15)).until(() -> rx.deliveries.stream().anyMatch(d -> "shop/redact".equals(d.header("X-Shopify-Topic"))));
            List<GraphqlClient.Delivery> all = rx.deliveries;
            GraphqlClient.Delivery uninstalled = all.stream().filter(d -> "app/uninstalled".equals(d.header("X-Shopify-Topic"))).findFirst().orElseThrow();
            GraphqlClient.Delivery redact = all.stream().filter(d -> "shop/redact".equals(d.header("X-Shopify-Topic"))).findFirst().orElseThrow();
            assertThat(all.indexOf(uninstalled)).isLessThan(all.indexOf(redact));
            WebhookDeliveryIntegrationTest.assertStandardHeaders(uninstalled, "app/uninstalled", s.domain(), "uninstall-secret");
            WebhookDeliveryIntegrationTest.assertStandardHeaders(redact, "shop/redact", s.domain(), "uninstall-secret");
            FixtureShapeTest.assertSameShape(WebhookHmacTest.readFixture("webhooks/shop-redact.json"), redact.json(), "shop/redact", false);
            assertThat(redact.json().path("shop_domain").asText()).isEqualTo(s.domain());
            FixtureShapeTest.assertSameShape(WebhookHmacTest.readFixture("webhooks/app-uninstalled.json"), uninstalled.json(), "app/uninstalled", false);
            assertThat(c.post("{ ordersCount { count } }").status()).as("token is gone after uninstall").isEqualTo(401);
        }
    }

    @Test
    void aCustomerWithOrdersIsNotDeletedAsShopifyRefusesIt() {
        Set<String> withOrders = new HashSet<>();
        for (JsonNode edge : client.data("{ orders(first: 250) { edges { node { customer { id } } } } }").path("orders").path("edges")) {
            if (edge.path("node").path("customer").hasNonNull("id")) {
                withOrders.add(edge.path("node").path("customer").path("id").asText());
            }
        }
        String buyer = withOrders.iterator().next();
        JsonNode refused = client.controlOk("POST", client.shopControl("/customers/delete"),
                Map.of("ids", List.of(buyer.substring(buyer.lastIndexOf('/') + 1))));
        assertThat(refused.path("count").asInt()).isZero();
        assertThat(client.data("query($id: ID!) { node(id: $id) { id } }", Map.of("id", buyer)).path("node").path("id").asText())
                .isEqualTo(buyer);

        String fresh = client.createObjects("customers", 1).path("objects").get(0).path("id").asText();
        JsonNode deleted = client.controlOk("POST", client.shopControl("/customers/delete"),
                Map.of("ids", List.of(fresh.substring(fresh.lastIndexOf('/') + 1))));
        assertThat(deleted.path("count").asInt()).isEqualTo(1);

        client.createObjects("customers", 3);
        for (JsonNode o : client.deleteObjects("customers", 3).path("objects")) {
            assertThat(withOrders).as("a random delete picks a customer without orders").doesNotContain(o.path("id").asText());
        }
    }
}
