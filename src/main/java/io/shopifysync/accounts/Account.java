package io.shopifysync.accounts;

import java.time.OffsetDateTime;

/** A registered store as listed: never carries its token; {@code accessScopes} is null until first read. */
public record Account(String shopDomain, String apiUrl, String status, String statusReason,
                      OffsetDateTime installedAt, OffsetDateTime uninstalledAt,
                      OffsetDateTime createdAt, OffsetDateTime updatedAt, GrantedScopes accessScopes, String tokenKind) {
}
