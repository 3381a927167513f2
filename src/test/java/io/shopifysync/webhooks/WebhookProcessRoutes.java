package io.shopifysync.webhooks;

import io.shopifysync.catalog.Catalog;
import io.shopifysync.catalog.CatalogRoutes;
import io.shopifysync.db.Database;
import io.shopifysync.lifecycle.ShopData;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.model.Model;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The processing routes of routes/webhooks.yaml (not the intake) and the dead-letter route on a caller's Camel context and database, with the
 * beans the application binds, one process (no Quartz cluster), and the Quartz trigger replaced by
 * {@code direct:webhook-tick}: a test runs one tick with {@link #tick()}, on its own clock.
 */
final class WebhookProcessRoutes implements AutoCloseable {

    private final CamelContext camel;
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    WebhookProcessRoutes(CamelContext camel, Database db, WebhookProcessor processor, Catalog catalog, Clock clock,
                         Map<String, String> properties) throws Exception {
        this.camel = camel;
        var registry = camel.getRegistry();
        registry.bind("dataSource", db.dataSource());
        DataSourceTransactionManager transactions = new DataSourceTransactionManager(db.dataSource());
        registry.bind("transactionManager", transactions);
        registry.bind("PROPAGATION_REQUIRED", new SpringTransactionPolicy(new TransactionTemplate(transactions)));
        registry.bind("webhookProcessor", processor);
        registry.bind("pageWrites", new io.shopifysync.sync.PageWrites(catalog, new io.shopifysync.sync.Upserts(catalog, db.dialect()),
                db.sql(), new io.shopifysync.sync.SyncStateStore(new io.shopifysync.db.Jdbc(db), clock)));
        registry.bind("inboxInstance", new InboxInstance(null, clock));
        registry.bind("shopData", new ShopData(new io.shopifysync.db.Jdbc(db), catalog, clock));
        registry.bind("webhookPool", pool);
        var props = camel.getPropertiesComponent();
        props.addInitialProperty("db.dialect", db.dialect().name().toLowerCase(Locale.ROOT));
        props.addInitialProperty("cluster.membership", "process");
        props.addInitialProperty("webhook.process.batch", "200");
        props.addInitialProperty("webhook.process.interval.ms", "500");
        props.addInitialProperty("webhook.process.claim.timeout.ms", "120000");
        properties.forEach(props::addInitialProperty);
        camel.getCamelContextExtension().getContextPlugin(Model.class).setRouteFilterPattern(null, "webhook-intake");
        io.shopifysync.testing.RouteFiles.load(camel, "webhooks.yaml", "writes.yaml", "dead-letter.yaml");
        CatalogRoutes.instantiateWebhooks(camel, catalog);
        AdviceWith.adviceWith(camel, "webhook-process", a -> a.replaceFromWith("direct:webhook-tick"));
    }

    /** One tick of webhook-process, as Quartz would fire it; returns once every shop's claim was applied. */
    void tick() {
        Exchange done = camel.createProducerTemplate().request("direct:webhook-tick", e -> { });
        if (done.getException() != null) {
            throw new IllegalStateException("webhook-process failed", done.getException());
        }
    }

    /** The shops webhook-process would work on now (sql/select-inbox-shops.sql at the processor's time). */
    @SuppressWarnings("unchecked")
    List<String> shopsWithWork(WebhookProcessor processor) {
        Exchange answer = camel.createProducerTemplate().request("sql:classpath:sql/select-inbox-shops.sql?outputType=SelectList", e -> {
            e.setProperty("now", processor.now());
            e.setProperty("claimTimedOutBefore", processor.claimTimedOutBefore(processor.now(), 120_000));
        });
        return ((List<Map<String, Object>>) answer.getMessage().getBody()).stream()
                .map(row -> (String) row.get("shop_domain")).toList();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
