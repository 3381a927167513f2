package io.shopifysync.catalog;

/** Shopify global ids: {@code gid://shopify/Order/123} (sometimes with a {@code ?query} suffix). */
public final class Gid {
    private static final String PREFIX = "gid://shopify/";

    private Gid() {
    }

    public static long numericId(String gid) {
        int slash = gid.lastIndexOf('/');
        if (!gid.startsWith(PREFIX) || slash <= PREFIX.length()) {
            throw new IllegalArgumentException("not a Shopify gid: " + gid);
        }
        int end = gid.indexOf('?', slash);
        String digits = gid.substring(slash + 1, end < 0 ? gid.length() : end);
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("not a numeric Shopify gid: " + gid);
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Shopify gid out of range: " + gid);
        }
    }

    /** The type name of a gid: {@code Order} for {@code gid://shopify/Order/1}. */
    public static String type(String gid) {
        if (!gid.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a Shopify gid: " + gid);
        }
        int slash = gid.indexOf('/', PREFIX.length());
        if (slash < 0) {
            throw new IllegalArgumentException("not a Shopify gid: " + gid);
        }
        return gid.substring(PREFIX.length(), slash);
    }

    public static String of(String type, long id) {
        return PREFIX + type + "/" + id;
    }
}
