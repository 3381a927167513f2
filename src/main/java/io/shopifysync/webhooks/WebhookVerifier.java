package io.shopifysync.webhooks;

import io.shopifysync.accounts.InvalidInputException;
import io.shopifysync.accounts.ShopDomain;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * The first step of webhook intake: the size, then the HMAC over the raw bytes before anything is parsed, then the
 * headers the inbox stores (widths, shop domain, topic, event id). A refusal throws {@link WebhookRejected} (401, 400
 * or 413); a delivery that passes leaves exchange properties webhookShop, webhookEvent and webhookBody for the store.
 */
public final class WebhookVerifier implements Processor {

    private final WebhookSignature signature;
    private final long maxBodyBytes;

    public WebhookVerifier(WebhookSignature signature, long maxBodyBytes) {
        this.signature = signature;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        byte[] body = m.getBody(byte[].class);
        if (body == null) {
            body = new byte[0];
        }
        if (body.length > maxBodyBytes) {
            throw new WebhookRejected(413, "body of " + body.length + " bytes is over the limit of " + maxBodyBytes);
        }
        if (!signature.configured()) {
            throw new WebhookRejected(401, "webhooks refused: SHOPIFY_CLIENT_SECRET is not set");
        }
        if (!signature.verify(body, m.getHeader("X-Shopify-Hmac-Sha256", String.class))) {
            throw new WebhookRejected(401, "invalid or missing X-Shopify-Hmac-Sha256");
        }
        for (HeaderLimit limit : HEADER_LIMITS) {
            requireWithin(m, limit.name(), limit.maxChars());
        }
        String shop;
        try {
            shop = ShopDomain.parse(m.getHeader("X-Shopify-Shop-Domain", String.class)).value();
        } catch (InvalidInputException e) {
            throw new WebhookRejected(401, "X-Shopify-Shop-Domain: " + e.getMessage());
        }
        String topic = m.getHeader("X-Shopify-Topic", String.class);
        if (topic == null || topic.isBlank()) {
            throw new WebhookRejected(400, "missing X-Shopify-Topic");
        }
        String event = firstNonBlank(m.getHeader("X-Shopify-Event-Id", String.class), m.getHeader("X-Shopify-Webhook-Id", String.class));
        if (event == null) {
            throw new WebhookRejected(400, "missing X-Shopify-Event-Id and X-Shopify-Webhook-Id");
        }
        // the idempotency key is "<shop>/<event>" in a VARCHAR(255) column: what is left of it after the shop
        int eventLimit = IDEMPOTENCY_KEY_CHARS - shop.length() - 1;
        if (event.length() > eventLimit) {
            String header = event.equals(trimmed(m.getHeader("X-Shopify-Event-Id", String.class))) ? "X-Shopify-Event-Id"
                    : "X-Shopify-Webhook-Id";
            throw new WebhookRejected(400, header + " of " + event.length() + " characters is over the limit of " + eventLimit
                    + " for shop " + shop);
        }
        exchange.setProperty("webhookShop", shop);
        exchange.setProperty("webhookEvent", event);
        exchange.setProperty("webhookBody", body);
    }

    /** A header's longest accepted value: a longer one cannot be stored, which is permanent (400), not a 503 to retry. */
    private record HeaderLimit(String name, int maxChars) {
    }

    /** The widths of the inbox columns each header is stored in (V5__webhook_inbox.sql). */
    private static final HeaderLimit[] HEADER_LIMITS = {
            new HeaderLimit("X-Shopify-Shop-Domain", 255),
            new HeaderLimit("X-Shopify-Topic", 128),
            new HeaderLimit("X-Shopify-Event-Id", 255),
            new HeaderLimit("X-Shopify-Webhook-Id", 255),
            new HeaderLimit("X-Shopify-API-Version", 32),
            // stored as a timestamp: no timestamp Shopify writes (2025-07-10T16:15:47.000000Z) comes near 64 characters
            new HeaderLimit("X-Shopify-Triggered-At", 64)};
    /** camel_messageprocessed.messageid, which holds "<shop>/<event id>". */
    private static final int IDEMPOTENCY_KEY_CHARS = 255;

    private static void requireWithin(Message m, String header, int maxChars) {
        String value = m.getHeader(header, String.class);
        if (value != null && value.length() > maxChars) {
            throw new WebhookRejected(400, header + " of " + value.length() + " characters is over the limit of " + maxChars);
        }
    }

    private static String trimmed(String s) {
        return s == null ? null : s.trim();
    }

    private static String firstNonBlank(String a, String b) {
        return a != null && !a.isBlank() ? a.trim() : b != null && !b.isBlank() ? b.trim() : null;
    }
}
