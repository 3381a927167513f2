package io.shopifysync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shopifysync.db.Dialect;
import io.shopifysync.shopify.ShopifyApiException;
import io.shopifysync.testing.BothDatabases;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The import and poll routes' page loops (routes/import.yaml, routes/poll.yaml) against a fake Shopify that serves
 * customers ten per page: a YAML editor changes a route and runs this class in seconds.
 */
class PagingRoutesTest {

    private static final String SHOP = "fast.myshopify.com";
    private static final String SLOW = "slow.myshopify.com";
    private static final int CUSTOMERS = 25;
    private static final int PER_PAGE = 10;

    /** One page call as the fake Shopify saw it. */
    private record Call(String shop, int first, String after) {
    }

    /** A store of {@link #CUSTOMERS} customers, ids 1.., read at most {@link #PER_PAGE} at a time; records every page call. */
    private static final class FakeShopify implements PagingRoutes.Shopify {
        final List<Call> calls = new CopyOnWriteArrayList<>();
        final AtomicBoolean failSecondPage = new AtomicBoolean();
        final AtomicBoolean tokenRevoked = new AtomicBoolean();
        final CountDownLatch slowShopAnswers = new CountDownLatch(1);

        final List<String> queries = new CopyOnWriteArrayList<>();

        @Override
        public JsonNode apply(String shop, JsonNode request) {
            String query = request.path("query").asText();
            queries.add(request.toString()); // the query and its variables
            if (query.contains("customersCount")) { // the poll's count of a new window: nothing to catch up by bulk
                ObjectNode data = PagingRoutes.JSON.createObjectNode();
                data.putObject("customersCount").put("count", 0).put("precision", "EXACT");
                return data;
            }
            if (query.contains("bulkOperationRunQuery")) { // the poll's id reconciliation: not in these tests
                return PagingRoutes.JSON.createObjectNode().set("bulkOperationRunQuery", PagingRoutes.JSON.createObjectNode()
                        .set("userErrors", PagingRoutes.JSON.createArrayNode().add(PagingRoutes.JSON.createObjectNode()
                                .put("message", "no bulk operations in this test"))));
            }
            if (tokenRevoked.get()) {
                throw new ShopifyApiException(ShopifyApiException.Kind.AUTH_FAILED, 401, "HTTP 401 from the shop's API");
            }
            JsonNode vars = request.path("variables");
            String after = vars.path("after").isNull() || vars.path("after").isMissingNode() ? null : vars.path("after").asText();
            calls.add(new Call(shop, vars.path("first").asInt(), after));
            if (SLOW.equals(shop)) {
                try {
                    slowShopAnswers.await(30, TimeUnit.SECONDS); // a shop whose API hangs
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (failSecondPage.get() && after != null) {
                throw new IllegalStateException("connection reset");
            }
            int from = after == null ? 1 : Integer.parseInt(after) + 1;
            int to = Math.min(CUSTOMERS, from + Math.min(PER_PAGE, vars.path("first").asInt()) - 1);
            ObjectNode data = PagingRoutes.JSON.createObjectNode();
            ObjectNode conn = data.putObject("customers");
            ArrayNode edges = conn.putArray("edges");
            for (int id = from; id <= to; id++) {
                edges.addObject().putObject("node").put("id", "gid://shopify/Customer/" + id)
                        .put("updatedAt", "2026-01-01T00:00:" + String.format("%02d", id % 60) + "Z")
                        .put("createdAt", "2026-01-01T00:00:00Z").put("firstName", "c" + id);
            }
            conn.putObject("pageInfo").put("hasNextPage", to < CUSTOMERS).put("endCursor", Integer.toString(to));
            return data;
        }

        long pages(String shop) {
            return calls.stream().filter(c -> c.shop().equals(shop)).count();
        }
    }

    private static String phase(PagingRoutes routes, String shop) throws Exception {
        return routes.text("SELECT phase FROM shopify.sync_state WHERE resource = 'customers' AND shop_domain = '" + shop + "'");
    }

    @BothDatabases
    void theImportReadsPageAfterPageUntilTheDataEndsThenTurnsIncremental(Dialect dialect) throws Exception {
        FakeShopify shopify = new FakeShopify();
        try (PagingRoutes routes = new PagingRoutes(dialect, Map.of(), shopify, "customers")) {
            routes.register(SHOP);
            routes.tickImport("customers");

            await().atMost(Duration.ofSeconds(20)).until(() -> "INCREMENTAL".equals(phase(routes, SHOP)));
            assertThat(routes.count("SELECT COUNT(*) FROM shopify.customers")).isEqualTo(CUSTOMERS);
            assertThat(shopify.calls).extracting(Call::after).containsExactly(null, "10", "20");
            assertThat(shopify.calls).extracting(Call::first).as("sized by the estimate, then by Shopify's count of 8 per root")
                    .containsExactly(250, 124, 124);
        }
    }

    @BothDatabases
    void theMarkIsWhereTheImportStartedAndAPollCountsFromItButReadsFromItMinusTheOverlap(Dialect dialect) throws Exception {
        FakeShopify shopify = new FakeShopify();
        try (PagingRoutes routes = new PagingRoutes(dialect, Map.of("poll.catch-up.threshold", "5", "sync.overlap.seconds", "120"),
                shopify, "customers")) {
            routes.register(SHOP);
            java.time.OffsetDateTime beforeImport = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minusSeconds(1);
            routes.tickImport("customers");
            await().atMost(Duration.ofSeconds(20)).until(() -> "INCREMENTAL".equals(phase(routes, SHOP)));
            java.time.OffsetDateTime mark = routes.state.pollState(SHOP, "customers").orElseThrow().highWaterMark();
            assertThat(mark).as("the mark is the import's start, not the start minus the overlap").isAfterOrEqualTo(beforeImport);

            // a bulk catch-up that started at 10:15:59.779: its objects must not be counted again as a new catch-up
            routes.execute("UPDATE shopify.sync_state SET high_water_mark = TIMESTAMP WITH TIME ZONE '2026-12-06 10:15:59.779+00:00'");
            shopify.queries.clear();
            routes.tickPoll("customers");
            await().atMost(Duration.ofSeconds(20)).until(() -> shopify.queries.stream().anyMatch(q -> q.contains("customers(")));
            assertThat(shopify.queries.stream().filter(q -> q.contains("customersCount")))
                    .singleElement().asString().contains("updated_at:>='2026-12-06T10:16:00Z'");
            assertThat(shopify.queries.stream().filter(q -> q.contains("customers(")).findFirst().orElseThrow())
                    .as("the page window re-reads the overlap").contains("updated_at:>='2026-12-06T10:13:59Z'");
            // the poll goes on paging after its first page: the next case changes the state only once it has ended
            await().atMost(Duration.ofSeconds(20)).until(routes::idle);

            // a bulk operation's createdAt has whole seconds: objects of that second were in it, so counting starts after it
            routes.execute("UPDATE shopify.sync_state SET high_water_mark = TIMESTAMP WITH TIME ZONE '2026-12-06 10:20:40+00:00',"
                    + " poll_cursor = NULL, poll_window_from = NULL");
            shopify.queries.clear();
            routes.tickPoll("customers");
            await().atMost(Duration.ofSeconds(20)).until(() -> shopify.queries.stream().anyMatch(q -> q.contains("customers(")));
            assertThat(shopify.queries.stream().filter(q -> q.contains("customersCount")))
                    .singleElement().asString().contains("updated_at:>='2026-12-06T10:20:41Z'");
        }
    }

    @BothDatabases
    void aPageThatFailsLeavesThePagesBeforeItStoredWithTheirCursor(Dialect dialect) throws Exception {
        FakeShopify shopify = new FakeShopify();
        shopify.failSecondPage.set(true);
        try (PagingRoutes routes = new PagingRoutes(dialect, Map.of(), shopify, "customers")) {
            routes.register(SHOP);
            routes.tickImport("customers");
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    routes.text("SELECT last_error FROM shopify.sync_state WHERE resource = 'customers'") != null);
            assertThat(routes.count("SELECT COUNT(*) FROM shopify.customers")).as("the first page's rows").isEqualTo(PER_PAGE);
            assertThat(routes.text("SELECT page_cursor FROM shopify.sync_state WHERE resource = 'customers'")).isEqualTo("10");
            assertThat(phase(routes, SHOP)).isEqualTo("BACKFILL");

            shopify.failSecondPage.set(false);
            shopify.calls.clear();
            routes.execute("UPDATE shopify.sync_state SET next_attempt_at = NULL"); // the backoff is over
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                routes.tickImport("customers");
                return "INCREMENTAL".equals(phase(routes, SHOP));
            });
            assertThat(shopify.calls.get(0).after()).as("the next tick goes on after the last page stored").isEqualTo("10");
            assertThat(routes.count("SELECT COUNT(*) FROM shopify.customers")).isEqualTo(CUSTOMERS);
        }
    }

    @BothDatabases
    void aPollReadsUntilTheBudgetIsSpentAndTheNextPollGoesOnFromItsCursor(Dialect dialect) throws Exception {
        FakeShopify shopify = new FakeShopify();
        // a budget of 0 s: one page per poll
        try (PagingRoutes routes = new PagingRoutes(dialect, Map.of("poll.budget.seconds", "0"), shopify, "customers")) {
            routes.register(SHOP);
            routes.state.ensureRows("customers");
            routes.execute("UPDATE shopify.sync_state SET phase = 'INCREMENTAL'");
            routes.tickPoll("customers");
            await().atMost(Duration.ofSeconds(20)).until(() -> shopify.pages(SHOP) == 1
                    && "10".equals(routes.text("SELECT poll_cursor FROM shopify.sync_state WHERE resource = 'customers'")));
            assertThat(routes.count("SELECT COUNT(*) FROM shopify.customers")).isEqualTo(PER_PAGE);
            assertThat(routes.text("SELECT high_water_mark FROM shopify.sync_state WHERE resource = 'customers'"))
                    .as("the mark moved with the page").isNotNull();

            await().atMost(Duration.ofSeconds(20)).until(() -> {
                routes.tickPoll("customers");
                return routes.count("SELECT COUNT(*) FROM shopify.sync_state WHERE poll_cursor IS NULL AND poll_window_from IS NULL") == 1
                        && routes.count("SELECT COUNT(*) FROM shopify.customers") == CUSTOMERS;
            });
            assertThat(shopify.calls).extracting(Call::after).startsWith(null, "10", "20");
        }
    }

    @BothDatabases
    void aPermanentFailureGoesThroughTheDeadLetterRoute(Dialect dialect) throws Exception {
        FakeShopify shopify = new FakeShopify();
        shopify.tokenRevoked.set(true);
        try (PagingRoutes routes = new PagingRoutes(dialect, Map.of(), shopify, "customers")) {
            routes.register(SHOP);
            routes.tickImport("customers");
            await().atMost(Duration.ofSeconds(20)).until(() -> routes.count("SELECT COUNT(*) FROM shopify.dead_letters") == 1);
            assertThat(routes.text("SELECT source || ' ' || resource FROM shopify.dead_letters")).isEqualTo("import-customers customers");
            assertThat(routes.text("SELECT status FROM shopify.shops")).isEqualTo("AUTH_FAILED");
        }
    }

    /**
     * Quartz fires the import tick every 100 ms (a stateful job, as in production). The slow shop's API hangs; the
     * other shop needs three ticks (one page per tick) and must not wait for it.
     */
    @BothDatabases
    void oneSlowShopDelaysNoOtherShop(Dialect dialect) throws Exception {
        FakeShopify shopify = new FakeShopify();
        try (PagingRoutes routes = new PagingRoutes(dialect, Map.of("poll.budget.seconds", "0", "import.interval.ms", "100",
                "test.quartz", "true"), shopify, "customers")) {
            try {
                routes.register(SLOW);
                routes.register(SHOP);
                await().atMost(Duration.ofSeconds(15)).until(() -> "INCREMENTAL".equals(phase(routes, SHOP)));
                assertThat(shopify.pages(SLOW)).as("the slow shop is still on its first page").isEqualTo(1);
            } finally {
                shopify.slowShopAnswers.countDown();
            }
        }
    }

    /**
     * The poll's destroy-event loop (products log their deletions as events): the events are read page after page from
     * the last check, every destroyed product is tombstoned and the check is recorded; a product without an event stays.
     */
    @BothDatabases
    void aPollPagesTheDestroyEventsAndTombstonesWhatTheyDestroyed(Dialect dialect) throws Exception {
        List<String> eventCursors = new CopyOnWriteArrayList<>();
        List<String> eventQueries = new CopyOnWriteArrayList<>();
        PagingRoutes.Shopify shopify = (shop, request) -> {
            String query = request.path("query").asText();
            ObjectNode data = PagingRoutes.JSON.createObjectNode();
            if (query.contains("events(")) {
                JsonNode vars = request.path("variables");
                String after = vars.path("after").isNull() || vars.path("after").isMissingNode() ? null : vars.path("after").asText();
                eventCursors.add(String.valueOf(after));
                eventQueries.add(vars.path("query").asText());
                ObjectNode conn = data.putObject("events");
                ArrayNode edges = conn.putArray("edges");
                // three pages: two destroys, an update and a destroy, then one destroy
                long[][] pages = {{1, 2}, {-3, 3}, {4}};
                int page = after == null ? 0 : Integer.parseInt(after);
                for (long id : pages[page]) {
                    edges.addObject().putObject("node").put("id", "gid://shopify/BasicEvent/" + (100 + Math.abs(id)))
                            .put("action", id < 0 ? "update" : "destroy").put("createdAt", "2026-01-0" + (page + 2) + "T00:00:00Z")
                            .put("subjectId", "gid://shopify/Product/" + Math.abs(id)).put("subjectType", "PRODUCT");
                }
                conn.putObject("pageInfo").put("hasNextPage", page < 2).put("endCursor", Integer.toString(page + 1));
                return data;
            }
            ObjectNode conn = data.putObject("products"); // nothing changed since the mark
            conn.putArray("edges");
            conn.putObject("pageInfo").put("hasNextPage", false).putNull("endCursor");
            return data;
        };
        try (PagingRoutes routes = new PagingRoutes(dialect, Map.of(), shopify, "products")) {
            routes.register(SHOP);
            routes.state.ensureRows("products");
            routes.execute("UPDATE shopify.sync_state SET phase = 'INCREMENTAL', high_water_mark = TIMESTAMP WITH TIME ZONE "
                    + "'2026-01-01 00:00:00+00'");
            for (int id = 1; id <= 5; id++) {
                routes.execute("INSERT INTO shopify.products (shop_domain, id, title, updated_at, synced_at, data) VALUES ('"
                        + SHOP + "', " + id + ", 'p" + id + "', TIMESTAMP WITH TIME ZONE '2025-12-01 00:00:00+00', "
                        + "TIMESTAMP WITH TIME ZONE '2025-12-01 00:00:00+00', " + (dialect == Dialect.H2 ? "'{}' FORMAT JSON" : "'{}'") + ")");
            }
            routes.tickPoll("products");
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    routes.count("SELECT COUNT(*) FROM shopify.sync_state WHERE deletions_checked_at IS NOT NULL") == 1);
            assertThat(eventCursors).as("every page of events, each after the one before").containsExactly("null", "1", "2");
            assertThat(eventQueries.get(0)).as("destroys since the mark, less the overlap")
                    .isEqualTo("subject_type:PRODUCT action:destroy created_at:>='2025-12-31T23:58:00Z'");
            assertThat(routes.text("SELECT COUNT(*) || ' ' || MAX(id) FROM shopify.products WHERE deleted_at IS NULL"))
                    .as("products 1 to 4 were destroyed; 5 stays").isEqualTo("1 5");
            assertThat(routes.count("SELECT COUNT(*) FROM shopify.products WHERE deleted_at = TIMESTAMP WITH TIME ZONE "
                    + "'2026-01-04 00:00:00+00'")).as("at the latest destroy").isEqualTo(4);
        }
    }
}
