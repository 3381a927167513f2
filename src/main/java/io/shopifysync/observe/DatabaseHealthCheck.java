package io.shopifysync.observe;

import io.shopifysync.db.Jdbc;
import java.sql.SQLException;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Readiness: one round trip to the database. Without it a webhook cannot be stored (intake answers 503), so the
 * instance is not ready; it stays live, since a restart does not bring the database back.
 */
public final class DatabaseHealthCheck extends ReadinessHealthCheck {

    private final Jdbc jdbc;

    public DatabaseHealthCheck(Jdbc jdbc) {
        super("database");
        this.jdbc = jdbc;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            jdbc.query("select-database-ping", rs -> rs.getInt(1));
            builder.up();
        } catch (RuntimeException e) {
            // the class and SQL state say enough; the driver's message may carry host names
            String state = e.getCause() instanceof SQLException sql && sql.getSQLState() != null ? " SQLState " + sql.getSQLState() : "";
            builder.message("database unreachable: " + (e.getCause() == null ? e : e.getCause()).getClass().getSimpleName() + state)
                    .down();
        }
    }
}
