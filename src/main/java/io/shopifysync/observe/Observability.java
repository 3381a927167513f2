package io.shopifysync.observe;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.shopifysync.config.AppConfig;
import io.shopifysync.db.Database;
import io.shopifysync.db.Jdbc;
import io.shopifysync.shopify.Throttles;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires metrics and health checks into a Camel context: the one call {@code AppBeans} makes for issue #8. */
public final class Observability {

    private static final Logger LOG = LoggerFactory.getLogger(Observability.class);

    private Observability() {
    }

    public static SyncMetrics install(CamelContext context, AppConfig config, Database db, Throttles throttles, Clock clock)
            throws Exception {
        var registry = context.getRegistry();
        // the registry camel-micrometer-prometheus scrapes at /observe/metrics: ours and Camel's meters in one place
        PrometheusMeterRegistry meters = registry.lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                PrometheusMeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind(MicrometerConstants.METRICS_REGISTRY_NAME, meters);
        }
        ObservedState state = new ObservedState(db, clock);
        SyncMetrics metrics = new SyncMetrics(meters, throttles, state);
        registry.bind("syncMetrics", metrics);
        registry.bind("databaseHealthCheck", new DatabaseHealthCheck(new Jdbc(db)));
        registry.bind("shopsHealthCheck", new ShopsHealthCheck(state));
        registry.bind("inboxHealthCheck", new InboxHealthCheck(state,
                Duration.ofSeconds(config.getInt("health.inbox.max.age.seconds"))));
        if (config.getBoolean("camel.server.enabled") && config.getInt("http.port") > 0) {
            registry.bind("publicPortHealthCheck", new PublicPortHealthCheck(config.get("camel.server.host").orElse("0.0.0.0"),
                    config.getInt("http.port"), Duration.ofMillis(config.getInt("health.public-port.timeout.ms"))));
        }
        context.getManagementStrategy().addEventNotifier(new WebhookAckNotifier(metrics));

        long refreshMs = config.getInt("management.metrics.refresh.ms");
        ScheduledExecutorService refresher = context.getExecutorServiceManager()
                .newSingleThreadScheduledExecutor(metrics, "metrics-refresh");
        refresher.scheduleWithFixedDelay(() -> {
            try {
                metrics.refresh();
            } catch (RuntimeException e) {
                // a failed round must not cancel the schedule
                LOG.warn("metrics refresh failed: {}", e.getMessage());
            }
        }, 0, refreshMs, TimeUnit.MILLISECONDS);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                context.getExecutorServiceManager().shutdownNow(refresher);
            }
        });
        return metrics;
    }
}
