package io.shopifysync.webhooks;

import java.util.List;
import java.util.Map;

/**
 * Claimed deliveries that webhook-process applies together: the upserts of one resource (re-read in batches of ids),
 * or one delete, lifecycle, compliance or poison delivery. {@code kind} is what the route's choice looks at.
 */
public final class WebhookBatch {

    public static final String REREAD = "reread";
    public static final String TOMBSTONE = "tombstone";
    public static final String LIFECYCLE = "lifecycle";
    public static final String COMPLIANCE = "compliance";
    /** A delivery that can never be applied as it is (no id, a body of another type or shop, a topic we do not handle). */
    public static final String POISON = "poison";

    private final String kind;
    private final String resource;
    private final List<WebhookDelivery> deliveries;
    private final String reason;

    WebhookBatch(String kind, String resource, List<WebhookDelivery> deliveries, String reason) {
        this.kind = kind;
        this.resource = resource;
        this.deliveries = List.copyOf(deliveries);
        this.reason = reason;
    }

    public String getKind() {
        return kind;
    }

    /** The catalog resource of a re-read or tombstone; null for shop topics. */
    public String getResource() {
        return resource;
    }

    /** The topic of a one-delivery batch (the first delivery's otherwise). */
    public String getTopic() {
        return deliveries.get(0).topic();
    }

    public List<WebhookDelivery> getDeliveries() {
        return deliveries;
    }

    public int getSize() {
        return deliveries.size();
    }

    /** Why a poison batch cannot be applied. */
    public String getReason() {
        return reason;
    }

    /** One parameter map per delivery, {@code id}, for the batch=true marks of sql/mark-inbox-*.sql. */
    public List<Map<String, Object>> getRows() {
        return deliveries.stream().<Map<String, Object>>map(d -> Map.of("id", d.id())).toList();
    }

    /** One parameter map per delivery, {@code id} = its object's id, for the batch=true tombstones of a delete batch. */
    public List<Map<String, Object>> getObjectRows() {
        return deliveries.stream().<Map<String, Object>>map(d -> Map.of("id", d.objectId())).toList();
    }

    @Override
    public String toString() {
        return kind + (resource == null ? "" : " " + resource) + " ×" + deliveries.size();
    }
}
