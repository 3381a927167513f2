package io.shopifysync.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import graphql.language.Argument;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.OperationDefinition;
import graphql.language.StringValue;
import graphql.parser.Parser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link Catalog}: the shipped catalog, the queries it derives, and every malformed-catalog error. */
class CatalogTest {

    private static final String PRODUCT_FIELDS = "id legacyResourceId title handle status vendor productType tags createdAt updatedAt";
    private static final String VARIANT_FIELDS = "id legacyResourceId title sku price inventoryQuantity createdAt updatedAt";

    private static Catalog parse(String yaml) throws IOException {
        return Catalog.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    /** The root field of a parsed query (checks the derived text is valid GraphQL). */
    private static Field rootField(String query) {
        Document doc = Parser.parse(query);
        OperationDefinition op = (OperationDefinition) doc.getDefinitions().get(0);
        return (Field) op.getSelectionSet().getSelections().get(0);
    }

    // ------------------------------------------------------------------ the shipped catalog

    @Test
    void theShippedCatalogHasTheFourResources() {
        Catalog c = Catalog.load();
        assertThat(c.resources()).extracting(Resource::name)
                .containsExactly("orders", "products", "customers", "order_transactions");
    }

    @Test
    void orders() {
        Resource r = Catalog.load().resource("orders");
        assertThat(r.connection()).isEqualTo("orders");
        assertThat(r.count()).isEqualTo("ordersCount");
        assertThat(r.table()).isEqualTo("orders");
        assertThat(r.storesRoots()).isTrue();
        assertThat(r.fields()).startsWith("id legacyResourceId name email createdAt updatedAt").endsWith("customer { id }")
                .doesNotContain("\n");
        assertThat(r.columns()).extracting(Column::name).containsExactly("name", "email", "customer_id",
                "financial_status", "fulfillment_status", "total_price", "currency_code", "cancelled_at", "created_at");
        assertThat(r.columns()).filteredOn(col -> col.name().equals("total_price")).singleElement()
                .isEqualTo(new Column("total_price", "totalPriceSet.shopMoney.amount", ColumnType.DECIMAL));
        assertThat(r.columns()).filteredOn(col -> col.name().equals("customer_id")).singleElement()
                .isEqualTo(new Column("customer_id", "customer.id", ColumnType.GID));
        assertThat(r.columns()).filteredOn(col -> col.name().equals("email")).singleElement()
                .isEqualTo(new Column("email", "email", ColumnType.TEXT));
        assertThat(r.children()).singleElement().satisfies(ch -> {
            assertThat(ch.name()).isEqualTo("order_line_items");
            assertThat(ch.type()).isEqualTo("LineItem");
            assertThat(ch.isConnection()).isTrue();
            assertThat(ch.field()).isEqualTo("lineItems");
            assertThat(ch.table()).isEqualTo("order_line_items");
            assertThat(ch.parentColumn()).isEqualTo("order_id");
            assertThat(ch.hasUpdatedAt()).isFalse();
            assertThat(ch.columns()).extracting(Column::name)
                    .containsExactly("title", "sku", "quantity", "variant_id", "unit_price");
        });
        assertThat(r.upsertTopics()).containsExactly("orders/create", "orders/updated");
        assertThat(r.deleteTopics()).containsExactly("orders/delete");
        assertThat(r.deletions()).isEqualTo("reconcile");
        assertThat(r.eventSubject()).isNull();
        assertThat(r.childOfType("LineItem")).isPresent();
        assertThat(r.childOfType("ProductVariant")).isEmpty();
    }

    @Test
    void products() {
        Resource r = Catalog.load().resource("products");
        assertThat(r.table()).isEqualTo("products");
        assertThat(r.fields()).isEqualTo(PRODUCT_FIELDS);
        assertThat(r.columns()).extracting(Column::name)
                .containsExactly("title", "handle", "status", "vendor", "product_type", "created_at");
        assertThat(r.children()).singleElement().satisfies(ch -> {
            assertThat(ch.name()).isEqualTo("product_variants");
            assertThat(ch.type()).isEqualTo("ProductVariant");
            assertThat(ch.connection()).isEqualTo("variants");
            assertThat(ch.list()).isNull();
            assertThat(ch.fields()).isEqualTo(VARIANT_FIELDS);
            assertThat(ch.table()).isEqualTo("product_variants");
            assertThat(ch.parentColumn()).isEqualTo("product_id");
            assertThat(ch.hasUpdatedAt()).isTrue();
        });
        assertThat(r.deletions()).isEqualTo("events");
        assertThat(r.eventSubject()).isEqualTo("PRODUCT");
        assertThat(r.upsertTopics()).containsExactly("products/create", "products/update");
    }

    @Test
    void customers() {
        Resource r = Catalog.load().resource("customers");
        assertThat(r.table()).isEqualTo("customers");
        assertThat(r.count()).isEqualTo("customersCount");
        assertThat(r.children()).isEmpty();
        assertThat(r.columns()).extracting(Column::name)
                .containsExactly("email", "first_name", "last_name", "state", "created_at");
        assertThat(r.columns().get(0).path()).isEqualTo("defaultEmailAddress.emailAddress");
        assertThat(r.deleteTopics()).containsExactly("customers/delete");
    }

    @Test
    void orderTransactionsReadOrdersButStoreOnlyTheList() {
        Catalog c = Catalog.load();
        Resource r = c.resource("order_transactions");
        assertThat(r.connection()).isEqualTo("orders");
        assertThat(r.table()).isNull();
        assertThat(r.storesRoots()).isFalse();
        assertThat(r.fields()).isEqualTo("id updatedAt");
        assertThat(r.upsertTopics()).isEmpty();
        assertThat(r.deleteTopics()).isEmpty();
        assertThat(r.children()).singleElement().satisfies(ch -> {
            assertThat(ch.type()).isEqualTo("OrderTransaction");
            assertThat(ch.isConnection()).isFalse();
            assertThat(ch.list()).isEqualTo("transactions");
            assertThat(ch.field()).isEqualTo("transactions");
            assertThat(ch.table()).isEqualTo("order_transactions");
            assertThat(ch.parentColumn()).isEqualTo("order_id");
            assertThat(ch.columns()).extracting(Column::type).containsExactly(ColumnType.TEXT, ColumnType.TEXT,
                    ColumnType.TEXT, ColumnType.DECIMAL, ColumnType.TEXT, ColumnType.TIMESTAMP);
        });
        assertThat(c.parentTableOf(r)).isEqualTo("orders");
        assertThat(c.parentTableOf(c.resource("products"))).isEqualTo("products");
    }

    @Test
    void lookups() {
        Catalog c = Catalog.load();
        assertThat(c.find("customers")).isPresent();
        assertThat(c.find("nope")).isEmpty();
        assertThatThrownBy(() -> c.resource("nope")).isInstanceOf(CatalogException.class)
                .hasMessage("no resource named 'nope' in the catalog");
    }

    @Test
    void parentTableOfARootlessResourceWithoutAnOwnerIsAnError() throws IOException {
        Catalog c = parse("""
                resources:
                  - name: refunds
                    type: Root
                    connection: orders
                    count: ordersCount
                    fields: id
                    children:
                      - { name: refunds, type: Refund, list: refunds, fields: id, table: refunds, parentColumn: order_id }
                """);
        assertThatThrownBy(() -> c.parentTableOf(c.resource("refunds"))).isInstanceOf(CatalogException.class)
                .hasMessageContaining("refunds").hasMessageContaining("orders");
    }

    // ------------------------------------------------------------------ derived queries

    @Test
    void bulkQueryWithoutFilter() {
        Resource r = Catalog.load().resource("products");
        String q = r.bulkQuery(null);
        assertThat(q).isEqualTo("{ products { edges { node { " + PRODUCT_FIELDS + " variants { edges { node { "
                + VARIANT_FIELDS + " } } } } } } }");
        Field root = rootField(q);
        assertThat(root.getName()).isEqualTo("products");
        assertThat(root.getArguments()).isEmpty();
    }

    @Test
    void bulkQueryWithAListChild() {
        Resource r = Catalog.load().resource("order_transactions");
        assertThat(r.bulkQuery(null)).isEqualTo("{ orders { edges { node { id updatedAt transactions { id kind status"
                + " gateway test createdAt processedAt amountSet { shopMoney { amount currencyCode } } } } } } }");
        assertThat(rootField(r.bulkQuery(null)).getName()).isEqualTo("orders");
        // orders: lineItems is a nested connection
        assertThat(Catalog.load().resource("orders").bulkQuery(null))
                .contains(" lineItems { edges { node { id name title quantity sku variant { id } ");
    }

    @Test
    void bulkQueryWithAFilter() {
        Resource r = Catalog.load().resource("products");
        String q = r.bulkQuery("id:>=5");
        assertThat(q).startsWith("{ products(query: \"id:>=5\") { edges { node { id legacyResourceId ");
        Argument arg = rootField(q).getArguments().get(0);
        assertThat(arg.getName()).isEqualTo("query");
        assertThat(((StringValue) arg.getValue()).getValue()).isEqualTo("id:>=5");
    }

    @Test
    void bulkQueryEscapesQuotesAndBackslashes() {
        Resource r = Catalog.load().resource("products");
        String filter = "title:\"Men's \\\"best\\\"\" AND vendor:a\\b";
        String q = r.bulkQuery(filter);
        assertThat(q).startsWith("{ products(query: \"title:\\\"Men's \\\\\\\"best\\\\\\\"\\\" AND vendor:a\\\\b\") {");
        // the GraphQL parser reads back exactly the filter
        StringValue v = (StringValue) rootField(q).getArguments().get(0).getValue();
        assertThat(v.getValue()).isEqualTo(filter);
    }

    @Test
    void countQuery() {
        Resource r = Catalog.load().resource("orders");
        assertThat(r.countQuery(null)).isEqualTo("{ ordersCount(limit: null) { count precision } }");
        assertThat(r.countQuery("id:>=5")).isEqualTo("{ ordersCount(query: \"id:>=5\", limit: null) { count precision } }");
        assertThat(r.countQuery("tag:\"vip\"")).isEqualTo("{ ordersCount(query: \"tag:\\\"vip\\\"\", limit: null) { count precision } }");
        assertThat(((StringValue) rootField(r.countQuery("tag:\"vip\"")).getArguments().get(0).getValue()).getValue())
                .isEqualTo("tag:\"vip\"");
        assertThat(Catalog.load().resource("customers").countQuery(null)).isEqualTo("{ customersCount(limit: null) { count precision } }");
    }

    @Test
    void idsQuery() {
        Catalog c = Catalog.load();
        assertThat(c.resource("customers").idsQuery()).isEqualTo("{ customers { edges { node { id } } } }");
        assertThat(c.resource("order_transactions").idsQuery()).isEqualTo("{ orders { edges { node { id } } } }");
        assertThat(rootField(c.resource("products").idsQuery()).getName()).isEqualTo("products");
    }

    // ------------------------------------------------------------------ malformed catalogs

    private static final String ORDERS_OK = """
              - name: orders
                type: Root
                connection: orders
                count: ordersCount
                fields: id updatedAt
                table: orders
            """;

    private static void rejects(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(CatalogException.class).hasMessage(message);
    }

    @Test
    void aMinimalCatalogParses() throws IOException {
        Catalog c = parse("resources:\n" + ORDERS_OK);
        assertThat(c.resources()).singleElement().satisfies(r -> {
            assertThat(r.deletions()).isEqualTo("reconcile"); // the default
            assertThat(r.columns()).isEmpty();
            assertThat(r.children()).isEmpty();
        });
    }

    @Test
    void withoutAResourcesList() {
        rejects("foo: bar\n", "the catalog needs a 'resources' list");
        rejects("resources: orders\n", "the catalog needs a 'resources' list");
    }

    @Test
    void missingName() {
        rejects("""
                resources:
                  - connection: orders
                    type: Root
                    count: ordersCount
                    fields: id updatedAt
                    table: orders
                """, "resource needs 'name'");
    }

    @Test
    void nameThatIsNotAnIdentifier() {
        rejects("""
                resources:
                  - name: Orders
                    type: Root
                    connection: orders
                    count: ordersCount
                    fields: id
                    table: orders
                """, "resource: name 'Orders' is not a lower-case identifier");
    }

    @Test
    void missingConnection() {
        rejects("""
                resources:
                  - name: orders
                    type: Order
                    count: ordersCount
                    fields: id updatedAt
                    table: orders
                """, "resource 'orders' needs 'connection'");
    }

    @Test
    void duplicateResource() {
        rejects("resources:\n" + ORDERS_OK + """
                  - name: orders
                    type: Root
                    connection: orders
                    count: ordersCount
                    fields: id
                    table: orders_again
                """, "resource 'orders' is listed twice");
    }

    @Test
    void tableWrittenTwice() {
        rejects("resources:\n" + ORDERS_OK + """
                  - name: drafts
                    type: Root
                    connection: draftOrders
                    count: draftOrdersCount
                    fields: id updatedAt
                    table: orders
                """, "table 'orders' is written by two resources");
    }

    @Test
    void childTableWrittenTwice() {
        rejects("resources:\n" + ORDERS_OK + """
                  - name: order_transactions
                    type: Root
                    connection: orders
                    count: ordersCount
                    fields: id updatedAt
                    children:
                      - { name: tx, type: OrderTransaction, list: transactions, fields: id, table: orders, parentColumn: order_id }
                """, "table 'orders' is written by two resources");
    }

    @Test
    void unknownKey() {
        assertThatThrownBy(() -> parse("resources:\n" + ORDERS_OK + "    tabel: orders_x\n"))
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("resource 'orders': unknown key 'tabel' (allowed: ");
    }

    @Test
    void unknownChildKey() {
        assertThatThrownBy(() -> parse("resources:\n" + ORDERS_OK + """
                    children:
                      - { name: items, type: LineItem, connection: lineItems, fields: id, table: items, parentColumn: order_id, sortKey: ID }
                """)).isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("child 'items' of resource 'orders': unknown key 'sortKey' (allowed: ");
    }

    @Test
    void badColumnTypeNamesTheTypeAndWhereItIs() {
        // CatalogException: "the message names the entry and the field"
        assertThatThrownBy(() -> parse("resources:\n" + ORDERS_OK + """
                    columns:
                      total: { path: totalPriceSet.shopMoney.amount, type: money }
                """)).isInstanceOf(CatalogException.class)
                .hasMessageContaining("unknown column type 'money'")
                .hasMessageContaining("orders")
                .hasMessageContaining("total");
    }

    @Test
    void columnWithoutPath() {
        rejects("resources:\n" + ORDERS_OK + """
                    columns:
                      total: { type: decimal }
                """, "resource 'orders': column 'total' needs a path or {path, type}");
    }

    @Test
    void columnNameThatIsNotAnIdentifier() {
        rejects("resources:\n" + ORDERS_OK + """
                    columns:
                      totalPrice: totalPriceSet.shopMoney.amount
                """, "resource 'orders': column name 'totalPrice' is not a lower-case identifier");
    }

    @Test
    void childWithBothConnectionAndList() {
        rejects("resources:\n" + ORDERS_OK + """
                    children:
                      - { name: items, type: LineItem, connection: lineItems, list: lineItems, fields: id, table: items, parentColumn: order_id }
                """, "child 'items' of resource 'orders': give exactly one of connection or list");
    }

    @Test
    void childWithNeitherConnectionNorList() {
        rejects("resources:\n" + ORDERS_OK + """
                    children:
                      - { name: items, type: LineItem, fields: id, table: items, parentColumn: order_id }
                """, "child 'items' of resource 'orders': give exactly one of connection or list");
    }

    @Test
    void childWithoutParentColumn() {
        rejects("resources:\n" + ORDERS_OK + """
                    children:
                      - { name: items, type: LineItem, connection: lineItems, fields: id, table: items }
                """, "child 'items' of resource 'orders' needs 'parentColumn'");
    }

    @Test
    void deletionsByEventsWithoutEventSubject() {
        rejects("resources:\n" + ORDERS_OK + "    deletions: events\n",
                "resource 'orders': deletions by events needs eventSubject (e.g. PRODUCT)");
    }

    @Test
    void unknownDeletionsMode() {
        rejects("resources:\n" + ORDERS_OK + "    deletions: webhooks\n",
                "resource 'orders': deletions must be events or reconcile");
    }

    @Test
    void entryWritingNothing() {
        rejects("""
                resources:
                  - name: orders
                    type: Root
                    connection: orders
                    count: ordersCount
                    fields: id updatedAt
                """, "resource 'orders' writes nothing: give it a table or children");
    }

    @Test
    void eachShippedResourceNamesItsScopeAndOrdersTheirHistoryLimit() {
        Catalog c = Catalog.load();
        assertThat(c.requiredScopes()).containsExactly("read_customers", "read_orders", "read_products");
        assertThat(c.historyScopes()).containsExactly("read_all_orders");
        assertThat(c.resource("orders").historyLimit()).isEqualTo(new Resource.HistoryLimit("read_all_orders", 60, "created_at"));
        assertThat(c.resource("products").historyLimit()).isNull();
        assertThat(c.resources()).allSatisfy(r -> assertThat(r.scope()).startsWith("read_"));
    }

    @Test
    void aBadScopeOrHistoryLimitIsRefused() {
        rejects("resources:\n" + ORDERS_OK + "    scope: orders\n",
                "resource 'orders': scope 'orders' is not an access scope handle such as read_orders");
        rejects("resources:\n" + ORDERS_OK + "    history: { scope: read_all_orders, days: 0, createdColumn: created_at }\n",
                "resource 'orders' history: days must be a positive number");
        rejects("resources:\n" + ORDERS_OK + "    history: { scope: read_all_orders, days: 60, createdColumn: created_at }\n",
                "resource 'orders' history: createdColumn 'created_at' must be one of its timestamp columns");
        rejects("resources:\n" + ORDERS_OK + "    history: { scope: read_all_orders, days: 60, column: created_at }\n",
                "resource 'orders' history: unknown key 'column' (allowed: " + java.util.Set.of("scope", "days", "createdColumn") + ")");
    }
}
