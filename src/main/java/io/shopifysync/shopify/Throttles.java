package io.shopifysync.shopify;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One {@link ShopThrottle} per shop for the whole process. */
public final class Throttles {
    private final Map<String, ShopThrottle> byShop = new ConcurrentHashMap<>();

    public ShopThrottle of(String shop) {
        return byShop.computeIfAbsent(shop, s -> new ShopThrottle(System::nanoTime));
    }

    public Map<String, ShopThrottle> all() {
        return Map.copyOf(byShop);
    }
}
