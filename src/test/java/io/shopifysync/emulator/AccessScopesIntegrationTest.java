package io.shopifysync.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Access scopes per shop: currentAppInstallation, the 60-day order window without read_all_orders, ACCESS_DENIED. */
class AccessScopesIntegrationTest {

    /** The emulator's clock stands at 2026-05-01, inside the generated orders' span (2024-06-01..2026-06-01). */
    static final Instant NOW = Instant.parse("2026-05-01T00:00:00Z");

    @RegisterExtension
    static EmulatorExtension emu = EmulatorExtension.builder()
            .port(0).shops(1).seed(5).orders(60).products(5).customers(5).plan("plus").timeScale(0.001)
            .clock(Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), NOW)))
            .build();

    static GraphqlClient client;

    @BeforeAll
    static void client() {
        client = GraphqlClient.forFirstShop(emu);
        client.createObjects("orders", 3); // created "now": inside any window
    }

    @AfterEach
    void defaultScopes() {
        client.controlOk("DELETE", client.shopControl("/scopes"), null);
    }

    static List<String> grantedHandles() {
        List<String> out = new ArrayList<>();
        client.data("{ currentAppInstallation { accessScopes { handle description } } }")
                .path("currentAppInstallation").path("accessScopes").forEach(s -> out.add(s.path("handle").asText()));
        return out;
    }

    /** Every order as (id, createdAt), read with the current scopes. */
    static Map<Long, Instant> orders() {
        Map<Long, Instant> out = new java.util.TreeMap<>();
        String after = null;
        do {
            Map<String, Object> vars = new java.util.HashMap<>();
            vars.put("after", after);
            JsonNode conn = client.data("query($after: String) { orders(first: 250, after: $after) { edges { node { id createdAt } } "
                    + "pageInfo { hasNextPage endCursor } } }", vars).path("orders");
            conn.path("edges").forEach(e -> out.put(GraphqlClient.gidNumber(e.path("node").path("id").asText()),
                    Instant.parse(e.path("node").path("createdAt").asText())));
            after = conn.path("pageInfo").path("hasNextPage").asBoolean() ? conn.path("pageInfo").path("endCursor").asText() : null;
        } while (after != null);
        return out;
    }

    static long ordersCount() {
        return client.data("{ ordersCount(limit: null) { count } }").path("ordersCount").path("count").asLong();
    }

    @Test
    void theDefaultIsEveryScopeTheAppRequestsAndEveryOrderIsVisible() {
        assertThat(grantedHandles()).containsExactlyInAnyOrder("read_orders", "read_all_orders", "read_products", "read_customers");
        Map<Long, Instant> all = orders();
        assertThat(all).hasSize(63);
        assertThat(ordersCount()).isEqualTo(63);
    }

    @Test
    void withoutReadAllOrdersOnlyTheLast60DaysOfOrdersExistForTheApp() throws Exception {
        Map<Long, Instant> all = orders();
        Instant windowStart = NOW.minus(Duration.ofDays(60));
        List<Long> recent = all.entrySet().stream().filter(e -> !e.getValue().isBefore(windowStart.plusSeconds(60)))
                .map(Map.Entry::getKey).toList();
        List<Long> old = all.entrySet().stream().filter(e -> e.getValue().isBefore(windowStart.minusSeconds(60)))
                .map(Map.Entry::getKey).toList();
        assertThat(recent).as("the store has orders inside the window").hasSizeGreaterThanOrEqualTo(3);
        assertThat(old).as("and orders older than it").hasSizeGreaterThan(10);

        JsonNode put = client.controlOk("PUT", client.shopControl("/scopes"),
                Map.of("scopes", List.of("read_orders", "read_products", "read_customers")));
        assertThat(put.path("scopes").toString()).doesNotContain("read_all_orders");
        assertThat(Instant.parse(put.path("ordersVisibleFrom").asText())).isBetween(windowStart.minusSeconds(5), windowStart.plusSeconds(120));
        assertThat(grantedHandles()).containsExactlyInAnyOrder("read_orders", "read_products", "read_customers");

        Map<Long, Instant> visible = orders();
        assertThat(visible.keySet()).containsAll(recent).doesNotContainAnyElementsOf(old);
        assertThat(visible.values()).allMatch(t -> !t.isBefore(windowStart.minusSeconds(5)));
        assertThat(ordersCount()).isEqualTo(visible.size());

        // order(id:), node(id:) and nodes(ids:) answer null for an old order, as for one that does not exist
        String oldGid = "gid://shopify/Order/" + old.get(0);
        String newGid = "gid://shopify/Order/" + recent.get(0);
        assertThat(client.data("query($id: ID!) { order(id: $id) { id } }", Map.of("id", oldGid)).path("order").isNull()).isTrue();
        assertThat(client.data("query($id: ID!) { order(id: $id) { id } }", Map.of("id", newGid)).path("order").path("id").asText())
                .isEqualTo(newGid);
        assertThat(client.data("query($id: ID!) { node(id: $id) { id } }", Map.of("id", oldGid)).path("node").isNull()).isTrue();
        JsonNode nodes = client.data("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", Map.of("ids", List.of(oldGid, newGid))).path("nodes");
        assertThat(nodes.get(0).isNull()).isTrue();
        assertThat(nodes.get(1).path("id").asText()).isEqualTo(newGid);

        // a bulk export reads the same window
        String id = BulkOperationIntegrationTest.run(client, "{ orders { edges { node { id } } } }");
        JsonNode done = BulkOperationIntegrationTest.awaitFinished(client, id);
        assertThat(done.path("status").asText()).isEqualTo("COMPLETED");
        TreeSet<Long> exported = new TreeSet<>();
        for (String line : client.get(done.path("url").asText()).body().split("\n")) {
            if (!line.isBlank()) {
                exported.add(GraphqlClient.gidNumber(GraphqlClient.JSON.readTree(line).path("id").asText()));
            }
        }
        assertThat(exported).isEqualTo(new TreeSet<>(visible.keySet()));

        // granted again: the whole history is back
        client.controlOk("PUT", client.shopControl("/scopes"),
                Map.of("scopes", List.of("read_orders", "read_all_orders", "read_products", "read_customers")));
        assertThat(orders().keySet()).isEqualTo(all.keySet());
    }

    @Test
    void aMissingReadScopeDeniesItsResourceWithShopifysAccessDenied() {
        client.controlOk("PUT", client.shopControl("/scopes"), Map.of("scopes", List.of("read_orders", "read_all_orders", "read_customers")));
        GraphqlClient.Resp r = client.post("{ products(first: 1) { edges { node { id } } } }");
        JsonNode err = r.errors().get(0);
        assertThat(err.path("message").asText()).isEqualTo("Access denied for products field. Required access: `read_products` access scope.");
        assertThat(err.path("extensions").path("code").asText()).isEqualTo("ACCESS_DENIED");
        assertThat(err.path("extensions").path("requiredAccess").asText()).isEqualTo("`read_products` access scope.");
        assertThat(err.path("path").toString()).isEqualTo("[\"products\"]");
        assertThat(client.post("{ productsCount { count } }").errors().get(0).path("extensions").path("code").asText())
                .isEqualTo("ACCESS_DENIED");
        // other resources still answer
        assertThat(client.data("{ customers(first: 1) { edges { node { id } } } }").path("customers").path("edges")).hasSize(1);
        // a bulk export of the denied resource fails with ACCESS_DENIED
        String id = BulkOperationIntegrationTest.run(client, "{ products { edges { node { id } } } }");
        JsonNode failed = BulkOperationIntegrationTest.awaitFinished(client, id);
        assertThat(failed.path("status").asText()).isEqualTo("FAILED");
        assertThat(failed.path("errorCode").asText()).isEqualTo("ACCESS_DENIED");
        // write_products includes reading them, as on Shopify
        client.controlOk("PUT", client.shopControl("/scopes"), Map.of("scopes", List.of("read_orders", "write_products", "read_customers")));
        assertThat(client.data("{ products(first: 1) { edges { node { id } } } }").path("products").path("edges")).hasSize(1);
    }

    @Test
    void badScopeInputIsRefusedAndChangesNothing() {
        for (Object body : List.of("{}", "{\"scopes\": \"read_orders\"}", "{\"scopes\": [\"READ ORDERS\"]}", "{\"scopes\": [1]}",
                "{\"scopes\": [\"read_orders\"], \"extra\": true}", "[1]")) {
            GraphqlClient.Resp r = client.control("PUT", client.shopControl("/scopes"), body);
            assertThat(r.status()).as(body.toString()).isEqualTo(400);
            assertThat(r.json().path("error").asText()).as(body.toString()).isNotBlank();
        }
        assertThat(client.control("PUT", "/_emulator/shops/nope.myshopify.com/scopes", Map.of("scopes", List.of())).status()).isEqualTo(404);
        assertThat(grantedHandles()).containsExactlyInAnyOrder("read_orders", "read_all_orders", "read_products", "read_customers");
        assertThat(client.controlOk("GET", client.shopControl("/scopes"), null).path("ordersVisibleFrom").isNull()).isTrue();
    }
}
