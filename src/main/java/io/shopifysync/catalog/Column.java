package io.shopifysync.catalog;

import com.fasterxml.jackson.databind.JsonNode;

/** A typed column filled from a dot path into the node. */
public record Column(String name, String path, ColumnType type) {

    public Object valueIn(JsonNode node) {
        JsonNode v = node;
        for (String part : path.split("\\.")) {
            if (v == null || v.isNull()) {
                return null;
            }
            v = v.get(part);
        }
        return type.convert(v);
    }
}
