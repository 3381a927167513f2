package io.shopifysync.webhooks;

import io.shopifysync.db.Dialect;
import io.shopifysync.db.SqlStatements;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit for webhook intake. Concurrent requests hand their verified delivery to a few writer threads; a
 * writer takes every delivery waiting at that moment (never waiting for a batch to fill) and writes them in one
 * transaction: the registered shops among them (locked against a concurrent purge), the idempotency keys through
 * camel-sql's repository, then the inbox rows. Each request learns its own outcome only after that commit, so a
 * 200 still means "stored", while one commit acknowledges many.
 *
 * <p>A batch that fails is written again one delivery at a time, so one bad delivery fails alone.
 */
public final class InboxGroupCommit {

    /** What became of one delivery; an exception instead means it was not stored. */
    public enum Outcome { STORED, DUPLICATE, UNREGISTERED }

    /** One verified delivery, as it goes into {@code shopify.webhook_inbox}. */
    public record Delivery(String shop, String event, String webhookId, String topic, Long objectId,
                           OffsetDateTime objectUpdatedAt, OffsetDateTime triggeredAt, String apiVersion, String headers,
                           String body, OffsetDateTime receivedAt) {

        /** The idempotency key: an event id is unique per shop. */
        public String key() {
            return shop + "/" + event;
        }
    }

    /** A delivery waiting for its commit; its key, compared and looked up many times per batch, is built once. */
    private record Pending(Delivery delivery, String key, CompletableFuture<Outcome> outcome) {
        Pending(Delivery delivery) {
            this(delivery, delivery.key(), new CompletableFuture<>());
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(InboxGroupCommit.class);

    private final InsertOnceIdempotentRepository idempotency;
    private final TransactionTemplate transaction;
    private final JdbcTemplate jdbc;
    private final boolean setBased;
    /** {@code insert-webhooks} (PostgreSQL: every row in one statement) or {@code insert-webhook} (H2: one row). */
    private final String insertRows;
    private final String lockRegisteredShops;
    private final BlockingQueue<Pending> queue;
    private final int maxBatch;
    private final int writers;
    private volatile boolean accepting;
    private final LongAdder transactions = new LongAdder();
    private final LongAdder split = new LongAdder();

    /**
     * @param writers  threads that write batches (each holds one connection while it writes)
     * @param maxBatch most deliveries in one transaction
     * @param capacity most deliveries waiting; beyond that a delivery is refused at once (the route answers 503)
     */
    public InboxGroupCommit(DataSource dataSource, SqlStatements sql, InsertOnceIdempotentRepository idempotency,
                            TransactionTemplate transaction, int writers, int maxBatch, int capacity) {
        this.idempotency = idempotency;
        this.transaction = transaction;
        this.jdbc = new JdbcTemplate(dataSource); // joins the transaction the template opened on the same DataSource
        this.setBased = sql.dialect() == Dialect.POSTGRESQL;
        this.insertRows = sql.get(setBased ? "insert-webhooks" : "insert-webhook");
        this.lockRegisteredShops = sql.get("lock-registered-shops");
        this.writers = writers;
        this.maxBatch = maxBatch;
        this.queue = new LinkedBlockingQueue<>(capacity);
    }

    /** Starts the writer threads on {@code pool}, which must have at least {@code writers} threads. */
    public void start(ExecutorService pool) {
        accepting = true;
        for (int i = 0; i < writers; i++) {
            pool.execute(this::writeUntilStopped);
        }
    }

    /** Refuses new deliveries; the writers write those already queued, then end. */
    public void stop() {
        accepting = false;
    }

    /** Queues a delivery; the future completes after the transaction holding it committed (or failed). */
    public CompletableFuture<Outcome> submit(Delivery delivery) {
        Pending pending = new Pending(delivery);
        CompletableFuture<Outcome> outcome = pending.outcome();
        if (!accepting) {
            outcome.completeExceptionally(new RejectedExecutionException("webhook intake is not running"));
        } else if (!queue.offer(pending)) {
            outcome.completeExceptionally(new RejectedExecutionException(
                    "webhook intake queue is full (" + (queue.size() + queue.remainingCapacity()) + " waiting)"));
        }
        return outcome;
    }

    private void writeUntilStopped() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (accepting || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                write(batch);
            } catch (InterruptedException e) {
                fail(batch, e);
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                // write completes every future; this is a last resort so no request waits for nothing
                fail(batch, e);
                LOG.error("webhook intake writer: {}", e.toString(), e);
            } finally {
                batch.clear();
            }
        }
    }

    private static void fail(List<Pending> batch, Throwable e) {
        for (Pending p : batch) {
            p.outcome().completeExceptionally(e);
        }
    }

    /** Writes {@code deliveries} as one batch on the calling thread, as a writer does with what it took. */
    List<CompletableFuture<Outcome>> writeAsOneBatch(List<Delivery> deliveries) {
        List<Pending> batch = new ArrayList<>();
        for (Delivery d : deliveries) {
            batch.add(new Pending(d));
        }
        List<CompletableFuture<Outcome>> outcomes = batch.stream().map(Pending::outcome).toList();
        write(batch);
        return outcomes;
    }

    /** One transaction for the batch; when it fails, one transaction per delivery so only the bad one fails. */
    private void write(List<Pending> batch) {
        batch.sort(Comparator.comparing(Pending::key)); // one lock order for every writer and instance
        try {
            commit(batch);
        } catch (RuntimeException e) {
            if (batch.size() > 1) {
                writeOneByOne(batch, e);
                return;
            }
            if (e instanceof DuplicateKeyException) {
                // H2: a concurrent transaction committed the same key while ours waited; written again, it is a duplicate
                try {
                    commit(batch);
                    return;
                } catch (RuntimeException again) {
                    e = again;
                }
            }
            batch.get(0).outcome().completeExceptionally(e);
        }
    }

    private void commit(List<Pending> batch) {
        Outcome[] outcomes = transaction.execute(status -> writeInOneTransaction(batch));
        transactions.increment();
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).outcome().complete(outcomes[i]);
        }
    }

    private void writeOneByOne(List<Pending> batch, RuntimeException e) {
        split.increment();
        LOG.debug("a batch of {} deliveries failed ({}); writing them one by one", batch.size(), e.toString());
        for (Pending p : batch) {
            write(new ArrayList<>(List.of(p)));
        }
    }

    /** Three statements whatever the batch's size: the registered shops (locked), their new keys, the inbox rows. */
    private Outcome[] writeInOneTransaction(List<Pending> batch) {
        // the first delivery of an event in the batch decides; any other is its duplicate
        Map<String, Integer> first = new LinkedHashMap<>();
        Set<String> shops = new TreeSet<>();
        for (int i = 0; i < batch.size(); i++) {
            first.putIfAbsent(batch.get(i).key(), i);
            shops.add(batch.get(i).delivery().shop());
        }
        Set<String> registered = lockRegistered(shops);
        List<String> keys = new ArrayList<>(first.size());
        for (int i : first.values()) {
            if (registered.contains(batch.get(i).delivery().shop())) {
                keys.add(batch.get(i).key());
            }
        }
        Set<String> fresh = keys.isEmpty() ? Set.of() : idempotency.addAll(keys);
        List<Delivery> toStore = new ArrayList<>(fresh.size());
        for (int i : first.values()) {
            if (fresh.contains(batch.get(i).key())) {
                toStore.add(batch.get(i).delivery());
            }
        }
        if (!toStore.isEmpty()) {
            insert(toStore); // a new key whose event the inbox holds already (keys cleared by hand) is stored all the same
        }
        Outcome[] outcomes = new Outcome[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            boolean decides = first.get(p.key()) == i;
            outcomes[i] = !registered.contains(p.delivery().shop()) ? Outcome.UNREGISTERED
                    : decides && fresh.contains(p.key()) ? Outcome.STORED : Outcome.DUPLICATE;
        }
        return outcomes;
    }

    /**
     * The registered ones among {@code shops}, their rows locked until this transaction ends, so a purge of a shop
     * cannot commit between our check and our rows (it waits, and then deletes them; or we wait, and store nothing).
     */
    private Set<String> lockRegistered(Set<String> shops) {
        return new HashSet<>(jdbc.query(connection -> {
            PreparedStatement statement = connection.prepareStatement(lockRegisteredShops);
            statement.setArray(1, connection.createArrayOf("varchar", shops.toArray(String[]::new)));
            return statement;
        }, (rs, row) -> rs.getString(1)));
    }

    /**
     * The inbox rows, each only once. PostgreSQL: one INSERT of every delivery, one array per column. H2: a batch of
     * one INSERT per delivery (see {@link InsertOnceIdempotentRepository#addAll} for why).
     */
    private void insert(List<Delivery> deliveries) {
        if (!setBased) {
            List<Object[]> rows = new ArrayList<>(deliveries.size());
            for (Delivery d : deliveries) {
                rows.add(new Object[] {d.event(), d.webhookId(), d.topic(), d.objectId(), d.objectUpdatedAt(), d.triggeredAt(),
                        d.apiVersion(), d.headers(), d.body(), d.receivedAt(), d.shop(), d.event()});
            }
            jdbc.batchUpdate(insertRows, rows);
            return;
        }
        List<Function<Delivery, Object>> columns = List.of(Delivery::event, Delivery::webhookId, Delivery::topic,
                Delivery::shop, Delivery::objectId, d -> timestamp(d.objectUpdatedAt()), d -> timestamp(d.triggeredAt()),
                Delivery::apiVersion, Delivery::headers, Delivery::body, d -> timestamp(d.receivedAt()));
        jdbc.update(connection -> {
            PreparedStatement statement = connection.prepareStatement(insertRows);
            for (int c = 0; c < columns.size(); c++) {
                String[] values = new String[deliveries.size()];
                for (int r = 0; r < values.length; r++) {
                    Object v = columns.get(c).apply(deliveries.get(r));
                    values[r] = v == null ? null : v.toString();
                }
                statement.setArray(c + 1, connection.createArrayOf("varchar", values));
            }
            return statement;
        });
    }

    /** A timestamp both databases read from a string, offset included. */
    private static String timestamp(OffsetDateTime t) {
        return t == null ? null : Timestamps.sql(t);
    }

    /** Transactions committed so far (deliveries / transactions is the mean batch). */
    public long transactions() {
        return transactions.sum();
    }

    /** Batches that failed as a whole and were written again one delivery at a time. */
    public long batchesSplit() {
        return split.sum();
    }
}
