package io.shopifysync.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Protected customer data approval and the bulk operations permission, per shop, as Shopify answers them. */
class AppAccessIntegrationTest {

    @RegisterExtension
    static EmulatorExtension emu = EmulatorExtension.builder()
            .port(0).shops(1).seed(21).orders(6).products(3).customers(5)
            .plan("plus").timeScale(0.0005)
            .build();

    static GraphqlClient client;

    @BeforeAll
    static void client() {
        client = GraphqlClient.forFirstShop(emu);
    }

    @AfterEach
    void approveEverything() {
        client.controlOk("PUT", client.shopControl("/protected-customer-data"), Map.of("level", 2));
        client.controlOk("PUT", client.shopControl("/bulk-operations"), Map.of("bulkOperationsAllowed", true));
    }

    private static final String CUSTOMERS = "{ customers(first: 3) { edges { node { id firstName lastName displayName "
            + "defaultEmailAddress { emailAddress } numberOfOrders } } } }";
    private static final String ORDERS = "{ orders(first: 3) { edges { node { id name email customer { id } } } } }";

    private static List<String> deniedPaths(JsonNode errors) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : errors) {
            assertThat(e.path("extensions").path("code").asText()).as(e.toString()).isEqualTo("ACCESS_DENIED");
            assertThat(e.path("message").asText()).startsWith("This app is not approved to access the Customer object.");
            StringBuilder p = new StringBuilder();
            e.path("path").forEach(s -> p.append(p.length() == 0 ? "" : ".").append(s.asText()));
            out.add(p.toString());
        }
        return out;
    }

    @Test
    void defaultIsFullyApproved() {
        assertThat(client.controlOk("GET", client.shopControl("/protected-customer-data"), null).path("level").asInt()).isEqualTo(2);
        assertThat(client.post(CUSTOMERS).json().has("errors")).isFalse();
        assertThat(client.post(ORDERS).json().path("data").path("orders").path("edges").get(0).path("node").path("email").isTextual())
                .isTrue();
    }

    @Test
    void levelZeroDeniesTheCustomerObjectEverywhereWithHttp200() {
        String customerGid = client.post("{ customers(first: 1) { edges { node { id } } } }").json().path("data").path("customers")
                .path("edges").get(0).path("node").path("id").asText();
        String productGid = client.post("{ products(first: 1) { edges { node { id } } } }").json().path("data").path("products")
                .path("edges").get(0).path("node").path("id").asText();
        client.controlOk("PUT", client.shopControl("/protected-customer-data"), Map.of("level", 0));
        GraphqlClient.Resp customers = client.post(CUSTOMERS);
        assertThat(customers.status()).isEqualTo(200);
        // customers is non-null in the schema: the null reaches data
        assertThat(customers.json().path("data").isNull()).as(customers.body()).isTrue();
        assertThat(deniedPaths(customers.errors())).containsExactly("customers");

        JsonNode count = client.post("{ customersCount { count } productsCount { count } }").json();
        assertThat(deniedPaths(count.path("errors"))).containsExactly("customersCount");
        assertThat(count.path("data").path("productsCount").path("count").asInt()).isEqualTo(3);

        JsonNode orders = client.post(ORDERS).json();
        JsonNode first = orders.path("data").path("orders").path("edges").get(0).path("node");
        assertThat(first.path("customer").isNull()).isTrue();
        assertThat(first.path("email").isNull()).isTrue();
        assertThat(first.path("name").isTextual()).as("the rest of the order is served").isTrue();
        assertThat(deniedPaths(orders.path("errors"))).contains("orders.edges.0.node.customer", "orders.edges.0.node.email");

        JsonNode nodes = client.post("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", Map.of("ids", List.of(productGid, customerGid))).json();
        assertThat(nodes.path("data").path("nodes").get(0).path("id").asText()).isEqualTo(productGid);
        assertThat(nodes.path("data").path("nodes").get(1).isNull()).isTrue();
        assertThat(deniedPaths(nodes.path("errors"))).containsExactly("nodes.1");
    }

    @Test
    void levelTwoWithSomeFieldsDeniesOnlyTheOthers() {
        JsonNode set = client.controlOk("PUT", client.shopControl("/protected-customer-data"), Map.of("level", 2, "fields", List.of("email")));
        assertThat(set.path("fields").toString()).isEqualTo("[\"email\"]");
        JsonNode orders = client.post(ORDERS).json();
        assertThat(orders.has("errors")).as("email and the customer are approved: " + orders).isFalse();

        JsonNode customers = client.post("{ customers(first: 2) { edges { node { id firstName defaultEmailAddress { emailAddress } } } } }").json();
        JsonNode node = customers.path("data").path("customers").path("edges").get(0).path("node");
        assertThat(node.path("firstName").isNull()).isTrue();
        assertThat(node.path("defaultEmailAddress").path("emailAddress").isTextual()).isTrue();
        assertThat(deniedPaths(customers.path("errors"))).containsExactly("customers.edges.0.node.firstName", "customers.edges.1.node.firstName");

        client.controlOk("PUT", client.shopControl("/protected-customer-data"), Map.of("level", 1));
        assertThat(deniedPaths(client.post(ORDERS).errors())).contains("orders.edges.0.node.email")
                .noneMatch(p -> p.endsWith("customer"));
    }

    @Test
    void aBulkExportOfDeniedDataFailsWithAccessDenied() {
        client.controlOk("PUT", client.shopControl("/protected-customer-data"), Map.of("level", 1));
        String id = BulkOperationIntegrationTest.run(client, "{ customers { edges { node { id firstName } } } }");
        JsonNode op = BulkOperationIntegrationTest.awaitFinished(client, id);
        assertThat(op.path("status").asText()).isEqualTo("FAILED");
        assertThat(op.path("errorCode").asText()).isEqualTo("ACCESS_DENIED");
        assertThat(op.path("url").isNull()).isTrue();
        assertThat(op.path("partialDataUrl").isNull()).isTrue();
        // what it may read still exports
        String products = BulkOperationIntegrationTest.run(client, "{ products { edges { node { id } } } }");
        assertThat(BulkOperationIntegrationTest.awaitFinished(client, products).path("status").asText()).isEqualTo("COMPLETED");
    }

    @Test
    void bulkOperationsNotAllowedIsATopLevelAccessDenied() {
        client.controlOk("PUT", client.shopControl("/bulk-operations"), Map.of("bulkOperationsAllowed", false));
        GraphqlClient.Resp r = client.post("mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } "
                + "userErrors { field message code } } }", Map.of("q", "{ products { edges { node { id } } } }"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("data").path("bulkOperationRunQuery").isNull()).as(r.body()).isTrue();
        JsonNode error = r.errors().get(0);
        assertThat(error.path("extensions").path("code").asText()).isEqualTo("ACCESS_DENIED");
        assertThat(error.path("path").toString()).isEqualTo("[\"bulkOperationRunQuery\"]");
        assertThat(client.controlOk("GET", client.shopControl("/bulk"), null).path("bulkOperations")).isEmpty();
    }

    @Test
    void badSettingsAreRefusedAndChangeNothing() {
        for (Object body : List.of(Map.of("level", 3), Map.of("level", "1"), Map.of("level", 1.5), Map.of("level", 1, "fields", List.of("email")),
                Map.of("level", 2, "fields", List.of("birthday")), Map.of("level", 2, "fields", "email"), Map.of("lvl", 0), Map.of())) {
            GraphqlClient.Resp r = client.control("PUT", client.shopControl("/protected-customer-data"), body);
            assertThat(r.status()).as(body + " -> " + r.body()).isEqualTo(400);
            assertThat(r.json().path("error").asText()).isNotBlank();
        }
        for (Object body : List.of(Map.of("bulkOperationsAllowed", "no"), Map.of("allowed", false), Map.of())) {
            assertThat(client.control("PUT", client.shopControl("/bulk-operations"), body).status()).as(body.toString()).isEqualTo(400);
        }
        assertThat(client.controlOk("GET", client.shopControl("/protected-customer-data"), null).path("level").asInt()).isEqualTo(2);
        assertThat(client.controlOk("GET", client.shopControl("/bulk-operations"), null).path("bulkOperationsAllowed").asBoolean()).isTrue();
        assertThat(client.control("PUT", "/_emulator/shops/nope.myshopify.com/protected-customer-data", Map.of("level", 0)).status())
                .isEqualTo(404);
    }
}
