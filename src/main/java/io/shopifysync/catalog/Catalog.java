package io.shopifysync.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The resource catalog ({@code catalog.yaml}): every resource we sync, read once at start-up. */
public final class Catalog {

    public static final String RESOURCE = "catalog.yaml";
    private static final Pattern IDENTIFIER = Pattern.compile("^[a-z][a-z0-9_]*$");
    private static final Set<String> RESOURCE_KEYS = Set.of("name", "type", "connection", "count", "fields", "table", "columns",
            "children", "webhooks", "deletions", "eventSubject", "scope", "history");
    private static final Pattern SCOPE = Pattern.compile("^(read|write)_[a-z0-9_]+$");
    private static final Set<String> CHILD_KEYS = Set.of("name", "type", "connection", "list", "fields", "table",
            "parentColumn", "columns");

    private final List<Resource> resources;

    public Catalog(List<Resource> resources) {
        this.resources = List.copyOf(resources);
    }

    public static Catalog load() {
        try (InputStream in = Catalog.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new CatalogException(RESOURCE + " is not on the class path");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Catalog parse(InputStream yaml) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        JsonNode list = root == null ? null : root.get("resources");
        if (list == null || !list.isArray()) {
            throw new CatalogException("the catalog needs a 'resources' list");
        }
        List<Resource> resources = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> tables = new HashSet<>();
        for (JsonNode r : list) {
            Resource resource = resource(r);
            if (!names.add(resource.name())) {
                throw new CatalogException("resource '" + resource.name() + "' is listed twice");
            }
            if (resource.storesRoots() && !tables.add(resource.table())) {
                throw new CatalogException("table '" + resource.table() + "' is written by two resources");
            }
            for (Child c : resource.children()) {
                if (!tables.add(c.table())) {
                    throw new CatalogException("table '" + c.table() + "' is written by two resources");
                }
            }
            resources.add(resource);
        }
        return new Catalog(resources);
    }

    private static Resource resource(JsonNode r) {
        String name = identifier(r, "name", "resource");
        String where = "resource '" + name + "'";
        checkKeys(r, RESOURCE_KEYS, where);
        String table = r.hasNonNull("table") ? identifier(r, "table", where) : null;
        List<Child> children = new ArrayList<>();
        if (r.has("children")) {
            for (JsonNode c : r.get("children")) {
                children.add(child(c, where));
            }
        }
        if (table == null && children.isEmpty()) {
            throw new CatalogException(where + " writes nothing: give it a table or children");
        }
        JsonNode webhooks = r.path("webhooks");
        String deletions = r.path("deletions").asText("reconcile");
        if (!deletions.equals("events") && !deletions.equals("reconcile")) {
            throw new CatalogException(where + ": deletions must be events or reconcile");
        }
        String eventSubject = r.hasNonNull("eventSubject") ? r.get("eventSubject").asText() : null;
        if (deletions.equals("events") && eventSubject == null) {
            throw new CatalogException(where + ": deletions by events needs eventSubject (e.g. PRODUCT)");
        }
        String scope = r.hasNonNull("scope") ? scope(r.get("scope").asText(), where) : null;
        List<Column> columns = columns(r.get("columns"), where);
        Resource.HistoryLimit history = historyLimit(r.get("history"), columns, table, where);
        return new Resource(name, required(r, "type", where), required(r, "connection", where), required(r, "count", where),
                required(r, "fields", where).trim(), table, columns, List.copyOf(children),
                strings(webhooks.get("upsert")), strings(webhooks.get("delete")), deletions, eventSubject, scope, history);
    }

    private static String scope(String scope, String where) {
        if (!SCOPE.matcher(scope).matches()) {
            throw new CatalogException(where + ": scope '" + scope + "' is not an access scope handle such as read_orders");
        }
        return scope;
    }

    /** history: {scope, days, createdColumn}: the window Shopify limits the resource to without that scope. */
    private static Resource.HistoryLimit historyLimit(JsonNode h, List<Column> columns, String table, String where) {
        if (h == null || h.isNull()) {
            return null;
        }
        checkKeys(h, Set.of("scope", "days", "createdColumn"), where + " history");
        String scope = scope(required(h, "scope", where + " history"), where + " history");
        int days = h.path("days").asInt(0);
        if (days < 1) {
            throw new CatalogException(where + " history: days must be a positive number");
        }
        String column = identifier(h, "createdColumn", where + " history");
        boolean typed = columns.stream().anyMatch(c -> c.name().equals(column) && c.type() == ColumnType.TIMESTAMP);
        if (table != null && !typed) {
            throw new CatalogException(where + " history: createdColumn '" + column + "' must be one of its timestamp columns");
        }
        return new Resource.HistoryLimit(scope, days, column);
    }

    private static Child child(JsonNode c, String parent) {
        String name = identifier(c, "name", "child of " + parent);
        String where = "child '" + name + "' of " + parent;
        checkKeys(c, CHILD_KEYS, where);
        String connection = c.hasNonNull("connection") ? c.get("connection").asText() : null;
        String list = c.hasNonNull("list") ? c.get("list").asText() : null;
        if ((connection == null) == (list == null)) {
            throw new CatalogException(where + ": give exactly one of connection or list");
        }
        return new Child(name, required(c, "type", where), connection, list, required(c, "fields", where).trim(),
                identifier(c, "table", where), identifier(c, "parentColumn", where), columns(c.get("columns"), where));
    }

    private static List<Column> columns(JsonNode node, String where) {
        List<Column> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!IDENTIFIER.matcher(e.getKey()).matches()) {
                throw new CatalogException(where + ": column name '" + e.getKey() + "' is not a lower-case identifier");
            }
            JsonNode v = e.getValue();
            if (v.isTextual()) {
                out.add(new Column(e.getKey(), v.asText(), ColumnType.TEXT));
            } else if (v.isObject() && v.hasNonNull("path")) {
                ColumnType type;
                try {
                    type = ColumnType.parse(v.path("type").asText("text"));
                } catch (CatalogException ex) {
                    throw new CatalogException(where + ": column '" + e.getKey() + "': " + ex.getMessage());
                }
                out.add(new Column(e.getKey(), v.get("path").asText(), type));
            } else {
                throw new CatalogException(where + ": column '" + e.getKey() + "' needs a path or {path, type}");
            }
        }
        return List.copyOf(out);
    }

    private static void checkKeys(JsonNode node, Set<String> allowed, String where) {
        node.fieldNames().forEachRemaining(k -> {
            if (!allowed.contains(k)) {
                throw new CatalogException(where + ": unknown key '" + k + "' (allowed: " + allowed + ")");
            }
        });
    }

    private static String required(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || v.asText().isBlank()) {
            throw new CatalogException(where + " needs '" + field + "'");
        }
        return v.asText();
    }

    private static String identifier(JsonNode node, String field, String where) {
        String v = required(node, field, where);
        if (!IDENTIFIER.matcher(v).matches()) {
            throw new CatalogException(where + ": " + field + " '" + v + "' is not a lower-case identifier");
        }
        return v;
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node != null) {
            node.forEach(n -> out.add(n.asText()));
        }
        return List.copyOf(out);
    }

    public List<Resource> resources() {
        return resources;
    }

    public Resource resource(String name) {
        return find(name).orElseThrow(() -> new CatalogException("no resource named '" + name + "' in the catalog"));
    }

    public Optional<Resource> find(String name) {
        return resources.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** The access scopes the catalog's resources are read with (each entry names its own), sorted. */
    public List<String> requiredScopes() {
        return resources.stream().map(Resource::scope).filter(java.util.Objects::nonNull).distinct().sorted().toList();
    }

    /** Scopes that lift a resource's history limit (read_all_orders), sorted. */
    public List<String> historyScopes() {
        return resources.stream().map(Resource::historyLimit).filter(java.util.Objects::nonNull).map(Resource.HistoryLimit::scope)
                .distinct().sorted().toList();
    }

    /** Every table the catalog writes, each resource's root table before its children's. */
    public List<String> tables() {
        List<String> out = new ArrayList<>();
        for (Resource r : resources) {
            if (r.storesRoots()) {
                out.add(r.table());
            }
            r.children().forEach(c -> out.add(c.table()));
        }
        return out;
    }

    /** The table a child's parent column points at: the table of the resource reading that connection's roots. */
    public String parentTableOf(Resource resource) {
        if (resource.storesRoots()) {
            return resource.table();
        }
        return resources.stream().filter(r -> r.storesRoots() && r.connection().equals(resource.connection()))
                .map(Resource::table).findFirst()
                .orElseThrow(() -> new CatalogException("resource '" + resource.name()
                        + "' has no table and no other resource stores the roots of " + resource.connection()));
    }
}
