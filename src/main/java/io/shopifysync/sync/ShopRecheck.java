package io.shopifysync.sync;

import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.ShopCredentials;
import io.shopifysync.db.Jdbc;
import io.shopifysync.shopify.ShopifyApiException;
import io.shopifysync.shopify.ShopifyGraphql;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shops that Shopify stopped serving for a while (402 frozen: payment due; 423 locked or SHOP_PENDING_TERMINATION:
 * under review; 404 paused) come back on their own: the {@code shop-unavailable-recheck} route asks each one a
 * one-point query every {@code shop.unavailable.recheck.interval.ms}, inside its rate limit, and the first answer
 * makes it INSTALLED again, so import and polling carry on from {@code sync_state} without an operator. An
 * AUTH_FAILED or UNINSTALLED shop is never resumed here.
 */
public final class ShopRecheck {

    static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger(ShopRecheck.class);
    /** The cheapest question a shop answers only while it is served: one point. */
    static final String PROBE = "query ShopRecheck { shop { id } }";

    private final Jdbc jdbc;
    private final Accounts accounts;
    private final ShopifyGraphql graphql;
    private final DeadLetters deadLetters;
    private final Clock clock;
    private final Duration interval;

    public ShopRecheck(Jdbc jdbc, Accounts accounts, ShopifyGraphql graphql, DeadLetters deadLetters, Clock clock, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("shop.unavailable.recheck.interval.ms must be positive, got " + interval.toMillis());
        }
        this.jdbc = jdbc;
        this.accounts = accounts;
        this.graphql = graphql;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.interval = interval;
    }

    /** FROZEN, LOCKED and PAUSED shops whose next check is due. */
    public List<String> due() {
        return jdbc.query("select-shops-to-recheck", rs -> rs.getString(1), now());
    }

    /** Asks one shop whether it answers again; records the outcome. Never throws: one shop must not stop the others. */
    public void check(@ExchangeProperty("shop") String shop) {
        OffsetDateTime now = now();
        ShopCredentials creds = accounts.credentials(shop).orElse(null);
        if (creds == null) {
            return; // removed meanwhile
        }
        try {
            graphql.execute(creds, PROBE, Map.of());
        } catch (ShopifyApiException e) {
            stillUnavailable(shop, e, now);
            return;
        } catch (RuntimeException e) {
            LOG.warn("{}: re-check failed ({}); next check in {}", shop, ShopifyApiException.describe(e), every(interval), e);
            jdbc.update("update-shop-next-check", now.plus(interval), shop);
            return;
        }
        if (jdbc.update("update-shop-resumed", now, now, shop) == 1) {
            jdbc.update("reset-sync-state-backoff", now, shop); // the backoffs were the outage's: sync resumes at once
            LOG.info("{}: the shop answers again; INSTALLED, import and polling carry on where they stopped", shop);
        }
    }

    private void stillUnavailable(String shop, ShopifyApiException e, OffsetDateTime now) {
        String reason = SyncStateStore.truncate(ShopifyApiException.describe(e), 1024);
        switch (e.kind()) {
            case SHOP_UNAVAILABLE -> {
                String status = e.unavailableStatus();
                jdbc.update("update-shop-still-unavailable", status, now, status, reason, now, now.plus(interval), shop);
                LOG.info("{}: still {} ({}); next check in {}", shop, status, reason, every(interval));
            }
            case AUTH_FAILED -> {
                // the token went while the shop was away: only an operator can bring it back
                if (jdbc.update("update-shop-still-unavailable", "AUTH_FAILED", now, "AUTH_FAILED", reason, now, null, shop) == 1) {
                    LOG.error("{}: {} on re-check; the shop is AUTH_FAILED until an operator acts", shop, reason);
                    deadLetters.record(shop, "shop-recheck", null, reason, null);
                }
            }
            default -> {
                jdbc.update("update-shop-next-check", now.plus(interval), shop);
                LOG.warn("{}: re-check failed ({}); next check in {}", shop, reason, every(interval));
            }
        }
    }

    /** "5 min", "30 s" or "400 ms": for log lines. */
    static String every(Duration d) {
        long ms = d.toMillis();
        return ms % 60_000 == 0 ? ms / 60_000 + " min" : ms >= 1000 ? ms / 1000 + " s" : ms + " ms";
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
