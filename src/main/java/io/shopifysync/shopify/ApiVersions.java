package io.shopifysync.shopify;

import io.shopifysync.db.Jdbc;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Admin API version each shop actually served. Shopify serves the requested version until it is retired, then
 * falls forward to the oldest supported one and says so in {@code X-Shopify-API-Version}. Every answer's header comes
 * here; a change is logged (WARN once per shop when it differs from {@code shopify.api.version}), stored on the shop
 * row (so {@code status}, another process, shows it) and reported to the metrics.
 */
public final class ApiVersions {

    /** Told whenever a shop's served version changes (the metrics). */
    public interface Listener {
        void served(String shop, String requested, String served);
    }

    private static final Logger LOG = LoggerFactory.getLogger(ApiVersions.class);
    /** What a version looks like; anything else in the header is a remote text and is never stored as it is. */
    private static final Pattern VERSION = Pattern.compile("\\d{4}-\\d{2}|unstable");
    private final String requested;
    private final Jdbc jdbc;
    private final Clock clock;
    private final Map<String, String> served = new ConcurrentHashMap<>();
    private volatile Listener listener = (shop, requestedVersion, servedVersion) -> { };

    public ApiVersions(String requested, Jdbc jdbc, Clock clock) {
        this.requested = requested;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public void setListener(Listener listener) {
        this.listener = listener;
    }

    public String requested() {
        return requested;
    }

    /** One answer's {@code X-Shopify-API-Version} header (null when absent) for a shop. */
    public void observed(String shop, String header) {
        if (header == null) {
            return;
        }
        String version = VERSION.matcher(header).matches() ? header : "unrecognised";
        String before = served.put(shop, version);
        if (version.equals(before)) {
            return;
        }
        if (!version.equals(requested)) {
            LOG.warn("{}: asked for Admin API {} but Shopify served {} (the requested version is retired or unknown); "
                    + "set SHOPIFY_API_VERSION to a supported version", shop, requested, version);
        }
        try {
            jdbc.update("update-shop-api-version", requested, version, OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC), shop);
        } catch (RuntimeException e) {
            served.remove(shop, version); // stored next time; the call itself succeeded
            LOG.warn("{}: could not store the served API version: {}", shop, ShopifyApiException.describe(e));
        }
        listener.served(shop, requested, version);
    }
}
