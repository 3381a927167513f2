package io.shopifysync.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.http.base.HttpHeaderFilterStrategy;
import org.junit.jupiter.api.Test;

/** What the intake endpoint lets into the message and out into the response. */
class ShopifyHeadersOnlyTest {

    private final ShopifyHeadersOnly filter = new ShopifyHeadersOnly();

    @Test
    void onlyShopifysRequestHeadersBecomeMessageHeadersInAnyCase() {
        for (String kept : new String[] {"X-Shopify-Hmac-Sha256", "x-shopify-topic", "X-SHOPIFY-EVENT-ID", "X-Shopify-"}) {
            assertThat(filter.applyFilterToExternalHeaders(kept, "v", null)).as(kept).isFalse();
        }
        for (String left : new String[] {"Content-Type", "Host", "Authorization", "X-Shopify", "X-Shopif-Topic",
                "CamelHttpResponseCode", "X-Forwarded-For", ""}) {
            assertThat(filter.applyFilterToExternalHeaders(left, "v", null)).as(left).isTrue();
        }
    }

    @Test
    void responsesAreFilteredAsPlatformHttpDoesByDefault() {
        HttpHeaderFilterStrategy platformDefault = new HttpHeaderFilterStrategy();
        assertThat(filter.applyFilterToCamelHeaders("Retry-After", "5", null)).isFalse();
        assertThat(filter.applyFilterToCamelHeaders("CamelHttpResponseCode", 503, null)).isTrue();
        for (String name : new String[] {"Retry-After", "Content-Type", "Content-Length", "CamelHttpResponseCode",
                "org.apache.camel.Anything", "X-Shopify-Topic", "Transfer-Encoding"}) {
            assertThat(filter.applyFilterToCamelHeaders(name, "v", null)).as(name)
                    .isEqualTo(platformDefault.applyFilterToCamelHeaders(name, "v", null));
        }
    }
}
