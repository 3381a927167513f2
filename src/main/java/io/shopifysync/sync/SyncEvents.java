package io.shopifysync.sync;

import java.time.Duration;

/** What the sync side reports as it happens, for metrics; {@link #NONE} reports nowhere. */
public interface SyncEvents {

    SyncEvents NONE = new SyncEvents() {
    };

    /** Rows of one table changed by one upsert batch (a stale row that newer-wins refused does not count). */
    default void rowsUpserted(String shop, String table, int rows) {
    }

    /** A bulk operation reached a final status ({@code COMPLETED}, {@code FAILED}, ...); Shopify's createdAt to completedAt. */
    default void bulkOperationFinished(String shop, String resource, String status, Duration duration) {
    }
}
