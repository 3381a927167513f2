package io.shopifysync.admin;

import org.apache.camel.CamelContext;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;
import org.apache.camel.support.HeaderFilterStrategyComponent;

/**
 * The HTTP port's header filter: Camel's default for HTTP, except that a route's Cache-Control reaches the client
 * (Camel drops it by default, and the status page's "no-store" never left the server).
 */
public final class AnswerHeaders extends HttpHeaderFilterStrategy {

    public AnswerHeaders() {
        getOutFilter().remove("cache-control");
    }

    /** Every platform-http route without a filter of its own (the admin API, the status page) answers through it. */
    public static void install(CamelContext context) {
        context.getComponent("platform-http", HeaderFilterStrategyComponent.class).setHeaderFilterStrategy(new AnswerHeaders());
    }
}
