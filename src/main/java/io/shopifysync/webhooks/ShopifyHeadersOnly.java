package io.shopifysync.webhooks;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * The intake endpoint's header filter: of a request, only the {@code X-Shopify-*} headers become message headers
 * (the route reads nothing else, and each header kept costs a filter check and a map insert on the event loop);
 * a response's headers are filtered by platform-http's default strategy.
 */
public final class ShopifyHeadersOnly implements HeaderFilterStrategy {

    private static final String PREFIX = "X-Shopify-";

    private final HeaderFilterStrategy responses = new HttpHeaderFilterStrategy();

    /** True (left out) unless the request header is one of Shopify's. */
    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !headerName.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return responses.applyFilterToCamelHeaders(headerName, headerValue, exchange);
    }
}
