package io.shopifysync.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import graphql.ExecutionResult;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.catalog.Resource;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fast bulk path ({@link BulkProjection} and {@link JsonlLines}) against graphql-java and the old line writer: for
 * every bulk query the app sends and a set of hand-written variants, over stores of several shapes, every window's data
 * map equals graphql-java's (keys, order, value classes) and the whole file equals, byte for byte, the file the emulator
 * wrote before ({@link ReferenceJsonl}). The counters show the fast path ran, and the fallback cases show graphql-java
 * ran and answered as before.
 */
class BulkProjectionTest {

    /**
     * Seed 31 with 40 orders and 10 products has the 300-line-item order and the 2048-variant product; 700 orders and
     * 600 customers take three windows; a store without customers has orders without a customer.
     */
    private static final List<ShopifyEmulator> STORES = new ArrayList<>();
    private static ShopifyEmulator restricted;

    @BeforeAll
    static void start() {
        STORES.add(ShopifyEmulator.builder().port(0).shops(1).seed(31).orders(40).products(10).customers(20).plan("plus").timeScale(0).start());
        STORES.add(ShopifyEmulator.builder().port(0).shops(1).seed(5).orders(700).products(30).customers(600).plan("plus").timeScale(0).start());
        STORES.add(ShopifyEmulator.builder().port(0).shops(1).seed(77).orders(12).products(3).customers(0).plan("plus").timeScale(0).start());
        restricted = ShopifyEmulator.builder().port(0).shops(1).seed(9).orders(30).products(5).customers(30).plan("plus").timeScale(0).start();
    }

    @AfterAll
    static void stop() {
        STORES.forEach(ShopifyEmulator::close);
        STORES.clear();
        restricted.close();
    }

    @AfterEach
    void grantEverything() {
        ShopState shop = shop(restricted);
        shop.accessScopes = ShopState.DEFAULT_SCOPES;
        shop.access.protectedCustomerData(2, Set.of(AppAccess.Field.values()));
    }

    private static ShopState shop(ShopifyEmulator emu) {
        return emu.states().iterator().next();
    }

    /** Every bulk query the app sends for a store: each resource whole, from an id on and changed since a time, and its ids. */
    private static List<String> appQueries(ShopState shop) {
        List<String> out = new ArrayList<>();
        for (Resource r : Catalog.load().resources()) {
            ResourceKind kind = kindOf(r.type());
            int n = shop.store(kind).liveCount();
            out.add(r.bulkQuery(null));
            out.add(r.bulkQuery("id:>=" + shop.gen.ids(kind).id(n / 2)));
            out.add(r.bulkQuery("updated_at:>='2025-06-01T00:00:00Z'"));
            out.add(r.idsQuery());
        }
        return out;
    }

    private static ResourceKind kindOf(String type) {
        for (ResourceKind k : ResourceKind.values()) {
            if (k.typeName.equals(type)) {
                return k;
            }
        }
        throw new IllegalArgumentException(type);
    }

    /** Other shapes the fast path takes: aliases, nodes, paging arguments, fragments, filters, enums, custom fetchers. */
    static final List<String> VARIANTS = List.of(
            "{ orders { edges { node { orderId: id n: name total: totalPriceSet { shop: shopMoney { amount currencyCode } } "
                    + "items: lineItems { edges { item: node { id q: quantity sku } } } } } } }",
            "{ products { nodes { id title status tags variants { nodes { id sku price inventoryQuantity selectedOptions { name value } } } } } }",
            "{ orders { edges { node { id lineItems(first: 2) { edges { node { id } } } transactions(first: 1) { id kind status amountSet { shopMoney { amount } } } } } } }",
            "query { customers { edges { node { ...C } } } } fragment C on Customer { id email displayName defaultAddress { address1 city zip } "
                    + "addresses(first: 5) { city country } lifetimeDuration numberOfOrders amountSpent { amount } state }",
            "{ products { edges { node { id ... { title handle } ... on Product { id vendor onlineStoreUrl onlineStorePreviewUrl "
                    + "variantsCount { count precision } } } } } }",
            "{ products(query: \"status:active\") { edges { node { id status } } } }",
            "{ customers(query: \"state:enabled OR tag:vip\") { edges { node { id state tags } } } }",
            "{ orders(query: \"nosuchfield:1 financial_status:paid\") { edges { node { id displayFinancialStatus } } } }",
            "{ orders(sortKey: CREATED_AT, reverse: true) { edges { cursor node { id createdAt test tags customer { id displayName } } } } }",
            "{ orders { edges { node { id email phone displayFulfillmentStatus lineItems { edges { node { id variant { id title product { id title } } product { id handle } } } } } } } }",
            "{ products { edges { node { id variants(first: 1) { edges { node { id product { id } } } } } } } }");

    @Test
    void theStoresHaveTheShapesTheComparisonsNeed() {
        int maxVariants = 0, maxLineItems = 0, maxTransactions = 0, withAddress = 0, withoutAddress = 0, withoutCustomer = 0;
        for (ShopifyEmulator emu : STORES) {
            ShopState shop = shop(emu);
            for (int i = 0; i < shop.store(ResourceKind.PRODUCT).liveCount(); i++) {
                maxVariants = Math.max(maxVariants, (Integer) shop.load(ResourceKind.PRODUCT, i).get("_variantCount"));
            }
            for (int i = 0; i < shop.store(ResourceKind.ORDER).liveCount(); i++) {
                Map<String, Object> order = shop.load(ResourceKind.ORDER, i);
                maxLineItems = Math.max(maxLineItems, (Integer) order.get("_lineItemCount"));
                maxTransactions = Math.max(maxTransactions, ((List<?>) order.get("transactions")).size());
                withoutCustomer += order.get("_customer") == null ? 1 : 0;
            }
            for (int i = 0; i < shop.store(ResourceKind.CUSTOMER).liveCount(); i++) {
                boolean address = shop.load(ResourceKind.CUSTOMER, i).get("defaultAddress") != null;
                withAddress += address ? 1 : 0;
                withoutAddress += address ? 0 : 1;
            }
        }
        assertThat(maxVariants).isEqualTo(2048);
        assertThat(maxLineItems).isEqualTo(300);
        assertThat(maxTransactions).isGreaterThan(1);
        assertThat(withAddress).isPositive();
        assertThat(withoutAddress).isPositive();
        assertThat(withoutCustomer).isPositive();
    }

    @Test
    void everyWindowOfEveryQueryIsGraphqlJavasDataMap() {
        for (ShopifyEmulator emu : STORES) {
            ShopState shop = shop(emu);
            List<String> queries = new ArrayList<>(appQueries(shop));
            queries.addAll(VARIANTS);
            for (String query : queries) {
                PreparsedDocumentEntry entry = emu.engine().document(query);
                assertThat(entry.hasErrors()).as(query + ": " + entry.getErrors()).isFalse();
                BulkProjection projection = BulkProjection.compile(emu.engine().schema, entry);
                assertThat(projection).as("the fast path takes " + query).isNotNull();
                String after = null;
                int window = 0;
                while (true) {
                    GraphQlEngine.Req fast = request(shop, after);
                    Map<String, Object> data = projection.execute(fast);
                    GraphQlEngine.Req slow = request(shop, after);
                    ExecutionResult res = emu.engine().executeInternal(slow, query);
                    String where = query + " window " + window + " of seed " + shop.gen.seed;
                    assertThat(res.getErrors()).as(where).isEmpty();
                    assertThat(data).as("the fast path ran " + where).isNotNull();
                    assertSameTree(data, res.getData(), where + " data");
                    assertThat(fast.bulkEndCursor).as(where).isEqualTo(slow.bulkEndCursor);
                    assertThat(fast.bulkHasNext).as(where).isEqualTo(slow.bulkHasNext);
                    assertThat(fast.searchWarnings).as(where).isEqualTo(slow.searchWarnings);
                    if (!slow.bulkHasNext || slow.bulkEndCursor == null) {
                        break;
                    }
                    after = slow.bulkEndCursor;
                    window++;
                }
            }
        }
    }

    @Test
    void everyFileIsByteForByteTheOldOneAndTheFastPathWroteIt() {
        for (ShopifyEmulator emu : STORES) {
            ShopState shop = shop(emu);
            List<String> queries = new ArrayList<>(appQueries(shop));
            queries.addAll(VARIANTS);
            for (String query : queries) {
                long slowBefore = emu.bulk().slowWindows.get();
                long fastBefore = emu.bulk().fastWindows.get();
                Map<String, Object> op = runToEnd(emu, shop, query, false);
                assertThat(op.get("status")).as(query).isEqualTo("COMPLETED");
                assertThat(fileOf(op)).as(query).isEqualTo(ReferenceJsonl.render(emu, shop, query, false));
                assertThat(emu.bulk().slowWindows.get()).as("no window of " + query + " went through graphql-java").isEqualTo(slowBefore);
                assertThat(emu.bulk().fastWindows.get()).as("the fast path ran " + query).isGreaterThan(fastBefore);
            }
            // groupObjects: every parent before its children
            String orders = Catalog.load().resource("orders").bulkQuery(null);
            assertThat(fileOf(runToEnd(emu, shop, orders, true))).isEqualTo(ReferenceJsonl.render(emu, shop, orders, true));
        }
    }

    @Test
    void linesAreWhatJacksonAndReplaceWrote() {
        JsonlLines lines = new JsonlLines();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", "gid://shopify/Order/1");
        row.put("a/b", "x/y//z");
        row.put("text", "Zoë \"quoted\" \\ back\tslash\n\u0001\u001f\u007f ☎ 🔥 東京 \ud800 lone");
        row.put("long", "/".repeat(9000) + "é".repeat(9000));
        row.put("int", 42);
        row.put("bigLong", 9_007_199_254_740_993L);
        row.put("double", 0.1 + 0.2);
        row.put("nan", Double.NaN);
        row.put("decimal", new java.math.BigDecimal("1E+3"));
        row.put("bool", true);
        row.put("null", null);
        row.put("nested", Map.of("k/1", List.of(1, "2/3", Map.of())));
        row.put("list", List.of(List.of(), new ArrayList<>(List.of("a", "b"))));
        row.put("intKeys", Map.of(1, "one"));
        row.put("array", new int[] {1, 2});
        row.put("chars", 'c');
        row.put("empty", Map.of());
        assertThat(lines.line(row)).isEqualTo(Json.string(row).replace("/", "\\/"));
        for (Map<String, Object> r : List.<Map<String, Object>>of(Map.of(), Map.of("k", "v"))) {
            assertThat(lines.line(r)).isEqualTo(Json.string(r).replace("/", "\\/"));
        }
    }

    // ------------------------------------------------------------------ fallbacks

    @Test
    void aMissingReadScopeFallsBackAndFailsWithAccessDenied() {
        ShopState shop = shop(restricted);
        shop.accessScopes = Set.of("read_orders", "read_all_orders", "read_products");
        long slowBefore = restricted.bulk().slowWindows.get();
        Map<String, Object> op = runToEnd(restricted, shop, Catalog.load().resource("customers").bulkQuery(null), false);
        assertThat(op.get("status")).isEqualTo("FAILED");
        assertThat(op.get("errorCode")).isEqualTo("ACCESS_DENIED");
        assertThat(op.get("partialDataUrl")).isNull();
        assertThat(restricted.bulk().slowWindows.get()).isEqualTo(slowBefore + 1);
    }

    @Test
    void deniedProtectedCustomerDataFallsBackAndFailsWithAccessDenied() {
        ShopState shop = shop(restricted);
        shop.access.protectedCustomerData(1, Set.of());
        for (String query : List.of(Catalog.load().resource("customers").bulkQuery(null), Catalog.load().resource("orders").bulkQuery(null))) {
            long slowBefore = restricted.bulk().slowWindows.get();
            long fastBefore = restricted.bulk().fastWindows.get();
            Map<String, Object> op = runToEnd(restricted, shop, query, false);
            assertThat(op.get("status")).as(query).isEqualTo("FAILED");
            assertThat(op.get("errorCode")).as(query).isEqualTo("ACCESS_DENIED");
            assertThat(restricted.bulk().slowWindows.get()).as(query).isEqualTo(slowBefore + 1);
            assertThat(restricted.bulk().fastWindows.get()).as(query).isEqualTo(fastBefore);
        }
        // what the app may read still takes the fast path
        long fastBefore = restricted.bulk().fastWindows.get();
        String products = Catalog.load().resource("products").bulkQuery(null);
        assertThat(fileOf(runToEnd(restricted, shop, products, false))).isEqualTo(ReferenceJsonl.render(restricted, shop, products, false));
        assertThat(restricted.bulk().fastWindows.get()).isGreaterThan(fastBefore);
    }

    @Test
    void queriesOutsideThePlainCaseGoThroughGraphqlJavaAndWriteTheSameFile() {
        ShopState shop = shop(restricted);
        for (String query : List.of(
                "{ orders { edges { node { id name @include(if: false) email @skip(if: false) } } } }",
                "{ orders { edges { node { __typename id } } } }",
                "{ customers { edges { node { id ... on Node { id } } } } }",
                "query Q { products { edges { node { id ...P } } } } fragment P on Node { id }")) {
            assertThat(BulkProjection.compile(restricted.engine().schema, restricted.engine().document(query))).as(query).isNull();
            long slowBefore = restricted.bulk().slowWindows.get();
            long fastBefore = restricted.bulk().fastWindows.get();
            Map<String, Object> op = runToEnd(restricted, shop, query, false);
            assertThat(op.get("status")).as(query).isEqualTo("COMPLETED");
            assertThat(fileOf(op)).as(query).isEqualTo(ReferenceJsonl.render(restricted, shop, query, false));
            assertThat(restricted.bulk().fastWindows.get()).as(query).isEqualTo(fastBefore);
            assertThat(restricted.bulk().slowWindows.get()).as(query).isGreaterThan(slowBefore);
        }
        // the skipped field is a null in the row, as the emulator always wrote it
        String first = new String(fileOf(runToEnd(restricted, shop, "{ orders { edges { node { id name @include(if: false) } } } }", false)),
                StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
        assertThat(first).endsWith(",\"name\":null}");
    }

    @Test
    void aWindowWhoseFetcherThrowsIsLeftToGraphqlJava() {
        ShopState shop = shop(restricted);
        String query = Catalog.load().resource("products").bulkQuery(null);
        BulkProjection projection = BulkProjection.compile(restricted.engine().schema, restricted.engine().document(query));
        assertThat(projection).isNotNull();
        assertThat(projection.execute(request(shop, null))).isNotNull();
        shop.accessScopes = Set.of("read_orders", "read_customers");
        assertThat(projection.execute(request(shop, null))).as("the root fetcher's ACCESS_DENIED").isNull();
    }

    // ------------------------------------------------------------------ helpers

    private static GraphQlEngine.Req request(ShopState shop, String after) {
        GraphQlEngine.Req r = new GraphQlEngine.Req(shop, true);
        r.bulkWindow = BulkOperations.WINDOW;
        r.bulkAfter = after;
        return r;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> runToEnd(ShopifyEmulator emu, ShopState shop, String query, boolean groupObjects) {
        Map<String, Object> started = emu.bulk().runQuery(shop, query, groupObjects);
        Map<String, Object> created = (Map<String, Object>) started.get("bulkOperation");
        assertThat(created).as(query + ": " + started).isNotNull();
        String gid = (String) created.get("id");
        Map<String, Object>[] last = new Map[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> {
            last[0] = emu.bulk().get(shop, gid);
            return !Set.of("CREATED", "RUNNING", "CANCELING").contains((String) last[0].get("status"));
        });
        return last[0];
    }

    private static byte[] fileOf(Map<String, Object> op) {
        Object url = op.get("url");
        if (url == null) {
            return new byte[0]; // a completed operation without objects has no file
        }
        GraphqlClient.Resp r = GraphqlClient.send(HttpRequest.newBuilder(URI.create((String) url)).GET().build());
        assertThat(r.status()).isEqualTo(200);
        return r.bytes();
    }

    /** Equal values of the same classes, maps with their keys in the same order, lists element by element. */
    static void assertSameTree(Object fast, Object slow, String where) {
        if (slow instanceof Map<?, ?> sm) {
            assertThat(fast).as(where).isInstanceOf(Map.class);
            assertThat(fast.getClass()).as(where).isEqualTo(slow.getClass());
            Map<?, ?> fm = (Map<?, ?>) fast;
            assertThat(new ArrayList<>(fm.keySet())).as(where + " keys").isEqualTo(new ArrayList<>(sm.keySet()));
            for (Object k : sm.keySet()) {
                assertSameTree(fm.get(k), sm.get(k), where + "." + k);
            }
        } else if (slow instanceof List<?> sl) {
            assertThat(fast).as(where).isInstanceOf(List.class);
            List<?> fl = (List<?>) fast;
            assertThat(fl).as(where).hasSameSizeAs(sl);
            Iterator<?> fi = fl.iterator();
            int i = 0;
            for (Object s : sl) {
                assertSameTree(fi.next(), s, where + "[" + i++ + "]");
            }
        } else if (slow == null) {
            assertThat(fast).as(where).isNull();
        } else {
            assertThat(fast).as(where).isNotNull();
            assertThat(fast.getClass()).as(where).isEqualTo(slow.getClass());
            assertThat(fast).as(where).isEqualTo(slow);
        }
    }
}
