package io.shopifysync.webhooks;

import javax.sql.DataSource;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.Policy;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A Camel {@code policy} that runs the steps it wraps in one database transaction: the idempotent
 * repository's key and the inbox row are committed together (one commit per delivery), or not at all.
 * It rolls back on any exception, including one the route's {@code onException} handled inside the policy.
 */
public final class IntakeTransaction implements Policy {

    private final TransactionTemplate transaction;

    public IntakeTransaction(DataSource dataSource) {
        this.transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    /** The template the idempotent repository joins, so its INSERT is part of the same transaction. */
    public TransactionTemplate template() {
        return transaction;
    }

    @Override
    public void beforeWrap(Route route, NamedNode definition) {
        // nothing to prepare
    }

    @Override
    public Processor wrap(Route route, Processor processor) {
        return exchange -> transaction.executeWithoutResult(status -> {
            Object caughtBefore = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT);
            try {
                processor.process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            // a handled exception (onException, handled: true) is no longer on the exchange, only in EXCEPTION_CAUGHT
            if (exchange.getException() != null || exchange.isRollbackOnly()
                    || exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT) != caughtBefore) {
                status.setRollbackOnly();
            }
        });
    }
}
