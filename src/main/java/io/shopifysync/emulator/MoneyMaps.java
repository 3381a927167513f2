package io.shopifysync.emulator;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The generator's MoneyV2 and MoneyBag maps, read-only and built on read: an order carries a dozen money bags of which a
 * query reads a few amounts, so each value is formatted only when asked for. Equal, key for key and in the same order,
 * to the LinkedHashMaps they replace ({@code amount, currencyCode, _cents} and {@code shopMoney, presentmentMoney}).
 */
final class MoneyMaps {
    private MoneyMaps() {}

    /** {amount: Decimal string, currencyCode, _cents}. */
    static final class MoneyV2 extends AbstractMap<String, Object> {
        private final long cents;
        private final String currencyCode;

        MoneyV2(long cents, String currencyCode) {
            this.cents = cents;
            this.currencyCode = currencyCode;
        }

        @Override
        public Object get(Object key) {
            if (!(key instanceof String k)) {
                return null;
            }
            return switch (k) {
                case "amount" -> DataGenerator.decimal(cents);
                case "currencyCode" -> currencyCode;
                case "_cents" -> cents;
                default -> null;
            };
        }

        @Override
        public boolean containsKey(Object key) {
            return "amount".equals(key) || "currencyCode".equals(key) || "_cents".equals(key);
        }

        @Override
        public int size() {
            return 3;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            Map<String, Object> m = new LinkedHashMap<>(4);
            m.put("amount", DataGenerator.decimal(cents));
            m.put("currencyCode", currencyCode);
            m.put("_cents", cents);
            return Collections.unmodifiableMap(m).entrySet();
        }
    }

    /** {shopMoney, presentmentMoney}: the presentment amount is the shop amount times the rate, rounded. */
    static final class MoneyBag extends AbstractMap<String, Object> {
        private final long shopCents;
        private final String shopCurrency;
        private final String presentmentCurrency;
        private final double rate;

        MoneyBag(long shopCents, String shopCurrency, String presentmentCurrency, double rate) {
            this.shopCents = shopCents;
            this.shopCurrency = shopCurrency;
            this.presentmentCurrency = presentmentCurrency;
            this.rate = rate;
        }

        @Override
        public Object get(Object key) {
            if ("shopMoney".equals(key)) {
                return new MoneyV2(shopCents, shopCurrency);
            }
            return "presentmentMoney".equals(key) ? new MoneyV2(Math.round(shopCents * rate), presentmentCurrency) : null;
        }

        @Override
        public boolean containsKey(Object key) {
            return "shopMoney".equals(key) || "presentmentMoney".equals(key);
        }

        @Override
        public int size() {
            return 2;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            Map<String, Object> m = new LinkedHashMap<>(4);
            m.put("shopMoney", get("shopMoney"));
            m.put("presentmentMoney", get("presentmentMoney"));
            return Collections.unmodifiableMap(m).entrySet();
        }
    }
}
