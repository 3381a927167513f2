package io.shopifysync.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.shopifysync.shopify.ShopThrottle;
import io.shopifysync.shopify.Throttles;
import io.shopifysync.sync.SyncEvents;
import io.shopifysync.status.StatusReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The application's own Micrometer meters (Prometheus names in docs/operations.md, "Metrics"). Events are counted as they happen;
 * database-derived gauges (lag, backlog, dead letters, shop status) are set from {@link ObservedState} on each
 * {@link #refresh()}, never read per scrape; throttle counters read the live per-shop throttles.
 */
public final class SyncMetrics implements SyncEvents {

    private final MeterRegistry registry;
    private final Throttles throttles;
    private final ObservedState state;
    private final Set<String> throttledShops = ConcurrentHashMap.newKeySet();
    private final Map<String, Timer> ackTimers = new ConcurrentHashMap<>();
    private final MultiGauge lag;
    private final MultiGauge lastSuccessAge;
    private final MultiGauge backlog;
    private final MultiGauge backlogAge;
    private final MultiGauge deadLetters;
    private final MultiGauge shopStatus;
    private final MultiGauge apiVersion;
    private final Map<String, String[]> apiVersions = new ConcurrentHashMap<>();

    public SyncMetrics(MeterRegistry registry, Throttles throttles, ObservedState state) {
        this.registry = registry;
        this.throttles = throttles;
        this.state = state;
        lag = MultiGauge.builder("shopify.sync.lag").baseUnit("seconds")
                .description("now minus the high-water mark of a shop's resource").register(registry);
        lastSuccessAge = MultiGauge.builder("shopify.sync.last.success.age").baseUnit("seconds")
                .description("time since a shop's resource last synced successfully").register(registry);
        backlog = MultiGauge.builder("shopify.sync.inbox.backlog")
                .description("webhook deliveries stored but not processed yet").register(registry);
        backlogAge = MultiGauge.builder("shopify.sync.inbox.oldest.age").baseUnit("seconds")
                .description("age of the oldest unprocessed webhook delivery").register(registry);
        deadLetters = MultiGauge.builder("shopify.sync.dead.letters")
                .description("dead letters neither replayed nor discarded").register(registry);
        shopStatus = MultiGauge.builder("shopify.sync.shop.status")
                .description("1 for a shop's current status (INSTALLED, AUTH_FAILED, UNINSTALLED, FROZEN, ...)").register(registry);
        apiVersion = MultiGauge.builder("shopify.sync.api.version")
                .description("1 per shop, labelled with the Admin API version requested and the one Shopify served").register(registry);
        Gauge.builder("shopify.sync.state.age", state, s -> s.age().map(d -> d.toMillis() / 1000.0).orElse(Double.NaN))
                .baseUnit("seconds").description("age of the database reading behind the gauges above").register(registry);
    }

    /** A shop's answers now come in {@code served} (X-Shopify-API-Version), asked for {@code requested}. */
    public void apiVersionServed(String shop, String requested, String served) {
        synchronized (apiVersion) { // rows registered in the order their changes came
            apiVersions.put(shop, new String[] {requested, served});
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            apiVersions.forEach((s, v) -> rows.add(MultiGauge.Row.of(Tags.of("shop", s, "requested", v[0], "served", v[1]), 1)));
            apiVersion.register(rows, true);
        }
    }

    @Override
    public void rowsUpserted(String shop, String table, int rows) {
        if (rows > 0) {
            Counter.builder("shopify.sync.rows.upserted").description("rows written by newer-wins upserts")
                    .tags("shop", shop, "resource", table).register(registry).increment(rows);
        }
    }

    @Override
    public void bulkOperationFinished(String shop, String resource, String status, Duration duration) {
        Timer.builder("shopify.sync.bulk.operation").description("bulk operations from creation to completion")
                .tags("shop", shop, "resource", resource, "status", status).register(registry).record(duration);
    }

    /** One answered webhook: status is the HTTP status; shop is known only once the signature verified. */
    public void webhookAcknowledged(String shop, int status, long millis) {
        String label = shop == null ? "unverified" : shop;
        // looked up once per shop and status: building the meter id on every delivery costs more than recording
        ackTimers.computeIfAbsent(label + ' ' + status, k -> Timer.builder("shopify.sync.webhook.ack")
                .description("time from a webhook's arrival to its answer")
                .tags("shop", label, "status", Integer.toString(status))
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry)).record(millis, TimeUnit.MILLISECONDS);
    }

    /** Reads the database once and sets every database-derived gauge; registers throttle counters for new shops. */
    public void refresh() {
        ObservedState.Snapshot s = state.refresh();
        for (Map.Entry<String, ShopThrottle> t : throttles.all().entrySet()) {
            if (throttledShops.add(t.getKey())) {
                ShopThrottle throttle = t.getValue();
                Tags tags = Tags.of("shop", t.getKey());
                FunctionCounter.builder("shopify.sync.throttle.waits", throttle, ShopThrottle::waits).tags(tags)
                        .description("times a call waited for the shop's bucket to refill").register(registry);
                FunctionCounter.builder("shopify.sync.throttle.wait", throttle, x -> x.waitedMillis() / 1000.0).tags(tags)
                        .baseUnit("seconds").description("time calls waited for the shop's bucket").register(registry);
                FunctionCounter.builder("shopify.sync.throttled", throttle, ShopThrottle::throttledCount).tags(tags)
                        .description("answers with errors[].extensions.code THROTTLED").register(registry);
                Gauge.builder("shopify.sync.throttle.available", throttle, ShopThrottle::available).tags(tags)
                        .description("points our mirror of the shop's bucket holds").register(registry);
            }
        }
        if (s.readAt() == null || s.error() != null) {
            return; // keep the last values rather than pretend everything went to zero
        }
        List<MultiGauge.Row<?>> lagRows = new ArrayList<>();
        List<MultiGauge.Row<?>> successRows = new ArrayList<>();
        List<MultiGauge.Row<?>> backlogRows = new ArrayList<>();
        List<MultiGauge.Row<?>> backlogAgeRows = new ArrayList<>();
        List<MultiGauge.Row<?>> deadRows = new ArrayList<>();
        List<MultiGauge.Row<?>> statusRows = new ArrayList<>();
        for (StatusReport.ShopStatus shop : s.shops()) {
            String d = shop.shopDomain();
            for (StatusReport.ResourceStatus r : shop.resources()) {
                Tags tags = Tags.of("shop", d, "resource", r.resource());
                if (r.highWaterMark() != null) {
                    lagRows.add(MultiGauge.Row.of(tags, seconds(Duration.between(r.highWaterMark().toInstant(), s.readAt()))));
                }
                if (r.lastSuccessAt() != null) {
                    successRows.add(MultiGauge.Row.of(tags, seconds(Duration.between(r.lastSuccessAt().toInstant(), s.readAt()))));
                }
            }
            ObservedState.Backlog b = s.backlog(d);
            backlogRows.add(MultiGauge.Row.of(Tags.of("shop", d), b.pending()));
            backlogAgeRows.add(MultiGauge.Row.of(Tags.of("shop", d),
                    b.oldest() == null ? 0 : seconds(Duration.between(b.oldest().toInstant(), s.readAt()))));
            deadRows.add(MultiGauge.Row.of(Tags.of("shop", d), s.deadLetters(d)));
            statusRows.add(MultiGauge.Row.of(Tags.of("shop", d, "status", shop.status()), 1));
        }
        lag.register(lagRows, true);
        lastSuccessAge.register(successRows, true);
        backlog.register(backlogRows, true);
        backlogAge.register(backlogAgeRows, true);
        deadLetters.register(deadRows, true);
        shopStatus.register(statusRows, true);
    }

    private static double seconds(Duration d) {
        return Math.max(0, d.toMillis() / 1000.0);
    }
}
