package io.shopifysync.catalog;

import java.util.List;

/**
 * Rows nested in each root node: a nested {@code connection} (its own JSONL lines with
 * {@code __parentId} in a bulk result) or an inline {@code list} of objects inside the root node.
 */
public record Child(String name, String type, String connection, String list, String fields, String table,
                    String parentColumn, List<Column> columns) {

    public boolean isConnection() {
        return connection != null;
    }

    /** The field of the root node that holds these rows. */
    public String field() {
        return isConnection() ? connection : list;
    }

    public boolean hasUpdatedAt() {
        return columns.stream().anyMatch(c -> c.name().equals("updated_at"));
    }
}
