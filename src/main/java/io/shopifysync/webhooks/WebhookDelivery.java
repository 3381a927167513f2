package io.shopifysync.webhooks;

import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/** One claimed inbox row (a row of sql/claim-inbox.sql); {@code attempts} counts this attempt. */
public record WebhookDelivery(long id, String topic, Long objectId, OffsetDateTime objectUpdatedAt, String body, int attempts,
                              OffsetDateTime triggeredAt) {

    /** From a claimed row (column names as in claim-inbox.sql, any case): the claim counted one more attempt. */
    static WebhookDelivery fromClaimedRow(Map<String, Object> row) {
        Object objectId = value(row, "object_id");
        return new WebhookDelivery(((Number) value(row, "id")).longValue(), (String) value(row, "topic"),
                objectId == null ? null : ((Number) objectId).longValue(), timestamp(value(row, "object_updated_at")),
                (String) value(row, "body"), ((Number) value(row, "attempts")).intValue() + 1,
                timestamp(value(row, "triggered_at")));
    }

    public long getId() {
        return id;
    }

    public String getTopic() {
        return topic;
    }

    private static Object value(Map<String, Object> row, String column) {
        if (row.containsKey(column)) {
            return row.get(column);
        }
        return row.get(column.toUpperCase(java.util.Locale.ROOT)); // H2 names columns in capitals
    }

    private static OffsetDateTime timestamp(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof OffsetDateTime t) {
            return t.withOffsetSameInstant(ZoneOffset.UTC);
        }
        if (v instanceof Timestamp t) {
            return t.toInstant().atOffset(ZoneOffset.UTC);
        }
        if (v instanceof java.time.Instant i) {
            return i.atOffset(ZoneOffset.UTC);
        }
        throw new IllegalArgumentException("not a timestamp: " + v.getClass().getName());
    }
}
