package io.shopifysync.accounts;

import java.util.List;

/** What registration learned of a shop's access scopes: the granted ones (null when unreadable) and what to tell the operator. */
public record RegistrationScopes(GrantedScopes granted, List<String> warnings) {
    public RegistrationScopes {
        warnings = List.copyOf(warnings);
    }
}
