package io.shopifysync.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shopifysync.catalog.Catalog;
import io.shopifysync.db.Database;
import io.shopifysync.db.Dialect;
import io.shopifysync.db.Jdbc;
import io.shopifysync.routes.RouteHarness;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.SyncHarness;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;

/** The report both the status page and {@code shopify-sync status} show, and the samples behind the page's chart. */
class StatusReportTest {

    private static final Instant NOW = StatusSeed.NOW;

    @TempDir
    Path dataDir;

    @BothDatabases
    void reportsEveryShopAndResourceWithLiveRowsLagAndLastError(Dialect dialect) throws Exception {
        try (SyncHarness h = new SyncHarness(dialect, dataDir, Map.of())) {
            StatusSeed.seed(h);
            StatusReport.Report r = new StatusReport(h.db(), Catalog.load(), Clock.fixed(NOW, ZoneOffset.UTC)).build();

            assertThat(r.generatedAt()).isEqualTo(OffsetDateTime.parse("2026-03-01T10:00:30Z"));
            assertThat(r.entries()).hasSize(3);
            StatusReport.Entry orders = r.entries().get(0);
            assertThat(orders.shop()).isEqualTo("a-shop.myshopify.com");
            assertThat(orders.resource()).isEqualTo("orders");
            assertThat(orders.shopStatus()).isEqualTo("INSTALLED");
            assertThat(orders.phase()).isEqualTo("INCREMENTAL");
            assertThat(orders.rows()).as("tombstones and another shop's rows are not counted").isEqualTo(2);
            assertThat(orders.rowsWritten()).isEqualTo(7);
            assertThat(orders.lagSeconds()).isEqualTo(90);
            assertThat(orders.lastError()).isNull();
            StatusReport.Entry products = r.entries().get(1);
            assertThat(products.resource()).isEqualTo("products");
            assertThat(products.phase()).isEqualTo("BACKFILL");
            assertThat(products.rows()).isZero();
            assertThat(products.rowsTotal()).isEqualTo(40);
            assertThat(products.lagSeconds()).isNull();
            assertThat(products.lastError()).isEqualTo("HTTP 503 from the store");
            StatusReport.Entry other = r.entries().get(2);
            assertThat(other.shop()).isEqualTo("b-shop.myshopify.com");
            assertThat(other.shopStatus()).isEqualTo("AUTH_FAILED");
            assertThat(other.shopStatusReason()).isEqualTo("401 from the store");
            assertThat(other.resource()).as("no sync state yet").isNull();
        }
    }

    @BothDatabases
    void samplesOncePerBucketWhateverTheInstanceAndPrunesOldOnes(Dialect dialect) throws Exception {
        try (SyncHarness h = new SyncHarness(dialect, dataDir, Map.of())) {
            StatusSeed.seed(h);
            AtomicReference<Instant> now = new AtomicReference<>(NOW);
            Clock clock = new Clock() {
                @Override
                public ZoneOffset getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return now.get();
                }
            };
            Jdbc jdbc = new Jdbc(h.db());
            StatusReport report = new StatusReport(h.db(), Catalog.load(), clock);
            // two instances sampling the same database: each one the status-sample route of routes/status-sample.yaml
            try (RouteHarness first = sampler(h.db(), report, clock, dialect); RouteHarness second = sampler(h.db(), report, clock, dialect)) {
                assertThat(sample(first)).as("orders and products of a-shop").isEqualTo(2);
                now.set(NOW.plusSeconds(20));
                assertThat(sample(second)).as("another instance, same minute").isZero();
                assertThat(sample(first)).isZero();
                assertThat(h.count("SELECT COUNT(*) FROM shopify.status_samples")).isEqualTo(2);

                h.execute("UPDATE shopify.sync_state SET rows_done = rows_done + 120 WHERE resource = 'orders'");
                now.set(NOW.plusSeconds(60));
                assertThat(sample(second)).isEqualTo(2);
                List<StatusHistory.Series> series = new StatusHistory(jdbc, clock, Duration.ofHours(1)).read();
                assertThat(series).extracting(StatusHistory.Series::resource).containsExactly("orders", "products");
                StatusHistory.Point last = series.get(0).points().get(1);
                assertThat(last.at()).isEqualTo(Instant.parse("2026-03-01T10:01:00Z"));
                assertThat(last.rowsPerSecond()).as("120 rows in the 60 s between buckets").isEqualTo(2.0);
                assertThat(last.lagSeconds()).isEqualTo(150);

                now.set(NOW.plus(Duration.ofMinutes(120)).plusSeconds(10)); // cut-off 10:00:40: only the 10:00 bucket goes
                assertThat(sample(first)).isEqualTo(2);
                assertThat(h.count("SELECT COUNT(*) FROM shopify.status_samples")).as("the first bucket is pruned").isEqualTo(4);
                assertThat(new StatusHistory(jdbc, clock, Duration.ofHours(1)).read())
                        .allSatisfy(s -> assertThat(s.points()).as("only the last hour").hasSize(1));

                h.execute("UPDATE shopify.shops SET status = 'AUTH_FAILED' WHERE shop_domain = 'a-shop.myshopify.com'");
                now.set(NOW.plus(Duration.ofMinutes(122)));
                assertThat(sample(first)).as("a shop that is not synced is not sampled").isZero();
            }
        }
    }

    /** The status-sample route (routes/status-sample.yaml) with its own sampler (one instance), ticked by the test. */
    private static RouteHarness sampler(Database db, StatusReport report, Clock clock, Dialect dialect) throws Exception {
        return RouteHarness.of("status-sample.yaml").property("db.dialect", dialect.name().toLowerCase())
                .property("status.sample.interval.ms", 60_000).bind("dataSource", db.dataSource())
                .bind("statusSampler", new StatusSampler(report, clock, Duration.ofMinutes(1), Duration.ofMinutes(120)))
                .tickedByHand("status-sample").start();
    }

    /** One tick; how many samples it stored. */
    private static int sample(RouteHarness sampler) {
        return sampler.tickReturning("status-sample").getProperty("samplesStored", Integer.class);
    }

    @BothDatabases
    void aSamplingIntervalBelowOneSecondIsRefused(Dialect dialect) throws Exception {
        try (SyncHarness h = new SyncHarness(dialect, dataDir, Map.of())) {
            assertThatThrownBy(() -> new StatusSampler(new StatusReport(h.db(), Catalog.load(), Clock.systemUTC()),
                    Clock.systemUTC(), Duration.ofMillis(500), Duration.ofHours(2)))
                    .hasMessage("status.sample.interval.ms must be at least 1000, got 500");
        }
    }
}
