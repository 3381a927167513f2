package io.shopifysync.sync;

import io.shopifysync.db.Jdbc;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code dead_letters} table: what failed for a reason retrying will not fix, kept for list/replay/discard. */
public final class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    private final Jdbc jdbc;
    private final Clock clock;

    public DeadLetters(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public void record(String shop, String source, String resource, String reason, String payload) {
        LOG.warn("dead letter for {} {} from {}: {}", shop, resource, source, reason);
        jdbc.update("insert-dead-letter", shop, source, resource, SyncStateStore.truncate(reason, 1024), payload,
                OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC));
    }
}
