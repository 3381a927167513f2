package io.shopifysync.webhooks;

import io.shopifysync.db.SqlStatements;
import java.sql.Timestamp;
import javax.sql.DataSource;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * camel-sql's JDBC idempotent repository on {@code shopify.camel_messageprocessed} whose {@link #add} is one
 * statement ({@code INSERT … ON CONFLICT DO NOTHING} on PostgreSQL, {@code MERGE … WHEN NOT MATCHED} on H2):
 * its update count says whether the key was new. camel-sql's own {@code add} runs a SELECT COUNT before the
 * INSERT, a second round trip per delivery, and under concurrency both callers can see 0 and one of them
 * fails on the primary key instead of answering "duplicate".
 */
public final class InsertOnceIdempotentRepository extends JdbcMessageIdRepository {

    private final SqlStatements sql;

    /** With {@code transaction}, every operation joins the caller's transaction when there is one. */
    public InsertOnceIdempotentRepository(DataSource dataSource, TransactionTemplate transaction, SqlStatements sql,
                                          String processorName) {
        super(dataSource, transaction, processorName);
        this.sql = sql;
        setCreateTableIfNotExists(false);
    }

    /** Our statements, set after camel-sql's doInit, which rewrites every statement from its defaults. */
    @Override
    protected void doInit() throws Exception {
        super.doInit();
        setTableExistsString(sql.get("select-idempotency-table"));
        setQueryString(sql.get("select-idempotency-key-count"));
        setInsertString(sql.get("insert-idempotency-key"));
        setDeleteString(sql.get("delete-idempotency-key"));
        setClearString(sql.get("delete-idempotency-keys"));
    }

    /** True when {@code key} was not there and is now (committed with the surrounding transaction). */
    @Override
    public boolean add(String key) {
        return Boolean.TRUE.equals(transactionTemplate.execute(status -> insert(key) > 0));
    }

    /** 1 when the key was inserted, 0 when it was there already. */
    @Override
    protected int insert(String key) {
        try {
            return jdbcTemplate.update(getInsertString(), processorName, key, new Timestamp(System.currentTimeMillis()));
        } catch (DuplicateKeyException e) {
            // H2 only: a concurrent transaction inserted the same key and committed while this MERGE waited for it
            return 0;
        }
    }
}
