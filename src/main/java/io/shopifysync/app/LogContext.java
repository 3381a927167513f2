package io.shopifysync.app;

import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.ExchangeHelper;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.slf4j.MDC;

/**
 * Puts the route id and the exchange's {@code shop} and {@code resource} properties in the logging MDC while
 * each step of a route runs, so every log line of a poll, import or webhook names what it was about.
 */
public final class LogContext implements InterceptStrategy {

    public static final String ROUTE_ID = "routeId";
    public static final String SHOP = "shop";
    public static final String RESOURCE = "resource";

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target, Processor nextTarget) {
        return new DelegateAsyncProcessor(target) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                // the three keys' values before, not a copy of the whole map: this runs for every step of every exchange
                String routeBefore = MDC.get(ROUTE_ID);
                String shopBefore = MDC.get(SHOP);
                String resourceBefore = MDC.get(RESOURCE);
                put(ROUTE_ID, ExchangeHelper.getAtRouteId(exchange));
                put(SHOP, exchange.getProperty(SHOP, String.class));
                put(RESOURCE, exchange.getProperty(RESOURCE, String.class));
                try {
                    return processor.process(exchange, callback);
                } finally {
                    // the thread goes back to a pool: leave its MDC as it was
                    put(ROUTE_ID, routeBefore);
                    put(SHOP, shopBefore);
                    put(RESOURCE, resourceBefore);
                }
            }
        };
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
