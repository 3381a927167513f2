package io.shopifysync.sync;

import io.shopifysync.accounts.ShopCredentials;
import io.shopifysync.db.Jdbc;
import io.shopifysync.shopify.AccessDeniedException;
import io.shopifysync.shopify.ShopifyApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns permanent API failures into a shop status that {@code status} shows and that pauses the shop
 * (401/403 → AUTH_FAILED, 402 → FROZEN, 423 and SHOP_PENDING_TERMINATION → LOCKED, 404 → PAUSED; the last three are
 * re-checked by {@link ShopRecheck} until the shop answers again); a rejected query is dead-lettered, and so is the
 * change of an INSTALLED shop's status, once (resources failing together record one dead letter). ACCESS_DENIED
 * concerns one resource's query: that resource alone is paused (one dead letter per pause), the shop keeps syncing.
 */
public final class ShopHealth {

    private static final Logger LOG = LoggerFactory.getLogger(ShopHealth.class);
    private final Jdbc jdbc;
    private final DeadLetters deadLetters;
    private final Clock clock;

    private final Duration recheckEvery;

    public ShopHealth(Jdbc jdbc, DeadLetters deadLetters, Clock clock) {
        this(jdbc, deadLetters, clock, ShopRecheck.DEFAULT_INTERVAL);
    }

    /** {@code recheckEvery}: how soon a shop Shopify stopped serving is asked again (shop.unavailable.recheck.interval.ms). */
    public ShopHealth(Jdbc jdbc, DeadLetters deadLetters, Clock clock, Duration recheckEvery) {
        this.jdbc = jdbc;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.recheckEvery = recheckEvery;
    }

    public void permanentFailure(String shop, String resource, ShopifyApiException e, String source) {
        String letter = permanentFailureLetter(shop, resource, e, source);
        if (letter != null) {
            deadLetters.record(shop, source, resource, letter, null);
        }
    }

    /**
     * As {@link #permanentFailure}, for a route that records the dead letter itself ({@code direct:dead-letter}): returns
     * the letter's reason, or null when none is due (already paused, or the shop was not INSTALLED any more).
     */
    public String permanentFailureLetter(String shop, String resource, ShopifyApiException e, String source) {
        if (e instanceof AccessDeniedException denied) {
            return pauseLetter(shop, resource, denied.getMessage(), source);
        }
        String status = switch (e.kind()) {
            case AUTH_FAILED -> "AUTH_FAILED";
            case SHOP_UNAVAILABLE -> e.unavailableStatus();
            default -> null;
        };
        if (status != null) {
            OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
            boolean rechecked = e.kind() == ShopifyApiException.Kind.SHOP_UNAVAILABLE;
            int changed = jdbc.update("update-shop-status", status, SyncStateStore.truncate(ShopifyApiException.describe(e), 1024),
                    now, now, rechecked ? now.plus(recheckEvery) : null, shop, e.answeredAt().atOffset(ZoneOffset.UTC),
                    e.tokenVersion() == ShopCredentials.UNSTORED ? Long.MAX_VALUE : e.tokenVersion());
            if (changed == 0) {
                LOG.info("{}: {} ({}); the shop is not INSTALLED any more (another resource's failure, or uninstalled),"
                        + " or was installed again, or its token replaced, after this call",
                        shop, ShopifyApiException.describe(e), source);
                return null;
            }
            if (rechecked) {
                LOG.error("{}: {} ({}); the shop is {}: syncing stops and the shop is asked again every {} until it answers",
                        shop, e.getMessage(), source, status, ShopRecheck.every(recheckEvery));
            } else {
                LOG.error("{}: {} ({}); the shop is {} until an operator acts", shop, e.getMessage(), source, status);
            }
        }
        return ShopifyApiException.describe(e);
    }

    /**
     * Pauses one resource of a shop (import, poll and webhook re-reads skip it) until the operator says the permission
     * is granted ({@code accounts add} again, {@code accounts resume}); only the first refusal records a dead letter.
     */
    public void pause(String shop, String resource, String reason, String source) {
        String letter = pauseLetter(shop, resource, reason, source);
        if (letter != null) {
            deadLetters.record(shop, source, resource, letter, null);
        }
    }

    /** As {@link #pause}, returning the dead letter's reason (null: already paused, no letter) instead of recording it. */
    public String pauseLetter(String shop, String resource, String reason, String source) {
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        String why = SyncStateStore.truncate(reason, 1024);
        if (jdbc.update("update-sync-state-pause", why, now, now, shop, resource) == 0) {
            LOG.info("{} {}: {} ({}); already paused", shop, resource, why, source);
            return null;
        }
        LOG.error("{} {}: {} ({}); this resource is paused until the permission is granted (accounts add again, or "
                + "accounts resume --shop {} --resource {}); the shop's other resources keep syncing", shop, resource, why, source,
                shop, resource);
        return why;
    }

    /** The shop's paused resources (webhook processing skips their re-reads). */
    public java.util.Set<String> pausedResources(String shop) {
        return new java.util.HashSet<>(jdbc.query("select-shop-paused-resources", rs -> rs.getString(1), shop));
    }
}
