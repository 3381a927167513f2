package io.shopifysync.accounts;

import java.time.OffsetDateTime;

/** A registered store as listed: never carries its token. */
public record Account(String shopDomain, String apiUrl, String status, String statusReason,
                      OffsetDateTime installedAt, OffsetDateTime uninstalledAt,
                      OffsetDateTime createdAt, OffsetDateTime updatedAt, String tokenKind) {
}
