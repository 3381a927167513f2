package io.shopifysync.webhooks;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leaf work of webhook intake around its two steps, {@link WebhookVerifier} (signature over the raw bytes before
 * anything is parsed, then a shop domain and an event id) and {@code webhook-inbox:store} (the idempotency key and the
 * inbox row, for a registered shop only, committed by {@link InboxGroupCommit}): what a delivery stores, and the
 * answer to a failure. The route answers 200 only after the store step returned, which is after the commit.
 */
public final class WebhookIntake {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookIntake.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Only static leaf work and {@link #answerFailure}: the steps are {@link WebhookVerifier} and webhook-inbox:store. */
    public WebhookIntake() {
    }

    /** The verified delivery of {@code exchange} (after {@link WebhookVerifier}), as the inbox stores it. */
    static InboxGroupCommit.Delivery delivery(Exchange exchange, Clock clock) {
        Message m = exchange.getMessage();
        byte[] body = exchange.getProperty("webhookBody", byte[].class);
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        ObjectRef object = ObjectRef.of(body);
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        return new InboxGroupCommit.Delivery(exchange.getProperty("webhookShop", String.class),
                exchange.getProperty("webhookEvent", String.class), m.getHeader("X-Shopify-Webhook-Id", String.class),
                m.getHeader("X-Shopify-Topic", String.class), object.id(), object.updatedAt(),
                timestamp(m.getHeader("X-Shopify-Triggered-At", String.class)), m.getHeader("X-Shopify-API-Version", String.class),
                storedHeaders(m), text, now);
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

    /** The timestamp, or null when absent or unreadable. */
    private static OffsetDateTime timestamp(String text) {
        try {
            return text == null ? null : Timestamps.parse(text);
        } catch (RuntimeException e) {
            return null;
        }
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
