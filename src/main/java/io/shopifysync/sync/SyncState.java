package io.shopifysync.sync;

import java.time.OffsetDateTime;

/** One shop and resource's row of {@code sync_state}. */
public record SyncState(String phase, String bulkOperationId, OffsetDateTime bulkStartedAt, String bulkStatus,
                        String bulkResultUrl, long bulkBytesDone, String bulkFilter, String importMode,
                        String pageCursor, OffsetDateTime highWaterMark, long rowsDone, Long rowsTotal, int attempts,
                        String pausedReason, String importModeReason) {

    public static final String BACKFILL = "BACKFILL";
    public static final String INCREMENTAL = "INCREMENTAL";

    public boolean isBackfill() {
        return BACKFILL.equals(phase);
    }

    /** Why the import reads pages (the store refused bulk operations), or null. */
    public boolean bulkRefused() {
        return importModeReason != null;
    }

    public boolean paged() {
        return "PAGED".equals(importMode);
    }
}
