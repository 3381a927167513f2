package io.shopifysync.emulator;

import graphql.ExecutionResult;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bulk result as the emulator wrote it before the fast path: every window through graphql-java, each row a
 * LinkedHashMap turned into a line by {@code Json.string(row).replace("/", "\\/")}. A copy of that code (pacing, faults
 * and failures left out), kept as the reference the fast path's files are compared with byte for byte.
 */
final class ReferenceJsonl {
    private ReferenceJsonl() {}

    record NodeSel(SelectionSet ss, GraphQLObjectType type) {}

    /** The whole file for a query that completes; fails the test on errors from graphql-java. */
    static byte[] render(ShopifyEmulator emu, ShopState shop, String query, boolean groupObjects) {
        Document doc = emu.engine().document(query).getDocument();
        Map<String, FragmentDefinition> fragments = new HashMap<>();
        OperationDefinition operation = null;
        for (var d : doc.getDefinitions()) {
            if (d instanceof OperationDefinition o && operation == null) {
                operation = o;
            } else if (d instanceof FragmentDefinition fd) {
                fragments.put(fd.getName(), fd);
            }
        }
        Field root = fields(operation.getSelectionSet(), fragments).get(0);
        GraphQLObjectType rootConn = (GraphQLObjectType) GraphQLTypeUtil.unwrapAll(
                emu.engine().schema.getQueryType().getFieldDefinition(root.getName()).getType());
        String rootKey = root.getAlias() != null ? root.getAlias() : root.getName();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String after = null;
        while (true) {
            GraphQlEngine.Req r = new GraphQlEngine.Req(shop, true);
            r.bulkWindow = BulkOperations.WINDOW;
            r.bulkAfter = after;
            ExecutionResult res = emu.engine().executeInternal(r, query);
            if (!res.getErrors().isEmpty()) {
                throw new AssertionError("graphql-java answered errors for " + query + ": " + res.getErrors());
            }
            Map<String, Object> data = res.getData();
            @SuppressWarnings("unchecked")
            Map<String, Object> conn = (Map<String, Object>) data.get(rootKey);
            List<String> lines = new ArrayList<>();
            if (conn != null) {
                for (NodeSel ns : nodeSelections(root.getSelectionSet(), rootConn, fragments)) {
                    for (Map<String, Object> node : nodesOf(conn, root.getSelectionSet(), fragments, ns)) {
                        lines.clear();
                        emitNode(shop, groupObjects, node, ns.ss, ns.type, null, fragments, lines);
                        for (String line : lines) {
                            out.writeBytes(line.getBytes(StandardCharsets.UTF_8));
                            out.write('\n');
                        }
                    }
                    break;
                }
            }
            if (!r.bulkHasNext || r.bulkEndCursor == null) {
                break;
            }
            after = r.bulkEndCursor;
        }
        return out.toByteArray();
    }

    private static List<NodeSel> nodeSelections(SelectionSet connSs, GraphQLObjectType conn, Map<String, FragmentDefinition> fragments) {
        List<NodeSel> out = new ArrayList<>();
        for (Field f : fields(connSs, fragments)) {
            if (f.getName().equals("nodes")) {
                GraphQLType t = GraphQLTypeUtil.unwrapAll(conn.getFieldDefinition("nodes").getType());
                if (t instanceof GraphQLObjectType o) {
                    out.add(new NodeSel(f.getSelectionSet(), o));
                }
            } else if (f.getName().equals("edges")) {
                GraphQLObjectType edge = (GraphQLObjectType) GraphQLTypeUtil.unwrapAll(conn.getFieldDefinition("edges").getType());
                for (Field ef : fields(f.getSelectionSet(), fragments)) {
                    if (ef.getName().equals("node")) {
                        GraphQLType t = GraphQLTypeUtil.unwrapAll(edge.getFieldDefinition("node").getType());
                        if (t instanceof GraphQLObjectType o) {
                            out.add(new NodeSel(ef.getSelectionSet(), o));
                        }
                    }
                }
            }
        }
        return out;
    }

    private static List<Field> fields(SelectionSet ss, Map<String, FragmentDefinition> fragments) {
        List<Field> out = new ArrayList<>();
        if (ss == null) {
            return out;
        }
        for (Selection<?> s : ss.getSelections()) {
            if (s instanceof Field f) {
                out.add(f);
            } else if (s instanceof InlineFragment inl) {
                out.addAll(fields(inl.getSelectionSet(), fragments));
            } else if (s instanceof FragmentSpread sp && fragments.containsKey(sp.getName())) {
                out.addAll(fields(fragments.get(sp.getName()).getSelectionSet(), fragments));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> nodesOf(Map<String, Object> conn, SelectionSet connSs, Map<String, FragmentDefinition> fragments, NodeSel ns) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Field f : fields(connSs, fragments)) {
            String key = f.getAlias() != null ? f.getAlias() : f.getName();
            Object v = conn.get(key);
            if (!(v instanceof List<?> list)) {
                continue;
            }
            if (f.getName().equals("nodes") && f.getSelectionSet() == ns.ss) {
                for (Object o : list) {
                    if (o instanceof Map<?, ?> m) {
                        out.add((Map<String, Object>) m);
                    }
                }
                return out;
            }
            if (f.getName().equals("edges")) {
                for (Field ef : fields(f.getSelectionSet(), fragments)) {
                    if (ef.getName().equals("node") && ef.getSelectionSet() == ns.ss) {
                        String nk = ef.getAlias() != null ? ef.getAlias() : ef.getName();
                        for (Object e : list) {
                            if (e instanceof Map<?, ?> em && em.get(nk) instanceof Map<?, ?> node) {
                                out.add((Map<String, Object>) node);
                            }
                        }
                        return out;
                    }
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void emitNode(ShopState shop, boolean groupObjects, Map<String, Object> node, SelectionSet ss, GraphQLObjectType type,
                                 String parentId, Map<String, FragmentDefinition> fragments, List<String> lines) {
        Map<String, Object> row = new LinkedHashMap<>();
        List<String> childLines = new ArrayList<>();
        String myId = node.get("id") instanceof String s ? s : null;
        for (Field f : fields(ss, fragments)) {
            String key = f.getAlias() != null ? f.getAlias() : f.getName();
            GraphQLFieldDefinition fd = type.getFieldDefinition(f.getName());
            Object value = node.get(key);
            if (fd != null && CostCalculator.isConnection(GraphQLTypeUtil.unwrapAll(fd.getType()))) {
                GraphQLObjectType conn = (GraphQLObjectType) GraphQLTypeUtil.unwrapAll(fd.getType());
                if (value instanceof Map<?, ?> cm) {
                    for (NodeSel ns : nodeSelections(f.getSelectionSet(), conn, fragments)) {
                        for (Map<String, Object> child : nodesOf((Map<String, Object>) cm, f.getSelectionSet(), fragments, ns)) {
                            emitNode(shop, groupObjects, child, ns.ss, ns.type, myId, fragments, childLines);
                        }
                        break;
                    }
                }
                continue;
            }
            row.put(key, value);
        }
        if (parentId != null) {
            row.put("__parentId", parentId);
        }
        String line = Json.string(row).replace("/", "\\/");
        boolean childrenFirst = !groupObjects && !childLines.isEmpty() && myId != null
                && Rng.below(Rng.hash(shop.gen.seed, myId.hashCode()), 4) == 0;
        if (childrenFirst) {
            lines.addAll(childLines);
            lines.add(line);
        } else {
            lines.add(line);
            lines.addAll(childLines);
        }
    }
}
