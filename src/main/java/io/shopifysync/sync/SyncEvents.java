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

    /** A batch of a bulk result committed, with its ingest progress; called on the ingesting thread. */
    default void bulkBatchCommitted(String shop, String resource, int rows) {
    }

    /** A bulk result was read to its end (or to where a resumed run stopped reading it). */
    default void bulkIngested(String shop, String resource, BulkIngest.Result result) {
    }
}
