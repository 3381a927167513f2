package io.shopifysync.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The emulator answers the fixtures' own queries with the same field names and the same kinds of
 * values (gid format, ISO-8601 timestamps, money as decimal strings in a MoneyBag, numeric strings
 * for counts and legacy ids) as the real samples in src/test/resources/fixtures/shopify.
 */
class FixtureShapeTest {

    @RegisterExtension
    static EmulatorExtension emu = EmulatorExtension.builder()
            .port(0).shops(1).seed(7)
            .orders(20).products(10).customers(15)
            .plan("advanced").timeScale(0.001)
            .build();

    static GraphqlClient client;

    @BeforeAll
    static void client() {
        client = GraphqlClient.forFirstShop(emu);
    }

    // ------------------------------------------------------------------ value kinds

    static final Pattern GID = Pattern.compile("gid://shopify/([A-Za-z]+)/\\d+(\\?.*)?");
    static final Pattern ISO = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d:\\d\\d)");
    static final Pattern DECIMAL = Pattern.compile("-?\\d+(\\.\\d+)?");
    static final Pattern INTEGER_STRING = Pattern.compile("\\d+");
    static final Pattern ENUM = Pattern.compile("[A-Z][A-Z_]*[A-Z]");
    static final Pattern URL = Pattern.compile("https?://.+");

    /** The kind of a JSON value as Shopify's samples use it. */
    static String kind(JsonNode v) {
        if (v == null || v.isMissingNode()) return "missing";
        if (v.isNull()) return "null";
        if (v.isBoolean()) return "boolean";
        if (v.isNumber()) return "number";
        if (v.isObject()) return "object";
        if (v.isArray()) return "array";
        String s = v.asText();
        var g = GID.matcher(s);
        if (g.matches()) return "gid:" + g.group(1);
        if (ISO.matcher(s).matches()) return "timestamp";
        if (INTEGER_STRING.matcher(s).matches()) return "integer-string";
        if (DECIMAL.matcher(s).matches()) return "decimal-string";
        if (URL.matcher(s).matches()) return "url";
        if (s.length() > 1 && ENUM.matcher(s).matches()) return "enum";
        return "string";
    }

    /**
     * Recursively compares an emulator answer with a fixture. Objects must have the same key set
     * ({@code subset}: the answer's keys must be a subset of the fixture's). A null in the fixture
     * allows any kind; otherwise the kinds must agree (an integer-string fixture also accepts a
     * decimal-string answer only for money amounts, never the other way round).
     */
    static void assertSameShape(JsonNode fixture, JsonNode actual, String path, boolean subset) {
        List<String> problems = new ArrayList<>();
        compare(fixture, actual, path, subset, problems);
        assertThat(problems).as("shape differences against the fixture (actual: " + abbreviate(actual) + ")").isEmpty();
    }

    private static void compare(JsonNode f, JsonNode a, String path, boolean subset, List<String> problems) {
        String fk = kind(f), ak = kind(a);
        if (fk.equals("null")) return;
        if (ak.equals("null")) return; // nullable fields may be null in one store and set in another
        if (fk.equals("object")) {
            if (!ak.equals("object")) {
                problems.add(path + ": expected object, got " + ak);
                return;
            }
            Set<String> fKeys = keys(f), aKeys = keys(a);
            if (subset) {
                Set<String> extra = new TreeSet<>(aKeys);
                extra.removeAll(fKeys);
                if (!extra.isEmpty()) problems.add(path + ": keys not in the fixture " + extra);
            } else if (!fKeys.equals(aKeys)) {
                Set<String> missing = new TreeSet<>(fKeys);
                missing.removeAll(aKeys);
                Set<String> extra = new TreeSet<>(aKeys);
                extra.removeAll(fKeys);
                problems.add(path + ": key sets differ, missing " + missing + ", extra " + extra);
            }
            for (String k : fKeys) {
                if (a.has(k)) compare(f.get(k), a.get(k), path + "." + k, subset, problems);
            }
            return;
        }
        if (fk.equals("array")) {
            if (!ak.equals("array")) {
                problems.add(path + ": expected array, got " + ak);
                return;
            }
            if (f.size() == 0) return;
            for (int i = 0; i < a.size(); i++) compare(f.get(0), a.get(i), path + "[" + i + "]", subset, problems);
            return;
        }
        if (fk.equals(ak)) return;
        // a money amount "704.99" vs "70" or a number that happens to be whole: both are decimal strings
        if (fk.equals("decimal-string") && ak.equals("integer-string")) return;
        // free text that happens to look like an enum or a number in one of the two
        if (fk.equals("string") && (ak.equals("enum") || ak.equals("url") || ak.equals("integer-string") || ak.equals("decimal-string"))) return;
        if (fk.equals("enum") && ak.equals("string") && !path.endsWith("Code") && !path.endsWith("status") && !path.endsWith("Status")) return;
        problems.add(path + ": fixture kind " + fk + " (" + f + "), emulator kind " + ak + " (" + a + ")");
    }

    static Set<String> keys(JsonNode n) {
        Set<String> s = new TreeSet<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) s.add(it.next());
        return s;
    }

    static String abbreviate(JsonNode n) {
        String s = String.valueOf(n);
        return s.length() > 600 ? s.substring(0, 600) + "…" : s;
    }

    /** The fixture with the named fields removed wherever they occur (fields the current API version no longer has). */
    static JsonNode without(JsonNode fixture, String... fields) {
        JsonNode copy = fixture.deepCopy();
        strip(copy, Set.of(fields));
        return copy;
    }

    private static void strip(JsonNode n, Set<String> fields) {
        if (n.isObject()) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) n).remove(fields);
            n.forEach(c -> strip(c, fields));
        } else if (n.isArray()) {
            n.forEach(c -> strip(c, fields));
        }
    }

    // ------------------------------------------------------------------ helpers

    static String firstId(String connection) {
        return client.data("{ " + connection + "(first: 1) { edges { node { id } } } }")
                .path(connection).path("edges").get(0).path("node").path("id").asText();
    }

    static void assertEnvelope(GraphqlClient.Resp r, JsonNode fixture) {
        assertThat(r.status()).isEqualTo(200);
        JsonNode a = r.json();
        assertThat(keys(a)).as(r.body()).isEqualTo(Set.of("data", "extensions"));
        // the cost block has the fixture's shape on every response
        assertSameShape(fixture.path("extensions"), a.path("extensions"), "extensions", false);
    }

    // ------------------------------------------------------------------ GraphQL fixtures

    @Test
    void ordersPage() {
        JsonNode fixture = WebhookHmacTest.readFixture("graphql/orders-page.json");
        // riskLevel is gone from Order in current API versions (risk assessments replaced it)
        JsonNode expected = without(fixture, "riskLevel");
        GraphqlClient.Resp r = client.post("{ orders(first: 4) { pageInfo { hasNextPage } edges { cursor node { "
                + "legacyResourceId name createdAt updatedAt test fullyPaid unpaid displayFinancialStatus displayFulfillmentStatus "
                + "subtotalLineItemsQuantity totalPriceSet { shopMoney { amount currencyCode } } customAttributes { key value } tags } } } }");
        assertEnvelope(r, fixture);
        assertSameShape(expected.path("data"), r.json().path("data"), "data", false);
        assertThat(r.json().path("data").path("orders").path("edges")).hasSize(4);
    }

    @Test
    void productsPage() {
        JsonNode fixture = WebhookHmacTest.readFixture("graphql/products-page.json"); // data only (docs example)
        GraphqlClient.Resp r = client.post("{ products(first: 6) { edges { node { id title handle } cursor } pageInfo { hasNextPage } } }");
        assertThat(r.status()).isEqualTo(200);
        assertSameShape(fixture, r.json().path("data"), "data", false);
        assertThat(r.json().path("data").path("products").path("edges")).hasSize(6);
    }

    @Test
    void product() {
        JsonNode fixture = WebhookHmacTest.readFixture("graphql/product.json");
        // metafields are another resource, outside the emulator's catalog
        JsonNode expected = without(fixture, "metafields");
        GraphqlClient.Resp r = client.post("query($id: ID!) { product(id: $id) { createdAt updatedAt hasOnlyDefaultVariant description "
                + "descriptionHtml onlineStorePreviewUrl onlineStoreUrl productType status tags title vendor seo { description title } } }",
                Map.of("id", firstId("products")));
        assertEnvelope(r, fixture);
        assertSameShape(expected.path("data"), r.json().path("data"), "data", false);
    }

    @Test
    void productVariantsPage() {
        JsonNode fixture = WebhookHmacTest.readFixture("graphql/product-variants-page.json");
        GraphqlClient.Resp r = client.post("query($id: ID!) { product(id: $id) { variants(first: 1) { pageInfo { hasNextPage } "
                + "edges { cursor node { legacyResourceId updatedAt } } } } }", Map.of("id", firstId("products")));
        assertEnvelope(r, fixture);
        assertSameShape(fixture.path("data"), r.json().path("data"), "data", false);
        assertThat(r.json().path("data").path("product").path("variants").path("edges")).hasSize(1);
    }

    @Test
    void productVariant() {
        JsonNode fixture = WebhookHmacTest.readFixture("graphql/product-variant.json");
        String productId = firstId("products");
        String variantId = client.data("query($id: ID!) { product(id: $id) { variants(first: 1) { edges { node { id } } } } }",
                Map.of("id", productId)).path("product").path("variants").path("edges").get(0).path("node").path("id").asText();
        GraphqlClient.Resp r = client.post("query($id: ID!) { productVariant(id: $id) { createdAt updatedAt availableForSale barcode "
                + "compareAtPrice displayName inventoryPolicy position price sku taxCode taxable title product { id } "
                + "selectedOptions { name value } } }", Map.of("id", variantId));
        // inventoryItem and metafields are other resources, outside the emulator's catalog
        JsonNode expected = without(fixture, "inventoryItem", "metafields");
        assertEnvelope(r, fixture);
        assertSameShape(expected.path("data"), r.json().path("data"), "data", false);
        assertThat(r.json().path("data").path("productVariant").path("product").path("id").asText()).isEqualTo(productId);
    }

    @Test
    void customer() {
        JsonNode fixture = WebhookHmacTest.readFixture("graphql/customer.json"); // data only (docs example)
        // image is a separate (media) object outside the emulator's catalog
        JsonNode expected = without(fixture, "image");
        GraphqlClient.Resp r = client.post("query($id: ID!) { customer(id: $id) { id firstName lastName email phone numberOfOrders "
                + "amountSpent { amount currencyCode } createdAt updatedAt note verifiedEmail validEmailAddress tags lifetimeDuration "
                + "defaultAddress { formattedArea address1 } addresses { address1 } canDelete } }",
                Map.of("id", firstId("customers")));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().has("errors")).as(r.body()).isFalse();
        assertSameShape(expected, r.json().path("data"), "data", false);
    }

    @Test
    void customerDefaultEmailAddressAndMoneyBag() {
        JsonNode d = client.data("{ customers(first: 15) { edges { node { id defaultEmailAddress { emailAddress } } } } "
                + "orders(first: 5) { edges { node { id totalPriceSet { shopMoney { amount currencyCode } } } } } }");
        int withEmail = 0;
        for (JsonNode e : d.path("customers").path("edges")) {
            JsonNode dea = e.path("node").path("defaultEmailAddress");
            if (!dea.isNull()) {
                assertThat(dea.path("emailAddress").asText()).contains("@");
                withEmail++;
            }
        }
        assertThat(withEmail).isPositive();
        for (JsonNode e : d.path("orders").path("edges")) {
            JsonNode m = e.path("node").path("totalPriceSet").path("shopMoney");
            assertThat(m.path("amount").isTextual()).as("amount is a decimal string: " + m).isTrue();
            assertThat(m.path("amount").asText()).matches("-?\\d+(\\.\\d+)?");
            assertThat(m.path("currencyCode").asText()).matches("[A-Z]{3}");
        }
    }

    @Test
    void invalidVariablesError() {
        JsonNode fixture = WebhookHmacTest.readFixture("graphql/invalid-variables-error.json");
        GraphqlClient.Resp r = client.post("mutation($input: WebhookSubscriptionInput!) { webhookSubscriptionCreate(topic: ORDERS_CREATE, "
                + "webhookSubscription: $input) { userErrors { field message } } }", Map.of("input", Map.of("uri1", "https://example.com/h")));
        assertThat(r.status()).isEqualTo(200);
        JsonNode errors = r.json().path("errors");
        assertThat(errors.isArray() && errors.size() == 1).as(r.body()).isTrue();
        assertThat(errors.get(0).path("message").asText()).as(r.body())
                .startsWith("Variable $input of type WebhookSubscriptionInput! was provided invalid value");
        assertThat(r.json().has("data")).as("no data for invalid variables: " + r.body()).isFalse();
        // extensions.value echoes the client's own variable value, so only its presence is compared, then its content
        assertSameShape(without(fixture.path("errors"), "value"), without(errors, "value"), "errors", false);
        assertThat(errors.get(0).path("extensions").path("value"))
                .isEqualTo(GraphqlClient.JSON.valueToTree(Map.of("uri1", "https://example.com/h")));
        assertThat(errors.get(0).path("extensions").path("problems").get(0).path("path").get(0).asText()).isEqualTo("uri1");
    }

    @Test
    void throttledShape() {
        try (ShopifyEmulator e = ShopifyEmulator.builder().port(0).shops(1).seed(3).orders(260).products(1).customers(1).plan("basic").start()) {
            var s = e.shops().get(0);
            GraphqlClient c = new GraphqlClient(e.baseUrl(), s.domain(), s.accessToken());
            GraphqlClient.Resp throttled = null;
            for (int i = 0; i < 20 && throttled == null; i++) {
                GraphqlClient.Resp r = c.post("{ orders(first: 160) { edges { node { id lineItems(first: 2) { edges { node { id } } } } } } }");
                if (r.throttled()) throttled = r;
            }
            assertThat(throttled).as("throttled within 20 expensive requests").isNotNull();
            assertThat(throttled.status()).isEqualTo(200);
            assertSameShape(WebhookHmacTest.readFixture("graphql/throttled.json"), throttled.json(), "throttled", false);
        }
    }

    // ------------------------------------------------------------------ webhook bodies

    @Test
    void webhookBodiesHaveTheSampleShapes() {
        Map<String, String> topics = new java.util.LinkedHashMap<>();
        topics.put("ORDERS_CREATE", "orders-create.json");
        topics.put("ORDERS_UPDATED", "orders-updated.json");
        topics.put("ORDERS_DELETE", "orders-delete.json");
        topics.put("PRODUCTS_CREATE", "products-create.json");
        topics.put("PRODUCTS_UPDATE", "products-update.json");
        topics.put("PRODUCTS_DELETE", "products-delete.json");
        topics.put("CUSTOMERS_CREATE", "customers-create.json");
        topics.put("CUSTOMERS_UPDATE", "customers-update.json");
        topics.put("CUSTOMERS_DELETE", "customers-delete.json");
        try (GraphqlClient.Receiver rx = new GraphqlClient.Receiver()) {
            List<String> subs = new ArrayList<>();
            try {
                for (String topic : topics.keySet()) subs.add(WebhookDeliveryIntegrationTest.subscribe(client, topic, rx.url("/" + topic)));
                for (String r : List.of("orders", "products", "customers")) {
                    client.createObjects(r, 2);
                    client.updateObjects(r, 2);
                    client.deleteObjects(r, 1);
                }
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15))
                        .until(() -> topics.keySet().stream().allMatch(t -> !rx.at("/" + t).isEmpty()));
                List<String> problems = new ArrayList<>();
                for (var e : topics.entrySet()) {
                    JsonNode fixture = WebhookHmacTest.readFixture("webhooks/" + e.getValue());
                    for (GraphqlClient.Delivery d : rx.at("/" + e.getKey())) {
                        try {
                            assertSameShape(fixture, d.json(), e.getKey(), false);
                        } catch (AssertionError err) {
                            problems.add(err.getMessage());
                        }
                        JsonNode body = d.json();
                        assertThat(body.path("id").isIntegralNumber()).as(e.getKey() + " id is a JSON integer").isTrue();
                    }
                }
                assertThat(problems).as("webhook bodies that differ from the samples").isEmpty();
            } finally {
                subs.forEach(id -> WebhookDeliveryIntegrationTest.unsubscribe(client, id));
            }
        }
    }
}
