package io.shopifysync.webhooks;

import java.util.concurrent.ExecutorService;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * {@code webhook-inbox:store}: the group commit of webhook intake as a route step. Its writers start with the endpoint
 * and stop after the routes (Camel stops endpoints last): deliveries still queued are committed before they end.
 */
@UriEndpoint(scheme = WebhookInboxComponent.SCHEME, title = "Webhook inbox", syntax = "webhook-inbox:store",
        producerOnly = true, category = Category.DATABASE)
public final class WebhookInboxEndpoint extends DefaultEndpoint {

    @UriPath(description = "the one operation: store")
    private String operation = "store";
    @UriParam(description = "writer threads, each holding one connection while it writes; 1 gives the largest batches",
            defaultValue = "1")
    private int writers = 1;
    @UriParam(description = "most deliveries in one transaction", defaultValue = "200")
    private int maxBatch = 200;
    @UriParam(description = "most deliveries waiting for a writer; beyond that a delivery is refused at once (503)",
            defaultValue = "2000")
    private int queueSize = 2_000;
    @UriParam(description = "longest wait for the commit before the delivery counts as not stored (503)",
            defaultValue = "4000")
    private long timeoutMs = 4_000;

    private InboxGroupCommit groupCommit;
    private ExecutorService writerPool;

    WebhookInboxEndpoint(String uri, WebhookInboxComponent component) {
        super(uri, component);
    }

    @Override
    public WebhookInboxComponent getComponent() {
        return (WebhookInboxComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        return new WebhookInboxProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException(getEndpointUri() + " only stores: it cannot be a route's from");
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (writers < 1 || maxBatch < 1 || queueSize < 1 || timeoutMs < 1) {
            throw new IllegalArgumentException(getEndpointUri() + ": writers, maxBatch, queueSize and timeoutMs must be positive");
        }
        groupCommit = getComponent().groupCommit(writers, maxBatch, queueSize);
        writerPool = getCamelContext().getExecutorServiceManager().newFixedThreadPool(this, "webhook-intake", writers);
        groupCommit.start(writerPool);
    }

    @Override
    protected void doStop() throws Exception {
        if (groupCommit != null) {
            groupCommit.stop(); // the routes stopped first: the writers commit what is queued, then end
            getCamelContext().getExecutorServiceManager().shutdownGraceful(writerPool);
        }
        super.doStop();
    }

    /** The running group commit (its counters: transactions, batches split); null before the endpoint started. */
    public InboxGroupCommit groupCommit() {
        return groupCommit;
    }

    public String getOperation() {
        return operation;
    }

    public void setOperation(String operation) {
        this.operation = operation;
    }

    public int getWriters() {
        return writers;
    }

    public void setWriters(int writers) {
        this.writers = writers;
    }

    public int getMaxBatch() {
        return maxBatch;
    }

    public void setMaxBatch(int maxBatch) {
        this.maxBatch = maxBatch;
    }

    public int getQueueSize() {
        return queueSize;
    }

    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    public long getTimeoutMs() {
        return timeoutMs;
    }

    public void setTimeoutMs(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }
}
