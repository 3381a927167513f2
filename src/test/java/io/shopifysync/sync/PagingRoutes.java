package io.shopifysync.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.MasterKey;
import io.shopifysync.accounts.TokenCipher;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.cluster.Partitions;
import io.shopifysync.cluster.WorkLocks;
import io.shopifysync.db.Database;
import io.shopifysync.db.Dialect;
import io.shopifysync.db.Jdbc;
import io.shopifysync.shopify.ShopifyGraphql;
import io.shopifysync.shopify.Throttles;
import io.shopifysync.shopify.TokenRefresher;
import io.shopifysync.testing.TestDatabase;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.function.BiFunction;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The import and poll routes of {@code routes/} (the YAML as users edit it) on a real database, with Shopify replaced:
 * a test answers each GraphQL call (query, variables → {@code data}), and AdviceWith swaps each Quartz tick for a
 * {@code direct:} endpoint the test fires. Only the templates of the resources the test names are instantiated.
 */
final class PagingRoutes implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private final TestDatabase tdb;
    final Database db;
    final DefaultCamelContext camel;
    final Accounts accounts;
    final SyncStateStore state;
    private final HikariDataSource lockPool;
    private final ExecutorService pool;
    /** rows_upserted_total as the metrics saw it: table → rows, counted once their transaction committed. */
    final Map<String, Integer> upserted;

    /** Answers one GraphQL call: the shop's domain and the request body → the answer's {@code data}. */
    interface Shopify extends BiFunction<String, JsonNode, JsonNode> {
    }

    PagingRoutes(Dialect dialect, Map<String, String> properties, Shopify shopify, String... resources) throws Exception {
        tdb = TestDatabase.create(dialect);
        db = tdb.open();
        camel = new DefaultCamelContext();
        Properties p = new Properties();
        p.put("import.interval.ms", "3600000");
        p.put("poll.interval.ms", "3600000");
        p.put("poll.budget.seconds", "50");
        p.put("db.dialect", dialect.name().toLowerCase(Locale.ROOT));
        p.putAll(properties);
        camel.getPropertiesComponent().setInitialProperties(p);
        Clock clock = Clock.systemUTC();
        Catalog catalog = Catalog.load();
        Jdbc jdbc = new Jdbc(db);
        accounts = new Accounts(db, new TokenCipher(MasterKey.fromBase64(Base64.getEncoder().encodeToString(new byte[32]))));
        state = new SyncStateStore(jdbc, clock);
        Throttles throttles = new Throttles();
        ShopifyGraphql graphql = new ShopifyGraphql(camel.createProducerTemplate(), throttles, "2026-10",
                new TokenRefresher(accounts, null, null, Duration.ofMinutes(5), clock));
        DeadLetters deadLetters = new DeadLetters(jdbc, clock);
        ShopHealth health = new ShopHealth(jdbc, deadLetters, clock, Duration.ofMinutes(5));
        upserted = new java.util.concurrent.ConcurrentHashMap<>();
        Upserts upserts = new Upserts(catalog, db.dialect(), new SyncEvents() {
            @Override
            public void rowsUpserted(String shop, String table, int rows) {
                upserted.merge(table, rows, Integer::sum);
            }
        });
        ResourceWriter writer = new ResourceWriter(jdbc, upserts, state);
        Pager pager = new Pager(graphql);
        PageReads pages = new PageReads(catalog, accounts, state, pager, throttles);
        Duration overlap = Duration.ofSeconds(Long.parseLong(p.getProperty("sync.overlap.seconds", "120")));
        BulkImporter importer = new BulkImporter(catalog, accounts, state, graphql, new BulkIngest(writer, deadLetters, 1000),
                writer, pager, throttles, health, overlap, Boolean.parseBoolean(p.getProperty("import.paged-only", "true")), null);
        Poller poller = new Poller(catalog, accounts, state, graphql, pages, writer, health, new Poller.Settings(overlap,
                Long.parseLong(p.getProperty("poll.catch-up.threshold", "0")), Duration.ofHours(6), Duration.ofSeconds(50)));
        lockPool = db.openSidePool("test-locks", 8, 2_000);
        pool = camel.getExecutorServiceManager().newFixedThreadPool(this, "paging", 4);
        DataSourceTransactionManager transactions = new DataSourceTransactionManager(db.dataSource());
        var registry = camel.getRegistry();
        registry.bind("dataSource", db.dataSource());
        registry.bind("transactionManager", transactions);
        registry.bind("PROPAGATION_REQUIRED", new SpringTransactionPolicy(new TransactionTemplate(transactions)));
        registry.bind("importer", importer);
        registry.bind("poller", poller);
        registry.bind("pages", pages);
        registry.bind("pageWrites", new PageWrites(catalog, upserts, db.sql(), state));
        registry.bind("partitions", new Partitions(1));
        registry.bind("workLocks", new WorkLocks(lockPool, db.sql()));
        registry.bind("importQueue", MemoryIdempotentRepository.memoryIdempotentRepository(100));
        registry.bind("pollQueue", MemoryIdempotentRepository.memoryIdempotentRepository(100));
        registry.bind("pollAgain", MemoryIdempotentRepository.memoryIdempotentRepository(100));
        registry.bind("importPool", pool);
        registry.bind("syncPool", pool);
        for (String file : new String[] {"import.yaml", "poll.yaml", "writes.yaml", "dead-letter.yaml"}) {
            PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveResource(camel, "file:routes/" + file));
        }
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // Shopify: the shopify-graphql route answers what the test says, with the cost block a real answer has
                from("direct:shopify-graphql").routeId("shopify-graphql").process(e -> answer(e, shopify));
                from("direct:shopify-bulk-download").routeId("shopify-bulk-download")
                        .throwException(new IllegalStateException("no bulk downloads in these tests"));
            }
        });
        for (String resource : resources) {
            for (String template : new String[] {"import-tick", "import-resource", "poll-tick", "poll-resource"}) {
                TemplatedRouteBuilder.builder(camel, template)
                        .routeId(template.replace("-resource", "").replace("-tick", "") + "-" + resource
                                + (template.endsWith("-tick") ? "-tick" : ""))
                        .parameter("resource", resource).parameter("partition", "0").parameter("job", resource).add();
            }
            // the test fires the ticks (direct:import-tick-<resource>, direct:poll-tick-<resource>), unless it asks for Quartz
            for (String kind : Boolean.parseBoolean(p.getProperty("test.quartz")) ? new String[0] : new String[] {"import", "poll"}) {
                AdviceWith.adviceWith(camel, kind + "-" + resource + "-tick",
                        a -> a.replaceFromWith("direct:" + kind + "-tick-" + resource));
            }
        }
        camel.start();
    }

    /** Answers a call of ShopifyGraphql (a JSON request) as Shopify would, or a GraphqlRequest with its data. */
    private static void answer(Exchange e, Shopify shopify) throws Exception {
        String url = e.getProperty("shopifyUrl", String.class);
        String shop = url == null ? e.getProperty("shop", String.class) : java.net.URI.create(url).getHost();
        Object body = e.getMessage().getBody();
        JsonNode request = body instanceof String s ? JSON.readTree(s) : JSON.valueToTree(body);
        JsonNode data = shopify.apply(shop, request);
        // Shopify counts 8 points per root here, more than our estimate: the next page is sized from this count
        int requested = request.path("variables").path("first").asInt(1) * 8 + 2;
        e.setProperty("shopifyRequestedCost", requested);
        if (body instanceof String) {
            ObjectNode response = JSON.createObjectNode();
            response.set("data", data);
            ObjectNode cost = response.putObject("extensions").putObject("cost");
            cost.put("requestedQueryCost", requested).put("actualQueryCost", requested);
            cost.putObject("throttleStatus").put("maximumAvailable", 2000).put("currentlyAvailable", 2000).put("restoreRate", 100);
            e.getMessage().setBody(response);
        } else {
            e.getMessage().setBody(data);
        }
    }

    void register(String shop) {
        accounts.add(shop, "token", "http://" + shop, true);
    }

    void tickImport(String resource) {
        camel.createProducerTemplate().sendBody("direct:import-tick-" + resource, null);
    }

    /** No exchange is in flight: every tick's step has ended. */
    boolean idle() {
        return camel.getInflightRepository().size() == 0;
    }

    void tickPoll(String resource) {
        camel.createProducerTemplate().sendBody("direct:poll-tick-" + resource, null);
    }

    long count(String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    String text(String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    void execute(String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public void close() throws Exception {
        camel.stop();
        lockPool.close();
        db.close();
        tdb.close();
    }
}
