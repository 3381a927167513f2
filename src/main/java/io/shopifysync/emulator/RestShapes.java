package io.shopifysync.emulator;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * REST-shaped webhook bodies (snake_case, numeric ids, {@code admin_graphql_api_id}, shop-local times with
 * offsets such as {@code 2021-12-31T19:00:00-05:00}), with the keys and key order of Shopify's 2026-07
 * sample payloads in the shared fixtures.
 */
final class RestShapes {
    private RestShapes() {}

    private static long id(Map<String, Object> m) {
        return Long.parseLong((String) m.get("legacyResourceId"));
    }

    private static String time(Object iso, ZoneId zone) {
        if (iso == null) {
            return null;
        }
        return Times.rest(java.time.Instant.parse((String) iso).getEpochSecond(), zone);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> set(Object moneyBag) {
        Map<String, Object> bag = (Map<String, Object>) moneyBag;
        Map<String, Object> shop = (Map<String, Object>) bag.get("shopMoney");
        Map<String, Object> pres = (Map<String, Object>) bag.get("presentmentMoney");
        return Json.obj("shop_money", Json.obj("amount", DataGenerator.money((Long) shop.get("_cents")), "currency_code", shop.get("currencyCode")),
                "presentment_money", Json.obj("amount", DataGenerator.money((Long) pres.get("_cents")), "currency_code", pres.get("currencyCode")));
    }

    @SuppressWarnings("unchecked")
    private static String amount(Object moneyBag) {
        Map<String, Object> shop = (Map<String, Object>) ((Map<String, Object>) moneyBag).get("shopMoney");
        return DataGenerator.money((Long) shop.get("_cents"));
    }

    private static String tags(Object list) {
        return String.join(", ", (List<String>) list);
    }

    private static Map<String, Object> zero(DataGenerator gen, String pc) {
        return Json.obj("shop_money", Json.obj("amount", "0.00", "currency_code", gen.currency),
                "presentment_money", Json.obj("amount", "0.00", "currency_code", pc));
    }

    // ------------------------------------------------------------------ orders

    @SuppressWarnings("unchecked")
    static Map<String, Object> order(ShopState shop, Map<String, Object> o) {
        DataGenerator gen = shop.gen;
        ZoneId z = gen.zone;
        int idx = (Integer) o.get("_idx");
        String pc = (String) o.get("presentmentCurrencyCode");
        Map<String, Object> customer = (Map<String, Object>) o.get("_customer");
        Map<String, Object> r = new LinkedHashMap<>(96);
        long id = id(o);
        r.put("id", id);
        r.put("admin_graphql_api_id", o.get("id"));
        r.put("app_id", 580111L);
        r.put("browser_ip", null);
        r.put("buyer_accepts_marketing", false);
        r.put("cancel_reason", o.get("cancelReason") == null ? null : ((String) o.get("cancelReason")).toLowerCase(Locale.ROOT));
        r.put("cancelled_at", time(o.get("cancelledAt"), z));
        r.put("cart_token", null);
        r.put("checkout_token", null);
        r.put("client_details", null);
        r.put("closed_at", time(o.get("closedAt"), z));
        r.put("confirmation_number", "C" + Long.toString(id % 1_000_000_000L, 36).toUpperCase(Locale.ROOT));
        r.put("confirmed", o.get("confirmed"));
        r.put("contact_email", o.get("email"));
        r.put("created_at", time(o.get("createdAt"), z));
        r.put("currency", gen.currency);
        r.put("current_shipping_price_set", set(o.get("totalShippingPriceSet")));
        r.put("current_subtotal_price", amount(o.get("currentSubtotalPriceSet")));
        r.put("current_subtotal_price_set", set(o.get("currentSubtotalPriceSet")));
        r.put("current_total_additional_fees_set", null);
        r.put("current_total_discounts", amount(o.get("totalDiscountsSet")));
        r.put("current_total_discounts_set", set(o.get("totalDiscountsSet")));
        r.put("current_total_duties_set", null);
        r.put("current_total_price", amount(o.get("currentTotalPriceSet")));
        r.put("current_total_price_set", set(o.get("currentTotalPriceSet")));
        r.put("current_total_tax", amount(o.get("totalTaxSet")));
        r.put("current_total_tax_set", set(o.get("totalTaxSet")));
        r.put("customer_locale", customer == null ? "en" : customer.get("locale"));
        r.put("device_id", null);
        r.put("discount_codes", new ArrayList<>());
        r.put("duties_included", false);
        r.put("email", o.get("email") == null ? "" : o.get("email"));
        r.put("estimated_taxes", false);
        r.put("financial_status", ((String) o.get("displayFinancialStatus")).toLowerCase(Locale.ROOT));
        String ful = (String) o.get("displayFulfillmentStatus");
        r.put("fulfillment_status", ful.equals("FULFILLED") ? "fulfilled" : ful.equals("PARTIALLY_FULFILLED") ? "partial" : null);
        r.put("landing_site", null);
        r.put("landing_site_ref", null);
        r.put("location_id", null);
        r.put("merchant_business_entity_id", "MTU0ODM4MDAwOQ");
        r.put("merchant_of_record_app_id", null);
        r.put("name", o.get("name"));
        r.put("note", o.get("note"));
        List<Map<String, Object>> notes = new ArrayList<>();
        for (Map<String, Object> a : (List<Map<String, Object>>) o.get("customAttributes")) {
            notes.add(Json.obj("name", a.get("key"), "value", a.get("value")));
        }
        r.put("note_attributes", notes);
        r.put("number", idx + 1);
        r.put("order_number", 1001 + idx);
        r.put("order_status_url", "https://" + shop.domain + "/" + shop.shopId() + "/orders/" + Long.toHexString(id) + "/authenticate?key=" + Long.toHexString(id * 31));
        r.put("original_total_additional_fees_set", null);
        r.put("original_total_duties_set", null);
        List<String> gateways = new ArrayList<>();
        for (Map<String, Object> t : (List<Map<String, Object>>) o.get("transactions")) {
            if (!gateways.contains(t.get("gateway"))) {
                gateways.add((String) t.get("gateway"));
            }
        }
        r.put("payment_gateway_names", gateways);
        r.put("phone", o.get("phone"));
        r.put("po_number", null);
        r.put("presentment_currency", pc);
        r.put("processed_at", time(o.get("processedAt"), z));
        r.put("reference", null);
        r.put("referring_site", null);
        r.put("source_identifier", null);
        r.put("source_name", "web");
        r.put("source_url", null);
        r.put("subtotal_price", amount(o.get("subtotalPriceSet")));
        r.put("subtotal_price_set", set(o.get("subtotalPriceSet")));
        r.put("tags", tags(o.get("tags")));
        r.put("tax_exempt", false);
        r.put("tax_lines", new ArrayList<>());
        r.put("taxes_included", false);
        r.put("test", o.get("test"));
        r.put("token", Long.toHexString(Rng.mix(id)));
        r.put("total_cash_rounding_payment_adjustment_set", zero(gen, pc));
        r.put("total_cash_rounding_refund_adjustment_set", zero(gen, pc));
        r.put("total_discounts", amount(o.get("totalDiscountsSet")));
        r.put("total_discounts_set", set(o.get("totalDiscountsSet")));
        long subtotal = (Long) o.get("_subtotal");
        double rate = (Double) o.get("_rate");
        r.put("total_line_items_price", DataGenerator.money(subtotal));
        r.put("total_line_items_price_set", Json.obj("shop_money", Json.obj("amount", DataGenerator.money(subtotal), "currency_code", gen.currency),
                "presentment_money", Json.obj("amount", DataGenerator.money(Math.round(subtotal * rate)), "currency_code", pc)));
        boolean unpaid = Boolean.TRUE.equals(o.get("unpaid"));
        r.put("total_outstanding", unpaid ? amount(o.get("totalPriceSet")) : "0.00");
        r.put("total_price", amount(o.get("totalPriceSet")));
        r.put("total_price_set", set(o.get("totalPriceSet")));
        r.put("total_shipping_price_set", set(o.get("totalShippingPriceSet")));
        r.put("total_tax", amount(o.get("totalTaxSet")));
        r.put("total_tax_set", set(o.get("totalTaxSet")));
        r.put("total_tip_received", "0.00");
        r.put("total_weight", 0);
        r.put("updated_at", time(o.get("updatedAt"), z));
        r.put("user_id", null);
        Map<String, Object> address = customer == null ? null : (Map<String, Object>) customer.get("defaultAddress");
        r.put("billing_address", address == null ? null : orderAddress(address));
        r.put("customer", customer == null ? null : orderCustomer(customer, gen));
        r.put("discount_applications", new ArrayList<>());
        r.put("fulfillments", new ArrayList<>());
        List<Map<String, Object>> items = new ArrayList<>();
        int n = (Integer) o.get("_lineItemCount");
        for (int p = 0; p < n; p++) {
            items.add(lineItem(shop, gen.lineItem(idx, p), ful));
        }
        r.put("line_items", items);
        r.put("payment_terms", null);
        List<Map<String, Object>> refunds = new ArrayList<>();
        for (Map<String, Object> t : (List<Map<String, Object>>) o.get("transactions")) {
            if ("REFUND".equals(t.get("kind"))) {
                long txId = (Long) t.get("_id");
                refunds.add(Json.obj("id", txId, "admin_graphql_api_id", "gid://shopify/Refund/" + txId, "created_at", time(t.get("createdAt"), z),
                        "note", null, "order_id", id, "processed_at", time(t.get("processedAt"), z), "restock", false,
                        "total_duties_set", zero(gen, pc), "user_id", null, "order_adjustments", new ArrayList<>(),
                        "transactions", List.of(Json.obj("id", txId, "admin_graphql_api_id", t.get("id"), "amount", amount(t.get("amountSet")),
                                "kind", "refund", "status", "success", "gateway", t.get("gateway"), "order_id", id,
                                "created_at", time(t.get("createdAt"), z), "currency", gen.currency)),
                        "refund_line_items", new ArrayList<>(), "duties", new ArrayList<>()));
            }
        }
        r.put("refunds", refunds);
        r.put("shipping_address", address == null ? null : orderAddress(address));
        long shipping = (Long) o.get("_shipping");
        List<Map<String, Object>> lines = new ArrayList<>();
        if (shipping > 0) {
            Map<String, Object> ps = set(o.get("totalShippingPriceSet"));
            Map<String, Object> sl = new LinkedHashMap<>();
            sl.put("id", 271_878_346_596_884_015L + idx);
            sl.put("carrier_identifier", null);
            sl.put("code", "Standard");
            sl.put("current_discounted_price_set", ps);
            sl.put("discounted_price", DataGenerator.money(shipping));
            sl.put("discounted_price_set", ps);
            sl.put("is_removed", false);
            sl.put("phone", null);
            sl.put("price", DataGenerator.money(shipping));
            sl.put("price_set", ps);
            sl.put("requested_fulfillment_service_id", null);
            sl.put("source", "shopify");
            sl.put("title", "Standard Shipping");
            sl.put("tax_lines", new ArrayList<>());
            sl.put("discount_allocations", new ArrayList<>());
            lines.add(sl);
        }
        r.put("shipping_lines", lines);
        r.put("returns", new ArrayList<>());
        r.put("line_item_groups", new ArrayList<>());
        return r;
    }

    private static Map<String, Object> orderAddress(Map<String, Object> a) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("first_name", a.get("firstName"));
        r.put("address1", a.get("address1"));
        r.put("phone", a.get("phone"));
        r.put("city", a.get("city"));
        r.put("zip", a.get("zip"));
        r.put("province", a.get("province"));
        r.put("country", a.get("country"));
        r.put("last_name", a.get("lastName"));
        r.put("address2", a.get("address2"));
        r.put("company", a.get("company"));
        r.put("latitude", null);
        r.put("longitude", null);
        r.put("name", a.get("name"));
        r.put("country_code", a.get("countryCodeV2"));
        r.put("province_code", a.get("provinceCode"));
        return r;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> orderCustomer(Map<String, Object> c, DataGenerator gen) {
        Map<String, Object> r = new LinkedHashMap<>();
        long id = id(c);
        r.put("id", id);
        r.put("created_at", null);
        r.put("updated_at", null);
        customerFields(r, c);
        r.put("currency", gen.currency);
        r.put("tax_exemptions", new ArrayList<>());
        r.put("admin_graphql_api_id", c.get("id"));
        Map<String, Object> a = (Map<String, Object>) c.get("defaultAddress");
        r.put("default_address", a == null ? null : customerAddress(a, id));
        return r;
    }

    /** The fields a customer has in every REST body it appears in (customers/*, and inside orders). */
    private static void customerFields(Map<String, Object> r, Map<String, Object> c) {
        r.put("first_name", c.get("firstName"));
        r.put("last_name", c.get("lastName"));
        r.put("state", ((String) c.get("state")).toLowerCase(Locale.ROOT));
        r.put("note", c.get("note"));
        r.put("verified_email", c.get("verifiedEmail"));
        r.put("multipass_identifier", null);
        r.put("tax_exempt", c.get("taxExempt"));
        r.put("email", c.get("email"));
        r.put("phone", c.get("phone"));
    }

    private static Map<String, Object> customerAddress(Map<String, Object> a, long customerId) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", a.get("_id"));
        r.put("customer_id", customerId);
        r.put("first_name", a.get("firstName"));
        r.put("last_name", a.get("lastName"));
        r.put("company", a.get("company"));
        r.put("address1", a.get("address1"));
        r.put("address2", a.get("address2"));
        r.put("city", a.get("city"));
        r.put("province", a.get("province"));
        r.put("country", a.get("country"));
        r.put("zip", a.get("zip"));
        r.put("phone", a.get("phone"));
        r.put("name", a.get("name"));
        r.put("province_code", a.get("provinceCode"));
        r.put("country_code", a.get("countryCodeV2"));
        r.put("country_name", a.get("country"));
        r.put("default", true);
        return r;
    }

    private static Map<String, Object> lineItem(ShopState shop, Map<String, Object> li, String orderFulfillment) {
        DataGenerator gen = shop.gen;
        int[] ref = (int[]) li.get("_variantRef");
        String gid = (String) li.get("id");
        long id = Long.parseLong(gid.substring(gid.lastIndexOf('/') + 1));
        Map<String, Object> r = new LinkedHashMap<>(40);
        r.put("id", id);
        r.put("admin_graphql_api_id", gid);
        r.put("attributed_staffs", new ArrayList<>());
        r.put("current_quantity", li.get("currentQuantity"));
        r.put("fulfillable_quantity", orderFulfillment.equals("FULFILLED") ? 0 : li.get("quantity"));
        r.put("fulfillment_service", "manual");
        r.put("fulfillment_status", orderFulfillment.equals("FULFILLED") ? "fulfilled" : null);
        r.put("gift_card", false);
        r.put("grams", ref == null ? 0 : 100 + (ref[1] % 5) * 50);
        r.put("name", li.get("name"));
        r.put("price", DataGenerator.money((Long) li.get("_unitCents")));
        r.put("price_set", set(li.get("originalUnitPriceSet")));
        boolean productExists = ref != null && shop.store(ResourceKind.PRODUCT).exists(ref[0]);
        r.put("product_exists", productExists);
        r.put("product_id", ref == null ? null : gen.productIds.id(ref[0]));
        r.put("properties", new ArrayList<>());
        r.put("quantity", li.get("quantity"));
        r.put("requires_shipping", li.get("requiresShipping"));
        r.put("sales_line_item_group_id", null);
        r.put("sku", li.get("sku"));
        r.put("taxable", li.get("taxable"));
        r.put("title", li.get("title"));
        r.put("total_discount", "0.00");
        r.put("total_discount_set", zero(gen, (String) ((Map<?, ?>) ((Map<?, ?>) li.get("originalUnitPriceSet")).get("presentmentMoney")).get("currencyCode")));
        r.put("variant_id", ref == null ? null : gen.variantId(ref[0], ref[1]));
        r.put("variant_inventory_management", ref == null ? null : "shopify");
        r.put("variant_title", li.get("variantTitle"));
        r.put("vendor", li.get("vendor"));
        r.put("tax_lines", new ArrayList<>());
        r.put("duties", new ArrayList<>());
        r.put("discount_allocations", new ArrayList<>());
        return r;
    }

    // ------------------------------------------------------------------ products

    @SuppressWarnings("unchecked")
    static Map<String, Object> product(ShopState shop, Map<String, Object> p) {
        DataGenerator gen = shop.gen;
        ZoneId z = gen.zone;
        int idx = (Integer) p.get("_idx");
        int ver = (Integer) p.get("_ver");
        long id = id(p);
        Map<String, Object> r = new LinkedHashMap<>(32);
        r.put("admin_graphql_api_id", p.get("id"));
        r.put("body_html", p.get("descriptionHtml"));
        r.put("created_at", time(p.get("createdAt"), z));
        r.put("handle", p.get("handle"));
        r.put("id", id);
        r.put("product_type", p.get("productType"));
        r.put("published_at", time(p.get("publishedAt"), z));
        r.put("template_suffix", null);
        r.put("title", p.get("title"));
        r.put("updated_at", time(p.get("updatedAt"), z));
        r.put("vendor", p.get("vendor"));
        r.put("status", ((String) p.get("status")).toLowerCase(Locale.ROOT));
        r.put("published_scope", "web");
        r.put("tags", tags(p.get("tags")));
        int n = (Integer) p.get("_variantCount");
        long created = (Long) p.get("_created");
        long updated = (Long) p.get("_updated");
        List<Map<String, Object>> variants = new ArrayList<>(n);
        List<Map<String, Object>> gids = new ArrayList<>(n);
        List<String> optionNames = new ArrayList<>();
        for (int pos = 0; pos < n; pos++) {
            Map<String, Object> v = gen.variant(idx, pos, ver, (String) p.get("title"), created, updated);
            List<Map<String, Object>> opts = (List<Map<String, Object>>) v.get("selectedOptions");
            for (Map<String, Object> o : opts) {
                if (!optionNames.contains(o.get("name"))) {
                    optionNames.add((String) o.get("name"));
                }
            }
            long vid = gen.variantId(idx, pos);
            Map<String, Object> rv = new LinkedHashMap<>(24);
            rv.put("admin_graphql_api_id", v.get("id"));
            rv.put("barcode", v.get("barcode"));
            rv.put("compare_at_price", v.get("compareAtPrice"));
            rv.put("created_at", time(v.get("createdAt"), z));
            rv.put("id", vid);
            rv.put("inventory_policy", ((String) v.get("inventoryPolicy")).toLowerCase(Locale.ROOT));
            rv.put("position", v.get("position"));
            rv.put("price", v.get("price"));
            rv.put("product_id", id);
            rv.put("sku", v.get("sku"));
            rv.put("taxable", v.get("taxable"));
            rv.put("title", v.get("title"));
            rv.put("updated_at", time(v.get("updatedAt"), z));
            rv.put("option1", opts.size() > 0 ? opts.get(0).get("value") : null);
            rv.put("option2", opts.size() > 1 ? opts.get(1).get("value") : null);
            rv.put("option3", opts.size() > 2 ? opts.get(2).get("value") : null);
            rv.put("image_id", null);
            rv.put("inventory_item_id", vid + 1_000_000_000L);
            rv.put("inventory_quantity", v.get("inventoryQuantity"));
            rv.put("old_inventory_quantity", v.get("inventoryQuantity"));
            variants.add(rv);
            gids.add(Json.obj("admin_graphql_api_id", v.get("id"), "updated_at",
                    java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC)
                            .format(java.time.Instant.ofEpochSecond(updated))));
        }
        r.put("variants", variants);
        List<Map<String, Object>> options = new ArrayList<>();
        for (int i = 0; i < optionNames.size(); i++) {
            options.add(Json.obj("name", optionNames.get(i), "id", id * 10 + i, "product_id", id, "position", i + 1));
        }
        r.put("options", options);
        r.put("images", new ArrayList<>());
        r.put("image", null);
        r.put("media", new ArrayList<>());
        r.put("variant_gids", gids);
        r.put("has_variants_that_requires_components", false);
        r.put("category", null);
        return r;
    }

    // ------------------------------------------------------------------ customers

    @SuppressWarnings("unchecked")
    static Map<String, Object> customer(ShopState shop, Map<String, Object> c) {
        ZoneId z = shop.gen.zone;
        long id = id(c);
        Map<String, Object> r = new LinkedHashMap<>(24);
        r.put("id", id);
        r.put("created_at", time(c.get("createdAt"), z));
        r.put("updated_at", time(c.get("updatedAt"), z));
        customerFields(r, c);
        r.put("currency", shop.gen.currency);
        Map<String, Object> a = (Map<String, Object>) c.get("defaultAddress");
        List<Map<String, Object>> addresses = new ArrayList<>();
        if (a != null) {
            addresses.add(customerAddress(a, id));
        }
        r.put("addresses", addresses);
        r.put("tax_exemptions", new ArrayList<>());
        r.put("admin_graphql_api_id", c.get("id"));
        r.put("default_address", a == null ? null : customerAddress(a, id));
        return r;
    }

    // ------------------------------------------------------------------ deletes, shop, compliance

    static Map<String, Object> deleted(ResourceKind kind, long id) {
        if (kind == ResourceKind.CUSTOMER) {
            return Json.obj("id", id, "tax_exemptions", new ArrayList<>(), "admin_graphql_api_id", kind.gid(id));
        }
        return Json.obj("id", id);
    }

    static Map<String, Object> shop(ShopState s) {
        Map<String, Object> r = new LinkedHashMap<>(64);
        String planDisplay = s.plan.equals("plus") ? "Shopify Plus" : s.plan.equals("advanced") ? "Advanced" : "Basic";
        String planName = s.plan.equals("plus") ? "enterprise" : s.plan.equals("advanced") ? "unlimited" : "basic";
        r.put("id", s.shopId());
        r.put("name", "Sandbox " + s.number);
        r.put("email", "owner@sandbox-" + s.number + ".example.com");
        r.put("domain", s.domain);
        r.put("province", null);
        r.put("country", "US");
        r.put("address1", "190 MacLaren Street");
        r.put("zip", "37178");
        r.put("city", "Houston");
        r.put("source", null);
        r.put("phone", "3213213210");
        r.put("latitude", null);
        r.put("longitude", null);
        r.put("primary_locale", "en");
        r.put("address2", null);
        r.put("created_at", Times.rest(s.createdAt, s.gen.zone));
        r.put("updated_at", Times.rest(s.createdAt, s.gen.zone));
        r.put("country_code", "US");
        r.put("country_name", "United States");
        r.put("currency", s.gen.currency);
        r.put("customer_email", "owner@sandbox-" + s.number + ".example.com");
        r.put("timezone", "(GMT) " + s.gen.zone.getId());
        r.put("iana_timezone", s.gen.zone.getId());
        r.put("shop_owner", "Sandbox Owner");
        r.put("money_format", "${{amount}}");
        r.put("money_with_currency_format", "${{amount}} " + s.gen.currency);
        r.put("weight_unit", "kg");
        r.put("province_code", null);
        r.put("taxes_included", false);
        r.put("auto_configure_tax_inclusivity", null);
        r.put("tax_shipping", null);
        r.put("county_taxes", true);
        r.put("plan_display_name", planDisplay);
        r.put("plan_name", planName);
        r.put("has_discounts", false);
        r.put("has_gift_cards", false);
        r.put("myshopify_domain", s.domain);
        r.put("google_apps_domain", null);
        r.put("google_apps_login_enabled", null);
        r.put("money_in_emails_format", "${{amount}}");
        r.put("money_with_currency_in_emails_format", "${{amount}} " + s.gen.currency);
        r.put("eligible_for_payments", true);
        r.put("requires_extra_payments_agreement", false);
        r.put("password_enabled", true);
        r.put("has_storefront", true);
        r.put("finances", true);
        r.put("primary_location_id", 655_441_491L + s.number);
        r.put("checkout_api_supported", true);
        r.put("multi_location_enabled", true);
        r.put("setup_required", false);
        r.put("pre_launch_enabled", false);
        r.put("enabled_presentment_currencies", List.of(s.gen.currency));
        r.put("marketing_sms_consent_enabled_at_checkout", false);
        r.put("transactional_sms_disabled", false);
        return r;
    }

    static Map<String, Object> shopRedact(ShopState s) {
        return Json.obj("shop_id", s.shopId(), "shop_domain", s.domain);
    }

    static Map<String, Object> customersRedact(ShopState s, long customerId, String email, String phone, List<Long> orders) {
        return Json.obj("shop_id", s.shopId(), "shop_domain", s.domain,
                "customer", Json.obj("id", customerId, "email", email, "phone", phone), "orders_to_redact", orders);
    }

    static Map<String, Object> customersDataRequest(ShopState s, long customerId, String email, String phone, List<Long> orders, long requestId) {
        return Json.obj("shop_id", s.shopId(), "shop_domain", s.domain,
                "customer", Json.obj("id", customerId, "email", email, "phone", phone), "orders_requested", orders,
                "data_request", Json.obj("id", requestId));
    }

    static Map<String, Object> bulkFinish(Map<String, Object> op, ZoneId zone) {
        return Json.obj("admin_graphql_api_id", op.get("id"), "completed_at", time(op.get("completedAt"), zone),
                "created_at", time(op.get("createdAt"), zone), "error_code", op.get("errorCode") == null ? null
                        : ((String) op.get("errorCode")).toLowerCase(Locale.ROOT),
                "status", ((String) op.get("status")).toLowerCase(Locale.ROOT), "type", "query");
    }
}
