package io.shopifysync.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * Whether the body of a compliance or lifecycle delivery is what its topic says, for the shop its header names.
 * Shopify's HMAC covers the body only: a signed body of one shop and topic can be re-sent under another shop's
 * domain and another topic (say {@code shop/redact}) and still verify. These topics delete or stop a shop's data, so
 * the body must name the same shop and have its topic's shape (field names as in Shopify's payloads, see
 * {@code src/test/resources/fixtures/shopify/webhooks/}); anything else is a {@link PoisonDelivery}, kept as a dead
 * letter, and nothing is done.
 */
final class ShopTopicShapes {

    private ShopTopicShapes() {
    }

    /** Throws {@link PoisonDelivery} with the precise reason unless {@code body} fits; other topics pass. */
    static void requireFits(String topic, String shop, JsonNode body) {
        switch (topic) {
            case "shop/redact" -> {
                requireComplianceShop(topic, shop, body);
                // {shop_id, shop_domain} only: a customers/* compliance body of the same shop is no shop/redact
                forbid(topic, body, "customer");
            }
            case "customers/redact" -> {
                requireComplianceShop(topic, shop, body);
                requireCustomerId(topic, body);
                forbid(topic, body, "data_request");
                JsonNode orders = body.get("orders_to_redact");
                if (orders != null && !(orders.isArray() && allIntegral(orders))) {
                    throw poison(topic + " body's orders_to_redact is not a list of order ids");
                }
            }
            case "customers/data_request" -> {
                requireComplianceShop(topic, shop, body);
                requireCustomerId(topic, body);
                forbid(topic, body, "orders_to_redact");
            }
            case "app/uninstalled" -> requireShopObject(topic, shop, body);
            default -> {
            }
        }
    }

    /** The compliance payloads: {@code shop_id} and {@code shop_domain}, the latter the header's shop. */
    private static void requireComplianceShop(String topic, String shop, JsonNode body) {
        JsonNode domain = body.get("shop_domain");
        if (domain == null || !domain.isTextual() || domain.asText().isBlank()) {
            throw poison(topic + " body has no shop_domain: not a " + topic + " payload");
        }
        if (!body.path("shop_id").isIntegralNumber()) {
            throw poison(topic + " body has no numeric shop_id: not a " + topic + " payload");
        }
        requireSameShop(topic, "shop_domain", domain.asText(), shop);
    }

    private static void requireCustomerId(String topic, JsonNode body) {
        if (!body.path("customer").path("id").isIntegralNumber()) {
            throw poison(topic + " body has no numeric customer.id: not a " + topic + " payload");
        }
    }

    /**
     * app/uninstalled carries the Shop object: a numeric {@code id} and {@code myshopify_domain}, the header's shop. When
     * {@code myshopify_domain} is empty, {@code domain} (the primary domain, the myshopify one without a custom domain) must
     * be it; a body naming no shop at all is refused, as it cannot be told from a replayed one.
     */
    private static void requireShopObject(String topic, String shop, JsonNode body) {
        if (!body.path("id").isIntegralNumber() || !body.has("myshopify_domain")) {
            throw poison(topic + " body is not a Shop object (no numeric id and myshopify_domain)");
        }
        JsonNode myshopify = body.get("myshopify_domain");
        if (myshopify.isTextual() && !myshopify.asText().isBlank()) {
            requireSameShop(topic, "myshopify_domain", myshopify.asText(), shop);
            return;
        }
        JsonNode domain = body.path("domain");
        if (domain.isTextual() && !domain.asText().isBlank()) {
            requireSameShop(topic, "domain", domain.asText(), shop);
            return;
        }
        throw poison(topic + " body names no shop: myshopify_domain and domain are empty");
    }

    private static void requireSameShop(String topic, String field, String named, String shop) {
        if (!named.trim().toLowerCase(Locale.ROOT).equals(shop)) {
            throw poison(topic + " body names " + field + " " + abbreviate(named) + ", the header names " + shop);
        }
    }

    private static void forbid(String topic, JsonNode body, String field) {
        if (body.has(field)) {
            throw poison(topic + " body has " + field + ": not a " + topic + " payload");
        }
    }

    private static boolean allIntegral(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isIntegralNumber()) {
                return false;
            }
        }
        return true;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 79) + "…";
    }

    private static PoisonDelivery poison(String reason) {
        return new PoisonDelivery(reason);
    }
}
