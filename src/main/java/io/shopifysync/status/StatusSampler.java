package io.shopifysync.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the status-sample route stores every interval: each installed shop × resource's rows and lag under the current
 * time bucket (the insert is idempotent per bucket, so instances sharing the database write it once), and the cut-off
 * before which samples are dropped.
 */
public final class StatusSampler {

    private final StatusReport report;
    private final Clock clock;
    private final Duration interval;
    private final Duration retention;

    public StatusSampler(StatusReport report, Clock clock, Duration interval, Duration retention) {
        if (interval.toSeconds() < 1) {
            throw new IllegalArgumentException("status.sample.interval.ms must be at least 1000, got " + interval.toMillis());
        }
        this.report = report;
        this.clock = clock;
        this.interval = interval;
        this.retention = retention;
    }

    /**
     * The rows the status-sample route inserts in one batch: each INSTALLED shop × resource's rows written, live rows
     * and lag under the current bucket (named parameters of sql/insert-status-sample.*.sql).
     */
    public List<Map<String, Object>> samples() {
        OffsetDateTime bucket = bucketOf(clock.instant(), interval);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (StatusReport.Entry e : report.build().entries()) {
            // a shop that is not synced (uninstalled, auth failed, ...) only ages: the table shows it, the chart would flatten
            if (e.resource() != null && "INSTALLED".equals(e.shopStatus())) {
                Map<String, Object> row = new HashMap<>();
                row.put("bucket", bucket);
                row.put("shop", e.shop());
                row.put("resource", e.resource());
                row.put("rowsWritten", e.rowsWritten());
                row.put("rowsLive", e.rows());
                row.put("lagSeconds", e.lagSeconds());
                rows.add(row);
            }
        }
        return rows;
    }

    /** Samples older than this go: now minus status.sample.retention.minutes. */
    public OffsetDateTime retainFrom() {
        return OffsetDateTime.now(clock).minus(retention).withOffsetSameInstant(ZoneOffset.UTC);
    }

    /** The start of the interval-long bucket holding {@code t}, in UTC. */
    static OffsetDateTime bucketOf(Instant t, Duration interval) {
        long s = interval.toSeconds();
        return Instant.ofEpochSecond(t.getEpochSecond() - Math.floorMod(t.getEpochSecond(), s)).atOffset(ZoneOffset.UTC);
    }
}
