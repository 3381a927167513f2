package io.shopifysync.sync;

import io.shopifysync.db.Jdbc;
import io.shopifysync.shopify.AccessDeniedException;
import io.shopifysync.shopify.ShopifyApiException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads and advances {@code sync_state}: all import and poll progress lives here, never in memory. */
public final class SyncStateStore {

    private static final Logger LOG = LoggerFactory.getLogger(SyncStateStore.class);

    private final Jdbc jdbc;
    private final Clock clock;

    public SyncStateStore(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    /** Creates BACKFILL rows for installed shops that have none for this resource; returns how many. */
    public int ensureRows(String resource) {
        return jdbc.update("insert-missing-sync-state", resource, now(), resource);
    }

    /** Installed shops whose resource is in {@code phase} and not backing off. */
    public List<String> shopsIn(String resource, String phase) {
        return jdbc.query("select-shops-in-phase", rs -> rs.getString(1), resource, phase, now());
    }

    public Optional<SyncState> load(String shop, String resource) {
        return jdbc.queryOne("select-sync-state", SyncStateStore::read, shop, resource);
    }

    private static SyncState read(ResultSet rs) throws SQLException {
        long total = rs.getLong("rows_total");
        Long rowsTotal = rs.wasNull() ? null : total;
        return new SyncState(rs.getString("phase"), rs.getString("bulk_operation_id"),
                rs.getObject("bulk_started_at", OffsetDateTime.class), rs.getString("bulk_status"),
                rs.getString("bulk_result_url"), rs.getLong("bulk_bytes_done"), rs.getString("bulk_filter"),
                rs.getString("import_mode"), rs.getString("page_cursor"),
                rs.getObject("high_water_mark", OffsetDateTime.class), rs.getLong("rows_done"), rowsTotal,
                rs.getInt("attempts"), rs.getString("paused_reason"), rs.getString("import_mode_reason"));
    }

    public void bulkStarted(String shop, String resource, String operationId, OffsetDateTime startedAt, Long rowsTotal) {
        jdbc.update("update-sync-state-bulk-started", operationId, startedAt, rowsTotal, now(), shop, resource);
    }

    public void bulkStatus(String shop, String resource, String operationId, String status, String url) {
        jdbc.update("update-sync-state-bulk-status", status, url, now(), shop, resource, operationId);
    }

    /** Called inside the ingest transaction that wrote the rows it counts. */
    public void ingestProgress(Connection c, String shop, String resource, String operationId, long bytesDone, long rows)
            throws SQLException {
        jdbc.update(c, "update-sync-state-ingest-progress", bytesDone, rows, now(), shop, resource, operationId);
    }

    public void pageProgress(Connection c, String shop, String resource, String cursor, long rows) throws SQLException {
        jdbc.update(c, "update-sync-state-page-progress", cursor, rows, now(), shop, resource);
    }

    /** Called inside the transaction of a polled page: the mark only moves forward. */
    public void pollProgress(Connection c, String shop, String resource, OffsetDateTime maxUpdatedAt, long rows)
            throws SQLException {
        OffsetDateTime now = now();
        jdbc.update(c, "update-sync-state-poll-progress", maxUpdatedAt, maxUpdatedAt, rows, now, now, now, shop, resource);
    }

    /** A poll ended: {@code openWindow} is where an unfinished window continues, or null when it was read to the end. */
    public void polled(String shop, String resource, PollWindow openWindow) {
        OffsetDateTime now = now();
        jdbc.update("update-sync-state-polled", now, now, openWindow == null ? null : openWindow.from(),
                openWindow == null ? null : openWindow.cursor(), now, shop, resource);
    }

    /** A failed poll starts its next window afresh from the mark (the stored cursor may be what failed). */
    public void forgetPollWindow(String shop, String resource) {
        jdbc.update("update-sync-state-forget-poll-window", now(), shop, resource);
    }

    /** Hands a large catch-up to the import route: BACKFILL with a filtered bulk operation. */
    public void catchUpByBulk(String shop, String resource, String filter, long changed) {
        OffsetDateTime now = now();
        jdbc.update("update-sync-state-catch-up-by-bulk", filter, changed, now, now, shop, resource);
    }

    public void deletionsChecked(String shop, String resource, OffsetDateTime upTo) {
        jdbc.update("update-sync-state-deletions-checked", upTo, now(), shop, resource);
    }

    public void reconcileStarted(String shop, String resource, String operationId, OffsetDateTime startedAt) {
        jdbc.update("update-sync-state-reconcile", operationId, startedAt, now(), shop, resource);
    }

    public void reconciled(String shop, String resource) {
        OffsetDateTime now = now();
        jdbc.update("update-sync-state-reconciled", now, now, shop, resource);
    }

    /** The polling part of a shop and resource's state. */
    public record PollState(OffsetDateTime highWaterMark, OffsetDateTime deletionsCheckedAt, String reconcileOperationId,
                            OffsetDateTime reconcileStartedAt, OffsetDateTime reconciledAt, PollWindow openWindow) {
    }

    /** A poll window left unfinished: its lower bound and the cursor after the last page committed. */
    public record PollWindow(OffsetDateTime from, String cursor) {
    }

    public Optional<PollState> pollState(String shop, String resource) {
        return jdbc.queryOne("select-poll-state", rs -> new PollState(rs.getObject(1, OffsetDateTime.class),
                rs.getObject(2, OffsetDateTime.class), rs.getString(3), rs.getObject(4, OffsetDateTime.class),
                rs.getObject(5, OffsetDateTime.class), rs.getString(8) == null ? null
                        : new PollWindow(rs.getObject(7, OffsetDateTime.class), rs.getString(8))), shop, resource);
    }

    /** Ids of live rows last changed before {@code before}, ascending: the candidates of a reconciliation. */
    public List<Long> liveIdsBefore(String shop, String table, OffsetDateTime before) {
        return jdbc.queryRaw(jdbc.sql().get("select-live-ids-before").replace("${table}", table), rs -> rs.getLong(1),
                shop, before);
    }

    /** As {@link #liveIdsBefore}, only rows whose {@code createdColumn} is at or after {@code createdFrom}. */
    public List<Long> liveIdsCreatedSinceBefore(String shop, String table, String createdColumn, OffsetDateTime createdFrom,
                                                OffsetDateTime before) {
        return jdbc.queryRaw(jdbc.sql().get("select-live-ids-created-since-before").replace("${table}", table)
                .replace("${createdColumn}", createdColumn), rs -> rs.getLong(1), shop, createdFrom, before);
    }

    /** After partial data: drops the finished operation; the next bulk query reads only what {@code filter} selects. */
    public void continueFrom(String shop, String resource, String filter) {
        jdbc.update("update-sync-state-continue-bulk", filter, now(), shop, resource);
    }

    /** Drops the operation: a new one reads the same filter again, and progress goes back to where the filter began. */
    public void startOver(String shop, String resource) {
        jdbc.update("update-sync-state-start-over", now(), shop, resource);
    }

    public void switchToPaged(String shop, String resource, OffsetDateTime startedAt) {
        jdbc.update("update-sync-state-import-mode", "PAGED", startedAt, now(), shop, resource);
    }

    /** The store refused bulkOperationRunQuery: this resource imports and catches up by pages from now on. */
    public void bulkRefused(String shop, String resource, String reason) {
        OffsetDateTime now = now();
        jdbc.update("update-sync-state-bulk-refused", truncate(reason, 255), now, now, shop, resource);
    }

    /**
     * Records a refused bulkOperationRunQuery when that is what the failure is: GraphQL errors on the mutation itself
     * (HTTP 200, not a userError, not an HTTP 4xx). True when recorded; false when the caller must handle the failure.
     */
    public boolean bulkRefusedBy(String shop, String resource, ShopifyApiException e) {
        if (e.kind() != ShopifyApiException.Kind.QUERY_REJECTED || e.httpStatus() != 200) {
            return false;
        }
        String why = "bulk operations refused (" + (e instanceof AccessDeniedException ? "ACCESS_DENIED" : e.getMessage()) + ")";
        LOG.warn("{} {}: {}; it is imported and caught up by pages, without id reconciliation", shop, resource, why);
        bulkRefused(shop, resource, why);
        return true;
    }

    public void finishBackfill(Connection c, String shop, String resource, OffsetDateTime highWaterMark) throws SQLException {
        OffsetDateTime now = now();
        jdbc.update(c, "update-sync-state-finish-backfill", highWaterMark, now, now, shop, resource);
    }

    /** Records a failure and when to try again. */
    public void failed(String shop, String resource, String message, Duration retryAfter) {
        OffsetDateTime now = now();
        jdbc.update("update-sync-state-error", truncate(message, 4000), now.plus(retryAfter), now, shop, resource);
    }

    static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
