package io.shopifysync.accounts;

/** What a client needs to call one store. {@link #toString()} hides the token. */
public record ShopCredentials(ShopDomain shop, String apiUrl, String accessToken, String status) {
    @Override
    public String toString() {
        return "ShopCredentials[" + shop + ", " + apiUrl + ", token=***, " + status + "]";
    }
}
