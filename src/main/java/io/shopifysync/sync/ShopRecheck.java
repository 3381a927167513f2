package io.shopifysync.sync;

import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.ShopCredentials;
import io.shopifysync.shopify.ShopifyApiException;
import io.shopifysync.shopify.ShopifyGraphql;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Message;

/**
 * Shops that Shopify stopped serving for a while (402 frozen: payment due; 423 locked or SHOP_PENDING_TERMINATION:
 * under review; 404 paused) come back on their own: the {@code shop-unavailable-recheck} route asks each one a
 * one-point query every {@code shop.unavailable.recheck.interval.ms}, inside its rate limit, and the first answer
 * makes it INSTALLED again, so import and polling carry on from {@code sync_state} without an operator. An
 * AUTH_FAILED or UNINSTALLED shop is never resumed here. The route holds the flow (which shops are due, the choice on
 * the answer, the sql: writes); this bean asks the shop and says what the answer means.
 */
public final class ShopRecheck {

    static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);
    /** The outcomes of one re-check, the route's choice (routes/shop-recheck.yaml). */
    public static final String RESUMED = "RESUMED";
    public static final String STILL_UNAVAILABLE = "STILL_UNAVAILABLE";
    public static final String AUTH_FAILED = "AUTH_FAILED";
    public static final String FAILED = "FAILED";
    public static final String REMOVED = "REMOVED";
    /** The cheapest question a shop answers only while it is served: one point. */
    static final String PROBE = "query ShopRecheck { shop { id } }";

    private final Accounts accounts;
    private final ShopifyGraphql graphql;
    private final Clock clock;
    private final Duration interval;

    public ShopRecheck(Accounts accounts, ShopifyGraphql graphql, Clock clock, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("shop.unavailable.recheck.interval.ms must be positive, got " + interval.toMillis());
        }
        this.accounts = accounts;
        this.graphql = graphql;
        this.clock = clock;
        this.interval = interval;
    }

    /** The re-check's clock: the route's {@code now} header, which the sql: statements bind. */
    public OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    /** When a shop that did not pass its re-check is asked again: the route's {@code nextCheck} header. */
    public OffsetDateTime nextCheck(@Header("now") OffsetDateTime now) {
        return now.plus(interval);
    }

    /** "5 min": how long until the next check, for the route's log lines. */
    public String interval() {
        return every(interval);
    }

    /**
     * Asks one shop the one-point question: {@code RESUMED} when it answers, {@code REMOVED} when it was unregistered
     * meanwhile; throws what Shopify's answer means otherwise (the route's doCatch takes it to {@link #refused}).
     */
    public String probe(@ExchangeProperty("shop") String shop) {
        ShopCredentials creds = accounts.credentials(shop).orElse(null);
        if (creds == null) {
            return REMOVED;
        }
        graphql.execute(creds, PROBE, Map.of());
        return RESUMED;
    }

    /**
     * What a failed re-check means, for the route's choice: {@code STILL_UNAVAILABLE} (Shopify still refuses the shop:
     * header {@code status} says how), {@code AUTH_FAILED} (the token went while the shop was away: only an operator
     * brings it back) or {@code FAILED} (no answer: network, 5xx; asked again later). Sets {@code status} and
     * {@code reason} (the classified failure, never the answer's text) for the sql: steps.
     */
    public String refused(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable e, Message message) {
        message.setHeader("reason", SyncStateStore.truncate(ShopifyApiException.describe(e), 1024));
        if (e instanceof ShopifyApiException api && api.kind() == ShopifyApiException.Kind.SHOP_UNAVAILABLE) {
            message.setHeader("status", api.unavailableStatus());
            return STILL_UNAVAILABLE;
        }
        if (e instanceof ShopifyApiException api && api.kind() == ShopifyApiException.Kind.AUTH_FAILED) {
            message.setHeader("status", "AUTH_FAILED");
            return AUTH_FAILED;
        }
        return FAILED;
    }

    /** "5 min", "30 s" or "400 ms": for log lines. */
    static String every(Duration d) {
        long ms = d.toMillis();
        return ms % 60_000 == 0 ? ms / 60_000 + " min" : ms >= 1000 ? ms / 1000 + " s" : ms + " ms";
    }
}
