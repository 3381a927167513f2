package io.shopifysync.webhooks;

import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.Policy;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A Camel {@code policy} that runs the steps it wraps in one database transaction: the idempotent
 * repository's key and the inbox row are committed together (one commit per delivery), or not at all.
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
            try {
                processor.process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            if (exchange.getException() != null) {
                status.setRollbackOnly();
            }
        });
    }
}
