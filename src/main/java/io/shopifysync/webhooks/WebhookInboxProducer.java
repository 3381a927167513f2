package io.shopifysync.webhooks;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the verified delivery (exchange properties webhookShop, webhookEvent, webhookBody and the X-Shopify-* headers)
 * to the endpoint's group commit and waits for its commit. A key stored already is a duplicate (returns normally, not
 * stored again); an unregistered shop is a {@link WebhookRejected} 401 and leaves neither row; anything that kept the
 * delivery from being stored throws, and the route answers 503.
 */
final class WebhookInboxProducer extends DefaultProducer {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookInboxProducer.class);

    WebhookInboxProducer(WebhookInboxEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    public WebhookInboxEndpoint getEndpoint() {
        return (WebhookInboxEndpoint) super.getEndpoint();
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        WebhookInboxEndpoint endpoint = getEndpoint();
        InboxGroupCommit.Delivery delivery = WebhookIntake.delivery(exchange, endpoint.getComponent().clock());
        long timeoutMs = endpoint.getTimeoutMs();
        InboxGroupCommit.Outcome outcome;
        try {
            outcome = endpoint.groupCommit().submit(delivery).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            // it may still commit; Shopify's retry is then a duplicate, answered 200
            throw new TimeoutException("delivery " + delivery.key() + " not committed within " + timeoutMs + " ms");
        }
        if (outcome == InboxGroupCommit.Outcome.UNREGISTERED) {
            LOG.warn("webhook {} for unregistered shop {} refused", delivery.topic(), delivery.shop());
            throw new WebhookRejected(401, "shop " + delivery.shop() + " is not registered");
        }
        if (outcome == InboxGroupCommit.Outcome.DUPLICATE) {
            LOG.debug("delivery {} was received already", delivery.key());
        }
    }
}
