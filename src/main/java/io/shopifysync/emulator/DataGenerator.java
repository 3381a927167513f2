package io.shopifysync.emulator;

import java.math.BigDecimal;
import java.text.Normalizer;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Deterministic shop data: every id, timestamp and field derives from (seed, shop number, resource,
 * index, version), so nothing but the per-object state in {@link ResourceStore} is stored and the same
 * seed always yields the same data.
 *
 * <p>Awkward data on purpose: unicode names and titles (Zoë Ångström, 李小龙, emoji), customers without
 * email, cancelled and refunded orders (REFUND transactions), failed payment attempts, presentment
 * currencies, negative inventory, SKU-less variants, ~10% of objects sharing one updated_at second
 * ({@link #TIE_SECOND}) plus bursts of 50 objects created in the same second, and customer ids crossing
 * 2^53 (shop 1: customer index 20 has id 9007199254740993; every customer of shop 2+ is above 2^53).
 * When a shop starts with at least 20 orders, order index 11 has 300 line items; with at least 10
 * products, product index 7 has 2048 variants.
 */
final class DataGenerator {

    static final long T0 = Instant.parse("2024-06-01T00:00:00Z").getEpochSecond();
    static final long T1 = Instant.parse("2026-06-01T00:00:00Z").getEpochSecond();
    static final long TIE_SECOND = Instant.parse("2026-06-15T09:30:00Z").getEpochSecond();
    static final long MAX_UPDATE_LAG = 45L * 86_400;

    static final int BIG_ORDER_INDEX = 11;
    static final int BIG_ORDER_LINE_ITEMS = 300;
    static final int BIG_PRODUCT_INDEX = 7;
    static final int MAX_VARIANTS = 2048;
    static final long TWO_POW_53_PLUS_1 = 9_007_199_254_740_993L;

    private static final long SHOP_ID_OFFSET = 100_000_000_000L;
    private static final long LINE_ITEM_BASE = 12_247_585_521_853L;
    private static final long VARIANT_BASE = 41_561_961_824_445L;
    private static final long TRANSACTION_BASE = 6_203_911_135_293L;
    private static final long ADDRESS_BASE = 8_123_456_789_012L;
    private static final int LINE_ITEM_SLOTS = 1024;
    private static final int VARIANT_SLOTS = 4096;
    private static final int TRANSACTION_SLOTS = 16;

    /** Maps an index to a sparse, strictly increasing id: base + index*stride + jitter(index), jitter < stride/2. */
    static final class IdScheme {
        final long base;
        final long stride;
        final long salt;

        IdScheme(long base, long stride, long salt) {
            this.base = base;
            this.stride = stride;
            this.salt = salt;
        }

        long jitter(int index) {
            return Rng.below(Rng.hash(salt, index), (int) (stride / 2));
        }

        long id(int index) {
            return base + index * stride + jitter(index);
        }

        /** The index of an id, or -1 if the id is not one of this scheme's ids. */
        int indexOf(long id) {
            if (id < base) {
                return -1;
            }
            long i = (id - base) / stride;
            if (i > Integer.MAX_VALUE) {
                return -1;
            }
            return id(((int) i)) == id ? (int) i : -1;
        }

        /** The largest index whose id is <= id (-1 if none). */
        long floorIndex(long id) {
            if (id < base) {
                return -1;
            }
            long i = (id - base) / stride;
            if (i >= Integer.MAX_VALUE) {
                return Integer.MAX_VALUE - 1;
            }
            return id((int) i) <= id ? i : i - 1;
        }
    }

    private static final String[] FIRST = {"Emma", "Liam", "Olivia", "Noah", "Ava", "Lucas", "Mia", "José", "Zoë", "Ólafur",
        "Søren", "Amélie", "Björk", "Jürgen", "Siobhán", "Łukasz", "Олег", "Μαρία", "François", "Mei", "Kwame", "Aiyana",
        "Nguyễn", "Chloé", "Mateo", "Hana", "Ines", "Raj", "Fatima", "Yusuf"};
    private static final String[] LAST = {"Smith", "Müller", "Ångström", "García", "O'Connor", "Nakamura", "Kowalski",
        "Dubois", "Rossi", "Jensen", "Ivanova", "Papadopoulos", "Nguyen", "Okafor", "Silva", "Schröder", "Øvergaard",
        "Van der Berg", "Ñúñez", "Lee", "Chen", "Khan", "Brown", "Kim", "Martin"};
    private static final String[] ADJ = {"Organic", "Vintage", "Classic", "Naïve", "Crème", "Ünïcödé", "Nordic", "Cozy",
        "Rustic", "Electric", "Midnight", "Golden", "Tiny", "Über", "Señorita"};
    private static final String[] NOUN = {"Tee", "Mug", "Candle", "Lamp", "Sneaker", "Backpack", "Scarf", "Notebook",
        "Bracelet", "Socks", "Hoodie", "Teapot", "Poster", "Wallet", "Beanie"};
    private static final String[] VENDORS = {"Acme", "Nordisk Design", "Müller & Söhne", "Café Ltd", "株式会社ハル", "Company 123"};
    private static final String[] TYPES = {"Shirts", "Lamps", "Candles", "Shoes", "Mugs", "Accessories", ""};
    private static final String[] TAGS = {"sale", "new", "Léon", "Noël", "vip", "wholesale", "gift", "eco", "🔥", "summer-2026"};
    private static final String[] SIZES = {"XS", "S", "M", "L", "XL"};
    private static final String[] COLOURS = {"Red", "Blue", "Grün", "Noir", "黑色"};
    private static final String[] CITIES = {"Ottawa", "München", "Zürich", "São Paulo", "東京", "Kraków", "Reykjavík", "Austin"};
    private static final String[] COUNTRIES = {"CA", "DE", "CH", "BR", "JP", "PL", "IS", "US"};
    private static final String[] CURRENCIES = {"USD", "EUR", "GBP", "CAD"};
    private static final String[] ZONES = {"America/New_York", "Europe/Berlin", "Europe/London", "America/Toronto"};

    final long seed;
    final int shopNumber;
    final String currency;
    final ZoneId zone;
    final int initialOrders;
    final int initialProducts;
    final int initialCustomers;
    final IdScheme orderIds;
    final IdScheme productIds;
    final IdScheme customerIds;
    private final long shopOffset;
    /** Rng.hash(seed, shopNumber, kind) for the kinds h() and stream() use (all below KIND_SALTS), computed once. */
    private final long[] kindSalts = new long[KIND_SALTS];
    private static final int KIND_SALTS = 64;

    DataGenerator(long seed, int shopNumber, int orders, int products, int customers) {
        this.seed = seed;
        this.shopNumber = shopNumber;
        this.currency = CURRENCIES[(shopNumber - 1) % CURRENCIES.length];
        this.zone = ZoneId.of(ZONES[(shopNumber - 1) % ZONES.length]);
        this.initialOrders = orders;
        this.initialProducts = products;
        this.initialCustomers = customers;
        this.shopOffset = (shopNumber - 1) * SHOP_ID_OFFSET;
        this.orderIds = new IdScheme(5_010_584_895_677L + shopOffset, 4099, Rng.hash(seed, shopNumber, 1));
        this.productIds = new IdScheme(7_921_569_226_808L + shopOffset, 32_771, Rng.hash(seed, shopNumber, 2));
        long cSalt = Rng.hash(seed, shopNumber, 3);
        IdScheme probe = new IdScheme(0, 1009, cSalt);
        long cBase = TWO_POW_53_PLUS_1 - 20L * 1009 - probe.jitter(20) + shopOffset;
        this.customerIds = new IdScheme(cBase, 1009, cSalt);
        for (int k = 0; k < KIND_SALTS; k++) {
            kindSalts[k] = Rng.hash(seed, shopNumber, k);
        }
    }

    private long kindSalt(long kind) {
        return kind >= 0 && kind < KIND_SALTS ? kindSalts[(int) kind] : Rng.hash(seed, shopNumber, kind);
    }

    IdScheme ids(ResourceKind kind) {
        return switch (kind) {
            case ORDER -> orderIds;
            case PRODUCT -> productIds;
            case CUSTOMER -> customerIds;
        };
    }

    private long h(long kind, long index, long version, long field) {
        return Rng.hash(kindSalt(kind), index, version, field);
    }

    private Rng.Stream stream(ResourceKind kind, int index, int version) {
        return new Rng.Stream(Rng.hash(kindSalt(kind.ordinal() + 10), index, version));
    }

    // ------------------------------------------------------------------ initial timestamps

    /** createdAt for the initial objects: spread over [T0, T1), never decreasing, bursts of 50 in one second. */
    long[] initialCreated(ResourceKind kind, int n) {
        long[] out = new long[n];
        long span = T1 - T0;
        for (int i = 0; i < n; i++) {
            int block = i / 50;
            boolean burst = Rng.below(h(kind.ordinal(), block, 0, 99), 7) == 3;
            int at = burst ? block * 50 : i;
            out[i] = T0 + (long) ((double) at * span / Math.max(1, n));
        }
        return out;
    }

    /** updatedAt for the initial objects: 10% exactly {@link #TIE_SECOND}, the rest up to 45 days after creation. */
    long[] initialUpdated(ResourceKind kind, long[] created) {
        long[] out = new long[created.length];
        for (int i = 0; i < created.length; i++) {
            long r = h(kind.ordinal(), i, 0, 98);
            if (Rng.below(r, 10) == 0) {
                out[i] = Math.max(created[i], TIE_SECOND);
            } else if (Rng.below(r, 10) == 1) {
                out[i] = created[i];
            } else {
                out[i] = created[i] + Rng.below(Rng.mix(r), (int) MAX_UPDATE_LAG);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ money

    /** GraphQL Decimal as Shopify prints it: "704.99", "8305.6", "64.0". */
    static String decimal(long cents) {
        if (cents == Long.MIN_VALUE) {
            return decimalViaBigDecimal(cents);
        }
        // what stripTrailingZeros + toPlainString prints, without BigDecimal: whole units get ".0", trailing zero cents go
        long abs = Math.abs(cents);
        String units = (cents < 0 ? "-" : "") + abs / 100;
        int frac = (int) (abs % 100);
        if (frac == 0) {
            return units + ".0";
        }
        return frac % 10 == 0 ? units + "." + frac / 10 : units + (frac < 10 ? ".0" : ".") + frac;
    }

    static String decimalViaBigDecimal(long cents) {
        BigDecimal d = BigDecimal.valueOf(cents, 2).stripTrailingZeros();
        if (d.scale() <= 0) {
            return d.setScale(1).toPlainString();
        }
        return d.toPlainString();
    }

    /** Money / REST amounts always with two decimals: "19.99", "85.00". */
    static String money(long cents) {
        if (cents == Long.MIN_VALUE) {
            return moneyViaBigDecimal(cents);
        }
        long abs = Math.abs(cents);
        int frac = (int) (abs % 100);
        return (cents < 0 ? "-" : "") + abs / 100 + (frac < 10 ? ".0" : ".") + frac;
    }

    static String moneyViaBigDecimal(long cents) {
        return BigDecimal.valueOf(cents, 2).toPlainString();
    }

    static Map<String, Object> moneyV2(long cents, String currencyCode) {
        return new MoneyMaps.MoneyV2(cents, currencyCode);
    }

    Map<String, Object> moneyBag(long shopCents, String presentmentCurrency, double rate) {
        return new MoneyMaps.MoneyBag(shopCents, currency, presentmentCurrency, rate);
    }

    // ------------------------------------------------------------------ products and variants

    String productTitle(int idx) {
        switch (idx) {
            case 0: return "Ångström Desk Lamp";
            case 1: return "Crème Brûlée Candle";
            case 2: return "東京 Graphic Tee";
            case 3: return "🎉 Party Pack";
            default: break;
        }
        if (idx == BIG_PRODUCT_INDEX && initialProducts >= 10) {
            return "Matrix Sneaker (2048 variants)";
        }
        long r = h(20, idx, 0, 1);
        return ADJ[Rng.below(r, ADJ.length)] + " " + NOUN[Rng.below(Rng.mix(r), NOUN.length)];
    }

    /** What String.split(" / ") compiles on every call (it has a fast path for one-char separators only). */
    private static final Pattern OPTION_SEPARATOR = Pattern.compile(" / ");
    private static final Pattern NOT_LETTER_OR_DIGIT = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final Pattern EDGE_DASHES = Pattern.compile("^-+|-+$");
    private static final Pattern MARKS = Pattern.compile("\\p{M}");
    private static final Pattern NOT_ASCII_ALNUM = Pattern.compile("[^a-z0-9]+");
    /** slug and ascii only ever see names and titles from the fixed lists above, so their results are cached whole. */
    private static final Map<String, String> SLUGS = new ConcurrentHashMap<>();
    private static final Map<String, String> ASCII = new ConcurrentHashMap<>();

    private static String slug(String s) {
        return SLUGS.computeIfAbsent(s, DataGenerator::computeSlug);
    }

    static String computeSlug(String s) {
        String lower = NOT_LETTER_OR_DIGIT.matcher(s.toLowerCase(Locale.ROOT)).replaceAll("-");
        return EDGE_DASHES.matcher(lower).replaceAll("");
    }

    private static String ascii(String s) {
        return ASCII.computeIfAbsent(s, DataGenerator::computeAscii);
    }

    static String computeAscii(String s) {
        String n = MARKS.matcher(Normalizer.normalize(s, Normalizer.Form.NFD)).replaceAll("");
        n = n.replace("ø", "o").replace("Ø", "O").replace("ß", "ss").replace("Ł", "L").replace("ł", "l").replace("Þ", "Th").replace("æ", "ae");
        return NOT_ASCII_ALNUM.matcher(n.toLowerCase(Locale.ROOT)).replaceAll("");
    }

    /** String.format(Locale.ROOT, "%0{width}d", value) for a non-negative int, without the Formatter. */
    static String zeroPadded(int value, int width) {
        char[] c = new char[width];
        int rest = value;
        for (int i = width - 1; i >= 0; i--) {
            c[i] = (char) ('0' + rest % 10);
            rest /= 10;
        }
        if (value < 0 || rest != 0) {
            return String.format(Locale.ROOT, "%0" + width + "d", value); // negative or wider than width: the rare way
        }
        return new String(c);
    }

    int baseVariantCount(int productIdx) {
        if (productIdx == BIG_PRODUCT_INDEX && initialProducts >= 10) {
            return MAX_VARIANTS;
        }
        return 1 + Rng.below(h(20, productIdx, 0, 2), 4);
    }

    /** Variants of a product at a version: product updates sometimes add or remove the last variant. */
    int variantCount(int productIdx, int version) {
        int base = baseVariantCount(productIdx);
        if (version == 0 || base == 1) {
            return base;
        }
        int d = Rng.below(h(20, productIdx, version, 3), 4) - 1; // -1, 0, 0, +1 ... (0 twice)
        if (d == 2) {
            d = 0;
        }
        return Math.max(1, Math.min(MAX_VARIANTS, base + d));
    }

    long variantId(int productIdx, int pos) {
        return VARIANT_BASE + shopOffset + productIdx * (long) VARIANT_SLOTS + pos;
    }

    /** {productIndex, position} of a variant id, or null. */
    int[] variantOf(long id) {
        long rel = id - VARIANT_BASE - shopOffset;
        if (rel < 0) {
            return null;
        }
        long p = rel / VARIANT_SLOTS;
        if (p > Integer.MAX_VALUE) {
            return null;
        }
        return new int[] {(int) p, (int) (rel % VARIANT_SLOTS)};
    }

    String variantTitle(int productIdx, int pos, int count) {
        if (count == 1 && baseVariantCount(productIdx) == 1) {
            return "Default Title";
        }
        if (baseVariantCount(productIdx) == MAX_VARIANTS) {
            return "Size " + (pos / 32 + 1) + " / Colour " + (pos % 32 + 1);
        }
        return SIZES[pos % SIZES.length] + (pos >= SIZES.length ? " / " + COLOURS[(pos / SIZES.length) % COLOURS.length] : "")
                + (productIdx % 3 == 0 && pos < SIZES.length ? " / " + COLOURS[Rng.below(h(21, productIdx, 0, pos), COLOURS.length)] : "");
    }

    long variantPriceCents(int productIdx, int pos, int version) {
        long base = 500 + Rng.below(h(21, productIdx, 0, pos + 10_000L), 20_000);
        if (version > 0 && Rng.below(h(21, productIdx, version, 5), 3) == 0) {
            base = base * (90 + Rng.below(h(21, productIdx, version, 6), 30)) / 100;
        }
        return Math.max(0, base);
    }

    String variantSku(int productIdx, int pos) {
        if (Rng.below(h(21, productIdx, 0, pos + 20_000L), 10) == 0) {
            return null;
        }
        return "SKU-" + (productIdx + 1) + "-" + (pos + 1);
    }

    Map<String, Object> product(int idx, long created, long updated, int version) {
        long id = productIds.id(idx);
        Rng.Stream r = stream(ResourceKind.PRODUCT, idx, version);
        Rng.Stream base = stream(ResourceKind.PRODUCT, idx, 0);
        String title = productTitle(idx);
        String handle = slug(title) + (idx >= 4 ? "-" + (idx + 1) : "");
        double st = r.nextDouble();
        String status = st < 0.8 ? "ACTIVE" : st < 0.92 ? "DRAFT" : "ARCHIVED";
        int count = variantCount(idx, version);
        Map<String, Object> m = new LinkedHashMap<>(32);
        m.put("_type", "Product");
        m.put("_idx", idx);
        m.put("_ver", version);
        m.put("id", ResourceKind.PRODUCT.gid(id));
        m.put("legacyResourceId", Long.toString(id));
        m.put("title", title);
        m.put("handle", handle);
        m.put("status", status);
        m.put("vendor", base.pick(VENDORS));
        m.put("productType", base.pick(TYPES));
        m.put("tags", tags(r));
        String desc = "A " + title.toLowerCase(Locale.ROOT) + " — made with care (v" + version + ").";
        m.put("description", desc);
        m.put("descriptionHtml", "<p>" + desc.replace("&", "&amp;") + "</p>");
        m.put("createdAt", Times.iso(created));
        m.put("updatedAt", Times.iso(updated));
        m.put("publishedAt", status.equals("ACTIVE") ? Times.iso(created) : null);
        m.put("seo", Json.obj("title", base.chance(0.3) ? title + " | Sandbox" : null, "description", null));
        int inv = 0;
        int sample = Math.min(count, 8);
        for (int p = 0; p < sample; p++) {
            inv += inventory(idx, p, version);
        }
        m.put("totalInventory", count <= 8 ? inv : inv * (count / sample));
        m.put("hasOnlyDefaultVariant", count == 1 && baseVariantCount(idx) == 1);
        m.put("variantsCount", count(count));
        m.put("_variantCount", count);
        m.put("_created", created);
        m.put("_updated", updated);
        return m;
    }

    int inventory(int productIdx, int pos, int version) {
        return Rng.below(h(22, productIdx, version, pos), 205) - 5;
    }

    Map<String, Object> variant(int productIdx, int pos, int version, String productTitle, long created, long updated) {
        int count = variantCount(productIdx, version);
        long id = variantId(productIdx, pos);
        String vt = variantTitle(productIdx, pos, count);
        long price = variantPriceCents(productIdx, pos, version);
        Map<String, Object> m = new LinkedHashMap<>(24);
        m.put("_type", "ProductVariant");
        m.put("_productIdx", productIdx);
        m.put("_pos", pos);
        m.put("id", "gid://shopify/ProductVariant/" + id);
        m.put("legacyResourceId", Long.toString(id));
        m.put("title", vt);
        m.put("displayName", productTitle + " - " + vt);
        m.put("sku", variantSku(productIdx, pos));
        m.put("barcode", Rng.below(h(21, productIdx, 0, pos + 30_000L), 3) == 0 ? null : String.valueOf(4_000_000_000_000L + id % 1_000_000_000L));
        m.put("price", money(price));
        m.put("compareAtPrice", Rng.below(h(21, productIdx, version, pos + 40_000L), 3) == 0 ? money(price * 12 / 10) : null);
        m.put("position", pos + 1);
        m.put("inventoryQuantity", inventory(productIdx, pos, version));
        m.put("inventoryPolicy", Rng.below(h(21, productIdx, 0, pos + 50_000L), 5) == 0 ? "CONTINUE" : "DENY");
        m.put("taxable", Rng.below(h(21, productIdx, 0, pos + 60_000L), 6) != 0);
        m.put("taxCode", "");
        m.put("availableForSale", true);
        List<Map<String, Object>> opts = new ArrayList<>();
        if ("Default Title".equals(vt)) {
            opts.add(Json.obj("name", "Title", "value", "Default Title"));
        } else {
            String[] parts = OPTION_SEPARATOR.split(vt);
            String[] names = {"Size", "Color", "Material"};
            for (int i = 0; i < parts.length; i++) {
                opts.add(Json.obj("name", names[i], "value", parts[i]));
            }
        }
        m.put("selectedOptions", opts);
        m.put("createdAt", Times.iso(created));
        m.put("updatedAt", Times.iso(updated));
        m.put("_priceCents", price);
        return m;
    }

    // ------------------------------------------------------------------ customers

    /** A customer's names, email and phone, and its two streams positioned after the draws these took. */
    private static final class Contact {
        String first;
        String last;
        String display;
        String email;
        String phone;
        Rng.Stream base;
        Rng.Stream r;
    }

    private static final String[] CUSTOMER_REF_KEYS = {"id", "legacyResourceId", "email", "phone"};
    private static final String[] VARIANT_REF_KEYS = {"id", "legacyResourceId"};

    /** A line item's variant: its id now, every other field generated on first use. */
    Map<String, Object> variantRef(int productIdx, int pos, int version, long created, long updated) {
        long id = variantId(productIdx, pos);
        return new LazyMap(VARIANT_REF_KEYS, new Object[] {"gid://shopify/ProductVariant/" + id, Long.toString(id)},
                () -> variant(productIdx, pos, version, productTitle(productIdx), created, updated));
    }

    /** An order's customer: id, email and phone now, every other field generated on first use. */
    Map<String, Object> customerRef(int idx, long created, long updated, int version) {
        long id = customerIds.id(idx);
        Contact c = contact(idx, version);
        return new LazyMap(CUSTOMER_REF_KEYS, new Object[] {ResourceKind.CUSTOMER.gid(id), Long.toString(id), c.email, c.phone},
                () -> customer(idx, created, updated, version));
    }

    private Contact contact(int idx, int version) {
        Rng.Stream base = stream(ResourceKind.CUSTOMER, idx, 0);
        Rng.Stream r = stream(ResourceKind.CUSTOMER, idx, version);
        String first;
        String last;
        boolean noEmail = base.chance(0.12);
        boolean noPhone = base.chance(0.6);
        switch (idx) {
            case 0 -> { first = "Zoë"; last = "Ångström"; noEmail = false; }
            case 1 -> { first = null; last = "李小龙"; noEmail = false; }
            case 2 -> { first = "Sam 🦄"; last = "O'Brien-Ñúñez"; noEmail = false; }
            case 3 -> { first = "Günther"; last = "Straße"; noEmail = true; noPhone = true; }
            default -> {
                first = base.pick(FIRST);
                last = base.chance(0.05) ? null : base.pick(LAST);
            }
        }
        String display = (first == null ? "" : first) + (first != null && last != null ? " " : "") + (last == null ? "" : last);
        String email = null;
        if (!noEmail) {
            String local = (first == null ? "" : ascii(first)) + (last == null ? "" : (first == null ? "" : ".") + ascii(last));
            if (local.isEmpty() || local.equals(".")) {
                local = "customer";
            }
            email = local + "." + (idx + 1) + (version > 0 && r.chance(0.2) ? ".v" + version : "") + "@example.com";
        }
        if (display.isEmpty()) {
            display = email != null ? email : "Customer " + (idx + 1);
        }
        String phone = noPhone ? null : "+1555" + zeroPadded(Rng.below(h(30, idx, 0, 1), 10_000_000), 7);
        Contact c = new Contact();
        c.first = first;
        c.last = last;
        c.display = display;
        c.email = email;
        c.phone = phone;
        c.base = base;
        c.r = r;
        return c;
    }

    Map<String, Object> customer(int idx, long created, long updated, int version) {
        long id = customerIds.id(idx);
        Contact contact = contact(idx, version);
        Rng.Stream base = contact.base;
        Rng.Stream r = contact.r;
        String first = contact.first;
        String last = contact.last;
        String display = contact.display;
        String email = contact.email;
        String phone = contact.phone;
        double st = r.nextDouble();
        String state = st < 0.4 ? "ENABLED" : st < 0.85 ? "DISABLED" : st < 0.95 ? "INVITED" : "DECLINED";
        Map<String, Object> m = new LinkedHashMap<>(32);
        m.put("_type", "Customer");
        m.put("_idx", idx);
        m.put("_ver", version);
        m.put("id", ResourceKind.CUSTOMER.gid(id));
        m.put("legacyResourceId", Long.toString(id));
        m.put("firstName", first);
        m.put("lastName", last);
        m.put("displayName", display);
        m.put("email", email);
        m.put("phone", phone);
        m.put("defaultEmailAddress", email == null ? null : Json.obj("emailAddress", email,
                "marketingState", r.chance(0.3) ? "SUBSCRIBED" : "NOT_SUBSCRIBED"));
        m.put("defaultPhoneNumber", phone == null ? null : Json.obj("phoneNumber", phone));
        if (base.chance(0.7)) {
            int c = base.nextInt(CITIES.length);
            long addr = ADDRESS_BASE + shopOffset + idx;
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("id", "gid://shopify/MailingAddress/" + addr + "?model_name=CustomerAddress");
            a.put("address1", (1 + base.nextInt(400)) + " " + (c == 1 ? "Maximilianstraße" : "Main St"));
            a.put("address2", null);
            a.put("city", CITIES[c]);
            a.put("company", null);
            a.put("country", COUNTRIES[c]);
            a.put("countryCodeV2", COUNTRIES[c]);
            a.put("firstName", first);
            a.put("lastName", last);
            a.put("name", display);
            a.put("phone", phone);
            a.put("province", null);
            a.put("provinceCode", null);
            a.put("zip", zeroPadded(base.nextInt(99_999), 5));
            a.put("formattedArea", CITIES[c] + ", " + COUNTRIES[c]);
            a.put("_id", addr);
            m.put("defaultAddress", a);
        } else {
            m.put("defaultAddress", null);
        }
        m.put("state", state);
        m.put("verifiedEmail", email != null && base.chance(0.8));
        m.put("validEmailAddress", email != null);
        m.put("taxExempt", base.chance(0.05));
        m.put("locale", base.pick(new String[] {"en", "de", "fr", "ja", "pt-BR"}));
        m.put("note", r.chance(0.2) ? "Prefers “express” shipping — ☎ before delivery" : null);
        int orders = r.nextInt(40);
        m.put("numberOfOrders", Integer.toString(orders));
        m.put("canDelete", orders == 0);
        m.put("amountSpent", moneyV2(orders == 0 ? 0 : orders * (1000L + r.nextInt(20_000)), currency));
        m.put("createdAt", Times.iso(created));
        m.put("updatedAt", Times.iso(updated));
        m.put("tags", tags(r));
        m.put("_created", created);
        m.put("_updated", updated);
        return m;
    }

    private static List<String> tags(Rng.Stream r) {
        int n = r.nextInt(4);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String t = r.pick(TAGS);
            if (!out.contains(t)) {
                out.add(t);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ orders, line items, transactions

    int lineItemCount(int orderIdx) {
        if (orderIdx == BIG_ORDER_INDEX && initialOrders >= 20) {
            return BIG_ORDER_LINE_ITEMS;
        }
        double r = Rng.unit(h(40, orderIdx, 0, 1));
        return r < 0.5 ? 1 : r < 0.8 ? 2 : r < 0.95 ? 3 : 4 + Rng.below(h(40, orderIdx, 0, 2), 6);
    }

    long lineItemId(int orderIdx, int pos) {
        return LINE_ITEM_BASE + shopOffset + orderIdx * (long) LINE_ITEM_SLOTS + pos;
    }

    int[] lineItemOf(long id) {
        long rel = id - LINE_ITEM_BASE - shopOffset;
        if (rel < 0 || rel / LINE_ITEM_SLOTS > Integer.MAX_VALUE) {
            return null;
        }
        return new int[] {(int) (rel / LINE_ITEM_SLOTS), (int) (rel % LINE_ITEM_SLOTS)};
    }

    long transactionId(int orderIdx, int pos) {
        return TRANSACTION_BASE + shopOffset + orderIdx * (long) TRANSACTION_SLOTS + pos;
    }

    int[] transactionOf(long id) {
        long rel = id - TRANSACTION_BASE - shopOffset;
        if (rel < 0 || rel / TRANSACTION_SLOTS > Integer.MAX_VALUE) {
            return null;
        }
        return new int[] {(int) (rel / TRANSACTION_SLOTS), (int) (rel % TRANSACTION_SLOTS)};
    }

    /** The (productIndex, variantPosition) a line item refers to, or null for a custom line item. */
    int[] lineItemVariantRef(int orderIdx, int pos) {
        if (initialProducts == 0) {
            return null;
        }
        long r = h(41, orderIdx, 0, pos);
        if (Rng.below(r, 20) == 0) {
            return null;
        }
        int p = Rng.below(Rng.mix(r), initialProducts);
        return new int[] {p, Rng.below(Rng.mix(r + 1), baseVariantCount(p))};
    }

    int lineItemQuantity(int orderIdx, int pos) {
        return lineItemQuantity(orderIdx, pos, lineItemCount(orderIdx));
    }

    /** The quantity for an order whose line item count the caller already has (the order's own loop). */
    private int lineItemQuantity(int orderIdx, int pos, int lineItemCount) {
        return lineItemCount > 50 ? 1 : 1 + Rng.below(h(41, orderIdx, 1, pos), 3);
    }

    long lineItemUnitCents(int orderIdx, int pos) {
        int[] ref = lineItemVariantRef(orderIdx, pos);
        return ref == null ? 500 : variantPriceCents(ref[0], ref[1], 0);
    }

    /** The presentment currency and rate of an order. */
    private Object[] presentment(int orderIdx) {
        if (Rng.below(h(42, orderIdx, 0, 1), 8) == 0) {
            return currency.equals("USD") ? new Object[] {"CAD", 1.37} : new Object[] {"USD", 1.08};
        }
        return new Object[] {currency, 1.0};
    }

    Map<String, Object> lineItem(int orderIdx, int pos) {
        int[] ref = lineItemVariantRef(orderIdx, pos);
        Object[] pres = presentment(orderIdx);
        String title;
        String variantTitle = null;
        String sku = null;
        String vendor = null;
        if (ref == null) {
            title = "Gift wrapping 🎁";
        } else {
            title = productTitle(ref[0]);
            String vt = variantTitle(ref[0], ref[1], baseVariantCount(ref[0]));
            variantTitle = "Default Title".equals(vt) ? null : vt;
            sku = variantSku(ref[0], ref[1]);
            vendor = productVendor(ref[0]);
        }
        int qty = lineItemQuantity(orderIdx, pos);
        long unit = lineItemUnitCents(orderIdx, pos);
        long id = lineItemId(orderIdx, pos);
        Map<String, Object> m = new LinkedHashMap<>(20);
        m.put("_type", "LineItem");
        m.put("_orderIdx", orderIdx);
        m.put("_pos", pos);
        m.put("_variantRef", ref);
        m.put("id", "gid://shopify/LineItem/" + id);
        m.put("name", variantTitle == null ? title : title + " - " + variantTitle);
        m.put("title", title);
        m.put("variantTitle", variantTitle);
        m.put("quantity", qty);
        m.put("currentQuantity", qty);
        m.put("sku", sku);
        m.put("vendor", vendor);
        m.put("requiresShipping", ref != null);
        m.put("taxable", ref != null);
        m.put("originalUnitPriceSet", moneyBag(unit, (String) pres[0], (Double) pres[1]));
        m.put("discountedUnitPriceSet", moneyBag(unit, (String) pres[0], (Double) pres[1]));
        m.put("originalTotalSet", moneyBag(unit * qty, (String) pres[0], (Double) pres[1]));
        m.put("_unitCents", unit);
        return m;
    }

    String productVendor(int productIdx) {
        Rng.Stream base = stream(ResourceKind.PRODUCT, productIdx, 0);
        return base.pick(VENDORS);
    }

    /** The customer index an order belongs to, or -1 for a guest order. */
    int orderCustomerIndex(int orderIdx) {
        if (initialCustomers == 0) {
            return -1;
        }
        long r = h(43, orderIdx, 0, 1);
        if (Rng.below(r, 12) == 0) {
            return -1;
        }
        return Rng.below(Rng.mix(r), initialCustomers);
    }

    Map<String, Object> order(int idx, long created, long updated, int version, Map<String, Object> customer) {
        long id = orderIds.id(idx);
        Rng.Stream r = stream(ResourceKind.ORDER, idx, version);
        Rng.Stream base = stream(ResourceKind.ORDER, idx, 0);
        Object[] pres = presentment(idx);
        String pc = (String) pres[0];
        double rate = (Double) pres[1];
        int n = lineItemCount(idx);
        long subtotal = 0;
        int qty = 0;
        for (int p = 0; p < n; p++) {
            int q = lineItemQuantity(idx, p, n);
            subtotal += q * lineItemUnitCents(idx, p);
            qty += q;
        }
        long shipping = base.chance(0.4) ? 0 : 999;
        long tax = Math.round(subtotal * 0.07);
        long discounts = base.chance(0.15) ? Math.min(subtotal, 500) : 0;
        long total = subtotal + shipping + tax - discounts;
        double s = r.nextDouble();
        String financial;
        boolean cancelled = false;
        if (s < 0.55) {
            financial = "PAID";
        } else if (s < 0.65) {
            financial = "PENDING";
        } else if (s < 0.73) {
            financial = "REFUNDED";
        } else if (s < 0.80) {
            financial = "PARTIALLY_REFUNDED";
        } else if (s < 0.85) {
            financial = "AUTHORIZED";
        } else if (s < 0.93) {
            financial = "VOIDED";
            cancelled = true;
        } else {
            financial = "REFUNDED";
            cancelled = true;
        }
        long refunded = switch (financial) {
            case "REFUNDED" -> total;
            case "PARTIALLY_REFUNDED" -> Math.max(1, total / (2 + r.nextInt(3)));
            default -> 0;
        };
        String fulfillment = cancelled ? "UNFULFILLED" : financial.equals("PAID") || financial.equals("PARTIALLY_REFUNDED")
                ? (r.chance(0.6) ? "FULFILLED" : r.chance(0.3) ? "PARTIALLY_FULFILLED" : "UNFULFILLED") : "UNFULFILLED";
        boolean closed = cancelled || (fulfillment.equals("FULFILLED") && r.chance(0.5));
        // a guest order draws its email from the base stream; an order whose customer is gone must not draw, or every
        // later draw (test, attributes, a failed first payment) would change under an unchanged updatedAt
        String email = orderCustomerIndex(idx) < 0 ? (base.chance(0.5) ? null : "guest." + (idx + 1) + "@example.com")
                : customer == null ? null : (String) customer.get("email");
        Map<String, Object> m = new LinkedHashMap<>(48);
        m.put("_type", "Order");
        m.put("_idx", idx);
        m.put("_ver", version);
        m.put("id", ResourceKind.ORDER.gid(id));
        m.put("legacyResourceId", Long.toString(id));
        m.put("name", "#" + (1001 + idx));
        m.put("email", email);
        m.put("phone", customer == null ? null : (String) customer.get("phone"));
        m.put("note", r.chance(0.1) ? "Bitte nicht klingeln — 请放在门口" : null);
        m.put("tags", tags(r));
        m.put("test", base.chance(0.05));
        m.put("confirmed", true);
        m.put("closed", closed);
        m.put("closedAt", closed ? Times.iso(updated) : null);
        m.put("cancelledAt", cancelled ? Times.iso(updated) : null);
        m.put("cancelReason", cancelled ? (r.chance(0.7) ? "CUSTOMER" : "INVENTORY") : null);
        m.put("createdAt", Times.iso(created));
        m.put("updatedAt", Times.iso(updated));
        m.put("processedAt", Times.iso(created));
        m.put("currencyCode", currency);
        m.put("presentmentCurrencyCode", pc);
        m.put("displayFinancialStatus", financial);
        m.put("displayFulfillmentStatus", fulfillment);
        m.put("fullyPaid", financial.equals("PAID") || financial.contains("REFUNDED"));
        m.put("unpaid", financial.equals("PENDING") || financial.equals("AUTHORIZED"));
        m.put("subtotalLineItemsQuantity", qty);
        m.put("totalPriceSet", moneyBag(total, pc, rate));
        m.put("subtotalPriceSet", moneyBag(subtotal - discounts, pc, rate));
        m.put("currentTotalPriceSet", moneyBag(total - refunded, pc, rate));
        m.put("currentSubtotalPriceSet", moneyBag(Math.max(0, subtotal - discounts - refunded), pc, rate));
        m.put("totalTaxSet", moneyBag(tax, pc, rate));
        m.put("totalShippingPriceSet", moneyBag(shipping, pc, rate));
        m.put("totalDiscountsSet", moneyBag(discounts, pc, rate));
        m.put("totalRefundedSet", moneyBag(refunded, pc, rate));
        List<Map<String, Object>> attrs = new ArrayList<>();
        if (base.chance(0.2)) {
            attrs.add(Json.obj("key", "BC Doc. No.", "value", "S-ORD" + (101_000 + idx)));
        }
        m.put("customAttributes", attrs);
        m.put("_customer", customer);
        m.put("_lineItemCount", n);
        m.put("_total", total);
        m.put("_subtotal", subtotal);
        m.put("_tax", tax);
        m.put("_shipping", shipping);
        m.put("_discounts", discounts);
        m.put("_refunded", refunded);
        m.put("_rate", rate);
        m.put("_created", created);
        m.put("_updated", updated);
        boolean failedFirst = base.chance(0.05); // drawn now: the transactions are built on first read, from values only
        m.put("transactions", new LazyList<>(() -> transactions(idx, version, financial, total, refunded, created, updated, pc,
                rate, failedFirst)));
        return m;
    }

    private List<Map<String, Object>> transactions(int idx, int version, String financial, long total, long refunded,
                                                   long created, long updated, String pc, double rate, boolean failedFirst) {
        List<Map<String, Object>> out = new ArrayList<>();
        String gateway = Rng.below(h(44, idx, 0, 1), 3) == 0 ? "manual" : "shopify_payments";
        boolean test = false;
        if (failedFirst && !financial.equals("PENDING")) {
            out.add(tx(idx, out.size(), "SALE", "FAILURE", gateway, total, created, pc, rate, test, null));
        }
        switch (financial) {
            case "PENDING" -> out.add(tx(idx, out.size(), "SALE", "PENDING", "manual", total, created, pc, rate, test, null));
            case "AUTHORIZED" -> out.add(tx(idx, out.size(), "AUTHORIZATION", "SUCCESS", gateway, total, created, pc, rate, test, null));
            case "VOIDED" -> {
                Map<String, Object> auth = tx(idx, out.size(), "AUTHORIZATION", "SUCCESS", gateway, total, created, pc, rate, test, null);
                out.add(auth);
                out.add(tx(idx, out.size(), "VOID", "SUCCESS", gateway, total, updated, pc, rate, test, auth));
            }
            default -> {
                Map<String, Object> sale;
                if (Rng.below(h(44, idx, 0, 2), 3) == 0) {
                    Map<String, Object> auth = tx(idx, out.size(), "AUTHORIZATION", "SUCCESS", gateway, total, created, pc, rate, test, null);
                    out.add(auth);
                    sale = tx(idx, out.size(), "CAPTURE", "SUCCESS", gateway, total, created, pc, rate, test, auth);
                } else {
                    sale = tx(idx, out.size(), "SALE", "SUCCESS", gateway, total, created, pc, rate, test, null);
                }
                out.add(sale);
                if (refunded > 0) {
                    out.add(tx(idx, out.size(), "REFUND", "SUCCESS", gateway, refunded, updated, pc, rate, test, sale));
                }
            }
        }
        return out;
    }

    private Map<String, Object> tx(int orderIdx, int pos, String kind, String status, String gateway, long cents, long at,
                                   String pc, double rate, boolean test, Map<String, Object> parent) {
        Map<String, Object> m = new LinkedHashMap<>(12);
        long id = transactionId(orderIdx, pos);
        m.put("_type", "OrderTransaction");
        m.put("id", "gid://shopify/OrderTransaction/" + id);
        m.put("kind", kind);
        m.put("status", status);
        m.put("gateway", gateway);
        m.put("test", test);
        m.put("amountSet", moneyBag(cents, pc, rate));
        m.put("createdAt", Times.iso(at));
        m.put("processedAt", Times.iso(at));
        m.put("parentTransaction", parent);
        m.put("_id", id);
        m.put("_cents", cents);
        return m;
    }

    static Map<String, Object> count(long n) {
        return Json.obj("count", (int) Math.min(Integer.MAX_VALUE, n), "precision", "EXACT");
    }
}
