package io.shopifysync.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Runs the named statements of {@code sql/} with positional parameters; short-lived connections. */
public final class Jdbc {

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Work inside one transaction. */
    @FunctionalInterface
    public interface TransactionWork<T> {
        T run(Connection c) throws SQLException;
    }

    private final DataSource dataSource;
    private final SqlStatements sql;

    public Jdbc(Database db) {
        this(db.dataSource(), db.sql());
    }

    public Jdbc(DataSource dataSource, SqlStatements sql) {
        this.dataSource = dataSource;
        this.sql = sql;
    }

    public SqlStatements sql() {
        return sql;
    }

    public int update(String statement, Object... params) {
        try (Connection c = dataSource.getConnection()) {
            return update(c, statement, params);
        } catch (SQLException e) {
            throw new IllegalStateException(statement + ": " + e.getMessage(), e);
        }
    }

    public int update(Connection c, String statement, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.get(statement))) {
            bind(ps, params);
            return ps.executeUpdate();
        }
    }

    public <T> List<T> query(String statement, RowReader<T> reader, Object... params) {
        return queryRaw(sql.get(statement), reader, params);
    }

    /** Like {@link #query} for SQL already taken from {@link #sql()} and filled in (a table name). */
    public <T> List<T> queryRaw(String statementText, RowReader<T> reader, Object... params) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(statementText)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(reader.read(rs));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(statementText + ": " + e.getMessage(), e);
        }
    }

    public <T> Optional<T> queryOne(String statement, RowReader<T> reader, Object... params) {
        return query(statement, reader, params).stream().findFirst();
    }

    /** Runs work in a transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(TransactionWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("transaction failed: " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement ps, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
    }
}
