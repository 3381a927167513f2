package io.shopifysync.shopify;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopifysync.catalog.Catalog;
import io.shopifysync.catalog.Resource;
import java.lang.reflect.Method;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link QueryCost}: object 1, connection 2 + first × node, scalars/enums/pageInfo 0, mutation 10.
 * Every expected value below is computed by hand in the comment next to it.
 */
class QueryCostTest {

    private static int cost(String query) {
        return QueryCost.estimate(query, Map.of());
    }

    @Test
    void anObjectCostsOneAndItsScalarsNothing() {
        // shop = 1; id, name, timezoneOffsetMinutes = 0 → 1 (Shopify's own "shop" example also costs 1)
        assertThat(cost("{ shop { id name timezoneOffsetMinutes } }")).isEqualTo(1);
        // shop 1 + plan 1 = 2
        assertThat(cost("{ shop { name plan { displayName } } }")).isEqualTo(2);
        // shop 1 + plan 1 + (nested object inside plan) 1 = 3
        assertThat(cost("{ shop { plan { displayName features { id } } } }")).isEqualTo(3);
    }

    @Test
    void aConnectionCostsTwoPlusFirstTimesTheNode() {
        // node (object) 1, scalars 0 → 2 + 10 × 1 = 12
        assertThat(cost("{ products(first: 10) { edges { node { id title } } } }")).isEqualTo(12);
        // node 1 + featuredImage 1 = 2 → 2 + 10 × 2 = 22
        assertThat(cost("{ products(first: 10) { edges { node { id featuredImage { url } } } } }")).isEqualTo(22);
        // first: 250 with a one-point node → 252
        assertThat(cost("{ orders(first: 250) { edges { node { id } } } }")).isEqualTo(252);
    }

    @Test
    void edgesPassesThroughAndCursorIsFree() {
        // if edges counted as an object the node would cost 2 and this would be 22; it is 2 + 10 × 1
        assertThat(cost("{ products(first: 10) { edges { cursor node { id } } } }")).isEqualTo(12);
    }

    @Test
    void pageInfoScalarsAndEnumsAreFree() {
        // pageInfo is an object in the schema but costs 0 → still 2 + 10 × 1 = 12 (not 13, not 22)
        assertThat(cost("{ products(first: 10) { edges { node { id status } } pageInfo { hasNextPage endCursor } } }"))
                .isEqualTo(12);
    }

    @Test
    void aMutationCostsTen() {
        assertThat(cost("mutation { bulkOperationRunQuery(query: \"{ products { edges { node { id } } } }\") {"
                + " bulkOperation { id status } userErrors { field message } } }")).isEqualTo(10);
        // the selection of a mutation does not add anything (bulkOperation, userErrors would be 2 in a query)
        assertThat(cost("mutation Cancel($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { id } userErrors { message } } }"))
                .isEqualTo(10);
    }

    @Test
    void firstGivenAsAVariable() {
        String q = "query P($first: Int!) { products(first: $first) { edges { node { id variants(first: 3) { edges { node { id } } } } } } }";
        // variants: 2 + 3 × 1 = 5; product node: 1 + 5 = 6; products: 2 + first × 6
        assertThat(QueryCost.estimate(q, Map.of("first", 25))).isEqualTo(2 + 25 * 6); // 152
        assertThat(QueryCost.estimate(q, Map.of("first", 1))).isEqualTo(8);
        // a Long (as a JSON library may hand it over) counts the same
        assertThat(QueryCost.estimate(q, Map.of("first", 25L))).isEqualTo(152);
    }

    @Test
    void lastCountsLikeFirst() {
        // 2 + 3 × 1
        assertThat(cost("{ orders(last: 3) { edges { node { id } } } }")).isEqualTo(5);
        String q = "query L($n: Int) { orders(last: $n) { edges { node { id customer { id } } } } }";
        // node 1 + customer 1 = 2 → 2 + 7 × 2 = 16
        assertThat(QueryCost.estimate(q, Map.of("n", 7))).isEqualTo(16);
    }

    @Test
    void inlineFragmentsAddTheirSelection() {
        // node(id:) is an object: 1; inside the fragment variants(first: 5) = 2 + 5 × 1 = 7 → 8
        assertThat(cost("{ node(id: \"gid://shopify/Product/1\") { ... on Product { title variants(first: 5) {"
                + " edges { node { id } } } } } }")).isEqualTo(8);
        // the bulk status poll: node 1, only scalars in the fragment → 1 (Shopify reported requestedQueryCost 1
        // for this poll in fixtures/graphql/bulk-operation-completed.json)
        assertThat(cost("{ node(id: \"gid://shopify/BulkOperation/4476008693949\") { ... on BulkOperation {"
                + " id status errorCode createdAt objectCount fileSize url partialDataUrl } } }")).isEqualTo(1);
    }

    @Test
    void nodesByIdsCostOneObjectPerId() {
        // each Order: 1 + lineItems(first: 2) { node { id } } = 1 + (2 + 2 × 1) = 5; three ids → 15
        String q = "query Nodes($ids: [ID!]!) { nodes(ids: $ids) { ... on Order { id lineItems(first: 2) { edges { node { id } } } } } }";
        assertThat(QueryCost.estimate(q, java.util.Map.of("ids", java.util.List.of("gid://shopify/Order/1", "gid://shopify/Order/2",
                "gid://shopify/Order/3")))).isEqualTo(15);
        assertThat(cost("{ nodes(ids: [\"gid://shopify/Order/1\", \"gid://shopify/Order/2\"]) { id } }")).isEqualTo(2);
    }

    @Test
    void namedFragmentsCountWhereTheyAreSpread() {
        // the same as the inline fragment above: node 1 + variants(first: 5) = 2 + 5 × 1 → 8
        assertThat(cost("query { node(id: \"gid://shopify/Product/1\") { ...P } } fragment P on Product { title variants(first: 5) {"
                + " edges { node { id } } } }")).isEqualTo(8);
    }

    @Test
    void nestedConnectionsMultiply() {
        // variant { id }                        = 1
        // lineItems node = 1 + variant 1        = 2
        // lineItems(first: 5) = 2 + 5 × 2       = 12
        // orders node = 1 + lineItems 12        = 13
        // orders(first: 10) = 2 + 10 × 13       = 132
        assertThat(cost("{ orders(first: 10) { edges { node { id lineItems(first: 5) { edges { node { id variant { id } } } } } } } }"))
                .isEqualTo(132);
    }

    @Test
    void severalRootFieldsAreAdded() {
        // shop 1 + products(first: 2) (2 + 2 × 1 = 4) = 5
        assertThat(cost("{ shop { id } products(first: 2) { edges { node { id } } } }")).isEqualTo(5);
    }

    @Test
    void comparedWithShopifysRecordedOrdersPage() {
        // fixtures/graphql/orders-page.json: Shopify answered requestedQueryCost 752 for an orders(first: 250)
        // page whose node selects totalPriceSet { shopMoney } (2 objects) and a customAttributes list.
        // Shopify: 2 + 250 × (node 1 + totalPriceSet 1 + shopMoney 1) = 752.
        String withoutList = "{ orders(first: 250) { pageInfo { hasNextPage } edges { cursor node { legacyResourceId name"
                + " totalPriceSet { shopMoney { amount currencyCode } } tags } } } }";
        assertThat(cost(withoutList)).isEqualTo(752);
        // QueryCost has no schema, so the plain list customAttributes { key value } counts as one more object
        // per node: 2 + 250 × 4 = 1002. That is above Shopify's 752: an over-estimate is the safe side.
        String recorded = "{ orders(first: 250) { pageInfo { hasNextPage } edges { cursor node { legacyResourceId name"
                + " totalPriceSet { shopMoney { amount currencyCode } } customAttributes { key value } tags } } } }";
        assertThat(cost(recorded)).isEqualTo(1002).isGreaterThanOrEqualTo(752);
    }

    @Test
    void theMutationCostMatchesShopifysRecordedBulkRun() {
        // fixtures/graphql/bulk-operation-run-query-created.json: requestedQueryCost 10
        assertThat(cost("mutation { bulkOperationRunQuery(query: \"{ orders { edges { node { id } } } }\") {"
                + " bulkOperation { id status createdAt } userErrors { field message } } }")).isEqualTo(10);
    }

    @Test
    void pagerQueriesForTheRealCatalogHaveAFinitePositiveCost() throws Exception {
        Catalog catalog = Catalog.load();
        Class<?> pager = Class.forName("io.shopifysync.sync.Pager");
        Class<?> sortKey = Class.forName("io.shopifysync.sync.Pager$SortKey");
        Method rootQuery = pager.getDeclaredMethod("rootQuery", Resource.class, sortKey);
        rootQuery.setAccessible(true);
        Object byId = sortKey.getEnumConstants()[0];
        Object byUpdatedAt = sortKey.getEnumConstants()[1];

        // orders node: totalPriceSet{shopMoney} 2 + subtotalPriceSet{shopMoney} 2 + customer 1 = 5 objects;
        //   lineItems(first: 10): node 1 + variant 1 + originalUnitPriceSet{shopMoney} 2 = 4 → 2 + 40 = 42;
        //   node = 1 + 5 + 42 = 48 → orders = 2 + first × 48
        // products node: scalars; variants(first: 10) = 2 + 10 × 1 = 12; node = 13 → 2 + first × 13
        // customers node: defaultEmailAddress 1 + amountSpent 1 → node 3 → 2 + first × 3
        // order_transactions node: transactions (no paging: an object) 1 + amountSet 1 + shopMoney 1 = 3 → node 4
        Map<String, Integer> nodeCost = Map.of("orders", 48, "products", 13, "customers", 3, "order_transactions", 4);
        assertThat(catalog.resources()).extracting(Resource::name).containsExactlyInAnyOrderElementsOf(nodeCost.keySet());
        for (Resource r : catalog.resources()) {
            for (Object key : new Object[] {byId, byUpdatedAt}) {
                String q = (String) rootQuery.invoke(null, r, key);
                int one = QueryCost.estimate(q, Map.of("first", 1));
                int page = QueryCost.estimate(q, Map.of("first", 250));
                assertThat(one).as(r.name() + " first=1").isEqualTo(2 + nodeCost.get(r.name()))
                        .isPositive().isLessThan(1000);
                assertThat(page).as(r.name() + " first=250").isEqualTo(2 + 250 * nodeCost.get(r.name()))
                        .isPositive().isLessThan(Integer.MAX_VALUE);
            }
        }
    }
}
