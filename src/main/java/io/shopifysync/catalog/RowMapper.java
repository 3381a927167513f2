package io.shopifysync.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** Maps GraphQL nodes (from a bulk JSONL line, a page or a webhook turned into one) to table rows. */
public final class RowMapper {

    private RowMapper() {
    }

    /** A root node's row. Child collections are left out of {@code data}: they have their own tables. */
    public static Row root(Resource r, JsonNode node) {
        return root(r, node, node.deepCopy());
    }

    /**
     * Like {@link #root} for a node the caller gives away (a bulk line parsed for this row alone): its child
     * collections are removed from it in place instead of from a copy.
     */
    public static Row rootOwning(Resource r, ObjectNode node) {
        return root(r, node, node);
    }

    private static Row root(Resource r, JsonNode node, ObjectNode data) {
        long id = Gid.numericId(text(node, "id", r.name()));
        JsonNode updated = node.get("updatedAt");
        if (updated == null || updated.isNull()) {
            throw new MappingException(r.name() + " " + id + " has no updatedAt");
        }
        List<Object> values = values(r.columns(), node, r.name()); // before the removals: data may be the node itself
        for (Child c : r.children()) {
            data.remove(c.field());
        }
        data.remove("__parentId");
        return new Row(r.table(), id, null, OffsetDateTime.parse(updated.asText()), values, data.toString());
    }

    public static Row child(Child c, long parentId, JsonNode node) {
        return childOwning(c, parentId, node.deepCopy());
    }

    /** Like {@link #child} for a node the caller gives away (a bulk line): {@code __parentId} is removed from it in place. */
    public static Row childOwning(Child c, long parentId, ObjectNode node) {
        long id = Gid.numericId(text(node, "id", c.name()));
        node.remove("__parentId");
        return new Row(c.table(), id, parentId, null, values(c.columns(), node, c.name()), node.toString());
    }

    /** The rows of an inline list child inside a root node. */
    public static List<Row> listChildren(Child c, long parentId, JsonNode root) {
        List<Row> out = new ArrayList<>();
        JsonNode list = root.get(c.list());
        if (list != null && list.isArray()) {
            for (JsonNode n : list) {
                out.add(child(c, parentId, n));
            }
        }
        return out;
    }

    private static List<Object> values(List<Column> columns, JsonNode node, String what) {
        List<Object> out = new ArrayList<>(columns.size());
        for (Column col : columns) {
            try {
                out.add(col.valueIn(node));
            } catch (RuntimeException e) {
                throw new MappingException(what + ": column " + col.name() + " from " + col.path() + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static String text(JsonNode node, String field, String what) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new MappingException(what + " node without a string '" + field + "': " + abbreviate(node.toString()));
        }
        return v.asText();
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }

    /** A node that cannot become a row (missing id, malformed value); the message names what and where. */
    public static class MappingException extends RuntimeException {
        public MappingException(String message) {
            super(message);
        }
    }
}
