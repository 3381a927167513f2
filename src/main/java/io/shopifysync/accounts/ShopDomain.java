package io.shopifysync.accounts;

import java.util.Locale;
import java.util.regex.Pattern;

/** A validated, case-folded {@code *.myshopify.com} domain. */
public record ShopDomain(String value) {

    private static final Pattern VALID = Pattern.compile("^[a-z0-9][a-z0-9-]*\\.myshopify\\.com$");
    /** DNS limits (RFC 1035): a name of at most 253 characters, each label at most 63. */
    public static final int MAX_LENGTH = 253;
    public static final int MAX_LABEL_LENGTH = 63;

    public ShopDomain {
        if (value != null && value.length() > MAX_LENGTH) {
            throw new InvalidInputException("invalid shop domain: " + value.length() + " characters; a domain name has at most "
                    + MAX_LENGTH + " characters (expected NAME.myshopify.com, NAME at most " + MAX_LABEL_LENGTH + ")");
        }
        if (value != null && value.indexOf('.') > MAX_LABEL_LENGTH) {
            throw new InvalidInputException("invalid shop domain: its name has " + value.indexOf('.') + " characters; a domain label has at most "
                    + MAX_LABEL_LENGTH + " (expected NAME.myshopify.com, NAME at most " + MAX_LABEL_LENGTH + ")");
        }
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
