package io.shopifysync.webhooks;

import io.shopifysync.db.SqlStatements;
import java.time.Clock;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Camel component {@code webhook-inbox}: endpoint {@code webhook-inbox:store?writers=&maxBatch=&queueSize=&timeoutMs=}
 * stores a verified webhook delivery and its idempotency key through an {@link InboxGroupCommit} of its own, and
 * returns once they committed. The component holds what every such endpoint shares (the database, the idempotent
 * repository, the clock); the endpoint's options size its group commit, so they are read and changed in the YAML.
 */
public final class WebhookInboxComponent extends DefaultComponent {

    /** The scheme the application binds this component under (AppBeans). */
    public static final String SCHEME = "webhook-inbox";

    private final DataSource dataSource;
    private final SqlStatements sql;
    private final InsertOnceIdempotentRepository idempotency;
    private final TransactionTemplate transaction;
    private final Clock clock;

    public WebhookInboxComponent(DataSource dataSource, SqlStatements sql, InsertOnceIdempotentRepository idempotency,
                                 TransactionTemplate transaction, Clock clock) {
        this.dataSource = dataSource;
        this.sql = sql;
        this.idempotency = idempotency;
        this.transaction = transaction;
        this.clock = clock;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (!"store".equals(remaining)) {
            throw new IllegalArgumentException(SCHEME + ":" + remaining + " is not an endpoint; the only one is "
                    + SCHEME + ":store");
        }
        WebhookInboxEndpoint endpoint = new WebhookInboxEndpoint(uri, this);
        // an option that is misspelt or unknown fails the route at start (Camel's own check of leftover parameters)
        setProperties(endpoint, parameters);
        return endpoint;
    }

    InboxGroupCommit groupCommit(int writers, int maxBatch, int queueSize) {
        return new InboxGroupCommit(dataSource, sql, idempotency, transaction, writers, maxBatch, queueSize);
    }

    Clock clock() {
        return clock;
    }
}
