package io.shopifysync.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The seeded store is deterministic and holds the awkward data a sync must survive. */
class SeedDataIntegrationTest {

    @RegisterExtension
    static EmulatorExtension emu = EmulatorExtension.builder()
            .port(0).shops(1).seed(2024)
            .orders(30).products(12).customers(30)
            .plan("plus").timeScale(0.001)
            .build();

    static GraphqlClient client;
    static final BigInteger TWO_53 = BigInteger.TWO.pow(53);

    @BeforeAll
    static void client() {
        client = GraphqlClient.forFirstShop(emu);
    }


    /** Parents whose first page of children (250) is not all: walked 3 parents per request (cost ≤ 1000). */
    static List<String> parentsWithMoreThan250(String connection, String field) {
        List<String> out = new ArrayList<>();
        for (JsonNode p : client.walk(connection, null, null, "id " + field + "(first: 250) { pageInfo { hasNextPage } }", 3, false)) {
            if (p.path(field).path("pageInfo").path("hasNextPage").asBoolean()) out.add(p.path("id").asText());
        }
        return out;
    }

    @Test
    void anOrderHas300LineItems() {
        List<String> big = parentsWithMoreThan250("orders", "lineItems");
        assertThat(big).as("orders with more than 250 line items").isNotEmpty();
        int max = 0;
        for (String id : big) {
            List<JsonNode> items = client.children(id, "Order", "lineItems", "id quantity");
            Set<String> ids = new HashSet<>();
            items.forEach(li -> ids.add(li.path("id").asText()));
            assertThat(ids).hasSize(items.size());
            max = Math.max(max, items.size());
        }
        assertThat(max).isEqualTo(300);
    }

    @Test
    void aProductHas2048Variants() {
        List<String> big = parentsWithMoreThan250("products", "variants");
        assertThat(big).as("products with more than 250 variants").isNotEmpty();
        int max = 0;
        for (String id : big) {
            List<JsonNode> variants = client.children(id, "Product", "variants", "id legacyResourceId title");
            Set<String> ids = new HashSet<>();
            variants.forEach(v -> ids.add(v.path("id").asText()));
            assertThat(ids).hasSize(variants.size());
            max = Math.max(max, variants.size());
        }
        assertThat(max).isEqualTo(2048);
    }

    @Test
    void idsBeyond2Pow53SurviveExactly() {
        boolean found = false;
        for (String connection : List.of("orders", "products", "customers")) {
            for (JsonNode n : client.walk(connection, null, null, "id legacyResourceId", 250, false)) {
                String legacy = n.path("legacyResourceId").asText();
                assertThat(n.path("legacyResourceId").isTextual()).as("legacyResourceId is a string (UnsignedInt64)").isTrue();
                BigInteger v = new BigInteger(legacy);
                assertThat(n.path("id").asText()).isEqualTo("gid://shopify/" + typeOf(connection) + "/" + legacy);
                if (v.compareTo(TWO_53) > 0) {
                    found = true;
                    // the same object is found again by that exact id (no double rounding anywhere)
                    JsonNode again = client.data("query($id: ID!) { node(id: $id) { id } }", Map.of("id", n.path("id").asText())).path("node");
                    assertThat(again.path("id").asText()).isEqualTo(n.path("id").asText());
                    JsonNode bySearch = client.data("query($q: String) { " + connection + "(first: 5, query: $q) { edges { node { id } } } }",
                            Map.of("q", "id:>=" + legacy + " AND id:<=" + legacy)).path(connection).path("edges");
                    assertThat(bySearch).hasSize(1);
                }
            }
        }
        assertThat(found).as("some object has an id > 2^53").isTrue();
    }

    static String typeOf(String connection) {
        return switch (connection) {
            case "orders" -> "Order";
            case "products" -> "Product";
            default -> "Customer";
        };
    }

    @Test
    void unicodeNamesRoundTrip() {
        List<String> names = new ArrayList<>();
        client.walk("products", null, null, "title", 250, false).forEach(n -> names.add(n.path("title").asText()));
        client.walk("customers", null, null, "firstName lastName", 250, false).forEach(n -> {
            names.add(n.path("firstName").asText());
            names.add(n.path("lastName").asText());
        });
        assertThat(names).anySatisfy(s -> assertThat(s.chars().anyMatch(ch -> ch > 0x7f)).isTrue());
        for (String s : names) {
            assertThat(s).doesNotContain("\uFFFD").doesNotContain("Ã");
        }
    }

    @Test
    void someCustomersHaveNoEmail() {
        int without = 0, with = 0;
        for (JsonNode c : client.walk("customers", null, null, "id defaultEmailAddress { emailAddress }", 250, false)) {
            if (c.path("defaultEmailAddress").isNull()) without++;
            else {
                assertThat(c.path("defaultEmailAddress").path("emailAddress").asText()).contains("@");
                with++;
            }
        }
        assertThat(without).as("customers without email").isPositive();
        assertThat(with).as("customers with email").isPositive();
    }

    @Test
    void cancelledAndRefundedOrdersExistWithTransactions() {
        List<JsonNode> orders = client.walk("orders", null, null,
                "id cancelledAt cancelReason displayFinancialStatus totalPriceSet { shopMoney { amount currencyCode } } "
                        + "transactions { id kind status amountSet { shopMoney { amount currencyCode } } }", 10, false);
        assertThat(orders).anySatisfy(o -> assertThat(o.path("cancelledAt").isNull()).isFalse());
        List<JsonNode> refunded = orders.stream()
                .filter(o -> o.path("displayFinancialStatus").asText().equals("REFUNDED")
                        || o.path("displayFinancialStatus").asText().equals("PARTIALLY_REFUNDED")).toList();
        assertThat(refunded).as("refunded orders").isNotEmpty();
        for (JsonNode o : refunded) {
            assertThat(o.path("transactions")).anySatisfy(t -> assertThat(t.path("kind").asText()).isEqualTo("REFUND"));
        }
        for (JsonNode o : orders) {
            for (JsonNode t : o.path("transactions")) {
                assertThat(t.path("id").asText()).startsWith("gid://shopify/OrderTransaction/");
                assertThat(t.path("amountSet").path("shopMoney").path("amount").asText()).matches("-?\\d+(\\.\\d+)?");
            }
        }
    }

    @Test
    void sameSeedSameStoreOtherSeedOtherStore() {
        String domain = emu.shops().get(0).domain();
        String query = "{ orders(first: 30) { edges { node { id name updatedAt createdAt totalPriceSet { shopMoney { amount } } "
                + "lineItems(first: 5) { edges { node { id title quantity } } } } } } "
                + "customers(first: 30) { edges { node { id firstName lastName defaultEmailAddress { emailAddress } } } } }";
        JsonNode mine = client.data(query);
        try (ShopifyEmulator same = ShopifyEmulator.builder().port(0).shops(1).seed(2024).orders(30).products(12).customers(30).plan("plus").start();
             ShopifyEmulator other = ShopifyEmulator.builder().port(0).shops(1).seed(2025).orders(30).products(12).customers(30).plan("plus").start()) {
            assertThat(same.digest(domain)).isEqualTo(emu.digest(domain));
            assertThat(other.digest(domain)).isNotEqualTo(emu.digest(domain));
            var s = same.shops().get(0);
            JsonNode theirs = new GraphqlClient(same.baseUrl(), s.domain(), s.accessToken()).data(query);
            assertThat(theirs).isEqualTo(mine);
        }
    }
}
