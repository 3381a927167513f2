package io.shopifysync.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import graphql.language.Document;
import graphql.parser.Parser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CostCalculatorTest {

    private static final GraphQlEngine ENGINE = new GraphQlEngine(null);
    private static final CostCalculator COSTS = ENGINE.costs;

    private static CostCalculator.Requested requested(String query, Map<String, Object> vars) {
        Document doc = Parser.parse(query);
        return COSTS.requested(doc, null, vars);
    }

    private static int cost(String query) {
        CostCalculator.Requested r = requested(query, Map.of());
        assertThat(r.problems()).isEmpty();
        return r.cost();
    }

    @Test
    void scalarsCostNothingAndObjectsOne() {
        assertThat(cost("{ shop { name myshopifyDomain } }")).isEqualTo(1);
        assertThat(cost("{ shop { name plan { displayName } } }")).isEqualTo(2);
        assertThat(cost("{ __typename }")).isZero();
    }

    @Test
    void connectionIsTwoPlusFirstTimesNodeCost_matchesShopifysRecordedOrdersPage() {
        // the recorded orders page (fixtures/graphql/orders-page.json) reports requestedQueryCost 752 for this shape
        String q = "{ orders(first: 250) { pageInfo { hasNextPage } edges { cursor node { legacyResourceId name"
                + " totalPriceSet { shopMoney { amount currencyCode } } customAttributes { key value } tags } } } }";
        assertThat(cost(q)).isEqualTo(752);
    }

    @Test
    void actualCostCountsReturnedNodes_matchesShopifysRecordedOrdersPage() {
        String q = "{ orders(first: 250) { pageInfo { hasNextPage } edges { cursor node { legacyResourceId"
                + " totalPriceSet { shopMoney { amount } } } } } }";
        Map<String, Object> node = Map.of("legacyResourceId", "1", "totalPriceSet", Map.of("shopMoney", Map.of("amount", "1.0")));
        Map<String, Object> edge = Map.of("cursor", "c", "node", node);
        Map<String, Object> data = Map.of("orders", Map.of("pageInfo", Map.of("hasNextPage", false), "edges", List.of(edge, edge, edge, edge)));
        assertThat(COSTS.actual(Parser.parse(q), null, Map.of(), data)).isEqualTo(14); // fixture: actualQueryCost 14 for 4 orders
    }

    @Test
    void nestedConnectionsMultiply() {
        String q = "{ products(first: 10) { edges { node { title variants(first: 5) { edges { node { price } } } } } } }";
        assertThat(cost(q)).isEqualTo(2 + 10 * (1 + 2 + 5));
        String nodes = "{ products(first: 10) { nodes { title variants(first: 5) { nodes { price } } } } }";
        assertThat(cost(nodes)).isEqualTo(82);
    }

    @Test
    void variablesAndLastAreUsed() {
        CostCalculator.Requested r = requested("query($n: Int!) { customers(first: $n) { nodes { id } } }", Map.of("n", 50));
        assertThat(r.cost()).isEqualTo(52);
        assertThat(cost("{ customers(last: 3) { nodes { id } } }")).isEqualTo(5);
        assertThat(requested("query($n: Int = 7) { customers(first: $n) { nodes { id } } }", Map.of()).cost()).isEqualTo(9);
    }

    @Test
    void connectionWithoutFirstOrLastIsAProblem() {
        CostCalculator.Requested r = requested("{ orders { nodes { id } } }", Map.of());
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.message()).isEqualTo("you must provide one of first or last");
            assertThat(p.path()).containsExactly("orders");
        });
        CostCalculator.Requested nested = requested("{ orders(first: 1) { nodes { lineItems { nodes { id } } } } }", Map.of());
        assertThat(nested.problems()).singleElement().satisfies(p -> assertThat(p.path()).containsExactly("orders", "lineItems"));
    }

    @Test
    void moreThan250IsAProblem() {
        CostCalculator.Requested r = requested("{ orders(first: 251) { nodes { id } } }", Map.of());
        assertThat(r.problems()).singleElement().satisfies(p -> assertThat(p.message()).contains("250"));
    }

    @Test
    void mutationsCostTenPerField() {
        CostCalculator.Requested r = requested("mutation { bulkOperationRunQuery(query: \"{ orders { edges { node { id } } } }\") {"
                + " bulkOperation { id status } userErrors { field message } } }", Map.of());
        assertThat(r.mutation()).isTrue();
        assertThat(r.cost()).isEqualTo(10);
        assertThat(requested("mutation { a: webhookSubscriptionDelete(id: \"x\") { deletedWebhookSubscriptionId }"
                + " b: webhookSubscriptionDelete(id: \"y\") { deletedWebhookSubscriptionId } }", Map.of()).cost()).isEqualTo(20);
    }

    @Test
    void interfacesCostTheMaximumOfTheirTypes_andFragmentsAreFollowed() {
        String q = "{ node(id: \"gid://shopify/Order/1\") { id ... on Order { customer { id } totalPriceSet { shopMoney { amount } } }"
                + " ... on Product { title } } }";
        assertThat(cost(q)).isEqualTo(1 + 3);
        String frag = "query { orders(first: 2) { nodes { ...F } } } fragment F on Order { customer { id } }";
        assertThat(cost(frag)).isEqualTo(2 + 2 * 2);
    }

    @Test
    void nodesCostsOneNodePerId_andPlainListsCostTheirNestedObjectsOnce() {
        assertThat(cost("{ nodes(ids: [\"a\", \"b\", \"c\"]) { id } }")).isEqualTo(3);
        assertThat(cost("{ order(id: \"gid://shopify/Order/1\") { transactions { id amountSet { shopMoney { amount } } } } }"))
                .isEqualTo(1 + 2);
    }

    @Test
    void aLargeQueryExceedsTheSingleQueryLimit() {
        int c = cost("{ orders(first: 250) { nodes { lineItems(first: 250) { nodes { id } } } } }");
        assertThat(c).isEqualTo(2 + 250 * (1 + 2 + 250)).isGreaterThan(CostCalculator.MAX_QUERY_COST);
    }
}
