package io.shopifysync.observe;

import io.shopifysync.status.StatusReport;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Every shop's status and last successful sync, for people and alerts: DOWN while a shop needs an operator
 * (AUTH_FAILED, FROZEN, LOCKED, PAUSED). Neither liveness nor readiness: one store's refused token must not take
 * the instance out of a load balancer, or every other store's webhooks would fail with it.
 */
public final class ShopsHealthCheck extends ReportOnlyHealthCheck {

    static final Set<String> NEEDS_OPERATOR = Set.of("AUTH_FAILED", "FROZEN", "LOCKED", "PAUSED");

    public ShopsHealthCheck(ObservedState state) {
        super("shops", state);
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        ObservedState.Snapshot s = state.current();
        if (s.readAt() == null || s.error() != null) {
            builder.message("shop states unknown: " + s.error()).down();
            return;
        }
        List<String> troubled = new ArrayList<>();
        builder.detail("shops", s.shops().size());
        for (StatusReport.ShopStatus shop : s.shops()) {
            String d = shop.shopDomain();
            builder.detail(d + ".status", shop.status());
            // a shop is as fresh as its stalest resource
            OffsetDateTime lastSuccess = null;
            boolean never = shop.resources().isEmpty();
            Duration maxLag = null;
            for (StatusReport.ResourceStatus r : shop.resources()) {
                if (r.lastSuccessAt() == null) {
                    never = true;
                } else if (lastSuccess == null || r.lastSuccessAt().isBefore(lastSuccess)) {
                    lastSuccess = r.lastSuccessAt();
                }
                if (r.lag() != null && (maxLag == null || r.lag().compareTo(maxLag) > 0)) {
                    maxLag = r.lag();
                }
            }
            builder.detail(d + ".last_success_at", never || lastSuccess == null ? "never" : lastSuccess.toString());
            if (maxLag != null) {
                builder.detail(d + ".max_lag_seconds", maxLag.toSeconds());
            }
            builder.detail(d + ".dead_letters", s.deadLetters(d));
            if (NEEDS_OPERATOR.contains(shop.status())) {
                troubled.add(d + " " + shop.status());
            }
        }
        if (troubled.isEmpty()) {
            builder.up();
        } else {
            builder.message("shops needing an operator: " + String.join(", ", troubled)).down();
        }
    }
}
