package io.shopifysync.emulator;

/** One emulated shop as seen by a client: its domain, current access token and Admin API base URL. */
public final class EmulatedShop {
    private final ShopState state;
    private final String baseUrl;

    EmulatedShop(ShopState state, String baseUrl) {
        this.state = state;
        this.baseUrl = baseUrl;
    }

    /** e.g. {@code sandbox-1.myshopify.com}. */
    public String domain() {
        return state.domain;
    }

    /** The current Admin API access token ({@code shpat_} + 32 hex); changes after a reinstall or rotation. */
    public String accessToken() {
        return state.accessToken;
    }

    /** {@code baseUrl + "/shops/" + domain}; a client appends {@code /admin/api/{version}/graphql.json}. */
    public String adminUrl() {
        return baseUrl + "/shops/" + state.domain;
    }

    /** The full GraphQL endpoint for API version 2026-10. */
    public String graphqlUrl() {
        return adminUrl() + "/admin/api/" + GraphQlEngine.API_VERSION + "/graphql.json";
    }

    /** basic, advanced or plus. */
    public String plan() {
        return state.plan;
    }

    /** Whether the app is installed (false after an uninstall until a reinstall). */
    public boolean installed() {
        return state.installed;
    }

    @Override
    public String toString() {
        return "EmulatedShop[" + state.domain + "]";
    }
}
