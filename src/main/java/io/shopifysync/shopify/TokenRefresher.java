package io.shopifysync.shopify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.ShopCredentials;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps expiring tokens fresh: an EXPIRING token is refreshed ahead of its expiry with
 * {@code grant_type=refresh_token} (the refresh token rotates on use, so the new pair is stored in one
 * statement), a CLIENT_CREDENTIALS token with {@code grant_type=client_credentials}. One refresh per shop
 * at a time; a refresh another process did first is picked up from the database instead of failing.
 */
public class TokenRefresher {

    private static final Logger LOG = LoggerFactory.getLogger(TokenRefresher.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Accounts accounts;
    private final String clientId;
    private final String clientSecret;
    private final Duration ahead;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<String, ShopCredentials> latest = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final AtomicLong refreshes = new AtomicLong();

    public TokenRefresher(Accounts accounts, String clientId, String clientSecret, Duration ahead, Clock clock) {
        this.accounts = accounts;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.ahead = ahead;
        this.clock = clock;
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    /** The freshest credentials known for the shop, refreshed first when they expire within the lead time. */
    public ShopCredentials current(ShopCredentials given) {
        ShopCredentials known = latest.get(given.shop().value());
        ShopCredentials c = known != null && later(known, given) ? known : given;
        if (!c.refreshable() || c.expiresAt() != null && c.expiresAt().isAfter(now().plus(ahead))) {
            return c;
        }
        return refresh(c);
    }

    /** The stored credentials of a shop (the freshest this process knows); AUTH_FAILED when the shop is not registered. */
    public ShopCredentials stored(String shop) {
        if (shop == null) {
            throw new IllegalArgumentException("no shop given (exchange property shop)");
        }
        ShopCredentials known = latest.get(shop);
        ShopCredentials stored = accounts.credentials(shop).orElseThrow(() ->
                new ShopifyApiException(ShopifyApiException.Kind.AUTH_FAILED, 401, "shop " + shop + " is not registered"));
        return known != null && later(known, stored) ? known : stored;
    }

    private static boolean later(ShopCredentials a, ShopCredentials b) {
        return a.expiresAt() != null && (b.expiresAt() == null || a.expiresAt().isAfter(b.expiresAt()));
    }

    /** A new token for credentials that expire soon or were just refused. */
    public ShopCredentials refresh(ShopCredentials stale) {
        String shop = stale.shop().value();
        synchronized (locks.computeIfAbsent(shop, s -> new Object())) {
            ShopCredentials known = latest.get(shop);
            if (known != null && !known.accessToken().equals(stale.accessToken()) && fresh(known)) {
                return known; // another thread refreshed while we waited
            }
            ShopCredentials stored = accounts.credentials(shop).orElseThrow(() ->
                    new ShopifyApiException(ShopifyApiException.Kind.AUTH_FAILED, 401, "shop " + shop + " is not registered"));
            if (!stored.accessToken().equals(stale.accessToken()) && fresh(stored)) {
                latest.put(shop, stored); // another process refreshed and stored the new pair
                return stored;
            }
            ShopCredentials renewed = grant(stored);
            latest.put(shop, renewed);
            return renewed;
        }
    }

    private boolean fresh(ShopCredentials c) {
        return c.expiresAt() == null || c.expiresAt().isAfter(now().plus(ahead));
    }

    /** Asks the shop's token endpoint for a new token and stores it before anything uses it. */
    public ShopCredentials grant(ShopCredentials c) {
        ShopCredentials obtained = requestToken(c);
        accounts.updateTokens(c.shop(), obtained.accessToken(), obtained.refreshToken(), obtained.expiresAt());
        ShopCredentials renewed = asStored(obtained);
        refreshes.incrementAndGet();
        LOG.info("{}: {} token refreshed; valid until {}", c.shop(), c.kind(), renewed.expiresAt());
        return renewed;
    }

    /**
     * After a 401: a refreshable token is refreshed; any other is read again from the database, where another
     * process may have replaced it (a token migration, a re-registration). Null when nothing newer is stored.
     */
    public ShopCredentials afterRefusal(ShopCredentials refused) {
        if (refused.refreshable()) {
            return refresh(refused);
        }
        ShopCredentials stored = storedOtherThan(refused);
        if (stored == null) {
            // a token exchange answered a moment ago may not be stored yet: look once more before the shop is failed
            try {
                Thread.sleep(STORE_GRACE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            stored = storedOtherThan(refused);
        }
        return stored;
    }

    /** How long a refused non-expiring token waits for a migration in flight to store its new pair. */
    private static final Duration STORE_GRACE = Duration.ofSeconds(1);

    /** The stored credentials when they hold this token just stored (so with their token version), else the token as obtained. */
    private ShopCredentials asStored(ShopCredentials obtained) {
        return accounts.credentials(obtained.shop().value()).filter(s -> s.accessToken().equals(obtained.accessToken())).orElse(obtained);
    }

    private ShopCredentials storedOtherThan(ShopCredentials refused) {
        return accounts.credentials(refused.shop().value()).filter(s -> !s.accessToken().equals(refused.accessToken())).orElse(null);
    }

    /**
     * Exchanges a non-expiring offline token for an expiring one with a refresh token (Shopify's token exchange; public
     * apps must have done so by 2027-01-01) and stores the pair. Shopify refuses the old token from that moment; if our
     * answer is lost, the same exchange with the old token gives the same pair for seven days, so running it again is safe.
     */
    public ShopCredentials migrateToExpiring(ShopCredentials c) {
        if (c.kind() != ShopCredentials.TokenKind.STATIC) {
            throw new IllegalStateException(c.shop() + " holds no non-expiring token (its token is " + c.kind() + ")");
        }
        Map<String, String> form = clientForm(c);
        form.put("grant_type", TOKEN_EXCHANGE);
        form.put("subject_token", c.accessToken());
        form.put("subject_token_type", OFFLINE_ACCESS_TOKEN);
        form.put("requested_token_type", OFFLINE_ACCESS_TOKEN);
        form.put("expiring", "1");
        JsonNode answer = post(c, form);
        String access = answer.path("access_token").asText(null);
        String refresh = answer.path("refresh_token").asText(null);
        if (access == null || refresh == null) {
            throw new ShopifyApiException(ShopifyApiException.Kind.TRANSIENT, 200, "token exchange answered without access_token and refresh_token");
        }
        OffsetDateTime expiresAt = now().plusSeconds(answer.path("expires_in").asLong(3600));
        ShopCredentials migrated = new ShopCredentials(c.shop(), c.apiUrl(), access, c.status(), ShopCredentials.TokenKind.EXPIRING, refresh, expiresAt);
        if (accounts.migrateToExpiring(c.shop(), access, refresh, expiresAt)) {
            migrated = asStored(migrated);
            latest.put(c.shop().value(), migrated);
            LOG.info("{}: non-expiring token exchanged for an expiring one; valid until {}", c.shop(), expiresAt);
        }
        return migrated;
    }

    /** The token exchange grant, and the token type Shopify names offline access tokens by. */
    static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String OFFLINE_ACCESS_TOKEN = "urn:shopify:params:oauth:token-type:offline-access-token";

    private Map<String, String> clientForm(ShopCredentials c) {
        if (clientId == null || clientSecret == null) {
            throw new ShopifyApiException(ShopifyApiException.Kind.AUTH_FAILED, 401,
                    "cannot obtain a token for " + c.shop() + ": SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET must be set");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret);
        return form;
    }

    /** One call to the token endpoint (nothing stored): also how a CLIENT_CREDENTIALS shop gets its first token. */
    public ShopCredentials requestToken(ShopCredentials c) {
        Map<String, String> form = clientForm(c);
        if (c.kind() == ShopCredentials.TokenKind.EXPIRING) {
            form.put("grant_type", "refresh_token");
            form.put("refresh_token", c.refreshToken());
        } else {
            form.put("grant_type", "client_credentials");
        }
        JsonNode answer = post(c, form);
        String access = answer.path("access_token").asText(null);
        if (access == null) {
            throw new ShopifyApiException(ShopifyApiException.Kind.TRANSIENT, 200, "token endpoint answered without access_token");
        }
        String refresh = c.kind() == ShopCredentials.TokenKind.EXPIRING ? answer.path("refresh_token").asText(null) : null;
        OffsetDateTime expiresAt = now().plusSeconds(answer.path("expires_in").asLong(3600));
        return new ShopCredentials(c.shop(), c.apiUrl(), access, c.status(), c.kind(), refresh, expiresAt);
    }

    private JsonNode post(ShopCredentials c, Map<String, String> form) {
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(URI.create(c.apiUrl() + "/admin/oauth/access_token"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.valueToTree(form).toString())).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ShopifyApiException(ShopifyApiException.Kind.TRANSIENT, "token endpoint of " + c.shop() + " unreachable: "
                    + ShopifyApiException.transportFailure(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShopifyApiException(ShopifyApiException.Kind.TRANSIENT, "interrupted", e);
        }
        if (r.statusCode() == 200) {
            try {
                return JSON.readTree(r.body());
            } catch (IOException e) {
                throw new ShopifyApiException(ShopifyApiException.Kind.TRANSIENT, 200, "malformed token endpoint answer");
            }
        }
        if (r.statusCode() >= 500) {
            throw new ShopifyApiException(ShopifyApiException.Kind.TRANSIENT, r.statusCode(), "token endpoint answered " + r.statusCode());
        }
        // invalid_grant / invalid_client: the refresh token or the app's credentials are no longer accepted
        throw new ShopifyApiException(ShopifyApiException.Kind.AUTH_FAILED, r.statusCode(), "token request for " + c.shop()
                + " refused (HTTP " + r.statusCode() + "): " + oauthError(r.body()));
    }

    /** The OAuth error code (invalid_grant, invalid_client …) of a refusal; never the rest of the answer. */
    private static String oauthError(String body) {
        try {
            return ShopifyApiException.safeCode(JSON.readTree(body == null ? "" : body).path("error").asText(null));
        } catch (IOException e) {
            return "?";
        }
    }

    public long refreshes() {
        return refreshes.get();
    }
}
