package io.shopifysync.webhooks;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * Checks {@code webhook.public.url} before anything is subscribed: Shopify only delivers to {@code https://}
 * addresses and refuses an {@code http://} subscription, so a plain-HTTP URL is accepted only for a loopback
 * host (a local run against the emulator). The result is the callback URL every subscription points at.
 */
public final class WebhookPublicUrl {

    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

    private WebhookPublicUrl() {
    }

    /** The callback URL ({@code <url>/webhooks/shopify}), or null when the setting is empty (no webhooks). */
    public static String callbackUrl(String configured) {
        if (configured == null || configured.isBlank()) {
            return null;
        }
        String base = configured.strip().replaceAll("/+$", "");
        URI uri;
        try {
            uri = new URI(base);
        } catch (URISyntaxException e) {
            throw invalid(configured, "it is not a URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || uri.getHost().isBlank() || !(scheme.equals("https") || scheme.equals("http"))) {
            throw invalid(configured, "it needs https:// and a host, e.g. https://sync.example.com");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw invalid(configured, "it may not carry a query, a fragment or user credentials");
        }
        if (scheme.equals("http") && !LOOPBACK.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
            throw invalid(configured, "Shopify refuses http:// webhook subscriptions; use https:// "
                    + "(http:// is accepted only for 127.0.0.1 or localhost, for local runs against the emulator)");
        }
        return base + SubscriptionHealer.PATH;
    }

    private static IllegalArgumentException invalid(String configured, String why) {
        return new IllegalArgumentException("webhook.public.url (WEBHOOK_PUBLIC_URL) '" + configured + "' is not usable: " + why);
    }
}
