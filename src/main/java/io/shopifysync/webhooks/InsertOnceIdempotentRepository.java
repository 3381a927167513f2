package io.shopifysync.webhooks;

import io.shopifysync.db.Dialect;
import io.shopifysync.db.SqlStatements;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
    private String insertAll;

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
        insertAll = sql.dialect() == Dialect.POSTGRESQL ? sql.get("insert-idempotency-keys") : null;
    }

    /** True when {@code key} was not there and is now (committed with the surrounding transaction). */
    @Override
    public boolean add(String key) {
        return Boolean.TRUE.equals(transactionTemplate.execute(status -> insert(key) > 0));
    }

    /**
     * {@link #add} for many distinct keys in the caller's transaction: returns the keys that were new (and are now
     * stored). One statement for all of them on PostgreSQL; on H2 a batch of {@link #add}'s statement, because H2
     * re-runs a statement that waited for a lock, and the re-run's result no longer names the rows its first run inserted.
     */
    public Set<String> addAll(Collection<String> keys) {
        Timestamp now = new Timestamp(System.currentTimeMillis());
        if (sql.dialect() == Dialect.POSTGRESQL) {
            return transactionTemplate.execute(status -> new HashSet<>(jdbcTemplate.query(connection -> {
                PreparedStatement statement = connection.prepareStatement(insertAll);
                statement.setString(1, processorName);
                statement.setTimestamp(2, now);
                statement.setArray(3, connection.createArrayOf("varchar", keys.toArray(String[]::new)));
                return statement;
            }, (rs, row) -> rs.getString(1))));
        }
        List<String> ordered = new ArrayList<>(keys);
        List<Object[]> args = new ArrayList<>(ordered.size());
        for (String key : ordered) {
            args.add(new Object[] {processorName, key, now});
        }
        int[] counts = transactionTemplate.execute(status -> jdbcTemplate.batchUpdate(getInsertString(), args));
        Set<String> added = new HashSet<>();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                added.add(ordered.get(i));
            }
        }
        return added;
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
