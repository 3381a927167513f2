package io.shopifysync.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Connections: walking every page yields every object exactly once, in every sort and direction. */
class GraphqlPagingIntegrationTest {

    @RegisterExtension
    static EmulatorExtension emu = EmulatorExtension.builder()
            .port(0).shops(1).seed(4242)
            .orders(100).products(25).customers(40)
            .plan("plus").timeScale(0.001)
            .build();

    static GraphqlClient client;

    @BeforeAll
    static void client() {
        client = GraphqlClient.forFirstShop(emu);
    }

    static final String NODE = "id legacyResourceId createdAt updatedAt";

    /** Every object of a resource, fetched in one page (the stores here are ≤ 250 objects). */
    static List<JsonNode> all(String connection) {
        JsonNode data = client.data("{ " + connection + "(first: 250) { edges { node { " + NODE + " } } pageInfo { hasNextPage } } }");
        assertThat(data.path(connection).path("pageInfo").path("hasNextPage").asBoolean()).isFalse();
        List<JsonNode> out = new ArrayList<>();
        data.path(connection).path("edges").forEach(e -> out.add(e.path("node")));
        return out;
    }

    static long count(String connection) {
        String countField = connection + "Count";
        JsonNode c = client.data("{ " + countField + " { count precision } }").path(countField);
        assertThat(c.path("precision").asText()).isEqualTo("EXACT");
        return c.path("count").asLong();
    }

    static List<String> ids(List<JsonNode> nodes) {
        return nodes.stream().map(n -> n.path("id").asText()).collect(Collectors.toList());
    }

    static void assertEachOnce(List<JsonNode> walked, List<JsonNode> all) {
        List<String> ids = ids(walked);
        assertThat(new HashSet<>(ids)).as("no duplicates").hasSize(ids.size());
        assertThat(ids).containsExactlyInAnyOrderElementsOf(ids(all));
    }

    @ParameterizedTest
    @ValueSource(strings = {"orders", "products", "customers"})
    void forwardWalkYieldsEveryObjectOnceSortedById(String connection) {
        List<JsonNode> all = all(connection);
        assertThat((long) all.size()).isEqualTo(count(connection)).isGreaterThan(10);
        // default sort key (orders: PROCESSED_AT, like Shopify; products and customers: ID)
        assertEachOnce(client.walk(connection, null, null, NODE, 7, false), all);
        List<JsonNode> walked = client.walk(connection, "sortKey: ID", null, NODE, 7, false);
        assertEachOnce(walked, all);
        List<Long> legacy = walked.stream().map(n -> Long.parseLong(n.path("legacyResourceId").asText())).toList();
        assertThat(legacy).as("sortKey ID is numeric id ascending").isSorted();
        for (JsonNode n : walked) {
            assertThat(GraphqlClient.gidNumber(n.path("id").asText())).isEqualTo(Long.parseLong(n.path("legacyResourceId").asText()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"orders", "products", "customers"})
    void updatedAtSortWithManyEqualTimestampsPagesCompletely(String connection) {
        List<JsonNode> all = all(connection);
        int biggestTie = biggestTieGroup(all);
        int pageSize = Math.max(2, Math.min(biggestTie - 1, 5));
        List<JsonNode> walked = client.walk(connection, "sortKey: UPDATED_AT", null, NODE, pageSize, false);
        assertEachOnce(walked, all);
        assertThat(walked.stream().map(n -> Instant.parse(n.path("updatedAt").asText())).toList())
                .as("UPDATED_AT ascending").isSorted();
    }

    @Test
    void theSeedPutsManyObjectsIntoOneUpdatedAtSecondAndPagingSurvivesIt() {
        List<JsonNode> orders = all("orders");
        int tie = biggestTieGroup(orders);
        assertThat(tie).as("orders sharing one updatedAt second").isGreaterThanOrEqualTo(5);
        // a page size smaller than the tie group forces cursors inside the group
        List<JsonNode> walked = client.walk("orders", "sortKey: UPDATED_AT", null, NODE, 2, false);
        assertEachOnce(walked, orders);
        List<JsonNode> back = client.walk("orders", "sortKey: UPDATED_AT", null, NODE, 2, true);
        assertThat(ids(back)).containsExactlyElementsOf(reversed(ids(walked)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ID", "UPDATED_AT", "CREATED_AT"})
    void reverseIsTheExactMirrorOfForward(String sortKey) {
        for (String connection : List.of("orders", "products", "customers")) {
            List<JsonNode> forward = client.walk(connection, "sortKey: " + sortKey, null, NODE, 9, false);
            List<JsonNode> reverse = client.walk(connection, "sortKey: " + sortKey + ", reverse: true", null, NODE, 9, false);
            assertEachOnce(reverse, all(connection));
            assertThat(ids(reverse)).as(connection + " reverse " + sortKey).containsExactlyElementsOf(reversed(ids(forward)));
            String field = sortKey.equals("CREATED_AT") ? "createdAt" : "updatedAt";
            if (!sortKey.equals("ID")) {
                assertThat(reverse.stream().map(n -> Instant.parse(n.path(field).asText())).toList())
                        .isSortedAccordingTo(Comparator.reverseOrder());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ID", "UPDATED_AT", "CREATED_AT"})
    void lastBeforeWalksBackwardsOverTheSameSequence(String sortKey) {
        for (String connection : List.of("orders", "products", "customers")) {
            List<JsonNode> forward = client.walk(connection, "sortKey: " + sortKey, null, NODE, 8, false);
            List<JsonNode> backward = client.walk(connection, "sortKey: " + sortKey, null, NODE, 8, true);
            assertEachOnce(backward, all(connection));
            assertThat(ids(backward)).as(connection + " last/before " + sortKey).containsExactlyElementsOf(reversed(ids(forward)));
        }
    }

    @Test
    void pageInfoAndCursorsAreConsistent() {
        JsonNode first = client.data("{ orders(first: 5) { edges { cursor node { id } } "
                + "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }").path("orders");
        JsonNode edges = first.path("edges");
        assertThat(edges).hasSize(5);
        assertThat(first.path("pageInfo").path("hasNextPage").asBoolean()).isTrue();
        assertThat(first.path("pageInfo").path("hasPreviousPage").asBoolean()).isFalse();
        assertThat(first.path("pageInfo").path("startCursor").asText()).isEqualTo(edges.get(0).path("cursor").asText());
        assertThat(first.path("pageInfo").path("endCursor").asText()).isEqualTo(edges.get(4).path("cursor").asText());
        // after the 2nd edge's cursor comes the 3rd edge
        JsonNode next = client.data("query($c: String) { orders(first: 1, after: $c) { edges { node { id } } pageInfo { hasPreviousPage } } }",
                Map.of("c", edges.get(1).path("cursor").asText())).path("orders");
        assertThat(next.path("edges").get(0).path("node").path("id").asText()).isEqualTo(edges.get(2).path("node").path("id").asText());
        assertThat(next.path("pageInfo").path("hasPreviousPage").asBoolean()).isTrue();
        // before the 3rd edge's cursor, last 2 = edges 0 and 1
        JsonNode prev = client.data("query($c: String) { orders(last: 2, before: $c) { edges { node { id } } } }",
                Map.of("c", edges.get(2).path("cursor").asText())).path("orders");
        assertThat(ids(nodes(prev))).containsExactly(edges.get(0).path("node").path("id").asText(), edges.get(1).path("node").path("id").asText());
        // the last page
        JsonNode tail = client.data("{ orders(last: 3) { edges { node { id } } pageInfo { hasNextPage hasPreviousPage } } }").path("orders");
        assertThat(tail.path("pageInfo").path("hasNextPage").asBoolean()).isFalse();
        assertThat(tail.path("pageInfo").path("hasPreviousPage").asBoolean()).isTrue();
        List<String> allIds = ids(all("orders"));
        assertThat(ids(nodes(tail))).containsExactlyElementsOf(allIds.subList(allIds.size() - 3, allIds.size()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"first", "last"})
    void pageSizeAbove250IsRejectedLikeShopify(String arg) {
        GraphqlClient.Resp ok = client.post("{ orders(" + arg + ": 250) { edges { node { id } } } }");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().has("errors")).as(ok.body()).isFalse();

        for (String connection : List.of("orders", "products", "customers")) {
            GraphqlClient.Resp r = client.post("{ " + connection + "(" + arg + ": 251) { edges { node { id } } } }");
            assertThat(r.status()).isEqualTo(200);
            JsonNode errors = r.errors();
            assertThat(errors.isArray() && errors.size() > 0).as(r.body()).isTrue();
            assertThat(errors.get(0).path("message").asText()).as(r.body()).contains("250");
            assertThat(r.json().path("data").path(connection).isMissingNode() || r.json().path("data").path(connection).isNull())
                    .as("no page returned: " + r.body()).isTrue();
            assertThat(r.cost().isObject()).as("extensions.cost on errors too: " + r.body()).isTrue();
        }
        // nested connections obey the same limit
        GraphqlClient.Resp nested = client.post("{ orders(first: 1) { edges { node { lineItems(first: 251) { edges { node { id } } } } } } }");
        assertThat(nested.errors().isArray() && nested.errors().size() > 0).as(nested.body()).isTrue();
    }

    @Test
    void nestedConnectionsPageToo() {
        // find an order with more than 3 line items and walk its line items 2 at a time through node()
        List<JsonNode> orders = new ArrayList<>();
        client.data("{ orders(first: 100) { edges { node { id lineItems(first: 4) { edges { node { id } } pageInfo { hasNextPage } } } } } }")
                .path("orders").path("edges").forEach(e -> orders.add(e.path("node")));
        JsonNode order = orders.stream().filter(o -> o.path("lineItems").path("pageInfo").path("hasNextPage").asBoolean())
                .findFirst().orElseThrow(() -> new AssertionError("no order with more than 4 line items"));
        Set<String> seen = new HashSet<>();
        List<String> sequence = new ArrayList<>();
        String cursor = null;
        for (int i = 0; i < 1000; i++) {
            Map<String, Object> vars = new HashMap<>();
            vars.put("id", order.path("id").asText());
            vars.put("c", cursor);
            JsonNode li = client.data("query($id: ID!, $c: String) { node(id: $id) { ... on Order { lineItems(first: 2, after: $c) { "
                    + "edges { node { id } } pageInfo { hasNextPage endCursor } } } } }", vars).path("node").path("lineItems");
            for (JsonNode e : li.path("edges")) {
                String id = e.path("node").path("id").asText();
                assertThat(id).startsWith("gid://shopify/LineItem/");
                sequence.add(id);
                seen.add(id);
            }
            if (!li.path("pageInfo").path("hasNextPage").asBoolean()) break;
            cursor = li.path("pageInfo").path("endCursor").asText();
        }
        assertThat(seen).hasSize(sequence.size()).hasSizeGreaterThan(4);
    }

    static List<JsonNode> nodes(JsonNode connection) {
        List<JsonNode> out = new ArrayList<>();
        connection.path("edges").forEach(e -> out.add(e.path("node")));
        return out;
    }

    static int biggestTieGroup(List<JsonNode> nodes) {
        Map<String, Integer> bySecond = new HashMap<>();
        for (JsonNode n : nodes) {
            String second = Instant.parse(n.path("updatedAt").asText()).toString();
            bySecond.merge(second, 1, Integer::sum);
        }
        return bySecond.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    static <T> List<T> reversed(List<T> in) {
        List<T> out = new ArrayList<>(in);
        java.util.Collections.reverse(out);
        return out;
    }
}
