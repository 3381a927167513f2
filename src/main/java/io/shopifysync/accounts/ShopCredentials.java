package io.shopifysync.accounts;

import java.time.OffsetDateTime;

/** What a client needs to call one store. {@link #toString()} hides the tokens. */
public record ShopCredentials(ShopDomain shop, String apiUrl, String accessToken, String status, TokenKind kind,
                              String refreshToken, OffsetDateTime expiresAt) {

    /** How the store's token is obtained. */
    public enum TokenKind { STATIC, EXPIRING, CLIENT_CREDENTIALS }

    public boolean refreshable() {
        return kind != TokenKind.STATIC;
    }

    @Override
    public String toString() {
        return "ShopCredentials[" + shop + ", " + apiUrl + ", token=***, " + status + ", " + kind + ", expires " + expiresAt + "]";
    }
}
