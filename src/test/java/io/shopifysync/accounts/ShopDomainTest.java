package io.shopifysync.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ShopDomainTest {

    @Test
    void caseFoldsAndTrims() {
        assertThat(ShopDomain.parse("  Acme-Store1.MyShopify.COM ").value()).isEqualTo("acme-store1.myshopify.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"acme.com", "acme.myshopify.com.evil.com", "-acme.myshopify.com", "ac_me.myshopify.com",
            "acme .myshopify.com", ".myshopify.com", "https://acme.myshopify.com", "acme.myshopify.com/", "a.b.myshopify.com"})
    void refusesAnythingElse(String raw) {
        assertThatThrownBy(() -> ShopDomain.parse(raw))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("invalid shop domain")
                .hasMessageContaining("NAME.myshopify.com");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   "})
    void refusesMissing(String raw) {
        assertThatThrownBy(() -> ShopDomain.parse(raw)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("missing shop domain");
    }

    @Test
    void aDomainLongerThanDnsAllowsIsRefusedWithItsLengthNotEchoed() {
        String huge = "a".repeat(300) + ".myshopify.com";
        assertThatThrownBy(() -> ShopDomain.parse(huge)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("invalid shop domain: 314 characters; a domain name has at most 253 characters")
                .hasMessageNotContaining("aaaaaaaaaa");
        assertThatThrownBy(() -> ShopDomain.parse("a".repeat(64) + ".myshopify.com")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("its name has 64 characters; a domain label has at most 63");
        assertThat(ShopDomain.parse("a".repeat(63) + ".myshopify.com").value()).hasSize(63 + ".myshopify.com".length());
    }
}
