package io.shopifysync.observe;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * The webhook inbox backlog: DOWN when the oldest unprocessed delivery is older than the configured age. Not
 * readiness: intake keeps storing and acknowledging whatever the backlog, which is the point of the inbox.
 */
public final class InboxHealthCheck extends ReportOnlyHealthCheck {

    private final Duration maxAge;

    public InboxHealthCheck(ObservedState state, Duration maxAge) {
        super("inbox", state);
        this.maxAge = maxAge;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        ObservedState.Snapshot s = state.current();
        if (s.readAt() == null || s.error() != null) {
            builder.message("inbox backlog unknown: " + s.error()).down();
            return;
        }
        long pending = 0;
        OffsetDateTime oldest = null;
        for (Map.Entry<String, ObservedState.Backlog> e : s.inbox().entrySet()) {
            pending += e.getValue().pending();
            builder.detail(e.getKey() + ".pending", e.getValue().pending());
            if (e.getValue().oldest() != null && (oldest == null || e.getValue().oldest().isBefore(oldest))) {
                oldest = e.getValue().oldest();
            }
        }
        builder.detail("pending", pending);
        Duration age = oldest == null ? Duration.ZERO : Duration.between(oldest.toInstant(), s.readAt());
        builder.detail("oldest_age_seconds", age.toSeconds());
        if (age.compareTo(maxAge) > 0) {
            builder.message("oldest unprocessed webhook is " + age.toSeconds() + " s old (limit " + maxAge.toSeconds() + " s)").down();
        } else {
            builder.up();
        }
    }
}
