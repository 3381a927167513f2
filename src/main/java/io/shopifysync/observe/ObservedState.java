package io.shopifysync.observe;

import io.shopifysync.db.Database;
import io.shopifysync.db.Jdbc;
import io.shopifysync.status.StatusReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the database says about every shop, read at most once per refresh (a few grouped queries) and shared by
 * the gauges and the health checks, so neither a scrape nor a probe queries per shop and resource.
 */
public final class ObservedState {

    /** Stored webhook deliveries not processed yet; {@code oldest} is when the oldest of them arrived. */
    public record Backlog(long pending, OffsetDateTime oldest) {
    }

    /** One reading; {@code error} is set when the last refresh failed (the previous reading is kept). */
    public record Snapshot(Instant readAt, List<StatusReport.ShopStatus> shops, Map<String, Backlog> inbox,
                           Map<String, Long> openDeadLetters, String error) {

        static final Snapshot EMPTY = new Snapshot(null, List.of(), Map.of(), Map.of(), "not read yet");

        public Backlog backlog(String shop) {
            return inbox.getOrDefault(shop, new Backlog(0, null));
        }

        public long deadLetters(String shop) {
            return openDeadLetters.getOrDefault(shop, 0L);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ObservedState.class);
    private final Jdbc jdbc;
    private final Database db;
    private final Clock clock;
    private volatile Snapshot current = Snapshot.EMPTY;

    public ObservedState(Database db, Clock clock) {
        this.jdbc = new Jdbc(db);
        this.db = db;
        this.clock = clock;
    }

    public Snapshot current() {
        return current;
    }

    /** Reads everything again; a failure keeps the last reading and records why. */
    public Snapshot refresh() {
        try {
            Map<String, Backlog> inbox = new TreeMap<>();
            jdbc.query("select-inbox-backlog-by-shop", rs -> inbox.put(rs.getString("shop_domain"),
                    new Backlog(rs.getLong("pending"), rs.getObject("oldest", OffsetDateTime.class))));
            Map<String, Long> dead = new TreeMap<>();
            jdbc.query("select-open-dead-letters-by-shop", rs -> dead.put(rs.getString("shop_domain"), rs.getLong("open_count")));
            current = new Snapshot(clock.instant(), StatusReport.shops(db, clock), Map.copyOf(inbox), Map.copyOf(dead), null);
        } catch (RuntimeException e) {
            if (current.error() == null) {
                LOG.warn("cannot read the sync state for metrics and health: {}", e.getMessage());
            }
            Snapshot last = current;
            current = new Snapshot(last.readAt(), last.shops(), last.inbox(), last.openDeadLetters(),
                    e.getClass().getSimpleName());
        }
        return current;
    }

    /** How old the reading is, empty before the first successful one. */
    public Optional<Duration> age() {
        Instant readAt = current.readAt();
        return readAt == null ? Optional.empty() : Optional.of(Duration.between(readAt, clock.instant()));
    }
}
