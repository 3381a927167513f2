package io.shopifysync.webhooks;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.accounts.InvalidInputException;
import io.shopifysync.accounts.ShopDomain;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two steps of webhook intake: {@link #verify} (signature over the raw bytes before anything is
 * parsed, then a shop domain and an event id) and {@link #store} (the idempotency key and the inbox row, for a
 * registered shop only, committed by {@link InboxGroupCommit}). The route answers 200 only after {@code store}
 * returned, which is after the commit; processing happens elsewhere, later.
 */
public final class WebhookIntake {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookIntake.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebhookSignature signature;
    private final long maxBodyBytes;
    private final InboxGroupCommit inbox;
    private final long storeTimeoutMillis;
    private final Clock clock;

    /** {@code storeTimeoutMillis}: longest wait for the commit before answering 503 (Shopify gives up after 5 s). */
    public WebhookIntake(WebhookSignature signature, long maxBodyBytes, InboxGroupCommit inbox, long storeTimeoutMillis,
                         Clock clock) {
        this.signature = signature;
        this.maxBodyBytes = maxBodyBytes;
        this.inbox = inbox;
        this.storeTimeoutMillis = storeTimeoutMillis;
        this.clock = clock;
    }

    public void verify(Exchange exchange) {
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

    /**
     * Stores the delivery and its idempotency key in one transaction shared with concurrent deliveries, and returns
     * once it committed. A key stored already is a duplicate (answered 200, not stored again); an unregistered shop
     * is a 401 and leaves neither row. A delivery that was not stored throws, and the route answers 503.
     */
    public void store(Exchange exchange) throws Exception {
        Message m = exchange.getMessage();
        byte[] body = exchange.getProperty("webhookBody", byte[].class);
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        ObjectRef object = ObjectRef.of(body);
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        String shop = exchange.getProperty("webhookShop", String.class);
        String event = exchange.getProperty("webhookEvent", String.class);
        InboxGroupCommit.Delivery delivery = new InboxGroupCommit.Delivery(shop, event,
                m.getHeader("X-Shopify-Webhook-Id", String.class), m.getHeader("X-Shopify-Topic", String.class), object.id(),
                object.updatedAt(), timestamp(m.getHeader("X-Shopify-Triggered-At", String.class)),
                m.getHeader("X-Shopify-API-Version", String.class), storedHeaders(m), text, now);
        String key = delivery.key();
        InboxGroupCommit.Outcome outcome;
        try {
            outcome = inbox.submit(delivery).get(storeTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            // it may still commit; Shopify's retry is then a duplicate, answered 200
            throw new TimeoutException("delivery " + key + " not committed within " + storeTimeoutMillis + " ms");
        }
        if (outcome == InboxGroupCommit.Outcome.UNREGISTERED) {
            LOG.warn("webhook {} for unregistered shop {} refused", m.getHeader("X-Shopify-Topic"), shop);
            throw new WebhookRejected(401, "shop " + shop + " is not registered");
        }
        if (outcome == InboxGroupCommit.Outcome.DUPLICATE) {
            LOG.debug("delivery {} was received already", key);
        }
    }

    /** The top-level {@code id} and {@code updated_at} of a delivery's body; both null unless it is well-formed JSON. */
    record ObjectRef(Long id, OffsetDateTime updatedAt) {

        static ObjectRef of(byte[] body) {
            // read by streaming: no tree of a whole order is built per delivery
            try (JsonParser parser = JSON.getFactory().createParser(body)) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    return new ObjectRef(null, null);
                }
                Long id = null;
                OffsetDateTime updatedAt = null;
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                        parser.skipChildren();
                    } else if ("id".equals(field) && value == JsonToken.VALUE_NUMBER_INT) {
                        id = parser.getLongValue();
                    } else if ("updated_at".equals(field) && value == JsonToken.VALUE_STRING) {
                        updatedAt = timestamp(parser.getText());
                    }
                }
                // malformed JSON with a valid signature is stored as it came, and the processor dead-letters it
                return parser.nextToken() == null ? new ObjectRef(id, updatedAt) : new ObjectRef(null, null);
            } catch (java.io.IOException | RuntimeException e) {
                return new ObjectRef(null, null);
            }
        }
    }

    private static final String[] STORED_HEADERS = {"X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-API-Version",
            "X-Shopify-Webhook-Id", "X-Shopify-Event-Id", "X-Shopify-Triggered-At", "X-Shopify-Name"};

    /**
     * The Shopify headers present, as a JSON object in this order: written by hand with Jackson's own string escaping,
     * which gives ObjectMapper's output for a map at a fraction of its cost per delivery.
     */
    static String storedHeaders(Message m) {
        StringBuilder json = new StringBuilder(400).append('{');
        for (String name : STORED_HEADERS) {
            String value = m.getHeader(name, String.class);
            if (value != null) {
                if (json.length() > 1) {
                    json.append(',');
                }
                json.append('"').append(name).append("\":\"");
                JsonStringEncoder.getInstance().quoteAsString(value, json);
                json.append('"');
            }
        }
        return json.append('}').toString();
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

    /** The timestamp, or null when absent or unreadable. */
    private static OffsetDateTime timestamp(String text) {
        try {
            return text == null ? null : Timestamps.parse(text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String firstNonBlank(String a, String b) {
        return a != null && !a.isBlank() ? a.trim() : b != null && !b.isBlank() ? b.trim() : null;
    }

    /** Maps the exception that ended an intake to the answer: 401/400/413 as rejected, 503 when not stored. */
    public void answerFailure(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Message m = exchange.getMessage();
        m.removeHeaders("*");
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (e instanceof WebhookRejected r) {
            m.setHeader(Exchange.HTTP_RESPONSE_CODE, r.status());
            m.setBody(errorJson(r.getMessage()));
            return;
        }
        if (isDuplicateKey(e)) {
            // the same event, committed by a concurrent request (another instance, or a retry racing the first):
            // a unique violation is only raised once that insert committed, so the delivery is stored
            LOG.debug("webhook {}/{} already stored by a concurrent request", exchange.getProperty("webhookShop"),
                    exchange.getProperty("webhookEvent"));
            m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            m.setBody("");
            return;
        }
        // not stored, whatever the reason: Shopify must retry, never a 200 for something we do not have
        LOG.error("webhook not stored, answering 503: {}", e == null ? "unknown" : e.getMessage());
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 503);
        m.setHeader("Retry-After", "5");
        m.setBody("{\"error\":\"not stored, retry later\"}");
    }

    /** {"error":"…"}, valid JSON whatever the message holds (a header's backslash, quote or control character). */
    static String errorJson(String message) {
        StringBuilder json = new StringBuilder(message.length() + 16).append("{\"error\":\"");
        JsonStringEncoder.getInstance().quoteAsString(message, json);
        return json.append("\"}").toString();
    }

    private static boolean isDuplicateKey(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
