package io.shopifysync.emulator;

import graphql.GraphQLContext;
import graphql.collect.ImmutableMapWithNullValues;
import graphql.execution.CoercedVariables;
import graphql.execution.DataFetcherResult;
import graphql.execution.ExecutionStepInfo;
import graphql.execution.MergedField;
import graphql.execution.ResultPath;
import graphql.execution.ValueUnboxer;
import graphql.execution.ValuesResolver;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.language.Definition;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.DataFetchingEnvironmentImpl;
import graphql.schema.GraphQLEnumType;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLNonNull;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLOutputType;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeUtil;
import graphql.schema.PropertyDataFetcher;
import graphql.schema.SingletonPropertyDataFetcher;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes one window of a bulk query without graphql-java's ExecutionStrategy, producing the {@code data} map that
 * {@code graphQL.execute} produces for it: the same keys in the same order, the schema's own data fetchers called with
 * the environment they read (source, arguments, the {@link GraphQlEngine.Req} context, field, parent type, path), the
 * engine's protected-customer-data check, and graphql-java's scalar and enum serialization.
 *
 * <p>It reproduces only the plain case. Anything else makes it give up on the whole window ({@link #execute} answers
 * null) so that the caller runs graphql-java, which answers as before: a query with variables, directives, {@code __}
 * fields, fragments on another type, interfaces or unions; a field the app is refused (protected customer data); a
 * fetcher that throws or returns errors; a null where the schema says non-null; a value of the wrong shape.
 */
final class BulkProjection {

    /** Raised anywhere in a window that leaves the plain case; the caller runs the window through graphql-java. */
    static final class Fallback extends RuntimeException {
        Fallback(String reason) {
            super(reason, null, false, false);
        }
    }

    /** One field of a selection: graphql-java's MergedField with what its execution needs, resolved once per query. */
    private static final class FieldPlan {
        final String key;
        final MergedField field;
        final GraphQLFieldDefinition definition;
        final GraphQLObjectType parentType;
        final String unwrappedTypeName;
        final DataFetcher<?> fetcher;
        /** Set when the fetcher is graphql-java's default, which answers {@code map.get(property)} for a Map source. */
        final String property;
        final ImmutableMapWithNullValues<String, Object> arguments;
        /** The selection of the field's object type; null for scalars and enums. */
        final ObjectPlan object;

        FieldPlan(String key, MergedField field, GraphQLFieldDefinition definition, GraphQLObjectType parentType, DataFetcher<?> fetcher,
                  String property, ImmutableMapWithNullValues<String, Object> arguments, ObjectPlan object) {
            this.key = key;
            this.field = field;
            this.definition = definition;
            this.parentType = parentType;
            this.unwrappedTypeName = GraphQLTypeUtil.unwrapAll(definition.getType()).getName();
            this.fetcher = fetcher;
            this.property = property;
            this.arguments = arguments;
            this.object = object;
        }
    }

    /** The collected fields of one selection set on one object type, in graphql-java's order. */
    private record ObjectPlan(GraphQLObjectType type, FieldPlan[] fields) {}

    private static final Logger LOG = LoggerFactory.getLogger(BulkProjection.class);
    private static final ValueUnboxer UNBOX = ValueUnboxer.DEFAULT;

    private final GraphQLSchema schema;
    private final Document document;
    private final OperationDefinition operation;
    private final Map<String, FragmentDefinition> fragments;
    private final ObjectPlan root;
    /** Every field of the query once, for the protected-data check each window makes before it starts. */
    private final List<FieldPlan> allFields = new ArrayList<>();

    private BulkProjection(GraphQLSchema schema, Document document, OperationDefinition operation, Map<String, FragmentDefinition> fragments) {
        this.schema = schema;
        this.document = document;
        this.operation = operation;
        this.fragments = fragments;
        this.root = plan(schema.getQueryType(), List.of(operation.getSelectionSet()));
    }

    /** The executor for a query, or null when the query itself is outside the plain case (every window then falls back). */
    static BulkProjection compile(GraphQLSchema schema, PreparsedDocumentEntry entry) {
        if (entry.hasErrors()) {
            return null;
        }
        Document doc = entry.getDocument();
        OperationDefinition operation = null;
        Map<String, FragmentDefinition> fragments = new HashMap<>();
        for (Definition<?> d : doc.getDefinitions()) {
            if (d instanceof OperationDefinition o) {
                if (operation != null) {
                    return null; // graphql-java needs an operation name to pick one
                }
                operation = o;
            } else if (d instanceof FragmentDefinition fd) {
                fragments.put(fd.getName(), fd);
            } else {
                return null;
            }
        }
        if (operation == null || operation.getOperation() != OperationDefinition.Operation.QUERY
                || !operation.getVariableDefinitions().isEmpty() || !operation.getDirectives().isEmpty()) {
            return null;
        }
        try {
            return new BulkProjection(schema, doc, operation, fragments);
        } catch (RuntimeException e) {
            return null; // a Fallback, or arguments graphql-java would refuse: it answers those
        }
    }

    // ------------------------------------------------------------------ planning (once per query)

    private ObjectPlan plan(GraphQLObjectType type, List<SelectionSet> selections) {
        Map<String, List<Field>> byKey = new LinkedHashMap<>();
        Set<String> visitedFragments = new HashSet<>();
        for (SelectionSet ss : selections) {
            collect(type, ss, byKey, visitedFragments);
        }
        List<FieldPlan> fields = new ArrayList<>(byKey.size());
        for (Map.Entry<String, List<Field>> e : byKey.entrySet()) {
            Field first = e.getValue().get(0);
            GraphQLFieldDefinition def = type.getFieldDefinition(first.getName());
            if (def == null) {
                throw new Fallback("no field " + type.getName() + "." + first.getName());
            }
            MergedField merged = MergedField.newMergedField(e.getValue()).build();
            DataFetcher<?> fetcher = schema.getCodeRegistry().getDataFetcher(type, def);
            String property = fetcher instanceof SingletonPropertyDataFetcher<?> ? def.getName()
                    : fetcher instanceof PropertyDataFetcher<?> p ? p.getPropertyName() : null;
            // arguments are literals (no variables), so graphql-java's coercion of them is the same for every window
            ImmutableMapWithNullValues<String, Object> args = def.getArguments().isEmpty() ? ImmutableMapWithNullValues.emptyMap()
                    : ImmutableMapWithNullValues.copyOf(ValuesResolver.getArgumentValues(schema.getCodeRegistry(), def.getArguments(),
                            merged.getArguments(), CoercedVariables.emptyVariables(), GraphQLContext.getDefault(), Locale.getDefault()));
            var unwrapped = GraphQLTypeUtil.unwrapAll(def.getType());
            ObjectPlan object = null;
            if (unwrapped instanceof GraphQLObjectType o) {
                List<SelectionSet> sub = new ArrayList<>();
                for (Field f : e.getValue()) {
                    if (f.getSelectionSet() != null) {
                        sub.add(f.getSelectionSet());
                    }
                }
                object = plan(o, sub);
            } else if (!(unwrapped instanceof GraphQLScalarType) && !(unwrapped instanceof GraphQLEnumType)) {
                throw new Fallback("abstract type " + unwrapped.getName()); // interfaces and unions need type resolution
            }
            FieldPlan fp = new FieldPlan(e.getKey(), merged, def, type, fetcher, property, args, object);
            fields.add(fp);
            allFields.add(fp);
        }
        return new ObjectPlan(type, fields.toArray(new FieldPlan[0]));
    }

    /** graphql-java's field collection for an object type, limited to selections without directives or other types. */
    private void collect(GraphQLObjectType type, SelectionSet ss, Map<String, List<Field>> byKey, Set<String> visitedFragments) {
        for (Selection<?> s : ss.getSelections()) {
            if (s instanceof Field f) {
                if (!f.getDirectives().isEmpty()) {
                    throw new Fallback("directive on " + f.getName());
                }
                if (f.getName().startsWith("__")) {
                    throw new Fallback("introspection field " + f.getName());
                }
                byKey.computeIfAbsent(f.getResultKey(), k -> new ArrayList<>(1)).add(f);
            } else if (s instanceof InlineFragment inline) {
                if (!inline.getDirectives().isEmpty()) {
                    throw new Fallback("directive on an inline fragment");
                }
                if (inline.getTypeCondition() != null && !inline.getTypeCondition().getName().equals(type.getName())) {
                    throw new Fallback("inline fragment on " + inline.getTypeCondition().getName());
                }
                collect(type, inline.getSelectionSet(), byKey, visitedFragments);
            } else if (s instanceof FragmentSpread spread) {
                FragmentDefinition fd = fragments.get(spread.getName());
                if (!spread.getDirectives().isEmpty() || fd == null || !fd.getDirectives().isEmpty()) {
                    throw new Fallback("fragment spread " + spread.getName());
                }
                if (!visitedFragments.add(spread.getName())) {
                    continue; // graphql-java collects a fragment once per selection
                }
                if (!fd.getTypeCondition().getName().equals(type.getName())) {
                    throw new Fallback("fragment on " + fd.getTypeCondition().getName());
                }
                collect(type, fd.getSelectionSet(), byKey, visitedFragments);
            } else {
                throw new Fallback("selection " + s.getClass().getSimpleName());
            }
        }
    }

    // ------------------------------------------------------------------ execution (once per window)

    /**
     * The data map graphql-java would produce for this window, or null when the window must go through graphql-java.
     * The fetchers' effects on {@code r} (the bulk cursor) are only valid when this answers non-null.
     */
    Map<String, Object> execute(GraphQlEngine.Req r) {
        for (FieldPlan f : allFields) {
            // the engine's instrumentation refuses these with ACCESS_DENIED; graphql-java reports it
            if (r.shop.access.denies(f.parentType.getName(), f.definition.getName(), f.unwrappedTypeName)) {
                LOG.debug("bulk window left to graphql-java: {}.{} is protected customer data", f.parentType.getName(), f.definition.getName());
                return null;
            }
        }
        try {
            return new Window(r).object(root, null, Step.root(schema.getQueryType()));
        } catch (Fallback f) {
            LOG.debug("bulk window left to graphql-java: {}", f.getMessage());
            return null;
        } catch (RuntimeException e) {
            LOG.debug("bulk window left to graphql-java", e);
            return null; // graphql-java decides what any other failure becomes
        }
    }

    /**
     * One step of the walk, as graphql-java's ExecutionStepInfo chain: the root, a field, or a list element. The
     * ExecutionStepInfo is built only when a data fetcher's environment needs it.
     */
    private static final class Step {
        final Step parent;
        final FieldPlan field; // null for the root and list elements
        final int index; // list elements
        final GraphQLOutputType type;
        private ExecutionStepInfo info;

        private Step(Step parent, FieldPlan field, int index, GraphQLOutputType type) {
            this.parent = parent;
            this.field = field;
            this.index = index;
            this.type = type;
        }

        static Step root(GraphQLObjectType queryType) {
            Step s = new Step(null, null, -1, queryType);
            s.info = ExecutionStepInfo.newExecutionStepInfo().type(queryType).path(ResultPath.rootPath()).build();
            return s;
        }

        Step field(FieldPlan f) {
            return new Step(this, f, -1, f.definition.getType());
        }

        Step element(int i, GraphQLOutputType elementType) {
            return new Step(this, null, i, elementType);
        }

        ExecutionStepInfo info() {
            if (info == null) {
                ExecutionStepInfo parentInfo = parent.info();
                if (field != null) {
                    // an object's fields hang under its field (or element) step: graphql-java's type change to the
                    // resolved object type keeps the same content for object types
                    ImmutableMapWithNullValues<String, Object> args = field.arguments;
                    info = ExecutionStepInfo.newExecutionStepInfo().type(type).fieldDefinition(field.definition)
                            .fieldContainer(field.parentType).field(field.field).path(parentInfo.getPath().segment(field.key))
                            .parentInfo(parentInfo).arguments(() -> args).build();
                } else {
                    info = ExecutionStepInfo.newExecutionStepInfo(parentInfo).parentInfo(parentInfo).type(type)
                            .path(parentInfo.getPath().segment(index)).build();
                }
            }
            return info;
        }
    }

    /** The state of one window: the context graphql-java would carry and the environment every fetcher's starts from. */
    private final class Window {
        final GraphQLContext context;
        final Locale locale = Locale.getDefault(); // ExecutionInput's default
        /** What graphql-java puts in every field's environment for this execution (copied per fetch, not rebuilt). */
        final DataFetchingEnvironment common;

        Window(GraphQlEngine.Req r) {
            this.context = GraphQLContext.of(Map.of(GraphQlEngine.Req.class, r)); // as executeInternal builds it
            this.common = DataFetchingEnvironmentImpl.newDataFetchingEnvironment()
                    .graphQLContext(context)
                    .context(context)
                    .graphQLSchema(schema)
                    .fragmentsByName(fragments)
                    .operationDefinition(operation)
                    .document(document)
                    .variables(Map.of())
                    .locale(locale)
                    .build();
        }

        Map<String, Object> object(ObjectPlan plan, Object source, Step step) {
            FieldPlan[] fields = plan.fields();
            Map<String, Object> out = new LinkedHashMap<>(capacity(fields.length));
            for (FieldPlan f : fields) {
                Step fieldStep = f.object != null || f.property == null ? step.field(f) : null;
                Object value = fetch(f, source, fieldStep);
                out.put(f.key, complete(value, f.definition.getType(), f, fieldStep));
            }
            return out;
        }

        private Object fetch(FieldPlan f, Object source, Step fieldStep) {
            if (f.property != null) {
                if (source instanceof Map<?, ?> m) {
                    return UNBOX.unbox(m.get(f.property));
                }
                throw new Fallback("default fetcher on " + (source == null ? "null" : source.getClass().getSimpleName()));
            }
            Object value;
            try {
                value = f.fetcher.get(environment(f, source, fieldStep));
            } catch (Exception e) {
                throw new Fallback("fetcher " + f.key + " threw " + e);
            }
            if (value instanceof CompletionStage<?> cs) {
                try {
                    value = cs.toCompletableFuture().join();
                } catch (RuntimeException e) {
                    throw new Fallback("fetcher " + f.key + " failed " + e);
                }
            }
            if (value instanceof DataFetcherResult<?> dfr) {
                if (!dfr.getErrors().isEmpty() || dfr.getExtensions() != null || dfr.getLocalContext() != null) {
                    throw new Fallback("fetcher " + f.key + " answered errors, extensions or a local context");
                }
                value = dfr.getData();
            }
            return UNBOX.unbox(value);
        }

        private DataFetchingEnvironment environment(FieldPlan f, Object source, Step fieldStep) {
            return DataFetchingEnvironmentImpl.newDataFetchingEnvironment(common)
                    .source(source)
                    .arguments(f.arguments)
                    .fieldDefinition(f.definition)
                    .mergedField(f.field)
                    .fieldType(f.definition.getType())
                    .executionStepInfo(fieldStep::info) // built only if the fetcher reads it, as graphql-java does
                    .parentType(f.parentType)
                    .build();
        }

        /** graphql-java's completeValue: null checks, lists element by element, scalar and enum serialization, objects. */
        private Object complete(Object value, GraphQLOutputType type, FieldPlan f, Step step) {
            boolean nonNull = type instanceof GraphQLNonNull;
            GraphQLType t = nonNull ? ((GraphQLNonNull) type).getWrappedType() : type;
            if (value == null) {
                if (nonNull) {
                    throw new Fallback("null for non-null " + f.key);
                }
                return null;
            }
            if (t instanceof GraphQLList list) {
                if (!(value instanceof Iterable<?> items)) {
                    throw new Fallback("not a list for " + f.key);
                }
                GraphQLOutputType elementType = (GraphQLOutputType) list.getWrappedType();
                boolean elementsNeedSteps = f.object != null; // only objects below have fields whose fetchers may read the path
                List<Object> out = new ArrayList<>(items instanceof Collection<?> c ? c.size() : 10);
                int i = 0;
                for (Object item : items) {
                    if (item instanceof DataFetcherResult<?>) {
                        throw new Fallback("DataFetcherResult element in " + f.key);
                    }
                    out.add(complete(UNBOX.unbox(item), elementType, f, elementsNeedSteps ? step.element(i, elementType) : null));
                    i++;
                }
                return out;
            }
            Object serialized;
            if (t instanceof GraphQLScalarType scalar) {
                serialized = scalar.getCoercing().serialize(value, context, locale);
            } else if (t instanceof GraphQLEnumType enumType) {
                serialized = enumType.serialize(value, context, locale);
            } else if (t instanceof GraphQLObjectType) {
                return object(f.object, value, step);
            } else {
                throw new Fallback("abstract type for " + f.key);
            }
            if (serialized == null && nonNull) {
                throw new Fallback("null serialization for non-null " + f.key);
            }
            return serialized;
        }
    }

    /** The capacity of a LinkedHashMap that holds n entries without resizing (what graphql-java's map factory asks for). */
    private static int capacity(int n) {
        return n < 3 ? n + 1 : (int) (n / 0.75f + 1.0f);
    }
}
