package io.shopifysync.scopes;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopifysync.accounts.GrantedScopes;
import io.shopifysync.catalog.Catalog;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a granted scope set means against the shipped catalog. */
class AccessScopesTest {

    private static final OffsetDateTime AT = OffsetDateTime.parse("2026-12-01T00:00:00Z");
    private static final Catalog CATALOG = Catalog.load();

    @Test
    void aWriteScopeIncludesItsReadScope() {
        GrantedScopes g = new GrantedScopes(List.of("write_products", "read_orders"), AT);
        assertThat(g.has("read_products")).isTrue();
        assertThat(g.has("read_customers")).isFalse();
        assertThat(g.missing(List.of("read_customers", "read_orders", "read_products"))).containsExactly("read_customers");
        assertThat(GrantedScopes.parse(g.joined(), AT)).isEqualTo(g);
    }

    @Test
    void everythingGrantedMeansNoWarningAndNoWindow() {
        GrantedScopes all = new GrantedScopes(List.of("read_orders", "read_all_orders", "read_products", "read_customers"), AT);
        AccessScopes.Verdict v = AccessScopes.verdict(CATALOG, all);
        assertThat(v.refused()).isFalse();
        assertThat(v.warnings()).isEmpty();
        AccessScopes scopes = new AccessScopes(null, CATALOG, (shop, q) -> null, java.time.Clock.systemUTC());
        assertThat(scopes.visibleFrom(all, CATALOG.resource("orders"), AT)).isEmpty();
    }

    @Test
    void withoutReadAllOrdersOrdersAreJudgedOnlyInsideTheWindowLessAMargin() {
        GrantedScopes limited = new GrantedScopes(List.of("read_orders", "read_products", "read_customers"), AT);
        AccessScopes.Verdict v = AccessScopes.verdict(CATALOG, limited);
        assertThat(v.refused()).isFalse();
        assertThat(v.missingHistory()).containsExactly("read_all_orders");
        assertThat(v.warnings()).singleElement().asString().startsWith("orders history is limited to the last 60 days");
        AccessScopes scopes = new AccessScopes(null, CATALOG, (shop, q) -> null, java.time.Clock.systemUTC());
        assertThat(scopes.visibleFrom(limited, CATALOG.resource("orders"), AT)).contains(AT.minusDays(59));
        assertThat(scopes.visibleFrom(limited, CATALOG.resource("customers"), AT)).isEmpty();
    }

    @Test
    void aMissingResourceScopeRefusesAndNamesTheResource() {
        GrantedScopes noCustomers = new GrantedScopes(List.of("read_orders", "read_all_orders", "read_products"), AT);
        AccessScopes.Verdict v = AccessScopes.verdict(CATALOG, noCustomers);
        assertThat(v.refused()).isTrue();
        assertThat(v.missingRequired()).containsExactly("read_customers");
        assertThat(v.warnings()).containsExactly("missing access scope read_customers: customers cannot be read (Shopify answers ACCESS_DENIED)");
    }
}
