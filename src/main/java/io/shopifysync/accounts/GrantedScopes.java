package io.shopifysync.accounts;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/** The access scopes a shop granted the app, as last read from Shopify, and when they were read. */
public record GrantedScopes(List<String> handles, OffsetDateTime checkedAt) {

    public GrantedScopes {
        handles = List.copyOf(new TreeSet<>(handles));
    }

    /** Whether {@code scope} is granted; a write scope includes its read scope, as on Shopify. */
    public boolean has(String scope) {
        return handles.contains(scope) || (scope.startsWith("read_") && handles.contains("write_" + scope.substring(5)));
    }

    /** The scopes of {@code wanted} that are not granted, in order. */
    public List<String> missing(Collection<String> wanted) {
        List<String> out = new ArrayList<>();
        for (String s : new TreeSet<>(wanted)) {
            if (!has(s)) {
                out.add(s);
            }
        }
        return out;
    }

    /** As stored in shops.access_scopes. */
    public String joined() {
        return String.join(",", handles);
    }

    public static GrantedScopes parse(String joined, OffsetDateTime checkedAt) {
        List<String> out = new ArrayList<>();
        for (String s : joined == null ? new String[0] : joined.split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return new GrantedScopes(out, checkedAt);
    }
}
