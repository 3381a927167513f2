package io.shopifysync.observe;

import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A readiness check that is not a liveness check: what it finds DOWN takes the instance out of a load balancer, but a
 * restart would not bring it back (a database, a port that stopped serving under a flood).
 */
abstract class ReadinessHealthCheck extends AbstractHealthCheck {

    ReadinessHealthCheck(String id) {
        super("shopify-sync", id);
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    public boolean isReadiness() {
        return true;
    }
}
