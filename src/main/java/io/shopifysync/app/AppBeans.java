package io.shopifysync.app;

import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.MasterKey;
import io.shopifysync.admin.ShopsAdminApi;
import io.shopifysync.accounts.TokenCipher;
import io.shopifysync.admin.AdminAuth;
import io.shopifysync.admin.AdminErrors;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.cluster.Partitions;
import io.shopifysync.cluster.QuartzCluster;
import io.shopifysync.cluster.WorkLocks;
import com.zaxxer.hikari.HikariDataSource;
import io.shopifysync.config.AppConfig;
import io.shopifysync.db.Database;
import io.shopifysync.db.Jdbc;
import io.shopifysync.lifecycle.ShopData;
import io.shopifysync.observe.Observability;
import io.shopifysync.observe.SyncMetrics;
import io.shopifysync.scopes.AccessScopes;
import io.shopifysync.shopify.ApiVersions;
import io.shopifysync.shopify.ShopifyGraphql;
import io.shopifysync.shopify.ShopifyHttp;
import io.shopifysync.shopify.Throttles;
import io.shopifysync.shopify.TokenRefresher;
import io.shopifysync.status.StatusHistory;
import io.shopifysync.status.StatusPage;
import io.shopifysync.status.StatusReport;
import io.shopifysync.status.StatusSampler;
import io.shopifysync.sync.BulkImporter;
import io.shopifysync.sync.BulkIngest;
import io.shopifysync.sync.DeadLetters;
import io.shopifysync.sync.Pager;
import io.shopifysync.sync.PageReads;
import io.shopifysync.sync.PageWrites;
import io.shopifysync.sync.Poller;
import io.shopifysync.sync.Tombstones;
import io.shopifysync.sync.ResourceWriter;
import io.shopifysync.sync.ShopHealth;
import io.shopifysync.sync.ShopRecheck;
import io.shopifysync.sync.SyncStateStore;
import io.shopifysync.sync.Upserts;
import io.shopifysync.webhooks.InsertOnceIdempotentRepository;
import io.shopifysync.webhooks.WebhookInboxComponent;
import io.shopifysync.webhooks.InboxInstance;
import io.shopifysync.webhooks.ShopifyHeadersOnly;
import io.shopifysync.webhooks.WebhookIntake;
import io.shopifysync.webhooks.WebhookVerifier;
import io.shopifysync.webhooks.WebhookProcessor;
import io.shopifysync.webhooks.SubscriptionHealer;
import io.shopifysync.webhooks.WebhookSignature;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import io.shopifysync.catalog.CatalogRoutes;
import io.shopifysync.observe.ManagementSecurity;
import io.shopifysync.admin.PublicPortGuard;
import org.apache.camel.ExtendedStartupListener;
import io.vertx.core.VertxOptions;
import org.apache.camel.support.service.ServiceSupport;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one configuration of both ways to start: binds the beans that the YAML routes name ({@code ref: ...}), the
 * catalog's templated routes and the guards of both ports. {@code shopify-sync run} adds it to its Camel Main;
 * {@code camel run} (Camel JBang) instantiates it by name ({@code camel.main.configuration-classes}).
 */
public final class AppBeans implements CamelConfiguration {

    private final AppConfig config;

    /** For {@code camel run}: reads the configuration as {@code shopify-sync run} does (file, environment, -D). */
    public AppBeans() {
        this(AppConfig.load());
    }

    public AppBeans(AppConfig config) {
        this.config = config;
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        Database db = Database.open(config);
        context.getCamelContextExtension().addInterceptStrategy(new LogContext());
        Clock clock = Clock.systemUTC();
        Catalog catalog = Catalog.load();
        int importThreads = config.getInt("import.threads");
        int pollThreads = config.getInt("poll.threads");
        ExecutorService importPool = context.getExecutorServiceManager()
                .newFixedThreadPool(this, "import", importThreads);
        ExecutorService syncPool = context.getExecutorServiceManager()
                .newFixedThreadPool(this, "poll", pollThreads);
        QuartzCluster.Settings quartzSettings = new QuartzCluster.Settings(
                config.getBoolean("quartz.clustered"),
                config.getInt("quartz.cluster.checkin.ms"), config.getInt("quartz.threads"),
                config.getInt("quartz.idle.wait.ms"));
        QuartzCluster.configure(context, db, quartzSettings);
        boolean clustered = QuartzCluster.clustered(db, quartzSettings);
        QuartzCluster.stopSchedulerAfterRoutes(context);
        context.addStartupListener(new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) throws Exception {
                QuartzCluster.removeStaleTriggers(started); // every route's trigger is registered by now
            }
        });
        // one held connection per running import or poll step, on a pool of its own (see WorkLocks)
        HikariDataSource lockPool = db.openSidePool("shopify-sync-locks", importThreads + pollThreads + 2, 2_000);
        ExecutorService webhookPool = context.getExecutorServiceManager()
                .newFixedThreadPool(this, "webhook", config.getInt("webhook.process.threads"));
        // camel-sql's JDBC idempotent repository (its add is one INSERT); the group commit writes its keys with the inbox rows
        TransactionTemplate intakeTransaction = new TransactionTemplate(new DataSourceTransactionManager(db.dataSource()));
        InsertOnceIdempotentRepository idempotency = new InsertOnceIdempotentRepository(db.dataSource(), intakeTransaction,
                db.sql(), "webhook-intake");
        context.addService(idempotency); // started with the context: its statements are set in doInit
        // component webhook-inbox: routes/webhooks.yaml's webhook-intake stores through webhook-inbox:store, whose options
        // (writers, maxBatch, queueSize, timeoutMs) size the group commit it runs; Camel finds a component by its scheme here
        context.getRegistry().bind(WebhookInboxComponent.SCHEME, new WebhookInboxComponent(db.dataSource(), db.sql(),
                idempotency, intakeTransaction, clock));
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                context.getExecutorServiceManager().shutdown(importPool);
                context.getExecutorServiceManager().shutdown(syncPool);
                context.getExecutorServiceManager().shutdown(webhookPool);
                lockPool.close();
                db.close();
            }
        });
        Jdbc jdbc = new Jdbc(db);
        Accounts accounts = new Accounts(db, TokenCipher.forConfig(config));
        Throttles throttles = new Throttles();
        TokenRefresher tokens = new TokenRefresher(accounts, config.get("shopify.client.id").orElse(null),
                config.get("shopify.client.secret").orElse(null),
                Duration.ofSeconds(config.getInt("token.refresh.ahead.seconds")), clock);
        ShopifyGraphql graphql = new ShopifyGraphql(context.createProducerTemplate(), throttles,
                config.require("shopify.api.version"), tokens);
        ApiVersions apiVersions = new ApiVersions(config.require("shopify.api.version"), jdbc, clock);
        graphql.setApiVersions(apiVersions);
        SyncStateStore state = new SyncStateStore(jdbc, clock);
        // every letter goes through the dead-letter route (routes/dead-letter.yaml), the one writer of dead_letters
        DeadLetters deadLetters = new DeadLetters(jdbc, clock, context.createProducerTemplate());
        SyncMetrics metrics = Observability.install(context, config, db, throttles, clock);
        apiVersions.setListener(metrics::apiVersionServed);
        Duration recheckEvery = Duration.ofMillis(config.getInt("shop.unavailable.recheck.interval.ms"));
        Upserts upserts = new Upserts(catalog, db.dialect(), metrics,
                config.getBoolean("import.bulk.copy"));
        ResourceWriter writer = new ResourceWriter(jdbc, upserts, state);
        BulkImporter importer = new BulkImporter(catalog, accounts, state, graphql,
                new BulkIngest(writer, deadLetters, config.getInt("import.batch.size")), writer, new Pager(graphql),
                throttles, new ShopHealth(jdbc, deadLetters, clock, recheckEvery),
                Duration.ofSeconds(config.getInt("sync.overlap.seconds")),
                config.getBoolean("import.paged-only"),
                config.get("import.only-shop").orElse(null));
        importer.setEvents(metrics);

        Pager pager = new Pager(graphql);
        PageReads pages = new PageReads(catalog, accounts, state, pager, throttles);
        Poller poller = new Poller(catalog, accounts, state, graphql, pages, writer,
                new ShopHealth(jdbc, deadLetters, clock, recheckEvery),
                new Poller.Settings(Duration.ofSeconds(config.getInt("sync.overlap.seconds")),
                        config.getInt("poll.catch-up.threshold"),
                        Duration.ofMillis(config.getInt("reconcile.interval.ms")),
                        Duration.ofSeconds(config.getInt("poll.budget.seconds"))));

        AccessScopes accessScopes = new AccessScopes(accounts, catalog, (shop, query) -> graphql.execute(shop, query, Map.of()), clock);
        poller.setAccessScopes(accessScopes);

        var registry = context.getRegistry();
        registry.bind("accessScopes", accessScopes);
        registry.bind("dataSource", db.dataSource());
        // routes name dialect-specific SQL files as sql:classpath:sql/<name>.{{db.dialect}}.sql
        context.getPropertiesComponent().addInitialProperty("db.dialect", db.dialect().name().toLowerCase(java.util.Locale.ROOT));
        // a route step marked `transacted` commits its sql: writes together (Spring's transaction manager, camel-spring)
        DataSourceTransactionManager transactions = new DataSourceTransactionManager(db.dataSource());
        registry.bind("transactionManager", transactions);
        registry.bind("PROPAGATION_REQUIRED", new org.apache.camel.spring.spi.SpringTransactionPolicy(
                new TransactionTemplate(transactions)));
        registry.bind("database", db);
        registry.bind("catalog", catalog);
        registry.bind("accounts", accounts);
        ShopsAdminApi shopsAdmin = new ShopsAdminApi(accounts);
        shopsAdmin.setScopeCheck(accessScopes::checkRegistration);
        registry.bind("shopsAdmin", shopsAdmin);
        registry.bind("adminAuth", new AdminAuth(config.get("admin.token").orElse(null)));
        registry.bind("adminErrors", new AdminErrors());
        registry.bind("throttles", throttles);
        registry.bind("deadLetters", deadLetters);
        registry.bind("tokenRefresher", tokens);
        registry.bind("shopifyHttp", new ShopifyHttp());
        registry.bind("shopifyGraphql", graphql);
        registry.bind("importer", importer);
        registry.bind("importPool", importPool);
        registry.bind("poller", poller);
        registry.bind("pages", pages);
        // the poll's and the webhook re-read's page writes (routes/writes.yaml): parameter lists for its sql: batches
        registry.bind("pageWrites", new PageWrites(catalog, upserts, db.sql(), state));
        // the shops handed from a tick to the import or poll step and not yet done: a later tick skips them
        registry.bind("importQueue", org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository.memoryIdempotentRepository(100_000));
        registry.bind("pollQueue", org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository.memoryIdempotentRepository(100_000));
        // the shops a poll tick found still polling: they poll once more as soon as they are done, as a stateful job would
        registry.bind("pollAgain", org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository.memoryIdempotentRepository(100_000));
        registry.bind("shopRecheck", new ShopRecheck(accounts, graphql, clock, recheckEvery));
        registry.bind("syncPool", syncPool);
        registry.bind("partitions", new Partitions(config.getInt("sync.partitions")));
        registry.bind("workLocks", new WorkLocks(lockPool, db.sql()));
        registry.bind("webhookIdempotency", idempotency);
        // platform-http-vertx runs each request on a Vert.x worker thread, which waits there for its group commit:
        // the pool bounds how many deliveries can wait for one commit at a time (Vert.x's default is 20)
        registry.bind("vertxOptions", new VertxOptions().setWorkerPoolSize(config.getInt("http.worker.threads")));
        registry.bind("shopifyHeadersOnly", new ShopifyHeadersOnly());
        io.shopifysync.admin.AnswerHeaders.install(context);
        registry.bind("verifyShopifyWebhook", new WebhookVerifier(new WebhookSignature(
                config.get("shopify.client.secret").orElse(null), config.get("shopify.client.secret.previous").orElse(null)),
                config.getInt("webhook.max.body.bytes")));
        registry.bind("webhookIntake", new WebhookIntake());
        // the retry jitter's java.util.Random is thread-safe: the webhook pool's threads share it
        ShopData shopData = new ShopData(jdbc, catalog, clock);
        registry.bind("shopData", shopData);
        WebhookProcessor webhookProcessor = new WebhookProcessor(jdbc, catalog, accounts, pager, writer, clock,
                config.getInt("webhook.process.max.attempts"),
                new WebhookProcessor.Backoff(Duration.ofMillis(config.getInt("webhook.process.retry.base.ms")),
                        Duration.ofMillis(config.getInt("webhook.process.retry.max.ms"))), new java.util.Random());
        webhookProcessor.setAccessScopes(accessScopes);
        webhookProcessor.setDeadLetters(deadLetters);
        registry.bind("webhookProcessor", webhookProcessor);
        registry.bind("webhookPool", webhookPool);
        // who holds an inbox claim, and how the routes learn that a holder is gone (sql/take-back-inbox-claims.*.sql):
        // clustered, from Quartz's scheduler state; one process, every claim made before its start by another one
        registry.bind("inboxInstance", new InboxInstance(clustered ? () -> {
            try {
                return context.getComponent("quartz", org.apache.camel.component.quartz.QuartzComponent.class)
                        .getScheduler().getSchedulerInstanceId();
            } catch (org.quartz.SchedulerException e) {
                throw new IllegalStateException("the Quartz scheduler has no instance id", e);
            }
        } : null, clock));
        context.getPropertiesComponent().addInitialProperty("cluster.membership", clustered ? "quartz" : "process");
        registry.bind("subscriptionHealer", new SubscriptionHealer(accounts, graphql, catalog,
                config.get("webhook.public.url").orElse(null), clock));
        StatusReport statusReport = new StatusReport(db, catalog, clock);
        registry.bind("statusPage", new StatusPage(statusReport, new StatusHistory(jdbc, clock, Duration.ofHours(1))));
        registry.bind("statusSampler", new StatusSampler(statusReport, clock,
                Duration.ofMillis(config.getInt("status.sample.interval.ms")),
                Duration.ofMinutes(config.getInt("status.sample.retention.minutes"))));
        registry.bind("tombstones", new Tombstones(db.sql(), catalog, clock,
                Duration.ofDays(config.getInt("purge.after.days"))));

        // Camel Main adds a registry route builder's templated routes after every route and template of routes/
        registry.bind("catalogRoutes", new RouteBuilder() {
            @Override
            public void configure() {
            }

            @Override
            public void addTemplatedRoutesToCamelContext(CamelContext camelContext) throws Exception {
                CatalogRoutes.instantiate(camelContext);
            }
        });
        // both servers exist by now and do not listen yet: nothing reaches Jolokia or reads a stranger's body unguarded
        ManagementSecurity.install(context, config);
        PublicPortGuard.install(context, config);
    }
}
