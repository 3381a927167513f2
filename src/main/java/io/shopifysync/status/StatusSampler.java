package io.shopifysync.status;

import io.shopifysync.db.Jdbc;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Every interval, stores each installed shop × resource's rows and lag under the current time bucket (idempotent
 * per bucket, so instances sharing the database write it once) and drops samples older than the retention.
 */
public final class StatusSampler {

    private final StatusReport report;
    private final Jdbc jdbc;
    private final Clock clock;
    private final Duration interval;
    private final Duration retention;

    public StatusSampler(StatusReport report, Jdbc jdbc, Clock clock, Duration interval, Duration retention) {
        if (interval.toSeconds() < 1) {
            throw new IllegalArgumentException("status.sample.interval.ms must be at least 1000, got " + interval.toMillis());
        }
        this.report = report;
        this.jdbc = jdbc;
        this.clock = clock;
        this.interval = interval;
        this.retention = retention;
    }

    /** Returns how many samples this call stored (0 when another instance sampled this bucket first). */
    public int sample() {
        OffsetDateTime bucket = bucketOf(clock.instant(), interval);
        int stored = 0;
        for (StatusReport.Entry e : report.build().entries()) {
            // a shop that is not synced (uninstalled, auth failed, ...) only ages: the table shows it, the chart would flatten
            if (e.resource() != null && "INSTALLED".equals(e.shopStatus())) {
                stored += jdbc.update("insert-status-sample", bucket, e.shop(), e.resource(), e.rowsWritten(), e.rows(),
                        e.lagSeconds(), bucket, e.shop(), e.resource());
            }
        }
        jdbc.update("delete-status-samples-before", OffsetDateTime.now(clock).minus(retention).withOffsetSameInstant(ZoneOffset.UTC));
        return stored;
    }

    /** The start of the interval-long bucket holding {@code t}, in UTC. */
    static OffsetDateTime bucketOf(Instant t, Duration interval) {
        long s = interval.toSeconds();
        return Instant.ofEpochSecond(t.getEpochSecond() - Math.floorMod(t.getEpochSecond(), s)).atOffset(ZoneOffset.UTC);
    }
}
