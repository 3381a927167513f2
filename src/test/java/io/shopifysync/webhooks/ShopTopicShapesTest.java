package io.shopifysync.webhooks;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shopifysync.testing.Fixtures;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** Compliance and lifecycle bodies must name the header's shop and fit their topic; checked on Shopify's own samples. */
class ShopTopicShapesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String A = "alpha.myshopify.com";
    private static final String B = "beta.myshopify.com";

    /** A sample from src/test/resources/fixtures/shopify, its {shop} placeholder made {@code shop}. */
    private static ObjectNode sample(String file, String shop) throws Exception {
        String text = Files.readString(Fixtures.dir().resolve("webhooks").resolve(file))
                .replace("{shop}.myshopify.com", shop);
        return (ObjectNode) JSON.readTree(text);
    }

    private static void fits(String topic, String shop, JsonNode body) {
        assertThatCode(() -> ShopTopicShapes.requireFits(topic, shop, body)).as(topic).doesNotThrowAnyException();
    }

    private static void refused(String topic, String shop, JsonNode body, String reason) {
        assertThatThrownBy(() -> ShopTopicShapes.requireFits(topic, shop, body)).as(topic)
                .isInstanceOf(PoisonDelivery.class).hasMessage(reason);
    }

    @Test
    void theRealSamplesFitTheirTopicForTheirShop() throws Exception {
        fits("shop/redact", A, sample("shop-redact.json", A));
        fits("customers/redact", A, sample("customers-redact.json", A));
        fits("customers/data_request", A, sample("customers-data_request.json", A));
        ObjectNode uninstalled = sample("app-uninstalled.json", A);
        uninstalled.put("myshopify_domain", A); // the docs sample leaves it null; a real delivery names the shop
        fits("app/uninstalled", A, uninstalled);
        uninstalled.put("myshopify_domain", "ALPHA.myshopify.com");
        fits("app/uninstalled", A, uninstalled);
        uninstalled.putNull("myshopify_domain");
        uninstalled.put("domain", A);
        fits("app/uninstalled", A, uninstalled);
        fits("orders/updated", B, sample("orders-updated.json", A)); // other topics are not this check's business
    }

    @Test
    void aBodyOfAnotherShopIsRefusedNamingBoth() throws Exception {
        refused("shop/redact", B, sample("shop-redact.json", A),
                "shop/redact body names shop_domain alpha.myshopify.com, the header names beta.myshopify.com");
        refused("customers/redact", B, sample("customers-redact.json", A),
                "customers/redact body names shop_domain alpha.myshopify.com, the header names beta.myshopify.com");
        refused("customers/data_request", B, sample("customers-data_request.json", A),
                "customers/data_request body names shop_domain alpha.myshopify.com, the header names beta.myshopify.com");
        ObjectNode uninstalled = sample("app-uninstalled.json", A);
        uninstalled.put("myshopify_domain", A);
        refused("app/uninstalled", B, uninstalled,
                "app/uninstalled body names myshopify_domain alpha.myshopify.com, the header names beta.myshopify.com");
    }

    @Test
    void aBodyOfAnotherTopicIsRefused() throws Exception {
        JsonNode order = sample("orders-updated.json", A);
        refused("shop/redact", B, order, "shop/redact body has no shop_domain: not a shop/redact payload");
        refused("customers/redact", B, order, "customers/redact body has no shop_domain: not a customers/redact payload");
        refused("app/uninstalled", B, order, "app/uninstalled body is not a Shop object (no numeric id and myshopify_domain)");
        // the same shop's own bodies, under another compliance topic
        refused("shop/redact", A, sample("customers-redact.json", A), "shop/redact body has customer: not a shop/redact payload");
        refused("customers/redact", A, sample("customers-data_request.json", A),
                "customers/redact body has data_request: not a customers/redact payload");
        refused("customers/data_request", A, sample("customers-redact.json", A),
                "customers/data_request body has orders_to_redact: not a customers/data_request payload");
        refused("customers/redact", A, sample("shop-redact.json", A),
                "customers/redact body has no numeric customer.id: not a customers/redact payload");
        refused("app/uninstalled", A, sample("shop-redact.json", A),
                "app/uninstalled body is not a Shop object (no numeric id and myshopify_domain)");
        refused("app/uninstalled", A, sample("app-uninstalled.json", A),
                "app/uninstalled body names no shop: myshopify_domain and domain are empty");
        ObjectNode noShopId = sample("shop-redact.json", A);
        noShopId.remove("shop_id");
        refused("shop/redact", A, noShopId, "shop/redact body has no numeric shop_id: not a shop/redact payload");
    }
}
