package io.shopifysync.observe;

import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/** Times every answered webhook from the {@code webhook-intake} route's exchange events, with no step in the route. */
public final class WebhookAckNotifier extends EventNotifierSupport {

    static final String ROUTE_ID = "webhook-intake";
    private final SyncMetrics metrics;

    public WebhookAckNotifier(SyncMetrics metrics) {
        this.metrics = metrics;
        setIgnoreCamelContextEvents(true);
        setIgnoreCamelContextInitEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
        setIgnoreStepEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeCompletedEvent || event instanceof CamelEvent.ExchangeFailedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((CamelEvent.ExchangeEvent) event).getExchange();
        if (!ROUTE_ID.equals(exchange.getFromRouteId())) {
            return;
        }
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        int code = status != null ? status : exchange.isFailed() ? 500 : 200;
        // the shop property is set only after the signature verified: no label from an unverified header
        metrics.webhookAcknowledged(exchange.getProperty("webhookShop", String.class), code,
                exchange.getClock().elapsed());
    }
}
