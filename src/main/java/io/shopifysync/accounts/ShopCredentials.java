package io.shopifysync.accounts;

import java.time.OffsetDateTime;

/**
 * What a client needs to call one store. {@link #toString()} hides the tokens. {@code tokenVersion}: the stored row's
 * token_version these credentials were read at ({@link #UNSTORED} for a token not read from the database), so that a
 * refusal of this token cannot change the status of a shop whose token was replaced meanwhile.
 */
public record ShopCredentials(ShopDomain shop, String apiUrl, String accessToken, String status, TokenKind kind,
                              String refreshToken, OffsetDateTime expiresAt, long tokenVersion) {

    /** The token version of credentials not read from the database (a registration being checked, a token just obtained). */
    public static final long UNSTORED = -1;

    public ShopCredentials(ShopDomain shop, String apiUrl, String accessToken, String status, TokenKind kind,
                           String refreshToken, OffsetDateTime expiresAt) {
        this(shop, apiUrl, accessToken, status, kind, refreshToken, expiresAt, UNSTORED);
    }

    /** How the store's token is obtained. */
    public enum TokenKind { STATIC, EXPIRING, CLIENT_CREDENTIALS }

    public boolean refreshable() {
        return kind != TokenKind.STATIC;
    }

    @Override
    public String toString() {
        return "ShopCredentials[" + shop + ", " + apiUrl + ", token=***, " + status + ", " + kind + ", expires " + expiresAt + ", version "
                + tokenVersion + "]";
    }
}
