package io.shopifysync.sync;

import io.shopifysync.catalog.Row;
import io.shopifysync.db.Jdbc;
import java.util.List;

/** Writes rows and the progress they represent in one transaction: the unit that makes kill -9 routine. */
public final class ResourceWriter {

    private final Jdbc jdbc;
    private final Upserts upserts;
    private final SyncStateStore state;

    public ResourceWriter(Jdbc jdbc, Upserts upserts, SyncStateStore state) {
        this.jdbc = jdbc;
        this.upserts = upserts;
        this.state = state;
    }

    /** A batch of a bulk result, with the byte offset it reaches. */
    public void writeBulkBatch(String shop, String resource, String operationId, List<Row> rows, long offset, long roots) {
        jdbc.inTransaction(c -> {
            upserts.write(c, shop, rows, state.now());
            state.ingestProgress(c, shop, resource, operationId, offset, roots);
            return null;
        });
    }

    /** A page of a paged import, with the cursor to continue from. */
    public void writePage(String shop, String resource, List<Row> rows, String cursor, long roots) {
        jdbc.inTransaction(c -> {
            upserts.write(c, shop, rows, state.now());
            state.pageProgress(c, shop, resource, cursor, roots);
            return null;
        });
    }
}
