package io.shopifysync.emulator;

import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLContext;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.ParseAndValidate;
import graphql.ParseAndValidateResult;
import graphql.execution.DataFetcherExceptionHandler;
import graphql.execution.DataFetcherExceptionHandlerResult;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.execution.preparsed.PreparsedDocumentProvider;
import graphql.language.Document;
import graphql.schema.Coercing;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import graphql.validation.ValidationError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The Admin GraphQL API: the SDL (parsed once), data fetchers over the shop state, Shopify's cost and
 * throttling around every execution, and a cache of parsed and validated documents.
 */
final class GraphQlEngine {

    static final String SDL_RESOURCE = "/emulator/admin-2026-10.graphqls";
    static final String API_VERSION = "2026-10";
    private static final int DOC_CACHE_MAX = 4096;
    private static final String THROTTLE_DOCS = "https://shopify.dev/api/usage/rate-limits";

    /** A fetcher error shown to the client as is. */
    static final class ApiError extends RuntimeException {
        final String code;
        final Map<String, Object> extensions;

        ApiError(String message, String code) {
            this(message, code, Map.of());
        }

        ApiError(String message, String code, Map<String, Object> extensions) {
            super(message, null, false, false);
            this.code = code;
            this.extensions = extensions;
        }
    }

    /** Per-request state available to data fetchers. */
    static final class Req {
        final ShopState shop;
        final boolean bulk;
        final List<Map<String, Object>> searchWarnings = new ArrayList<>();
        // bulk window over the root connection
        int bulkWindow;
        String bulkAfter;
        String bulkEndCursor;
        boolean bulkHasNext;

        Req(ShopState shop, boolean bulk) {
            this.shop = shop;
            this.bulk = bulk;
        }
    }

    /** An HTTP answer: status and JSON body. */
    record Response(int status, byte[] body, int requestedCost) {}

    final GraphQLSchema schema;
    final CostCalculator costs;
    private final GraphQL graphQL;
    private final ShopifyEmulator emu;
    private final Map<String, PreparsedDocumentEntry> documents = new ConcurrentHashMap<>();

    GraphQlEngine(ShopifyEmulator emu) {
        this.emu = emu;
        this.schema = buildSchema();
        this.costs = new CostCalculator(schema);
        PreparsedDocumentProvider provider = new PreparsedDocumentProvider() {
            @Override
            public CompletableFuture<PreparsedDocumentEntry> getDocumentAsync(ExecutionInput input,
                    Function<ExecutionInput, PreparsedDocumentEntry> parseAndValidate) {
                return CompletableFuture.completedFuture(document(input.getQuery()));
            }
        };
        DataFetcherExceptionHandler handler = params -> {
            Throwable t = params.getException();
            String msg;
            Map<String, Object> ext = new LinkedHashMap<>();
            if (t instanceof ApiError ae) {
                msg = ae.getMessage();
                if (ae.code != null) {
                    ext.put("code", ae.code);
                }
                ext.putAll(ae.extensions);
            } else if (t instanceof ConnectionPaging.BadCursorException bc) {
                msg = bc.getMessage();
                ext.put("code", "BAD_REQUEST");
            } else {
                msg = "Internal error. Looks like something went wrong on our end.";
                ext.put("code", "INTERNAL_SERVER_ERROR");
                org.slf4j.LoggerFactory.getLogger(GraphQlEngine.class).warn("data fetcher failed at {}", params.getPath(), t);
            }
            GraphQLError err = GraphqlErrorBuilder.newError().message(msg).path(params.getPath())
                    .location(params.getSourceLocation()).extensions(ext).build();
            return CompletableFuture.completedFuture(DataFetcherExceptionHandlerResult.newResult(err).build());
        };
        this.graphQL = GraphQL.newGraphQL(schema).preparsedDocumentProvider(provider).defaultDataFetcherExceptionHandler(handler)
                .instrumentation(new ProtectedCustomerData()).build();
    }

    // ------------------------------------------------------------------ documents

    PreparsedDocumentEntry document(String query) {
        PreparsedDocumentEntry e = documents.get(query);
        if (e != null) {
            return e;
        }
        ExecutionInput in = ExecutionInput.newExecutionInput(query).build();
        ParseAndValidateResult parsed = ParseAndValidate.parse(in);
        if (parsed.isFailure()) {
            e = new PreparsedDocumentEntry(parsed.getSyntaxException().toInvalidSyntaxError());
        } else {
            List<ValidationError> errors = ParseAndValidate.validate(schema, parsed.getDocument(), Locale.ENGLISH);
            e = errors.isEmpty() ? new PreparsedDocumentEntry(parsed.getDocument()) : new PreparsedDocumentEntry(parsed.getDocument(), errors);
        }
        if (documents.size() > DOC_CACHE_MAX) {
            documents.clear();
        }
        documents.put(query, e);
        return e;
    }

    // ------------------------------------------------------------------ execution with cost

    /**
     * The requested cost of a query if it is already parsed and valid (cheap), else -1. Used to run cheap
     * queries directly on the event loop and the rest on the worker pool.
     */
    int cachedRequestedCost(String query, String operationName, Map<String, Object> variables) {
        PreparsedDocumentEntry e = documents.get(query);
        if (e == null || e.hasErrors()) {
            return -1;
        }
        try {
            Map<String, Object> vars = variables == null ? Map.of() : variables;
            if (!scansAreCheap(e.getDocument(), vars)) {
                return -1;
            }
            return costs.requested(e.getDocument(), operationName, vars).cost();
        } catch (RuntimeException ex) {
            return -1;
        }
    }

    private static final java.util.Set<String> STORE_FIELDS = java.util.Set.of("id", "created_at", "updated_at", "processed_at");
    private static final Map<String, SearchQuery.FieldType> ALL_FIELDS = new java.util.HashMap<>();

    static {
        for (ResourceKind k : ResourceKind.values()) {
            ALL_FIELDS.putAll(k.searchFields);
        }
        ALL_FIELDS.putAll(EventLog.FIELDS);
    }

    /** Per document: whether it has fields that may scan and materialize many objects, and its query: arguments. */
    private record ScanInfo(boolean alwaysExpensive, List<graphql.language.Value<?>> queryArgs) {}

    private final Map<Document, ScanInfo> scanInfos = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private static ScanInfo scanInfo(Document doc) {
        boolean[] expensive = {false};
        List<graphql.language.Value<?>> args = new ArrayList<>();
        new graphql.language.NodeTraverser().preOrder(new graphql.language.NodeVisitorStub() {
            @Override
            public graphql.util.TraversalControl visitField(graphql.language.Field node, graphql.util.TraverserContext<graphql.language.Node> context) {
                if (node.getName().equals("productByHandle") || node.getName().equals("events")) {
                    expensive[0] = true;
                }
                for (graphql.language.Argument a : node.getArguments()) {
                    if (a.getName().equals("query")) {
                        args.add(a.getValue());
                    }
                }
                return graphql.util.TraversalControl.CONTINUE;
            }
        }, doc);
        return new ScanInfo(expensive[0], args);
    }

    /** False when a field may scan many objects materializing them (search on non-indexed fields, productByHandle, events). */
    private boolean scansAreCheap(Document doc, Map<String, Object> vars) {
        ScanInfo info = scanInfos.computeIfAbsent(doc, GraphQlEngine::scanInfo);
        if (info.alwaysExpensive()) {
            return false;
        }
        for (graphql.language.Value<?> v : info.queryArgs()) {
            Object q = v instanceof graphql.language.StringValue sv ? sv.getValue()
                    : v instanceof graphql.language.VariableReference vr ? vars.get(vr.getName()) : null;
            if (q instanceof String str && !STORE_FIELDS.containsAll(SearchQuery.parse(str, ALL_FIELDS).fields())) {
                return false;
            }
        }
        return true;
    }

    Response execute(ShopState shop, String query, String operationName, Map<String, Object> variables) {
        Map<String, Object> vars = variables == null ? Map.of() : variables;
        PreparsedDocumentEntry entry = document(query);
        if (entry.hasErrors()) {
            return errorResponse(shop, errorsOf(entry.getErrors()), 0, 0);
        }
        Document doc = entry.getDocument();
        List<Map<String, Object>> varErrors = VariableChecker.check(schema, doc, operationName, vars);
        if (!varErrors.isEmpty()) {
            return errorResponse(shop, varErrors, 0, 0);
        }
        CostCalculator.Requested requested;
        try {
            requested = costs.requested(doc, operationName, vars);
        } catch (RuntimeException e) {
            requested = new CostCalculator.Requested(0, List.of(), false);
        }
        if (!requested.problems().isEmpty()) {
            List<Map<String, Object>> errs = new ArrayList<>();
            for (CostCalculator.Problem p : requested.problems()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("message", p.message());
                if (p.location() != null) {
                    m.put("locations", List.of(Json.obj("line", p.location().getLine(), "column", p.location().getColumn())));
                }
                m.put("path", p.path());
                if (p.code() != null) {
                    m.put("extensions", Json.obj("code", p.code()));
                }
                errs.add(m);
            }
            return errorResponse(shop, errs, requested.cost(), 0);
        }
        int req = requested.cost();
        if (req > CostCalculator.MAX_QUERY_COST) {
            String msg = "Query cost is " + req + ", which exceeds the single query max cost limit (" + CostCalculator.MAX_QUERY_COST + ").\n\n"
                    + "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n"
                    + "cost of a query is calculated.\n\n"
                    + "To query larger amounts of data with fewer limits, bulk operations should be used instead.\n"
                    + "See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n";
            List<Map<String, Object>> errs = List.of(Json.obj("message", msg, "extensions",
                    Json.obj("code", "MAX_COST_EXCEEDED", "cost", req, "maxCost", CostCalculator.MAX_QUERY_COST, "documentation", THROTTLE_DOCS)));
            return errorResponse(shop, errs, req, null);
        }
        if (!shop.bucket.tryTake(req)) {
            List<Map<String, Object>> errs = List.of(Json.obj("message", "Throttled", "extensions",
                    Json.obj("code", "THROTTLED", "documentation", "https://shopify.dev/api/usage/rate-limits")));
            return errorResponse(shop, errs, req, null);
        }
        Req r = new Req(shop, false);
        ExecutionResult result;
        try {
            result = graphQL.execute(ExecutionInput.newExecutionInput(query).operationName(operationName)
                    .variables(vars).graphQLContext(Map.of(Req.class, r)).build());
        } catch (RuntimeException e) {
            shop.bucket.refund(req);
            throw e;
        }
        int actual;
        try {
            actual = Math.min(req, costs.actual(doc, operationName, vars, result.getData()));
        } catch (RuntimeException e) {
            actual = req;
        }
        if (result.getData() == null && !result.getErrors().isEmpty()) {
            actual = 0;
        }
        shop.bucket.refund(req - actual);
        Map<String, Object> body = new LinkedHashMap<>();
        if (result.isDataPresent()) {
            body.put("data", result.getData());
        }
        if (!result.getErrors().isEmpty()) {
            body.put("errors", errorsOf(result.getErrors()));
        }
        Map<String, Object> ext = new LinkedHashMap<>();
        ext.put("cost", costExtension(shop, req, actual));
        if (!r.searchWarnings.isEmpty()) {
            ext.put("search", r.searchWarnings);
        }
        body.put("extensions", ext);
        return new Response(200, Json.bytes(body), req);
    }

    private Response errorResponse(ShopState shop, List<Map<String, Object>> errors, int requested, Integer actual) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("errors", errors);
        body.put("extensions", Json.obj("cost", costExtension(shop, requested, actual)));
        return new Response(200, Json.bytes(body), requested);
    }

    static Map<String, Object> costExtension(ShopState shop, int requested, Integer actual) {
        LeakyBucket.Status s = shop.bucket.status();
        return Json.obj("requestedQueryCost", requested, "actualQueryCost", actual, "throttleStatus",
                Json.obj("maximumAvailable", s.maximumAvailable(), "currentlyAvailable", (long) Math.floor(s.currentlyAvailable()),
                        "restoreRate", s.restoreRate()));
    }

    static List<Map<String, Object>> errorsOf(List<? extends GraphQLError> errors) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (GraphQLError e : errors) {
            Map<String, Object> spec = new LinkedHashMap<>(e.toSpecification());
            if (e instanceof ValidationError ve) {
                String m = ve.getDescription() != null ? ve.getDescription() : e.getMessage();
                if (ve.getValidationErrorType() != null && ve.getValidationErrorType().toString().equals("FieldUndefined")) {
                    java.util.regex.Matcher mm = java.util.regex.Pattern.compile("Field '([^']+)' in type '([^']+)' is undefined").matcher(m);
                    if (mm.find()) {
                        m = "Field '" + mm.group(1) + "' doesn't exist on type '" + mm.group(2) + "'";
                        spec.put("extensions", Json.obj("code", "undefinedField", "typeName", mm.group(2), "fieldName", mm.group(1)));
                    }
                }
                spec.put("message", m);
                spec.remove("extensions");
            }
            out.add(spec);
        }
        return out;
    }

    /** Executes a query without cost or throttling (bulk operations), returning the raw result. */
    ExecutionResult executeInternal(Req r, String query) {
        return graphQL.execute(ExecutionInput.newExecutionInput(query).graphQLContext(Map.of(Req.class, r)).build());
    }

    // ------------------------------------------------------------------ schema and wiring

    private GraphQLSchema buildSchema() {
        String sdl;
        try (InputStream in = GraphQlEngine.class.getResourceAsStream(SDL_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing " + SDL_RESOURCE);
            }
            sdl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TypeDefinitionRegistry registry = new SchemaParser().parse(sdl);
        RuntimeWiring.Builder w = RuntimeWiring.newRuntimeWiring();
        for (String s : List.of("DateTime", "Decimal", "Money", "UnsignedInt64", "URL")) {
            w.scalar(stringScalar(s));
        }
        w.scalar(GraphQLScalarType.newScalar().name("JSON").coercing(new Coercing<Object, Object>() {
            @Override
            public Object serialize(Object o, GraphQLContext c, Locale l) {
                return o;
            }

            @Override
            public Object parseValue(Object o, GraphQLContext c, Locale l) {
                return o;
            }
        }).build());
        TypeResolvers.wire(w);
        w.type("QueryRoot", t -> t
                .dataFetcher("shop", env -> req(env).shop.shopMap())
                .dataFetcher("currentAppInstallation", env -> appInstallation(req(env).shop))
                .dataFetcher("orders", env -> topConnection(env, ResourceKind.ORDER))
                .dataFetcher("products", env -> topConnection(env, ResourceKind.PRODUCT))
                .dataFetcher("customers", env -> topConnection(env, ResourceKind.CUSTOMER))
                .dataFetcher("order", env -> byGid(env, "Order"))
                .dataFetcher("product", env -> byGid(env, "Product"))
                .dataFetcher("customer", env -> byGid(env, "Customer"))
                .dataFetcher("productVariant", env -> byGid(env, "ProductVariant"))
                .dataFetcher("productByHandle", this::productByHandle)
                .dataFetcher("ordersCount", env -> count(env, ResourceKind.ORDER))
                .dataFetcher("productsCount", env -> count(env, ResourceKind.PRODUCT))
                .dataFetcher("customersCount", env -> count(env, ResourceKind.CUSTOMER))
                .dataFetcher("node", env -> {
                    Object n = visibleNode(env, env.getArgument("id"));
                    if (n instanceof Map<?, ?> m && req(env).shop.access.deniesNode((String) m.get("_type"))) {
                        throw new ApiError(AppAccess.DENIED_MESSAGE, "ACCESS_DENIED");
                    }
                    return n;
                })
                .dataFetcher("nodes", this::nodes)
                .dataFetcher("events", this::events)
                .dataFetcher("bulkOperation", env -> emu.bulk().get(req(env).shop, env.getArgument("id")))
                .dataFetcher("currentBulkOperation", env -> emu.bulk().current(req(env).shop, env.getArgument("type")))
                .dataFetcher("webhookSubscription", env -> emu.webhooks().getMap(req(env).shop, env.getArgument("id")))
                .dataFetcher("webhookSubscriptions", this::webhookSubscriptions)
                .dataFetcher("webhookSubscriptionsCount", env -> DataGenerator.count(emu.webhooks().list(req(env).shop).size())));
        w.type("Order", t -> t
                .dataFetcher("customer", env -> map(env).get("_customer"))
                .dataFetcher("lineItems", this::lineItems)
                .dataFetcher("transactions", env -> {
                    List<?> all = (List<?>) map(env).get("transactions");
                    Integer first = env.getArgument("first");
                    return first == null || first >= all.size() ? all : all.subList(0, Math.max(0, first));
                }));
        w.type("LineItem", t -> t
                .dataFetcher("variant", env -> {
                    int[] ref = (int[]) map(env).get("_variantRef");
                    return ref == null ? null : req(env).shop.variantRef(ref[0], ref[1]);
                })
                .dataFetcher("product", env -> {
                    int[] ref = (int[]) map(env).get("_variantRef");
                    return ref == null ? null : req(env).shop.load(ResourceKind.PRODUCT, ref[0]);
                }));
        w.type("Product", t -> t.dataFetcher("variants", this::variants)
                .dataFetcher("onlineStoreUrl", env -> "ACTIVE".equals(map(env).get("status"))
                        ? "https://" + req(env).shop.domain + "/products/" + map(env).get("handle") : null)
                .dataFetcher("onlineStorePreviewUrl", env -> "https://" + req(env).shop.domain + "/products/" + map(env).get("handle")));
        w.type("Customer", t -> t
                .dataFetcher("addresses", env -> {
                    Object a = map(env).get("defaultAddress");
                    Integer first = env.getArgument("first");
                    return a == null || (first != null && first <= 0) ? List.of() : List.of(a);
                })
                .dataFetcher("lifetimeDuration", env -> lifetime((Long) map(env).get("_created"), emu == null ? Instant.now().getEpochSecond() : emu.nowSeconds())));
        w.type("ProductVariant", t -> t.dataFetcher("product",
                env -> req(env).shop.load(ResourceKind.PRODUCT, (Integer) map(env).get("_productIdx"))));
        w.type("Mutation", t -> t
                .dataFetcher("bulkOperationRunQuery", env -> {
                    if (!req(env).shop.access.bulkOperationsAllowed) {
                        // an app that may not use bulk operations: a top-level error, not a userError
                        throw new ApiError("Access denied for bulkOperationRunQuery field.", "ACCESS_DENIED");
                    }
                    return emu.bulk().runQuery(req(env).shop, env.getArgument("query"), Boolean.TRUE.equals(env.getArgument("groupObjects")));
                })
                .dataFetcher("bulkOperationCancel", env -> emu.bulk().cancel(req(env).shop, env.getArgument("id")))
                .dataFetcher("webhookSubscriptionCreate", env -> emu.webhooks().create(req(env).shop, env.getArgument("topic"),
                        env.getArgument("webhookSubscription")))
                .dataFetcher("webhookSubscriptionDelete", env -> emu.webhooks().delete(req(env).shop, env.getArgument("id"))));
        return new SchemaGenerator().makeExecutableSchema(registry, w.build());
    }

    private static GraphQLScalarType stringScalar(String name) {
        return GraphQLScalarType.newScalar().name(name).coercing(new Coercing<Object, Object>() {
            @Override
            public Object serialize(Object o, GraphQLContext c, Locale l) {
                return o == null ? null : o.toString();
            }

            @Override
            public Object parseValue(Object o, GraphQLContext c, Locale l) {
                return o == null ? null : o.toString();
            }

            @Override
            public Object parseLiteral(graphql.language.Value<?> v, graphql.execution.CoercedVariables vars, GraphQLContext c, Locale l) {
                if (v instanceof graphql.language.StringValue s) {
                    return s.getValue();
                }
                if (v instanceof graphql.language.IntValue i) {
                    return i.getValue().toString();
                }
                if (v instanceof graphql.language.FloatValue f) {
                    return f.getValue().toPlainString();
                }
                throw new graphql.schema.CoercingParseLiteralException("Expected a string for " + name);
            }
        }).build();
    }

    /** Shopify's humanized customer lifetime ("about 1 year", "almost 2 years", "3 months"). */
    static String lifetime(long createdSec, long nowSec) {
        long days = Math.max(0, (nowSec - createdSec) / 86_400);
        if (days < 1) {
            return "less than a day";
        }
        if (days < 30) {
            return days == 1 ? "1 day" : days + " days";
        }
        if (days < 365) {
            long months = Math.max(1, Math.round(days / 30.0));
            return months == 1 ? "about 1 month" : months + " months";
        }
        double years = days / 365.25;
        long whole = (long) years;
        double frac = years - whole;
        if (frac < 0.25) {
            return "about " + whole + (whole == 1 ? " year" : " years");
        }
        if (frac < 0.75) {
            return "over " + whole + (whole == 1 ? " year" : " years");
        }
        return "almost " + (whole + 1) + " years";
    }

    static Req req(DataFetchingEnvironment env) {
        return env.getGraphQlContext().get(Req.class);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(DataFetchingEnvironment env) {
        return (Map<String, Object>) env.getSource();
    }

    /** Any node by gid, including bulk operations and webhook subscriptions. */
    private Object node(ShopState shop, String gid) {
        if (gid != null && gid.startsWith("gid://shopify/BulkOperation/")) {
            return emu.bulk().get(shop, gid);
        }
        if (gid != null && gid.startsWith("gid://shopify/WebhookSubscription/")) {
            return emu.webhooks().getMap(shop, gid);
        }
        return shop.node(gid);
    }

    /** nodes(ids:): a node the app may not read is null with an ACCESS_DENIED error at its index, as Shopify answers. */
    private Object nodes(DataFetchingEnvironment env) {
        List<String> ids = env.getArgument("ids");
        ShopState shop = req(env).shop;
        List<Object> out = new ArrayList<>(ids.size());
        List<GraphQLError> errors = new ArrayList<>();
        for (String id : ids) {
            Object n;
            try {
                n = visibleNode(env, id); // a missing read scope denies the item, an order outside the window is null
                if (n instanceof Map<?, ?> m && shop.access.deniesNode((String) m.get("_type"))) {
                    throw new ApiError(AppAccess.DENIED_MESSAGE, "ACCESS_DENIED");
                }
            } catch (ApiError e) {
                Map<String, Object> ext = new java.util.LinkedHashMap<>(e.extensions);
                ext.put("code", e.code);
                errors.add(GraphqlErrorBuilder.newError().message(e.getMessage())
                        .path(env.getExecutionStepInfo().getPath().segment(out.size()))
                        .location(env.getField().getSourceLocation()).extensions(ext).build());
                n = null;
            }
            out.add(n);
        }
        return errors.isEmpty() ? out : graphql.execution.DataFetcherResult.newResult().data(out).errors(errors).build();
    }

    /** Refuses protected customer data the shop has not approved the app for: null and ACCESS_DENIED at the field's path. */
    private static final class ProtectedCustomerData extends graphql.execution.instrumentation.SimplePerformantInstrumentation {
        @Override
        public DataFetcher<?> instrumentDataFetcher(DataFetcher<?> fetcher,
                graphql.execution.instrumentation.parameters.InstrumentationFieldFetchParameters parameters,
                graphql.execution.instrumentation.InstrumentationState state) {
            return env -> {
                Req r = env.getGraphQlContext().get(Req.class);
                if (r != null && env.getParentType() instanceof graphql.schema.GraphQLNamedType parent
                        && r.shop.access.denies(parent.getName(), env.getFieldDefinition().getName(),
                                graphql.schema.GraphQLTypeUtil.unwrapAll(env.getFieldDefinition().getType()).getName())) {
                    throw new ApiError(AppAccess.DENIED_MESSAGE, "ACCESS_DENIED");
                }
                return fetcher.get(env);
            };
        }
    }

    private Object byGid(DataFetchingEnvironment env, String type) {
        String id = env.getArgument("id");
        if (id == null || !id.startsWith("gid://shopify/" + type + "/")) {
            throw new ApiError("Invalid id: " + id, "BAD_REQUEST");
        }
        return visibleNode(env, id);
    }

    // ------------------------------------------------------------------ access scopes

    private static Map<String, Object> appInstallation(ShopState shop) {
        List<Map<String, Object>> scopes = new ArrayList<>();
        for (String handle : new java.util.TreeSet<>(shop.accessScopes)) {
            scopes.add(Json.obj("handle", handle, "description", scopeDescription(handle)));
        }
        return Json.obj("_type", "AppInstallation", "id", "gid://shopify/AppInstallation/" + (700_000_000L + shop.number),
                "accessScopes", scopes);
    }

    private static String scopeDescription(String handle) {
        if (handle.equals("read_all_orders")) {
            return "Read all orders, not only those of the last 60 days";
        }
        int u = handle.indexOf('_');
        return u < 0 ? handle : Character.toUpperCase(handle.charAt(0)) + handle.substring(1, u) + " " + handle.substring(u + 1).replace('_', ' ');
    }

    /** Shopify's answer to a field whose resource the app has no scope for: the field is null with ACCESS_DENIED. */
    static void requireScope(DataFetchingEnvironment env, ShopState shop, ResourceKind kind) {
        String scope = ShopState.readScope(kind);
        if (!shop.hasScope(scope)) {
            String required = "`" + scope + "` access scope.";
            throw new ApiError("Access denied for " + env.getField().getName() + " field. Required access: " + required,
                    "ACCESS_DENIED", Json.obj("documentation", "https://shopify.dev/api/usage/access-scopes", "requiredAccess", required));
        }
    }

    private static ResourceKind kindOfGid(String gid) {
        for (ResourceKind k : ResourceKind.values()) {
            if (gid != null && gid.startsWith("gid://shopify/" + k.typeName + "/")) {
                return k;
            }
        }
        return null;
    }

    /** A node as the app may see it: denied without the resource's scope, null for an order older than the app's window. */
    private Object visibleNode(DataFetchingEnvironment env, String gid) {
        ShopState shop = req(env).shop;
        ResourceKind kind = kindOfGid(gid);
        if (kind != null) {
            requireScope(env, shop, kind);
        }
        if (kind == ResourceKind.ORDER) {
            Map<String, Object> order = shop.node(gid);
            if (order == null) {
                return null;
            }
            int idx = shop.gen.ids(ResourceKind.ORDER).indexOf(Long.parseLong((String) order.get("legacyResourceId")));
            return shop.orderOutsideWindow(idx, nowSeconds()) ? null : order;
        }
        return node(shop, gid);
    }

    private long nowSeconds() {
        return emu == null ? Instant.now().getEpochSecond() : emu.nowSeconds();
    }

    /** Narrows a filter to the app's order window (Long.MIN_VALUE: no window). */
    private static ConnectionPaging.Filter windowed(ConnectionPaging.Filter filter, long windowStart) {
        return windowStart == Long.MIN_VALUE ? filter : (i, c, u, v) -> c >= windowStart && filter.test(i, c, u, v);
    }

    private long windowStart(ShopState shop, ResourceKind kind) {
        return kind == ResourceKind.ORDER ? shop.orderWindowStart(nowSeconds()) : Long.MIN_VALUE;
    }

    private Object productByHandle(DataFetchingEnvironment env) {
        String handle = env.getArgument("handle");
        ShopState shop = req(env).shop;
        Object[] found = {null};
        shop.store(ResourceKind.PRODUCT).scanByIndex(true, false, 0, 0, Integer.MAX_VALUE, (i, k, c, u, v) -> {
            Map<String, Object> p = shop.materialize(ResourceKind.PRODUCT, i, c, u, v);
            if (handle.equals(p.get("handle"))) {
                found[0] = p;
                return false;
            }
            return true;
        });
        return found[0];
    }

    // ------------------------------------------------------------------ connections

    static Map<String, Object> connection(List<Map<String, Object>> nodes, List<String> cursors, boolean hasNext, boolean hasPrev) {
        List<Map<String, Object>> edges = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            edges.add(new Edge(cursors, i, nodes.get(i)));
        }
        Map<String, Object> page = new LinkedHashMap<>(6);
        page.put("hasNextPage", hasNext);
        page.put("hasPreviousPage", hasPrev);
        page.put("startCursor", cursors.isEmpty() ? null : cursors.get(0));
        page.put("endCursor", cursors.isEmpty() ? null : cursors.get(cursors.size() - 1));
        Map<String, Object> c = new LinkedHashMap<>(4);
        c.put("edges", edges);
        c.put("nodes", nodes);
        c.put("pageInfo", page);
        return c;
    }

    /** The cursors of a page, each built when read: most bulk queries select no edge cursor, only the last one is needed. */
    static List<String> lazyCursors(int size, IntFunction<String> cursorAt) {
        return new AbstractList<>() {
            @Override
            public String get(int i) {
                Objects.checkIndex(i, size);
                return cursorAt.apply(i);
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /** An edge of a connection, {cursor, node}, that reads its cursor from the page's cursor list only when asked. */
    static final class Edge extends AbstractMap<String, Object> {
        private final List<String> cursors;
        private final int index;
        private final Map<String, Object> node;

        Edge(List<String> cursors, int index, Map<String, Object> node) {
            this.cursors = cursors;
            this.index = index;
            this.node = node;
        }

        @Override
        public Object get(Object key) {
            if ("cursor".equals(key)) {
                return cursors.get(index);
            }
            return "node".equals(key) ? node : null;
        }

        @Override
        public boolean containsKey(Object key) {
            return "cursor".equals(key) || "node".equals(key);
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            Map<String, Object> m = new LinkedHashMap<>(4);
            m.put("cursor", cursors.get(index));
            m.put("node", node);
            return Collections.unmodifiableMap(m).entrySet();
        }
    }

    private static boolean isRoot(DataFetchingEnvironment env) {
        return env.getExecutionStepInfo().getPath().getLevel() == 1;
    }

    private static void checkBothFirstLast(Integer first, Integer last) {
        if (first != null && last != null) {
            throw new ApiError("Passing both `first` and `last` to paginate a connection is not supported.", "BAD_REQUEST");
        }
    }

    private Object topConnection(DataFetchingEnvironment env, ResourceKind kind) {
        Req r = req(env);
        ShopState shop = r.shop;
        Integer first = env.getArgument("first");
        Integer last = env.getArgument("last");
        String after = env.getArgument("after");
        String before = env.getArgument("before");
        boolean bulkRoot = r.bulk && isRoot(env);
        requireScope(env, shop, kind);
        if (r.bulk) {
            first = bulkRoot ? r.bulkWindow : null;
            last = null;
            before = null;
            after = bulkRoot ? r.bulkAfter : null;
        }
        checkBothFirstLast(first, last);
        boolean reverse = Boolean.TRUE.equals(env.getArgument("reverse"));
        String sortKey = env.getArgument("sortKey");
        ConnectionPaging.Sort sort = ConnectionPaging.sortOf(sortKey);
        String query = env.getArgument("query");
        SearchQuery q = SearchQuery.parse(query, kind.searchFields);
        addWarnings(r, env, query, q);
        DataGenerator.IdScheme ids = shop.gen.ids(kind);
        Long afterKey = after == null ? null : ConnectionPaging.key(sort, ids, after);
        Long beforeKey = before == null ? null : ConnectionPaging.key(sort, ids, before);
        ConnectionPaging.Filter filter = windowed(filter(shop, kind, q), windowStart(shop, kind));
        ConnectionPaging.Page page = ConnectionPaging.page(shop.store(kind), ids, sort, reverse, first, afterKey, last, beforeKey, q, filter);
        List<ConnectionPaging.Item> items = page.items();
        List<Map<String, Object>> nodes = new ArrayList<>(items.size());
        for (ConnectionPaging.Item it : items) {
            nodes.add(shop.materialize(kind, it.index(), it.createdAt(), it.updatedAt(), it.version()));
        }
        List<String> cursors = lazyCursors(items.size(), i -> {
            ConnectionPaging.Item it = items.get(i);
            return ConnectionPaging.cursorFor(sort, ids.id(it.index()), it.createdAt(), it.updatedAt());
        });
        if (bulkRoot) {
            r.bulkHasNext = page.hasNext();
            r.bulkEndCursor = cursors.isEmpty() ? null : cursors.get(cursors.size() - 1);
        }
        return connection(nodes, cursors, page.hasNext(), page.hasPrevious());
    }

    private static void addWarnings(Req r, DataFetchingEnvironment env, String query, SearchQuery q) {
        if (!q.warnings().isEmpty()) {
            List<Map<String, Object>> ws = new ArrayList<>();
            for (String w : q.warnings()) {
                ws.add(Json.obj("message", w));
            }
            r.searchWarnings.add(Json.obj("path", env.getExecutionStepInfo().getPath().toList(), "query", query, "warnings", ws));
        }
    }

    /** A filter for a parsed query: store-level fields without materializing, others on the materialized object. */
    static ConnectionPaging.Filter filter(ShopState shop, ResourceKind kind, SearchQuery q) {
        if (q.matchesAll()) {
            return (i, c, u, v) -> true;
        }
        DataGenerator.IdScheme ids = shop.gen.ids(kind);
        return (i, c, u, v) -> q.matches(new SearchQuery.Subject() {
            Map<String, Object> m;

            @Override
            public Object value(String field) {
                switch (field) {
                    case "id":
                        return ids.id(i);
                    case "created_at":
                    case "processed_at":
                        return c;
                    case "updated_at":
                        return u;
                    default:
                        if (m == null) {
                            m = shop.materialize(kind, i, c, u, v);
                        }
                        return fieldValue(kind, m, field);
                }
            }
        });
    }

    @SuppressWarnings("unchecked")
    static Object fieldValue(ResourceKind kind, Map<String, Object> m, String field) {
        if (field.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (String k : List.of("name", "title", "email", "displayName", "handle", "vendor")) {
                Object v = m.get(k);
                if (v != null) {
                    sb.append(v).append(' ');
                }
            }
            return sb.toString();
        }
        switch (kind) {
            case ORDER -> {
                switch (field) {
                    case "name": return m.get("name");
                    case "email": return m.get("email");
                    case "financial_status": return lower(m.get("displayFinancialStatus"));
                    case "fulfillment_status": {
                        String f = (String) m.get("displayFulfillmentStatus");
                        return switch (f) {
                            case "FULFILLED" -> "shipped";
                            case "PARTIALLY_FULFILLED" -> "partial";
                            default -> "unshipped";
                        };
                    }
                    case "status":
                        return m.get("cancelledAt") != null ? "cancelled" : Boolean.TRUE.equals(m.get("closed")) ? "closed" : "open";
                    case "tag": return m.get("tags");
                    case "test": return m.get("test");
                    case "customer_id": {
                        Map<String, Object> c = (Map<String, Object>) m.get("_customer");
                        return c == null ? null : Long.parseLong((String) c.get("legacyResourceId"));
                    }
                    default: return null;
                }
            }
            case PRODUCT -> {
                return switch (field) {
                    case "title" -> m.get("title");
                    case "handle" -> m.get("handle");
                    case "status" -> lower(m.get("status"));
                    case "vendor" -> m.get("vendor");
                    case "product_type" -> m.get("productType");
                    case "tag" -> m.get("tags");
                    default -> null;
                };
            }
            default -> {
                return switch (field) {
                    case "email" -> m.get("email");
                    case "phone" -> m.get("phone");
                    case "first_name" -> m.get("firstName");
                    case "last_name" -> m.get("lastName");
                    case "state" -> lower(m.get("state"));
                    case "tag" -> m.get("tags");
                    default -> null;
                };
            }
        }
    }

    private static Object lower(Object o) {
        return o == null ? null : o.toString().toLowerCase(Locale.ROOT);
    }

    private Object count(DataFetchingEnvironment env, ResourceKind kind) {
        Req r = req(env);
        ShopState shop = r.shop;
        String query = env.getArgument("query");
        // Shopify's default limit (10,000, the emulator's countLimit setting) applies unless the query passes limit, even null
        boolean limitGiven = env.getField().getArguments().stream().anyMatch(a -> a.getName().equals("limit"));
        Integer limit = limitGiven ? env.getArgument("limit") : Integer.valueOf(emu.countLimit);
        SearchQuery q = SearchQuery.parse(query, kind.searchFields);
        addWarnings(r, env, query, q);
        requireScope(env, shop, kind);
        long windowStart = windowStart(shop, kind);
        if (q.matchesAll() && windowStart == Long.MIN_VALUE) {
            int n = shop.store(kind).liveCount();
            if (limit != null && n > limit) {
                return Json.obj("count", limit, "precision", "AT_LEAST");
            }
            return DataGenerator.count(n);
        }
        ConnectionPaging.Page p = ConnectionPaging.page(shop.store(kind), shop.gen.ids(kind), ConnectionPaging.Sort.ID, false, limit, null, null, null, q,
                windowed(filter(shop, kind, q), windowStart));
        if (p.hasNext()) {
            return Json.obj("count", limit, "precision", "AT_LEAST");
        }
        return DataGenerator.count(p.items().size());
    }

    /** Pages positions 0..n-1 of a child list. */
    private static ConnectionPaging.Page childPage(int n, DataFetchingEnvironment env, boolean all, Function<String, Long> keyOf) {
        Integer first = all ? null : env.getArgument("first");
        Integer last = all ? null : env.getArgument("last");
        String after = all ? null : env.getArgument("after");
        String before = all ? null : env.getArgument("before");
        checkBothFirstLast(first, last);
        boolean reverse = !all && Boolean.TRUE.equals(env.getArgument("reverse"));
        Long a = after == null ? null : keyOf.apply(after);
        Long b = before == null ? null : keyOf.apply(before);
        ConnectionPaging.Scanner scanner = (ascending, from, v) -> {
            if (ascending) {
                long start = from == null ? 0 : Math.max(0, from + 1);
                for (long p = start; p < n; p++) {
                    if (!v.visit((int) p, p, 0, 0, 0)) {
                        return;
                    }
                }
            } else {
                long start = from == null ? n - 1 : Math.min(n - 1, from - 1);
                for (long p = start; p >= 0; p--) {
                    if (!v.visit((int) p, p, 0, 0, 0)) {
                        return;
                    }
                }
            }
        };
        return ConnectionPaging.page(scanner, !reverse, first, a, last, b, (i, c, u, v) -> true);
    }

    private Object lineItems(DataFetchingEnvironment env) {
        Req r = req(env);
        Map<String, Object> order = map(env);
        int idx = (Integer) order.get("_idx");
        int n = (Integer) order.get("_lineItemCount");
        DataGenerator gen = r.shop.gen;
        ConnectionPaging.Page page = childPage(n, env, r.bulk, c -> {
            Object[] d = ConnectionPaging.decode(c);
            int[] ref = gen.lineItemOf((Long) d[0]);
            if (ref == null || ref[0] != idx) {
                throw new ConnectionPaging.BadCursorException("Invalid cursor.");
            }
            return (long) ref[1];
        });
        List<ConnectionPaging.Item> items = page.items();
        List<Map<String, Object>> nodes = new ArrayList<>(items.size());
        for (ConnectionPaging.Item it : items) {
            nodes.add(gen.lineItem(idx, it.index()));
        }
        List<String> cursors = lazyCursors(items.size(),
                i -> ConnectionPaging.cursor(gen.lineItemId(idx, items.get(i).index()), items.get(i).index() + 1));
        return connection(nodes, cursors, page.hasNext(), page.hasPrevious());
    }

    private Object variants(DataFetchingEnvironment env) {
        Req r = req(env);
        Map<String, Object> product = map(env);
        int idx = (Integer) product.get("_idx");
        int ver = (Integer) product.get("_ver");
        int n = (Integer) product.get("_variantCount");
        DataGenerator gen = r.shop.gen;
        ConnectionPaging.Page page = childPage(n, env, r.bulk, c -> {
            Object[] d = ConnectionPaging.decode(c);
            int[] ref = gen.variantOf((Long) d[0]);
            if (ref == null || ref[0] != idx) {
                throw new ConnectionPaging.BadCursorException("Invalid cursor.");
            }
            return (long) ref[1];
        });
        String title = (String) product.get("title");
        long created = (Long) product.get("_created");
        long updated = (Long) product.get("_updated");
        List<ConnectionPaging.Item> items = page.items();
        List<Map<String, Object>> nodes = new ArrayList<>(items.size());
        for (ConnectionPaging.Item it : items) {
            nodes.add(gen.variant(idx, it.index(), ver, title, created, updated));
        }
        List<String> cursors = lazyCursors(items.size(),
                i -> ConnectionPaging.cursor(gen.variantId(idx, items.get(i).index()), items.get(i).index() + 1));
        return connection(nodes, cursors, page.hasNext(), page.hasPrevious());
    }

    private Object events(DataFetchingEnvironment env) {
        Req r = req(env);
        ShopState shop = r.shop;
        Integer first = env.getArgument("first");
        Integer last = env.getArgument("last");
        checkBothFirstLast(first, last);
        String query = env.getArgument("query");
        SearchQuery q = SearchQuery.parse(query, EventLog.FIELDS);
        addWarnings(r, env, query, q);
        List<EventLog.Event> all = shop.events.snapshot();
        long dropped = shop.events.droppedCount();
        Function<String, Long> keyOf = c -> shop.events.indexOfId((Long) ConnectionPaging.decode(c)[0]) - dropped;
        String after = env.getArgument("after");
        String before = env.getArgument("before");
        boolean reverse = Boolean.TRUE.equals(env.getArgument("reverse"));
        int n = all.size();
        ConnectionPaging.Scanner scanner = positional(n);
        ConnectionPaging.Filter f = (i, c, u, v) -> {
            EventLog.Event e = all.get(i);
            return q.matches(field -> switch (field) {
                case "id" -> e.id();
                case "created_at" -> e.createdAt();
                case "action", "verb" -> e.action();
                case "subject_type" -> e.subjectType();
                case "subject_id" -> Long.parseLong(e.subjectGid().substring(e.subjectGid().lastIndexOf('/') + 1));
                default -> e.message();
            });
        };
        ConnectionPaging.Page page = ConnectionPaging.page(scanner, !reverse, first, after == null ? null : keyOf.apply(after), last,
                before == null ? null : keyOf.apply(before), f);
        List<Map<String, Object>> nodes = new ArrayList<>();
        List<String> cursors = new ArrayList<>();
        for (ConnectionPaging.Item it : page.items()) {
            EventLog.Event e = all.get(it.index());
            nodes.add(ShopState.eventMap(e));
            cursors.add(ConnectionPaging.cursor(e.id(), Long.toString(e.id())));
        }
        return connection(nodes, cursors, page.hasNext(), page.hasPrevious());
    }

    private Object webhookSubscriptions(DataFetchingEnvironment env) {
        Req r = req(env);
        Integer first = env.getArgument("first");
        Integer last = env.getArgument("last");
        checkBothFirstLast(first, last);
        List<Object> topicsArg = env.getArgument("topics");
        String uri = env.getArgument("uri") != null ? env.getArgument("uri") : env.getArgument("callbackUrl");
        List<Map<String, Object>> all = new ArrayList<>();
        for (Map<String, Object> s : emu.webhooks().list(r.shop)) {
            if (topicsArg != null && !topicsArg.isEmpty() && !topicsArg.contains(s.get("topic"))) {
                continue;
            }
            if (uri != null && !uri.equals(s.get("uri"))) {
                continue;
            }
            all.add(s);
        }
        int n = all.size();
        Function<String, Long> keyOf = c -> {
            long id = (Long) ConnectionPaging.decode(c)[0];
            for (int i = 0; i < n; i++) {
                if (Long.parseLong((String) all.get(i).get("legacyResourceId")) >= id) {
                    return (long) i;
                }
            }
            return (long) n;
        };
        ConnectionPaging.Scanner scanner = positional(n);
        String after = env.getArgument("after");
        String before = env.getArgument("before");
        ConnectionPaging.Page page = ConnectionPaging.page(scanner, !Boolean.TRUE.equals(env.getArgument("reverse")), first,
                after == null ? null : keyOf.apply(after), last, before == null ? null : keyOf.apply(before), (i, c, u, v) -> true);
        List<Map<String, Object>> nodes = new ArrayList<>();
        List<String> cursors = new ArrayList<>();
        for (ConnectionPaging.Item it : page.items()) {
            Map<String, Object> s = all.get(it.index());
            nodes.add(s);
            cursors.add(ConnectionPaging.cursor(Long.parseLong((String) s.get("legacyResourceId")), (String) s.get("legacyResourceId")));
        }
        return connection(nodes, cursors, page.hasNext(), page.hasPrevious());
    }

    /** Values of a list argument as strings (enum values arrive as strings). */
    static List<String> strings(Collection<?> c) {
        List<String> out = new ArrayList<>();
        if (c != null) {
            for (Object o : c) {
                out.add(String.valueOf(o));
            }
        }
        return out;
    }


    /** Walks positions 0..n-1 of an in-memory list (nested connections), in either direction after a cursor. */
    private static ConnectionPaging.Scanner positional(int n) {
        return (ascending, from, v) -> {
            if (ascending) {
                for (long p = from == null ? 0 : Math.max(0, from + 1); p < n; p++) {
                    if (!v.visit((int) p, p, 0, 0, 0)) {
                        return;
                    }
                }
            } else {
                for (long p = from == null ? n - 1 : Math.min(n - 1, from - 1); p >= 0; p--) {
                    if (!v.visit((int) p, p, 0, 0, 0)) {
                        return;
                    }
                }
            }
        };
    }
}
