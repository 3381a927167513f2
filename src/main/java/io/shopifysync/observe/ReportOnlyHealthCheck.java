package io.shopifysync.observe;

import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A check shown under /observe/health that is neither liveness nor readiness: what it reports needs an operator,
 * not a restart, and must never take the instance out of a load balancer.
 */
abstract class ReportOnlyHealthCheck extends AbstractHealthCheck {

    protected final ObservedState state;

    ReportOnlyHealthCheck(String id, ObservedState state) {
        super("shopify-sync", id);
        this.state = state;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    public boolean isReadiness() {
        return false;
    }
}
