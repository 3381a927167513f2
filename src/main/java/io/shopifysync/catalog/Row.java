package io.shopifysync.catalog;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * One row for a resource table: the typed column values in the catalog's column order, the parent id
 * for a child, {@code updatedAt} for a root, and the object as read.
 */
public record Row(String table, long id, Long parentId, OffsetDateTime updatedAt, List<Object> values, String data) {
}
