package io.shopifysync.sync;

import io.shopifysync.db.Jdbc;
import io.shopifysync.shopify.ShopifyApiException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code dead_letters} table: what failed for a reason retrying will not fix, kept for list/replay/discard.
 * Letters are written by one route only, {@code dead-letter} ({@code routes/dead-letter.yaml}); {@link #record} sends
 * there, and {@link #reason} is the leaf step that route uses to word the failure.
 */
public final class DeadLetters {

    /** Exchange properties of the {@code direct:dead-letter} contract (see routes/dead-letter.yaml). */
    public static final String SHOP = "shop";
    public static final String RESOURCE = "resource";
    public static final String SOURCE = "deadLetterSource";
    public static final String REASON = "deadLetterReason";
    public static final String INBOX_ID = "inboxId";
    /** Longest stored reason (the column is wider; what record() always kept). */
    static final int MAX_REASON = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    private final Jdbc jdbc;
    private final Clock clock;
    private final ProducerTemplate route;

    /** Reads, replays and discards letters (the {@code dlq} command); {@link #record} needs the route. */
    public DeadLetters(Jdbc jdbc, Clock clock) {
        this(jdbc, clock, null);
    }

    /** {@code route}: a producer of the Camel context that runs {@code direct:dead-letter}. */
    public DeadLetters(Jdbc jdbc, Clock clock, ProducerTemplate route) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.route = route;
    }

    /** Records one letter through {@code direct:dead-letter}; a failure to store it is thrown (nothing is lost silently). */
    /** PostgreSQL's text cannot hold NUL (a bad line or a database's message may carry one): written as JSON's escape. */
    static String storable(String s) {
        return s == null || s.indexOf('\u0000') < 0 ? s : s.replace("\u0000", "\\u0000");
    }

    public void record(String shop, String source, String resource, String reason, String payload) {
        if (route == null) {
            throw new IllegalStateException("dead letters are recorded by the dead-letter route; this process has no Camel context");
        }
        Exchange done = route.send("direct:dead-letter", ex -> {
            ex.setProperty(SHOP, shop);
            ex.setProperty(SOURCE, source);
            ex.setProperty(RESOURCE, resource);
            ex.setProperty(REASON, reason == null ? "unknown failure" : storable(reason));
            ex.getMessage().setBody(storable(payload));
        });
        if (done.getException() != null) {
            throw done.getException() instanceof RuntimeException r ? r
                    : new IllegalStateException("recording a dead letter for " + shop + " failed", done.getException());
        }
    }

    /**
     * The dead-letter route's leaf step: the text stored as {@code reason}. The caller's {@code deadLetterReason} when
     * given, else the caught exception in its safe wording ({@link ShopifyApiException#describe}: no body, no token);
     * at most {@value #MAX_REASON} characters.
     */
    public static String reason(Exchange exchange) {
        String given = exchange.getProperty(REASON, String.class);
        if (given == null) {
            Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            if (caught == null) {
                caught = exchange.getException();
            }
            given = ShopifyApiException.describe(caught);
        }
        return SyncStateStore.truncate(given, MAX_REASON);
    }

    /** One row of {@code dead_letters}; {@code inboxId} is set for webhook deliveries, which can be replayed. */
    public record Letter(long id, String shop, String source, String resource, String reason, OffsetDateTime createdAt,
                         OffsetDateTime replayedAt, OffsetDateTime discardedAt, Long inboxId) {
    }

    /** What {@link #replay} did. */
    public enum ReplayOutcome {
        /** The inbox row is NEW again and the letter is marked replayed. */
        REPLAYED,
        /** Not from a webhook delivery (bulk ingest, import or poll): there is nothing stored to run again. */
        NOT_REPLAYABLE,
        /** Discarded or replayed already. */
        CLOSED,
        /** The inbox row is gone or no longer DEAD (replayed by someone else, or purged). */
        INBOX_CHANGED
    }

    /** The outcome of one replay with a sentence that says why. */
    public record Replay(Letter letter, ReplayOutcome outcome, String message) {
    }

    /** Dead letters of one shop (null: every shop), oldest first; discarded ones only when asked. */
    public List<Letter> list(String shop, boolean includeDiscarded) {
        return jdbc.query("select-dead-letters", DeadLetters::letter, shop, shop, includeDiscarded);
    }

    public Optional<Letter> find(long id) {
        return jdbc.queryOne("select-dead-letter", DeadLetters::letter, id);
    }

    /**
     * Puts a webhook dead letter's delivery back in the inbox as NEW with no attempts, so the processor takes it
     * again, and marks the letter replayed, in one transaction. Letters without an inbox row are refused: what
     * failed in a bulk import or a poll is not stored as a unit of work, and is read again from the store by the
     * import or the next poll once the cause is fixed.
     */
    public Replay replay(Letter letter) {
        if (letter.discardedAt() != null) {
            return new Replay(letter, ReplayOutcome.CLOSED, "dead letter " + letter.id() + " was discarded at "
                    + letter.discardedAt() + "; it cannot be replayed");
        }
        if (letter.replayedAt() != null) {
            return new Replay(letter, ReplayOutcome.CLOSED, "dead letter " + letter.id() + " was replayed already at "
                    + letter.replayedAt() + " (if it failed again, it has a new dead letter)");
        }
        if (letter.inboxId() == null) {
            return new Replay(letter, ReplayOutcome.NOT_REPLAYABLE, "dead letter " + letter.id() + " (source "
                    + letter.source() + ") cannot be replayed automatically: it did not come from a stored webhook delivery,"
                    + " so there is nothing to run again. Fix the cause; the next import or poll of "
                    + (letter.resource() == null ? "the shop" : letter.resource())
                    + " reads the data from the store again. Then discard it.");
        }
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        String problem = jdbc.inTransaction(c -> {
            if (jdbc.update(c, "mark-dead-letter-replayed", now, letter.id()) == 0) {
                c.rollback();
                return "dead letter " + letter.id() + " was replayed or discarded meanwhile";
            }
            if (jdbc.update(c, "reset-inbox-for-replay", letter.inboxId()) == 0) {
                c.rollback();
                Optional<String> status = jdbc.queryOne("select-inbox-status", rs -> rs.getString(1), letter.inboxId());
                return status.map(st -> "webhook delivery " + letter.inboxId() + " of dead letter " + letter.id() + " is "
                                + st + ", not DEAD; nothing to replay")
                        .orElse("webhook delivery " + letter.inboxId() + " of dead letter " + letter.id()
                                + " no longer exists in the inbox; it cannot be replayed");
            }
            return null;
        });
        if (problem != null) {
            return new Replay(letter, ReplayOutcome.INBOX_CHANGED, problem);
        }
        LOG.info("dead letter {} replayed: webhook delivery {} of {} is NEW again", letter.id(), letter.inboxId(), letter.shop());
        return new Replay(letter, ReplayOutcome.REPLAYED, "replayed dead letter " + letter.id() + ": webhook delivery "
                + letter.inboxId() + " is queued again");
    }

    /** Sets discarded_at; false when the letter was discarded already. */
    public boolean discard(long id) {
        return jdbc.update("mark-dead-letter-discarded", OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC), id) > 0;
    }

    /** Discards every dead letter of the shop not discarded yet; returns how many. */
    public int discardAll(String shop) {
        return jdbc.update("mark-shop-dead-letters-discarded", OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC), shop);
    }

    private static Letter letter(ResultSet rs) throws SQLException {
        long inbox = rs.getLong(9);
        Long inboxId = rs.wasNull() ? null : inbox;
        return new Letter(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getObject(6, OffsetDateTime.class), rs.getObject(7, OffsetDateTime.class), rs.getObject(8, OffsetDateTime.class),
                inboxId);
    }
}
