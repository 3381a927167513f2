package io.shopifysync.emulator;

import graphql.language.ArrayValue;
import graphql.language.BooleanValue;
import graphql.language.Document;
import graphql.language.EnumValue;
import graphql.language.Field;
import graphql.language.FloatValue;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.IntValue;
import graphql.language.NullValue;
import graphql.language.ObjectValue;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.language.SourceLocation;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.language.VariableDefinition;
import graphql.language.VariableReference;
import graphql.schema.GraphQLCompositeType;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLInterfaceType;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLNamedOutputType;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLOutputType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeUtil;
import graphql.schema.GraphQLUnionType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shopify's calculated query cost, from the query AST (requested) and from the returned data (actual).
 *
 * <p>Rules (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits): scalars and enums cost 0;
 * an object costs 1 plus its selection; a connection costs 2 plus {@code first}/{@code last} times the cost
 * of one node (1 plus the node's selection), and for the actual cost 2 plus the sum over the returned
 * nodes; an interface or union costs the maximum over its possible types; every top-level mutation field
 * costs 10. Emulator choices where Shopify documents nothing: a plain list of objects (e.g.
 * {@code customAttributes}, {@code transactions}) costs its elements' nested objects once, not per element;
 * {@code nodes(ids:)} costs one node per id. A connection without {@code first}/{@code last}, or with more
 * than 250, is a problem reported like Shopify does (outside bulk queries).
 */
public final class CostCalculator {

    public static final int MAX_QUERY_COST = 1000;
    public static final int MAX_PAGE_SIZE = 250;
    public static final int MUTATION_COST = 10;

    /** A query problem found while costing (reported as a GraphQL error). */
    public record Problem(String message, List<Object> path, SourceLocation location, String code) {}

    /** The requested cost and any problems (missing or oversized page arguments). */
    public record Requested(int cost, List<Problem> problems, boolean mutation) {}

    private final GraphQLSchema schema;

    public CostCalculator(GraphQLSchema schema) {
        this.schema = schema;
    }

    // ------------------------------------------------------------------ requested

    public Requested requested(Document document, String operationName, Map<String, Object> variables) {
        Ctx ctx = new Ctx(document, operationName, variables, true);
        if (ctx.operation == null) {
            return new Requested(0, List.of(), false);
        }
        if (ctx.operation.getOperation() == OperationDefinition.Operation.MUTATION) {
            int fields = countRootFields(ctx, ctx.operation.getSelectionSet(), schema.getMutationType());
            return new Requested(fields * MUTATION_COST, ctx.problems, true);
        }
        long cost = objectSelection(ctx, ctx.operation.getSelectionSet(), schema.getQueryType(), new ArrayList<>());
        return new Requested((int) Math.min(Integer.MAX_VALUE, cost), ctx.problems, false);
    }

    /** The requested cost without page-argument checks (used for bulk queries). */
    public int requestedIgnoringPaging(Document document, String operationName, Map<String, Object> variables) {
        Ctx ctx = new Ctx(document, operationName, variables, false);
        if (ctx.operation == null) {
            return 0;
        }
        return (int) Math.min(Integer.MAX_VALUE, objectSelection(ctx, ctx.operation.getSelectionSet(), schema.getQueryType(), new ArrayList<>()));
    }

    private int countRootFields(Ctx ctx, SelectionSet ss, GraphQLObjectType type) {
        int n = 0;
        for (Selection<?> s : ss.getSelections()) {
            if (s instanceof Field f) {
                if (!f.getName().startsWith("__")) {
                    n++;
                }
            } else if (s instanceof InlineFragment inl) {
                n += countRootFields(ctx, inl.getSelectionSet(), type);
            } else if (s instanceof FragmentSpread sp) {
                FragmentDefinition fd = ctx.fragments.get(sp.getName());
                if (fd != null) {
                    n += countRootFields(ctx, fd.getSelectionSet(), type);
                }
            }
        }
        return n;
    }

    private long compositeSelection(Ctx ctx, SelectionSet ss, GraphQLType type, List<Object> path) {
        if (ss == null) {
            return 0;
        }
        if (type instanceof GraphQLObjectType obj) {
            return objectSelection(ctx, ss, obj, path);
        }
        long max = 0;
        for (GraphQLObjectType possible : possibleTypes(type)) {
            max = Math.max(max, objectSelection(ctx, ss, possible, path));
        }
        return max;
    }

    private long objectSelection(Ctx ctx, SelectionSet ss, GraphQLObjectType type, List<Object> path) {
        long total = 0;
        for (Field f : collectFields(ctx, ss, type)) {
            total += fieldCost(ctx, f, type, path);
        }
        return total;
    }

    private long fieldCost(Ctx ctx, Field field, GraphQLObjectType parent, List<Object> path) {
        if (field.getName().startsWith("__")) {
            return 0;
        }
        GraphQLFieldDefinition def = parent.getFieldDefinition(field.getName());
        if (def == null) {
            return 0;
        }
        GraphQLOutputType outType = def.getType();
        GraphQLType named = GraphQLTypeUtil.unwrapAll(outType);
        if (!(named instanceof GraphQLCompositeType)) {
            return 0;
        }
        List<Object> fieldPath = new ArrayList<>(path);
        fieldPath.add(field.getAlias() != null ? field.getAlias() : field.getName());
        if (isConnection(named)) {
            Integer first = ctx.intArg(field, "first");
            Integer last = ctx.intArg(field, "last");
            long n;
            if (first == null && last == null) {
                if (ctx.checkPaging) {
                    ctx.problems.add(new Problem("you must provide one of first or last", fieldPath, field.getSourceLocation(), null));
                }
                n = 0;
            } else {
                n = Math.max(first == null ? 0 : first, last == null ? 0 : last);
                if (ctx.checkPaging && n > MAX_PAGE_SIZE) {
                    String arg = first != null && first > MAX_PAGE_SIZE ? "first" : "last";
                    ctx.problems.add(new Problem("The '" + arg + "' argument on '" + field.getName()
                            + "' cannot exceed " + MAX_PAGE_SIZE + ".", fieldPath, field.getSourceLocation(), "MAX_PAGE_SIZE_EXCEEDED"));
                }
                if (ctx.checkPaging && ((first != null && first < 0) || (last != null && last < 0))) {
                    ctx.problems.add(new Problem("The '" + (first != null && first < 0 ? "first" : "last") + "' argument on '"
                            + field.getName() + "' must not be negative.", fieldPath, field.getSourceLocation(), "BAD_REQUEST"));
                }
            }
            return 2 + Math.max(0, n) * connectionNodeCost(ctx, field.getSelectionSet(), (GraphQLObjectType) named, fieldPath);
        }
        boolean list = GraphQLTypeUtil.isList(GraphQLTypeUtil.unwrapNonNull(outType));
        long sub = compositeSelection(ctx, field.getSelectionSet(), named, fieldPath);
        if (list) {
            List<?> ids = ctx.listArg(field, "ids");
            if (ids != null) {
                return (long) ids.size() * (1 + sub);
            }
            Integer first = ctx.intArg(field, "first");
            if (first != null) {
                return (long) first * (1 + sub);
            }
            return sub;
        }
        return 1 + sub;
    }

    private long connectionNodeCost(Ctx ctx, SelectionSet ss, GraphQLObjectType connection, List<Object> path) {
        long best = 0;
        for (Field f : collectFields(ctx, ss, connection)) {
            GraphQLFieldDefinition def = connection.getFieldDefinition(f.getName());
            if (def == null) {
                continue;
            }
            if (f.getName().equals("nodes")) {
                GraphQLType nodeType = GraphQLTypeUtil.unwrapAll(def.getType());
                best = Math.max(best, 1 + compositeSelection(ctx, f.getSelectionSet(), nodeType, path));
            } else if (f.getName().equals("edges")) {
                GraphQLObjectType edge = (GraphQLObjectType) GraphQLTypeUtil.unwrapAll(def.getType());
                for (Field ef : collectFields(ctx, f.getSelectionSet(), edge)) {
                    if (ef.getName().equals("node")) {
                        GraphQLType nodeType = GraphQLTypeUtil.unwrapAll(edge.getFieldDefinition("node").getType());
                        best = Math.max(best, 1 + compositeSelection(ctx, ef.getSelectionSet(), nodeType, path));
                    }
                }
            }
        }
        return best;
    }

    // ------------------------------------------------------------------ actual

    /** The actual cost of a query given the returned {@code data} (null data costs 0; mutations cost 10 each). */
    public int actual(Document document, String operationName, Map<String, Object> variables, Object data) {
        Ctx ctx = new Ctx(document, operationName, variables, false);
        if (ctx.operation == null) {
            return 0;
        }
        if (ctx.operation.getOperation() == OperationDefinition.Operation.MUTATION) {
            return countRootFields(ctx, ctx.operation.getSelectionSet(), schema.getMutationType()) * MUTATION_COST;
        }
        if (!(data instanceof Map<?, ?> map)) {
            return 0;
        }
        return (int) Math.min(Integer.MAX_VALUE, actualObject(ctx, ctx.operation.getSelectionSet(), schema.getQueryType(), map));
    }

    private long actualComposite(Ctx ctx, SelectionSet ss, GraphQLType type, Map<?, ?> data) {
        if (ss == null || data == null) {
            return 0;
        }
        if (type instanceof GraphQLObjectType obj) {
            return actualObject(ctx, ss, obj, data);
        }
        long max = 0;
        for (GraphQLObjectType possible : possibleTypes(type)) {
            max = Math.max(max, actualObject(ctx, ss, possible, data));
        }
        return max;
    }

    private long actualObject(Ctx ctx, SelectionSet ss, GraphQLObjectType type, Map<?, ?> data) {
        long total = 0;
        for (Field f : collectFields(ctx, ss, type)) {
            total += actualField(ctx, f, type, data);
        }
        return total;
    }

    private long actualField(Ctx ctx, Field field, GraphQLObjectType parent, Map<?, ?> data) {
        if (field.getName().startsWith("__")) {
            return 0;
        }
        GraphQLFieldDefinition def = parent.getFieldDefinition(field.getName());
        if (def == null) {
            return 0;
        }
        GraphQLType named = GraphQLTypeUtil.unwrapAll(def.getType());
        if (!(named instanceof GraphQLCompositeType)) {
            return 0;
        }
        Object value = data.get(field.getAlias() != null ? field.getAlias() : field.getName());
        if (value == null) {
            return 0;
        }
        if (isConnection(named) && value instanceof Map<?, ?> conn) {
            return 2 + actualConnectionNodes(ctx, field.getSelectionSet(), (GraphQLObjectType) named, conn);
        }
        if (value instanceof List<?> items) {
            boolean perElementObject = ctx.listArg(field, "ids") != null || ctx.intArg(field, "first") != null;
            long total = 0;
            long maxSub = 0;
            for (Object item : items) {
                if (item instanceof Map<?, ?> m) {
                    long sub = actualComposite(ctx, field.getSelectionSet(), named, m);
                    total += (perElementObject ? 1 : 0) + sub;
                    maxSub = Math.max(maxSub, sub);
                }
            }
            return perElementObject ? total : maxSub;
        }
        if (value instanceof Map<?, ?> m) {
            return 1 + actualComposite(ctx, field.getSelectionSet(), named, m);
        }
        return 0;
    }

    private long actualConnectionNodes(Ctx ctx, SelectionSet ss, GraphQLObjectType connection, Map<?, ?> conn) {
        long best = 0;
        for (Field f : collectFields(ctx, ss, connection)) {
            GraphQLFieldDefinition def = connection.getFieldDefinition(f.getName());
            if (def == null) {
                continue;
            }
            Object v = conn.get(f.getAlias() != null ? f.getAlias() : f.getName());
            if (!(v instanceof List<?> list)) {
                continue;
            }
            if (f.getName().equals("nodes")) {
                GraphQLType nodeType = GraphQLTypeUtil.unwrapAll(def.getType());
                long sum = 0;
                for (Object node : list) {
                    if (node instanceof Map<?, ?> m) {
                        sum += 1 + actualComposite(ctx, f.getSelectionSet(), nodeType, m);
                    }
                }
                best = Math.max(best, sum);
            } else if (f.getName().equals("edges")) {
                GraphQLObjectType edge = (GraphQLObjectType) GraphQLTypeUtil.unwrapAll(def.getType());
                GraphQLType nodeType = GraphQLTypeUtil.unwrapAll(edge.getFieldDefinition("node").getType());
                for (Field ef : collectFields(ctx, f.getSelectionSet(), edge)) {
                    if (!ef.getName().equals("node")) {
                        continue;
                    }
                    String key = ef.getAlias() != null ? ef.getAlias() : ef.getName();
                    long sum = 0;
                    for (Object e : list) {
                        if (e instanceof Map<?, ?> em && em.get(key) instanceof Map<?, ?> node) {
                            sum += 1 + actualComposite(ctx, ef.getSelectionSet(), nodeType, node);
                        }
                    }
                    best = Math.max(best, sum);
                }
            }
        }
        return best;
    }

    // ------------------------------------------------------------------ helpers

    static boolean isConnection(GraphQLType named) {
        return named instanceof GraphQLObjectType o && o.getName().endsWith("Connection") && o.getFieldDefinition("pageInfo") != null;
    }

    private List<GraphQLObjectType> possibleTypes(GraphQLType type) {
        if (type instanceof GraphQLInterfaceType itf) {
            return schema.getImplementations(itf);
        }
        if (type instanceof GraphQLUnionType union) {
            List<GraphQLObjectType> out = new ArrayList<>();
            for (GraphQLNamedOutputType t : union.getTypes()) {
                if (t instanceof GraphQLObjectType o) {
                    out.add(o);
                }
            }
            return out;
        }
        return List.of();
    }

    private boolean applies(String typeCondition, GraphQLObjectType type) {
        if (typeCondition == null || typeCondition.equals(type.getName())) {
            return true;
        }
        for (GraphQLNamedOutputType itf : type.getInterfaces()) {
            if (itf.getName().equals(typeCondition)) {
                return true;
            }
        }
        if (schema.getType(typeCondition) instanceof GraphQLUnionType u) {
            return u.getTypes().stream().anyMatch(t -> t.getName().equals(type.getName()));
        }
        return false;
    }

    private List<Field> collectFields(Ctx ctx, SelectionSet ss, GraphQLObjectType type) {
        List<Field> out = new ArrayList<>();
        if (ss != null) {
            collect(ctx, ss, type, out, 0);
        }
        return out;
    }

    private void collect(Ctx ctx, SelectionSet ss, GraphQLObjectType type, List<Field> out, int depth) {
        if (depth > 32) {
            return;
        }
        for (Selection<?> s : ss.getSelections()) {
            if (s instanceof Field f) {
                out.add(f);
            } else if (s instanceof InlineFragment inl) {
                String cond = inl.getTypeCondition() == null ? null : inl.getTypeCondition().getName();
                if (applies(cond, type)) {
                    collect(ctx, inl.getSelectionSet(), type, out, depth + 1);
                }
            } else if (s instanceof FragmentSpread sp) {
                FragmentDefinition fd = ctx.fragments.get(sp.getName());
                if (fd != null && applies(fd.getTypeCondition().getName(), type)) {
                    collect(ctx, fd.getSelectionSet(), type, out, depth + 1);
                }
            }
        }
    }

    /** Per-call state: the operation, fragments and variables (with defaults applied). */
    private static final class Ctx {
        final OperationDefinition operation;
        final Map<String, FragmentDefinition> fragments = new HashMap<>();
        final Map<String, Object> variables = new LinkedHashMap<>();
        final boolean checkPaging;
        final List<Problem> problems = new ArrayList<>();

        Ctx(Document document, String operationName, Map<String, Object> vars, boolean checkPaging) {
            this.checkPaging = checkPaging;
            OperationDefinition op = null;
            for (var def : document.getDefinitions()) {
                if (def instanceof OperationDefinition o) {
                    if (operationName == null || operationName.isEmpty()) {
                        if (op == null) {
                            op = o;
                        }
                    } else if (operationName.equals(o.getName())) {
                        op = o;
                    }
                } else if (def instanceof FragmentDefinition fd) {
                    fragments.put(fd.getName(), fd);
                }
            }
            this.operation = op;
            if (vars != null) {
                variables.putAll(vars);
            }
            if (op != null) {
                for (VariableDefinition vd : op.getVariableDefinitions()) {
                    if (!variables.containsKey(vd.getName()) && vd.getDefaultValue() != null) {
                        variables.put(vd.getName(), literal(vd.getDefaultValue()));
                    }
                }
            }
        }

        Object argValue(Field field, String name) {
            for (var arg : field.getArguments()) {
                if (arg.getName().equals(name)) {
                    return literal(arg.getValue());
                }
            }
            return null;
        }

        Integer intArg(Field field, String name) {
            Object v = argValue(field, name);
            if (v instanceof Number n) {
                return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, n.longValue()));
            }
            return null;
        }

        List<?> listArg(Field field, String name) {
            Object v = argValue(field, name);
            if (v instanceof List<?> l) {
                return l;
            }
            return v == null ? null : List.of(v);
        }

        Object literal(Value<?> value) {
            if (value instanceof VariableReference ref) {
                return variables.get(ref.getName());
            }
            if (value instanceof IntValue iv) {
                BigInteger b = iv.getValue();
                return b.bitLength() < 63 ? b.longValue() : Long.MAX_VALUE;
            }
            if (value instanceof FloatValue fv) {
                return fv.getValue().doubleValue();
            }
            if (value instanceof StringValue sv) {
                return sv.getValue();
            }
            if (value instanceof BooleanValue bv) {
                return bv.isValue();
            }
            if (value instanceof EnumValue ev) {
                return ev.getName();
            }
            if (value instanceof NullValue) {
                return null;
            }
            if (value instanceof ArrayValue av) {
                List<Object> out = new ArrayList<>();
                for (Value<?> v : av.getValues()) {
                    out.add(literal(v));
                }
                return out;
            }
            if (value instanceof ObjectValue ov) {
                Map<String, Object> out = new LinkedHashMap<>();
                ov.getObjectFields().forEach(of -> out.put(of.getName(), literal(of.getValue())));
                return out;
            }
            return null;
        }
    }
}
