package io.shopifysync.accounts;

import io.shopifysync.db.Database;
import io.shopifysync.db.SqlStatements;
import java.net.URI;
import java.net.URISyntaxException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Registers, lists and removes stores; tokens are encrypted before they reach the database. */
public final class Accounts {

    /** What {@link #add} did. */
    public enum AddOutcome { ADDED, UPDATED }

    private final DataSource dataSource;
    private final SqlStatements sql;
    private final TokenCipher cipher;
    private final Clock clock;

    public Accounts(Database db, TokenCipher cipher) {
        this(db.dataSource(), db.sql(), cipher, Clock.systemUTC());
    }

    public Accounts(DataSource dataSource, SqlStatements sql, TokenCipher cipher, Clock clock) {
        this.dataSource = dataSource;
        this.sql = sql;
        this.cipher = cipher;
        this.clock = clock;
    }

    /** Adds a store, or updates its token and API URL (and re-enables it) when it exists: one row per store. */
    public AddOutcome add(String rawShop, String token, String rawApiUrl) {
        return add(rawShop, token, rawApiUrl, false);
    }

    /** As {@link #add(String, String, String)}; {@code allowInsecureApiUrl} accepts any http(s) API URL (the emulator). */
    public AddOutcome add(String rawShop, String token, String rawApiUrl, boolean allowInsecureApiUrl) {
        return add(rawShop, token, rawApiUrl, allowInsecureApiUrl, ShopCredentials.TokenKind.STATIC, null, null);
    }

    /**
     * Adds a store whose access token expires: with a refresh token (expiring offline tokens) or, for
     * CLIENT_CREDENTIALS, none (a new token is requested with the app's client credentials).
     */
    public AddOutcome add(String rawShop, String token, String rawApiUrl, ShopCredentials.TokenKind kind, String refreshToken,
                          OffsetDateTime expiresAt) {
        return add(rawShop, token, rawApiUrl, false, kind, refreshToken, expiresAt);
    }

    /**
     * The one way a store is stored. Re-enabling a store that was not INSTALLED (uninstalled, AUTH_FAILED, removed …)
     * also forgets its failed import steps, so the import starts again at once instead of re-reading the failure,
     * and every add marks its webhook subscriptions unchecked, so any running instance re-subscribes it within seconds.
     */
    public AddOutcome add(String rawShop, String token, String rawApiUrl, boolean allowInsecureApiUrl,
                          ShopCredentials.TokenKind kind, String refreshToken, OffsetDateTime expiresAt) {
        ShopDomain shop = ShopDomain.parse(rawShop);
        String accessToken = validToken(token);
        String apiUrl = validApiUrl(rawApiUrl, shop, allowInsecureApiUrl);
        if (kind == ShopCredentials.TokenKind.EXPIRING && (refreshToken == null || refreshToken.isBlank())) {
            throw new InvalidInputException("an expiring token needs its refresh token");
        }
        String sealed = cipher.encrypt(accessToken, shop);
        String sealedRefresh = refreshToken == null ? null : cipher.encrypt(validToken(refreshToken), shop);
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                String previousStatus = status(c, shop);
                try (PreparedStatement ps = c.prepareStatement(sql.get("upsert-shop"))) {
                    ps.setString(1, shop.value());
                    ps.setString(2, apiUrl);
                    ps.setString(3, sealed);
                    ps.setString(4, cipher.keyId());
                    ps.setObject(5, now);
                    ps.setObject(6, now);
                    ps.setObject(7, now);
                    ps.setString(8, kind.name());
                    ps.setString(9, sealedRefresh);
                    ps.setObject(10, expiresAt);
                    ps.executeUpdate();
                }
                if (!"INSTALLED".equals(previousStatus)) {
                    forgetFailedImport(c, shop, now);
                }
                // adding a shop again is how an operator says a missing permission is granted: paused resources resume
                resumePaused(c, shop, null, now);
                c.commit();
                return previousStatus != null ? AddOutcome.UPDATED : AddOutcome.ADDED;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not store shop " + shop + ": " + e.getMessage(), e);
        }
    }

    /** The recorded bulk operation of an unfinished import (it failed, or belongs to the old install) and every backoff go. */
    private void forgetFailedImport(Connection c, ShopDomain shop, OffsetDateTime now) throws SQLException {
        for (String statement : List.of("reset-sync-state-unfinished-bulk", "reset-sync-state-backoff")) {
            try (PreparedStatement ps = c.prepareStatement(sql.get(statement))) {
                ps.setObject(1, now);
                ps.setString(2, shop.value());
                ps.executeUpdate();
            }
        }
    }

    /** A resource paused because the store refused it (ACCESS_DENIED), and why. */
    public record PausedResource(String shop, String resource, String reason, OffsetDateTime pausedAt) {
    }

    /** Every paused resource of every shop. */
    public List<PausedResource> pausedResources() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(sql.get("select-paused-resources"));
             ResultSet rs = ps.executeQuery()) {
            List<PausedResource> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new PausedResource(rs.getString(1), rs.getString(2), rs.getString(3), rs.getObject(4, OffsetDateTime.class)));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("could not list paused resources: " + e.getMessage(), e);
        }
    }

    /**
     * The operator says the permission is granted: the shop's paused resources ({@code resource} only, unless null)
     * continue where they stopped. Returns the resumed resources; unknown shops are refused.
     */
    public List<PausedResource> resume(String rawShop, String resource) {
        ShopDomain shop = ShopDomain.parse(rawShop);
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (status(c, shop) == null) {
                    throw new InvalidInputException("shop " + shop + " is not registered");
                }
                List<PausedResource> paused = pausedResources().stream()
                        .filter(p -> p.shop().equals(shop.value()) && (resource == null || p.resource().equals(resource))).toList();
                resumePaused(c, shop, resource, now);
                c.commit();
                return paused;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not resume " + shop + ": " + e.getMessage(), e);
        }
    }

    private void resumePaused(Connection c, ShopDomain shop, String resource, OffsetDateTime now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.get(resource == null ? "resume-sync-state" : "resume-sync-state-resource"))) {
            ps.setObject(1, now);
            ps.setString(2, shop.value());
            if (resource != null) {
                ps.setString(3, resource);
            }
            ps.executeUpdate();
        }
    }

    /** INSTALLED shops whose webhook subscriptions were not checked since they were last added (or re-enabled). */
    public List<String> shopsWithUncheckedSubscriptions() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(sql.get("select-shops-with-unchecked-subscriptions"));
             ResultSet rs = ps.executeQuery()) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("could not list shops to subscribe: " + e.getMessage(), e);
        }
    }

    /**
     * Records that the shop's subscriptions were complete as of {@code checkStarted}; a shop added again since
     * (its row changed after the check began) stays unchecked, so it is checked once more.
     */
    public void subscriptionsChecked(String rawShop, OffsetDateTime checkStarted) {
        ShopDomain shop = ShopDomain.parse(rawShop);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(sql.get("update-shop-subscriptions-checked"))) {
            ps.setObject(1, checkStarted.withOffsetSameInstant(ZoneOffset.UTC));
            ps.setString(2, shop.value());
            ps.setObject(3, checkStarted.withOffsetSameInstant(ZoneOffset.UTC));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not record the subscriptions of " + shop + ": " + e.getMessage(), e);
        }
    }

    public List<Account> list() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(sql.get("select-shops"));
             ResultSet rs = ps.executeQuery()) {
            List<Account> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new Account(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getObject(5, OffsetDateTime.class), rs.getObject(6, OffsetDateTime.class),
                        rs.getObject(7, OffsetDateTime.class), rs.getObject(8, OffsetDateTime.class),
                        rs.getObject(10, OffsetDateTime.class) == null ? null
                                : GrantedScopes.parse(rs.getString(9), rs.getObject(10, OffsetDateTime.class)), rs.getString(11)));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("could not list shops: " + e.getMessage(), e);
        }
    }

    /** Stores the access scopes just read from the shop; false when the shop is not registered. */
    public boolean recordAccessScopes(String rawShop, GrantedScopes scopes) {
        ShopDomain shop = ShopDomain.parse(rawShop);
        String joined = scopes.joined();
        if (joined.length() > 4000) {
            throw new InvalidInputException("the shop granted more access scopes than can be stored (" + joined.length() + " characters)");
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(sql.get("update-shop-access-scopes"))) {
            ps.setString(1, joined);
            ps.setObject(2, scopes.checkedAt().withOffsetSameInstant(ZoneOffset.UTC));
            ps.setString(3, shop.value());
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("could not store the access scopes of " + shop + ": " + e.getMessage(), e);
        }
    }

    /** The access scopes last read from the shop; empty when never read (or the shop is not registered). */
    public Optional<GrantedScopes> accessScopes(String rawShop) {
        ShopDomain shop = ShopDomain.parse(rawShop);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(sql.get("select-shop-access-scopes"))) {
            ps.setString(1, shop.value());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getObject(2, OffsetDateTime.class) == null) {
                    return Optional.empty();
                }
                return Optional.of(GrantedScopes.parse(rs.getString(1), rs.getObject(2, OffsetDateTime.class)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the access scopes of " + shop + ": " + e.getMessage(), e);
        }
    }

    /** INSTALLED shops, for the start-up scope check. */
    public List<String> installedShops() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(sql.get("select-installed-shops"));
             ResultSet rs = ps.executeQuery()) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("could not list installed shops: " + e.getMessage(), e);
        }
    }

    /** Forgets a store's credentials; its synced data stays until purged. Returns false when it was not registered. */
    public boolean remove(String rawShop) {
        ShopDomain shop = ShopDomain.parse(rawShop);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(sql.get("delete-shop"))) {
            ps.setString(1, shop.value());
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("could not remove shop " + shop + ": " + e.getMessage(), e);
        }
    }

    /** The decrypted credentials of one store, for the API client. */
    public Optional<ShopCredentials> credentials(String rawShop) {
        ShopDomain shop = ShopDomain.parse(rawShop);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(sql.get("select-shop-credentials"))) {
            ps.setString(1, shop.value());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String token = cipher.decrypt(rs.getString(2), shop, rs.getString(3));
                String refresh = rs.getString(6) == null ? null : cipher.decrypt(rs.getString(6), shop, rs.getString(3));
                return Optional.of(new ShopCredentials(shop, rs.getString(1), token, rs.getString(4),
                        ShopCredentials.TokenKind.valueOf(rs.getString(5)), refresh, rs.getObject(7, OffsetDateTime.class),
                        rs.getLong(8)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read shop " + shop + ": " + e.getMessage(), e);
        }
    }

    /** Stores a refreshed token pair in one statement. */
    public void updateTokens(ShopDomain shop, String accessToken, String refreshToken, OffsetDateTime expiresAt) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(sql.get("update-shop-tokens"))) {
            ps.setString(1, cipher.encrypt(accessToken, shop));
            ps.setString(2, refreshToken == null ? null : cipher.encrypt(refreshToken, shop));
            ps.setString(3, cipher.keyId());
            ps.setObject(4, expiresAt);
            ps.setObject(5, OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC));
            ps.setString(6, shop.value());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not store the refreshed token of " + shop + ": " + e.getMessage(), e);
        }
    }

    /**
     * Stores the expiring pair a non-expiring token was exchanged for, and the shop's token kind with it; false when
     * the shop holds no non-expiring token any more (another process migrated it first, or it was removed).
     */
    public boolean migrateToExpiring(ShopDomain shop, String accessToken, String refreshToken, OffsetDateTime expiresAt) {
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                boolean wasRefused = "AUTH_FAILED".equals(status(c, shop));
                int changed;
                try (PreparedStatement ps = c.prepareStatement(sql.get("update-shop-token-to-expiring"))) {
                    ps.setString(1, cipher.encrypt(accessToken, shop));
                    ps.setString(2, cipher.encrypt(refreshToken, shop));
                    ps.setString(3, cipher.keyId());
                    ps.setObject(4, expiresAt);
                    ps.setObject(5, now);
                    ps.setString(6, shop.value());
                    changed = ps.executeUpdate();
                }
                if (changed == 1 && wasRefused) {
                    try (PreparedStatement ps = c.prepareStatement(sql.get("reset-sync-state-backoff"))) {
                        ps.setObject(1, now);
                        ps.setString(2, shop.value());
                        ps.executeUpdate();
                    }
                }
                c.commit();
                return changed == 1;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not store the expiring token of " + shop + ": " + e.getMessage(), e);
        }
    }

    /**
     * Re-encrypts every stored token under {@code to} in one transaction (keys rotate): all rows move to
     * the new key or none do. Returns how many tokens were re-encrypted.
     */
    public int reencryptAll(TokenCipher from, TokenCipher to) {
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<String[]> rows = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(sql.get("select-shop-tokens")); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(sql.get("update-shop-token"))) {
                    for (String[] row : rows) {
                        ShopDomain shop = ShopDomain.parse(row[0]);
                        ps.setString(1, to.encrypt(from.decrypt(row[1], shop, row[2]), shop));
                        ps.setString(2, row[3] == null ? null : to.encrypt(from.decrypt(row[3], shop, row[2]), shop));
                        ps.setString(3, to.keyId());
                        ps.setObject(4, now);
                        ps.setString(5, shop.value());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                c.commit();
                return rows.size();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not re-encrypt the stored tokens: " + e.getMessage(), e);
        }
    }

    /** The shop's status, or null when it is not registered. */
    private String status(Connection c, ShopDomain shop) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.get("select-shop-status"))) {
            ps.setString(1, shop.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** The token as stored: trimmed printable ASCII, or a clear refusal. */
    public static String validToken(String token) {
        if (token == null || token.isBlank()) {
            throw new InvalidInputException("missing access token: pass the store's Admin API access token");
        }
        String t = token.trim();
        if (t.length() > 1024 || !t.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
            throw new InvalidInputException("invalid access token: expected printable ASCII without spaces, at most 1024 characters");
        }
        return t;
    }

    /** The store's Admin API base URL, Shopify's only: see {@link #validApiUrl(String, ShopDomain, boolean)}. */
    public static String validApiUrl(String raw, ShopDomain shop) {
        return validApiUrl(raw, shop, false);
    }

    /**
     * The store's Admin API base URL, {@code https://<shop>} by default, without a trailing slash. Unless
     * {@code allowInsecure}, only {@code https://<shop>} itself is accepted (port 443 at most, no path): any other
     * URL would send the store's token, and our requests, wherever the URL points (metadata services, the
     * database port, the management port). {@code allowInsecure} accepts any http(s) base URL, for the emulator.
     */
    public static String validApiUrl(String raw, ShopDomain shop, boolean allowInsecure) {
        if (raw == null || raw.isBlank()) {
            return "https://" + shop.value();
        }
        if (raw.length() > 1024) {
            throw new InvalidInputException("invalid API URL: " + raw.length() + " characters, at most 1024");
        }
        String url = raw.trim().replaceAll("/+$", "");
        URI uri;
        try {
            uri = new URI(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getQuery() != null || uri.getFragment() != null || uri.getRawUserInfo() != null) {
                throw new URISyntaxException(url, "not an http(s) base URL");
            }
        } catch (URISyntaxException e) {
            throw new InvalidInputException("invalid API URL '" + printable(raw)
                    + "': expected http(s)://host[:port][/path] without user info, query or fragment, e.g. https://" + shop);
        }
        if (allowInsecure) {
            return url;
        }
        boolean shopify = "https".equals(uri.getScheme()) && shop.value().equalsIgnoreCase(uri.getHost())
                && (uri.getPort() == -1 || uri.getPort() == 443) && (uri.getRawPath() == null || uri.getRawPath().isEmpty());
        if (!shopify) {
            throw new InvalidInputException("refused API URL '" + printable(raw) + "': the store's token is only sent to https://"
                    + shop + " (the default); to use another URL, such as the emulator's, pass --allow-insecure-api-url "
                    + "(admin API: \"allowInsecureApiUrl\": true)");
        }
        return url;
    }

    /** The URL as it may be echoed back: printable ASCII, bounded. */
    private static String printable(String raw) {
        String s = raw.replaceAll("[^\\x20-\\x7e]", "?");
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
