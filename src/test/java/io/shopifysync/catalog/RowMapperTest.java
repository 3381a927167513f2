package io.shopifysync.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import io.shopifysync.testing.Fixtures;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RowMapper}, {@link Gid} and {@link ColumnType} on the real fixtures and the shipped catalog. */
class RowMapperTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Catalog CATALOG = Catalog.load();

    private static Path fixtures() {
        return Fixtures.dir();
    }

    private static List<JsonNode> jsonl(String relative) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(fixtures().resolve(relative), StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    private static Child variants() {
        return CATALOG.resource("products").childOfType("ProductVariant").orElseThrow();
    }

    // ------------------------------------------------------------------ bulk lines (products.jsonl)

    @Test
    void variantLinesOfTheBulkFixtureBecomeChildRows() throws IOException {
        List<JsonNode> lines = jsonl("bulk/products.jsonl");
        assertThat(lines).hasSize(11);
        JsonNode line = lines.get(1);
        long parent = Gid.numericId(line.get("__parentId").asText());
        Row row = RowMapper.child(variants(), parent, line);

        assertThat(row.table()).isEqualTo("product_variants");
        assertThat(row.id()).isEqualTo(19435458986040L);
        assertThat(row.parentId()).isEqualTo(1921569226808L);
        assertThat(row.updatedAt()).isNull();
        // title, sku, price, inventory_quantity, updated_at: only the title is in the line
        assertThat(row.values()).containsExactly("70", null, null, null, null);
        assertThat(JSON.readTree(row.data()))
                .isEqualTo(JSON.readTree("{\"id\":\"gid://shopify/ProductVariant/19435458986040\",\"title\":\"70\"}"));
        assertThat(row.data()).doesNotContain("__parentId");
    }

    @Test
    void aChildLineFarFromItsParentStillNamesThatParent() throws IOException {
        List<JsonNode> lines = jsonl("bulk/products.jsonl");
        JsonNode last = lines.get(10);
        Row row = RowMapper.child(variants(), Gid.numericId(last.get("__parentId").asText()), last);
        assertThat(row.id()).isEqualTo(19435458986123L);
        assertThat(row.parentId()).isEqualTo(1921569226808L); // the first product, ten lines earlier
        assertThat(row.values().get(0)).isEqualTo("52");
    }

    @Test
    void everyLineOfTheFixtureIsEitherAProductOrAVariant() throws IOException {
        int products = 0;
        int variantRows = 0;
        for (JsonNode line : jsonl("bulk/products.jsonl")) {
            String type = Gid.type(line.get("id").asText());
            if (type.equals("Product")) {
                products++;
                assertThat(line.has("__parentId")).isFalse();
            } else {
                assertThat(CATALOG.resource("products").childOfType(type)).contains(variants());
                Row row = RowMapper.child(variants(), Gid.numericId(line.get("__parentId").asText()), line);
                assertThat(row.parentId()).isNotNull();
                variantRows++;
            }
        }
        assertThat(products).isEqualTo(5);
        assertThat(variantRows).isEqualTo(6);
    }

    @Test
    void aProductLineWithoutUpdatedAtCannotBeARootRow() throws IOException {
        JsonNode product = jsonl("bulk/products.jsonl").get(0);
        assertThatThrownBy(() -> RowMapper.root(CATALOG.resource("products"), product))
                .isInstanceOf(RowMapper.MappingException.class)
                .hasMessage("products 1921569226808 has no updatedAt");
    }

    @Test
    void aNodeWithoutAStringIdIsAMappingError() throws IOException {
        Resource products = CATALOG.resource("products");
        assertThatThrownBy(() -> RowMapper.root(products, JSON.readTree("{\"title\":\"x\",\"updatedAt\":\"2024-01-01T00:00:00Z\"}")))
                .isInstanceOf(RowMapper.MappingException.class)
                .hasMessageStartingWith("products node without a string 'id'");
        assertThatThrownBy(() -> RowMapper.child(variants(), 1, JSON.readTree("{\"id\":5}")))
                .isInstanceOf(RowMapper.MappingException.class)
                .hasMessageStartingWith("product_variants node without a string 'id'");
    }

    @Test
    void aMalformedValueIsAMappingErrorNamingTheColumn() throws IOException {
        JsonNode variant = JSON.readTree("{\"id\":\"gid://shopify/ProductVariant/7\",\"price\":\"12,50\"}");
        assertThatThrownBy(() -> RowMapper.child(variants(), 1, variant))
                .isInstanceOf(RowMapper.MappingException.class)
                .hasMessageStartingWith("product_variants: column price from price: ");
    }

    // ------------------------------------------------------------------ an order page node

    /** An order node in the shape of fixtures/graphql/orders-page.json (the first node), with the catalog's fields. */
    private static final String ORDER = """
            {
              "id": "gid://shopify/Order/4573850468424",
              "legacyResourceId": "4573850468424",
              "name": "WEB1346",
              "email": null,
              "createdAt": "2022-05-25T13:46:50Z",
              "updatedAt": "2022-05-25T13:47:47Z",
              "cancelledAt": null,
              "closedAt": null,
              "displayFinancialStatus": "PENDING",
              "displayFulfillmentStatus": "UNFULFILLED",
              "totalPriceSet": { "shopMoney": { "amount": "704.99", "currencyCode": "EUR" } },
              "subtotalPriceSet": { "shopMoney": { "amount": "592.43", "currencyCode": "EUR" } },
              "customer": { "id": "gid://shopify/Customer/9007199254740993" },
              "lineItems": { "edges": [ { "node": { "id": "gid://shopify/LineItem/1", "quantity": 1 } } ],
                             "pageInfo": { "hasNextPage": false, "endCursor": null } },
              "__parentId": "gid://shopify/Shop/1"
            }
            """;

    @Test
    void anOrderNodeBecomesATypedRootRow() throws IOException {
        Resource orders = CATALOG.resource("orders");
        Row row = RowMapper.root(orders, JSON.readTree(ORDER));

        assertThat(row.table()).isEqualTo("orders");
        assertThat(row.id()).isEqualTo(4573850468424L);
        assertThat(row.parentId()).isNull();
        assertThat(row.updatedAt()).isEqualTo(OffsetDateTime.of(2022, 5, 25, 13, 47, 47, 0, ZoneOffset.UTC));
        // name, email, customer_id, financial_status, fulfillment_status, total_price, currency_code,
        // cancelled_at, created_at
        assertThat(row.values()).containsExactly("WEB1346", null, 9007199254740993L, "PENDING", "UNFULFILLED",
                new BigDecimal("704.99"), "EUR", null, OffsetDateTime.of(2022, 5, 25, 13, 46, 50, 0, ZoneOffset.UTC));
        assertThat(row.values().get(5)).isInstanceOf(BigDecimal.class);
        assertThat(row.values().get(2)).isInstanceOf(Long.class);
        assertThat(row.values().get(8)).isInstanceOf(OffsetDateTime.class);
    }

    @Test
    void theDataOfARootLeavesOutChildCollectionsAndParentId() throws IOException {
        JsonNode node = JSON.readTree(ORDER);
        Row row = RowMapper.root(CATALOG.resource("orders"), node);
        JsonNode data = JSON.readTree(row.data());
        assertThat(data.has("lineItems")).isFalse();
        assertThat(data.has("__parentId")).isFalse();
        // everything else is kept as read, nulls included
        assertThat(data.get("name").asText()).isEqualTo("WEB1346");
        assertThat(data.get("email").isNull()).isTrue();
        assertThat(data.path("totalPriceSet").path("shopMoney").path("amount").asText()).isEqualTo("704.99");
        assertThat(data.size()).isEqualTo(node.size() - 2);
        // the input node is not modified
        assertThat(node.has("lineItems")).isTrue();
        assertThat(node.has("__parentId")).isTrue();
    }

    @Test
    void aNullParentObjectGivesANullColumn() throws IOException {
        JsonNode node = JSON.readTree(ORDER.replace("\"customer\": { \"id\": \"gid://shopify/Customer/9007199254740993\" }",
                "\"customer\": null"));
        Row row = RowMapper.root(CATALOG.resource("orders"), node);
        assertThat(row.values().get(2)).isNull();
        // and an absent one too
        JsonNode without = JSON.readTree("{\"id\":\"gid://shopify/Order/2\",\"updatedAt\":\"2022-05-25T13:47:47Z\"}");
        assertThat(RowMapper.root(CATALOG.resource("orders"), without).values()).containsOnlyNulls().hasSize(9);
    }

    @Test
    void inlineListChildrenAreMappedFromTheRoot() throws IOException {
        Resource tx = CATALOG.resource("order_transactions");
        Child child = tx.children().get(0);
        JsonNode order = JSON.readTree("""
                { "id": "gid://shopify/Order/77", "updatedAt": "2024-03-01T10:00:00Z",
                  "transactions": [
                    { "id": "gid://shopify/OrderTransaction/901", "kind": "SALE", "status": "SUCCESS", "gateway": "manual",
                      "test": false, "createdAt": "2024-03-01T09:59:00Z", "processedAt": "2024-03-01T09:59:30+01:00",
                      "amountSet": { "shopMoney": { "amount": "10.00", "currencyCode": "USD" } } },
                    { "id": "gid://shopify/OrderTransaction/902", "kind": "REFUND", "status": "SUCCESS", "gateway": "manual",
                      "test": false, "createdAt": "2024-03-02T09:00:00Z", "processedAt": null,
                      "amountSet": { "shopMoney": { "amount": "2.5", "currencyCode": "USD" } } } ] }
                """);
        List<Row> rows = RowMapper.listChildren(child, 77, order);
        assertThat(rows).extracting(Row::id).containsExactly(901L, 902L);
        assertThat(rows).extracting(Row::parentId).containsOnly(77L);
        assertThat(rows).extracting(Row::table).containsOnly("order_transactions");
        // kind, status, gateway, amount, currency_code, processed_at
        assertThat(rows.get(0).values()).containsExactly("SALE", "SUCCESS", "manual", new BigDecimal("10.00"), "USD",
                OffsetDateTime.of(2024, 3, 1, 9, 59, 30, 0, ZoneOffset.ofHours(1)));
        assertThat(rows.get(1).values()).containsExactly("REFUND", "SUCCESS", "manual", new BigDecimal("2.5"), "USD", null);
        // no list at all: no rows
        assertThat(RowMapper.listChildren(child, 77, JSON.readTree("{\"id\":\"gid://shopify/Order/77\"}"))).isEmpty();
    }

    // ------------------------------------------------------------------ Gid

    @Test
    void gidNumericId() {
        assertThat(Gid.numericId("gid://shopify/Order/1")).isEqualTo(1L);
        assertThat(Gid.numericId("gid://shopify/Product/1921569226808")).isEqualTo(1921569226808L);
        assertThat(Gid.numericId("gid://shopify/InventoryLevel/523463154?inventory_item_id=1")).isEqualTo(523463154L);
        assertThat(Gid.numericId("gid://shopify/Order/42?")).isEqualTo(42L);
    }

    @Test
    void gidIdsAbove2To53AreExact() {
        // 2^53 + 1 is not representable as a double; a long keeps it
        assertThat(Gid.numericId("gid://shopify/Order/9007199254740993")).isEqualTo(9_007_199_254_740_993L);
        assertThat(Gid.numericId("gid://shopify/Order/9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void jsonEscapedSlashesAreUnescapedByTheParserBeforeGid() throws IOException {
        // bulk/orders.jsonl writes gid:\/\/shopify\/Order\/…; Gid sees the parsed text
        JsonNode first = jsonl("bulk/orders.jsonl").get(0);
        assertThat(Gid.numericId(first.get("id").asText())).isEqualTo(5010584895677L);
        assertThat(Gid.type(first.get("id").asText())).isEqualTo("Order");
    }

    @Test
    void badGidsAreRejected() {
        for (String bad : Arrays.asList("", "123", "gid://shopify/", "gid://shopify/Order", "gid://shopify/Order/",
                "gid://shopify/Order/abc", "gid://shopify//5", "gid://other/Order/1", "Order/1",
                "gid://shopify/Order/12a", "gid://shopify/Order/9223372036854775808", "gid://shopify/Order/?x=1")) {
            assertThatThrownBy(() -> Gid.numericId(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad);
        }
    }

    @Test
    void gidTypeAndOf() {
        assertThat(Gid.type("gid://shopify/ProductVariant/19435458986040")).isEqualTo("ProductVariant");
        assertThat(Gid.of("LineItem", 9_007_199_254_740_993L)).isEqualTo("gid://shopify/LineItem/9007199254740993");
        assertThat(Gid.numericId(Gid.of("Order", 123))).isEqualTo(123L);
        assertThatThrownBy(() -> Gid.type("gid://shopify/Order")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Gid.type("https://shopify/Order/1")).isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ ColumnType

    @Test
    void columnTypeParse() {
        assertThat(ColumnType.parse("decimal")).isEqualTo(ColumnType.DECIMAL);
        assertThat(ColumnType.parse("GID")).isEqualTo(ColumnType.GID);
        assertThat(ColumnType.parse("Timestamp")).isEqualTo(ColumnType.TIMESTAMP);
        assertThatThrownBy(() -> ColumnType.parse("money")).isInstanceOf(CatalogException.class)
                .hasMessage("unknown column type 'money' (text, gid, bigint, int, decimal, timestamp)");
    }

    @Test
    void columnTypeSqlTypes() {
        assertThat(ColumnType.GID.sqlType()).isEqualTo("BIGINT");
        assertThat(ColumnType.DECIMAL.sqlType()).isEqualTo("NUMERIC(20, 4)");
        assertThat(ColumnType.TIMESTAMP.sqlType()).isEqualTo("TIMESTAMP WITH TIME ZONE");
        assertThat(ColumnType.INT.sqlType()).isEqualTo("INTEGER");
    }

    @Test
    void columnTypeConvert() throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        assertThat(ColumnType.TEXT.convert(f.textNode("héllo ✓"))).isEqualTo("héllo ✓");
        assertThat(ColumnType.TEXT.convert(f.numberNode(5))).isEqualTo("5");
        assertThat(ColumnType.TEXT.convert(JSON.readTree("[\"a\",\"b\"]"))).isEqualTo("[\"a\",\"b\"]");
        assertThat(ColumnType.GID.convert(f.textNode("gid://shopify/Customer/9007199254740993"))).isEqualTo(9007199254740993L);
        assertThat(ColumnType.BIGINT.convert(f.textNode("9007199254740993"))).isEqualTo(9007199254740993L);
        assertThat(ColumnType.BIGINT.convert(JSON.readTree("9007199254740993"))).isEqualTo(9007199254740993L);
        assertThat(ColumnType.INT.convert(f.textNode("42"))).isEqualTo(42);
        assertThat(ColumnType.INT.convert(f.numberNode(-3))).isEqualTo(-3);
        assertThat(ColumnType.DECIMAL.convert(f.textNode("704.99"))).isEqualTo(new BigDecimal("704.99"));
        assertThat(ColumnType.DECIMAL.convert(f.textNode("0.10"))).isEqualTo(new BigDecimal("0.10"));
        assertThat(ColumnType.DECIMAL.convert(JSON.readTree("12.5"))).isEqualTo(new BigDecimal("12.5"));
        assertThat(ColumnType.TIMESTAMP.convert(f.textNode("2022-05-25T13:46:50Z")))
                .isEqualTo(OffsetDateTime.of(2022, 5, 25, 13, 46, 50, 0, ZoneOffset.UTC));
        assertThat(ColumnType.TIMESTAMP.convert(f.textNode("2024-03-01T09:59:30-05:00")))
                .isEqualTo(OffsetDateTime.of(2024, 3, 1, 9, 59, 30, 0, ZoneOffset.ofHours(-5)));
        for (ColumnType t : ColumnType.values()) {
            assertThat(t.convert(null)).as(t.name()).isNull();
            assertThat(t.convert(NullNode.instance)).as(t.name()).isNull();
            assertThat(t.convert(MissingNode.getInstance())).as(t.name()).isNull();
        }
        assertThatThrownBy(() -> ColumnType.DECIMAL.convert(f.textNode("12,50"))).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> ColumnType.GID.convert(f.textNode("nope"))).isInstanceOf(IllegalArgumentException.class);
    }
}
