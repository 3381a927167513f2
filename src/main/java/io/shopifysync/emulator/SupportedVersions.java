package io.shopifysync.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The Admin API versions the emulator serves. As Shopify does, a request for a supported version is served that
 * version; a well-formed older one (retired) falls forward to the oldest supported version, and any other
 * well-formed one to the next supported version after it; a malformed one, or one newer than every supported
 * version, is a 404. The served version is in the {@code X-Shopify-API-Version} header.
 */
final class SupportedVersions {

    /** Shopify's stable versions are quarterly: YYYY-01, -04, -07, -10. */
    private static final Pattern WELL_FORMED = Pattern.compile("\\d{4}-(01|04|07|10)");
    static final List<String> DEFAULT = List.of("2026-01", "2026-04", "2026-07", GraphQlEngine.API_VERSION);

    private volatile List<String> versions = DEFAULT;

    static boolean wellFormed(String version) {
        return version != null && WELL_FORMED.matcher(version).matches();
    }

    /** The version that answers a request for {@code requested}, or null (404). */
    String served(String requested) {
        if (!wellFormed(requested)) {
            return null;
        }
        for (String v : versions) {
            if (v.compareTo(requested) >= 0) {
                return v; // the requested one, or the first supported one after a retired version
            }
        }
        return null;
    }

    List<String> list() {
        return versions;
    }

    /** Replaces the supported set; IllegalArgumentException (with the reason) for an empty list or a malformed version. */
    void set(List<?> given) {
        if (given == null || given.isEmpty()) {
            throw new IllegalArgumentException("'apiVersions' must be a non-empty list of versions such as \"2026-07\"");
        }
        TreeSet<String> sorted = new TreeSet<>();
        for (Object o : given) {
            if (!(o instanceof String v) || !wellFormed(v)) {
                throw new IllegalArgumentException("'apiVersions' holds " + o + ", which is not a version (YYYY-01, -04, -07 or -10)");
            }
            sorted.add(v);
        }
        versions = List.copyOf(new ArrayList<>(sorted));
    }
}
