package io.shopifysync.accounts;

import java.util.Locale;
import java.util.regex.Pattern;

/** A validated, case-folded {@code *.myshopify.com} domain. */
public record ShopDomain(String value) {

    private static final Pattern VALID = Pattern.compile("^[a-z0-9][a-z0-9-]*\\.myshopify\\.com$");

    public ShopDomain {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new InvalidInputException("invalid shop domain '" + value
                    + "': expected NAME.myshopify.com (letters, digits and dashes, starting with a letter or digit)");
        }
    }

    /** Trims and lower-cases before validating, so {@code Acme.MyShopify.com} is accepted as {@code acme.myshopify.com}. */
    public static ShopDomain parse(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidInputException("missing shop domain: expected NAME.myshopify.com");
        }
        return new ShopDomain(raw.trim().toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return value;
    }
}
