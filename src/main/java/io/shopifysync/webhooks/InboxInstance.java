package io.shopifysync.webhooks;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Who this instance is when it claims inbox rows ({@code claimed_by}): clustered, the Quartz scheduler's instance id,
 * the name under which it checks in to {@code qrtz_scheduler_state}, so the cluster's view of who is alive decides
 * whose claims are taken back; one process (Quartz not clustered), an id of its own, new at every start.
 */
public final class InboxInstance {

    private final Supplier<String> clusterName;
    private final String processName = "process-" + UUID.randomUUID();
    private final OffsetDateTime startedAt;

    /** {@code clusterName} null when Quartz is not clustered; read once the scheduler started (ids are AUTO). */
    public InboxInstance(Supplier<String> clusterName, Clock clock) {
        this.clusterName = clusterName;
        this.startedAt = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    public String name() {
        return clusterName == null ? processName : clusterName.get();
    }

    /** When this process started: claims older than this that are not its own were left by a process that ended. */
    public OffsetDateTime startedAt() {
        return startedAt;
    }
}
