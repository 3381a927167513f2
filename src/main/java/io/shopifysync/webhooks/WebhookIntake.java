package io.shopifysync.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.accounts.InvalidInputException;
import io.shopifysync.accounts.ShopDomain;
import io.shopifysync.db.Jdbc;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two steps of webhook intake: {@link #verify} (signature over the raw bytes before anything is
 * parsed, then a shop domain and an event id) and {@link #store} (one INSERT into the inbox, for a registered
 * shop only). The route answers 200 only after {@code store} committed; processing happens elsewhere, later.
 */
public final class WebhookIntake {

    public static final String EVENT_KEY = "webhookEventKey";
    private static final Logger LOG = LoggerFactory.getLogger(WebhookIntake.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Jdbc jdbc;
    private final WebhookSignature signature;
    private final long maxBodyBytes;
    private final Clock clock;

    /** Joins the intake transaction ({@link IntakeTransaction}) that the idempotent repository writes in too. */
    private final org.springframework.jdbc.core.JdbcTemplate transactional;

    public WebhookIntake(Jdbc jdbc, javax.sql.DataSource dataSource, WebhookSignature signature, long maxBodyBytes, Clock clock) {
        this.jdbc = jdbc;
        this.transactional = new org.springframework.jdbc.core.JdbcTemplate(dataSource);
        this.signature = signature;
        this.maxBodyBytes = maxBodyBytes;
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
        exchange.setProperty(EVENT_KEY, shop + "/" + event);
        exchange.setProperty("webhookShop", shop);
        exchange.setProperty("webhookEvent", event);
        exchange.setProperty("webhookBody", body);
    }

    /**
     * One INSERT that stores the delivery only for a registered shop, asked in the same statement every time
     * (no cache: a purged shop must not get a single row back). Nothing inserted for an unregistered shop is a
     * 401, which rolls back the intake transaction and the idempotency key with it.
     */
    public void store(Exchange exchange) {
        Message m = exchange.getMessage();
        byte[] body = exchange.getProperty("webhookBody", byte[].class);
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        Long objectId = null;
        OffsetDateTime objectUpdatedAt = null;
        try {
            JsonNode json = JSON.readTree(text);
            if (json != null && json.path("id").canConvertToLong()) {
                objectId = json.path("id").asLong();
            }
            if (json != null && json.hasNonNull("updated_at")) {
                objectUpdatedAt = OffsetDateTime.parse(json.get("updated_at").asText());
            }
        } catch (Exception e) {
            // malformed JSON with a valid signature: stored as it came, the processor dead-letters it
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h : new String[] {"X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-API-Version",
                "X-Shopify-Webhook-Id", "X-Shopify-Event-Id", "X-Shopify-Triggered-At", "X-Shopify-Name"}) {
            String v = m.getHeader(h, String.class);
            if (v != null) {
                headers.put(h, v);
            }
        }
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        String shop = exchange.getProperty("webhookShop", String.class);
        String event = exchange.getProperty("webhookEvent", String.class);
        Object[] params = {event, m.getHeader("X-Shopify-Webhook-Id", String.class), m.getHeader("X-Shopify-Topic", String.class),
                objectId, objectUpdatedAt, triggeredAt(m.getHeader("X-Shopify-Triggered-At", String.class)),
                m.getHeader("X-Shopify-API-Version", String.class), JSON.valueToTree(headers).toString(), text, now, shop, event};
        if (transactional.update(jdbc.sql().get("insert-webhook"), params) == 0) {
            if (!registered(shop)) {
                refuseUnregistered(exchange, shop);
            }
            LOG.debug("delivery {} was stored already", exchange.getProperty(EVENT_KEY));
        }
    }

    /** A delivery whose key is stored already: nothing to store, but an unregistered shop still gets its 401. */
    public void duplicate(Exchange exchange) {
        String shop = exchange.getProperty("webhookShop", String.class);
        if (!registered(shop)) {
            refuseUnregistered(exchange, shop);
        }
        LOG.debug("delivery {} was received already", exchange.getProperty(EVENT_KEY));
    }

    private boolean registered(String shop) {
        return !transactional.queryForList(jdbc.sql().get("select-shop-status"), String.class, shop).isEmpty();
    }

    private static void refuseUnregistered(Exchange exchange, String shop) {
        LOG.warn("webhook {} for unregistered shop {} refused", exchange.getMessage().getHeader("X-Shopify-Topic"), shop);
        throw new WebhookRejected(401, "shop " + shop + " is not registered");
    }

    private static OffsetDateTime triggeredAt(String header) {
        try {
            return header == null ? null : OffsetDateTime.parse(header);
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
            m.setBody("{\"error\":\"" + r.getMessage().replace("\"", "'") + "\"}");
            return;
        }
        if (isDuplicateKey(e)) {
            // the same event, committed by a concurrent request (another instance, or a retry racing the first):
            // a unique violation is only raised once that insert committed, so the delivery is stored
            LOG.debug("webhook {} already stored by a concurrent request", exchange.getProperty(EVENT_KEY));
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

    private static boolean isDuplicateKey(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
