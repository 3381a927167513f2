package io.shopifysync.app;

import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.MasterKey;
import io.shopifysync.accounts.ShopsAdminApi;
import io.shopifysync.accounts.TokenCipher;
import io.shopifysync.admin.AdminAuth;
import io.shopifysync.admin.AdminErrors;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.config.AppConfig;
import io.shopifysync.db.Database;
import io.shopifysync.db.Jdbc;
import io.shopifysync.lifecycle.ShopData;
import io.shopifysync.observe.Observability;
import io.shopifysync.observe.SyncMetrics;
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
import io.shopifysync.sync.Poller;
import io.shopifysync.sync.Tombstones;
import io.shopifysync.sync.ResourceWriter;
import io.shopifysync.sync.ShopHealth;
import io.shopifysync.sync.SyncStateStore;
import io.shopifysync.sync.Upserts;
import io.shopifysync.webhooks.InsertOnceIdempotentRepository;
import io.shopifysync.webhooks.IntakeTransaction;
import io.shopifysync.webhooks.WebhookIntake;
import io.shopifysync.webhooks.WebhookProcessor;
import io.shopifysync.webhooks.SubscriptionHealer;
import io.shopifysync.webhooks.WebhookSignature;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;

/** Binds the beans that the YAML routes name ({@code ref: ...}) into the Camel registry. */
public final class AppBeans implements CamelConfiguration {

    private final AppConfig config;

    public AppBeans(AppConfig config) {
        this.config = config;
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        Database db = Database.open(config);
        context.getCamelContextExtension().addInterceptStrategy(new LogContext());
        Clock clock = Clock.systemUTC();
        Catalog catalog = Catalog.load();
        ExecutorService importPool = context.getExecutorServiceManager()
                .newFixedThreadPool(this, "import", config.getInt("import.threads", 4));
        ExecutorService syncPool = context.getExecutorServiceManager()
                .newFixedThreadPool(this, "poll", config.getInt("poll.threads", 4));
        ExecutorService webhookPool = context.getExecutorServiceManager()
                .newFixedThreadPool(this, "webhook", config.getInt("webhook.process.threads", 4));
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                context.getExecutorServiceManager().shutdown(importPool);
                context.getExecutorServiceManager().shutdown(syncPool);
                context.getExecutorServiceManager().shutdown(webhookPool);
                db.close();
            }
        });
        Jdbc jdbc = new Jdbc(db);
        Accounts accounts = new Accounts(db, TokenCipher.forConfig(config));
        Throttles throttles = new Throttles();
        TokenRefresher tokens = new TokenRefresher(accounts, config.get("shopify.client.id").orElse(null),
                config.get("shopify.client.secret").orElse(null),
                Duration.ofSeconds(config.getInt("token.refresh.ahead.seconds", 300)), clock);
        ShopifyGraphql graphql = new ShopifyGraphql(context.createProducerTemplate(), throttles,
                config.get("shopify.api.version").orElse("2026-10"), tokens);
        SyncStateStore state = new SyncStateStore(jdbc, clock);
        DeadLetters deadLetters = new DeadLetters(jdbc, clock);
        SyncMetrics metrics = Observability.install(context, config, db, throttles, clock);
        ResourceWriter writer = new ResourceWriter(jdbc, new Upserts(catalog, db.dialect(), metrics), state);
        BulkImporter importer = new BulkImporter(catalog, accounts, state, graphql,
                new BulkIngest(writer, deadLetters, config.getInt("import.batch.size", 1000)), writer, new Pager(graphql),
                throttles, new ShopHealth(jdbc, deadLetters, clock),
                Duration.ofSeconds(config.getInt("sync.overlap.seconds", 120)),
                Boolean.parseBoolean(config.get("import.paged-only").orElse("false")),
                config.get("import.only-shop").orElse(null));
        importer.setEvents(metrics);

        Pager pager = new Pager(graphql);
        Poller poller = new Poller(catalog, accounts, state, graphql, pager, writer, throttles,
                new ShopHealth(jdbc, deadLetters, clock),
                new Poller.Settings(Duration.ofSeconds(config.getInt("sync.overlap.seconds", 120)),
                        config.getInt("poll.catch-up.threshold", 10_000),
                        Duration.ofMillis(config.getInt("reconcile.interval.ms", 21_600_000)),
                        Duration.ofSeconds(config.getInt("poll.budget.seconds", 50))));

        var registry = context.getRegistry();
        registry.bind("dataSource", db.dataSource());
        registry.bind("database", db);
        registry.bind("catalog", catalog);
        registry.bind("accounts", accounts);
        registry.bind("shopsAdmin", new ShopsAdminApi(accounts));
        registry.bind("adminAuth", new AdminAuth(config.get("admin.token").orElse(null)));
        registry.bind("adminErrors", new AdminErrors());
        registry.bind("throttles", throttles);
        registry.bind("tokenRefresher", tokens);
        registry.bind("shopifyHttp", new ShopifyHttp());
        registry.bind("shopifyGraphql", graphql);
        registry.bind("importer", importer);
        registry.bind("importPool", importPool);
        registry.bind("poller", poller);
        registry.bind("syncPool", syncPool);
        IntakeTransaction intakeTransaction = new IntakeTransaction(db.dataSource());
        registry.bind("webhookIntakeTransaction", intakeTransaction);
        registry.bind("webhookIntake", new WebhookIntake(jdbc, db.dataSource(), new WebhookSignature(
                config.get("shopify.client.secret").orElse(null), config.get("shopify.client.secret.previous").orElse(null)),
                config.getInt("webhook.max.body.bytes", 5 * 1024 * 1024), clock));
        // camel-sql's JDBC idempotent repository, joining the intake transaction; its add is one INSERT
        registry.bind("webhookIdempotency", new InsertOnceIdempotentRepository(db.dataSource(), intakeTransaction.template(),
                db.sql(), "webhook-intake"));
        registry.bind("webhookProcessor", new WebhookProcessor(jdbc, new ShopData(jdbc, catalog, clock), catalog, accounts, pager, writer, clock,
                config.getInt("webhook.process.batch", 200), config.getInt("webhook.process.max.attempts", 5)));
        registry.bind("webhookPool", webhookPool);
        registry.bind("subscriptionHealer", new SubscriptionHealer(accounts, graphql, catalog,
                config.get("webhook.public.url").orElse(null), clock));
        StatusReport statusReport = new StatusReport(db, catalog, clock);
        registry.bind("statusPage", new StatusPage(statusReport, new StatusHistory(jdbc, clock, Duration.ofHours(1))));
        registry.bind("statusSampler", new StatusSampler(statusReport, jdbc, clock,
                Duration.ofMillis(config.getInt("status.sample.interval.ms", 60_000)),
                Duration.ofMinutes(config.getInt("status.sample.retention.minutes", 120))));
        registry.bind("tombstones", new Tombstones(jdbc, catalog, clock,
                Duration.ofDays(config.getInt("purge.after.days", 30))));
    }
}
