package io.shopifysync.emulator;

import graphql.ExecutionResult;
import graphql.execution.preparsed.PreparsedDocumentEntry;
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
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulk query operations: the query is parsed and executed over the whole store in windows of root
 * objects, each connection node becomes one JSONL line (children carry {@code __parentId}), the file is
 * written to disk and served by the emulator, and the run is paced at {@code bulkObjectsPerSecond}
 * (times timeScale) so RUNNING can be observed.
 */
final class BulkOperations implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BulkOperations.class);
    static final int MAX_CONCURRENT = 5;
    static final int WINDOW = 250;
    private static final long BULK_ID_BASE = 4_476_008_693_949L;

    static final class Op {
        final long id;
        final ShopState shop;
        final String query;
        final boolean groupObjects;
        final long createdAt;
        final long failAfter;
        /** The errorCode of the injected failure (Shopify's BulkOperationErrorCode). */
        final String failCode;
        final Path file;
        volatile String status = "CREATED";
        volatile String errorCode;
        volatile Long completedAt;
        final AtomicLong objectCount = new AtomicLong();
        final AtomicLong rootObjectCount = new AtomicLong();
        volatile Long fileSize;
        volatile boolean cancelRequested;
        /** The HTTP status the result link answers once expired (400 ExpiredToken as Cloud Storage, 403 or 404); 0 = live. */
        volatile int linkDeadStatus;

        Op(long id, ShopState shop, String query, boolean groupObjects, long createdAt, long failAfter, String failCode, Path file) {
            this.id = id;
            this.shop = shop;
            this.query = query;
            this.groupObjects = groupObjects;
            this.createdAt = createdAt;
            this.failAfter = failAfter;
            this.failCode = failCode;
            this.file = file;
        }

        String gid() {
            return "gid://shopify/BulkOperation/" + id;
        }

        boolean active() {
            return status.equals("CREATED") || status.equals("RUNNING") || status.equals("CANCELING");
        }
    }

    private final ShopifyEmulator emu;
    private final Path dir;
    private final Map<String, List<Op>> ops = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(BULK_ID_BASE);
    private final ExecutorService runner;
    volatile double objectsPerSecond;
    /** While true, running operations stop after their current object and stay RUNNING (a test's hold, then release). */
    volatile boolean held;
    /** Windows executed by {@link BulkProjection} and by graphql-java (tests check which path ran). */
    final AtomicLong fastWindows = new AtomicLong();
    final AtomicLong slowWindows = new AtomicLong();

    BulkOperations(ShopifyEmulator emu, Path dir, double objectsPerSecond) {
        this.emu = emu;
        this.dir = dir;
        this.objectsPerSecond = objectsPerSecond;
        this.runner = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "emulator-bulk");
            t.setDaemon(true);
            return t;
        });
    }

    private List<Op> of(ShopState shop) {
        return ops.computeIfAbsent(shop.domain, k -> new CopyOnWriteArrayList<>());
    }

    // ------------------------------------------------------------------ GraphQL surface

    Map<String, Object> toMap(Op op) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("_type", "BulkOperation");
        m.put("id", op.gid());
        m.put("status", op.status);
        m.put("errorCode", op.errorCode);
        m.put("createdAt", Times.iso(op.createdAt));
        m.put("completedAt", op.completedAt == null ? null : Times.iso(op.completedAt));
        m.put("objectCount", Long.toString(op.objectCount.get()));
        m.put("rootObjectCount", Long.toString(op.rootObjectCount.get()));
        m.put("fileSize", op.fileSize == null ? null : Long.toString(op.fileSize));
        boolean completed = op.status.equals("COMPLETED");
        m.put("url", completed && op.objectCount.get() > 0 ? fileUrl(op, false) : null);
        m.put("partialDataUrl", op.status.equals("FAILED") && op.linkDeadStatus == 0 && op.objectCount.get() > 0 ? fileUrl(op, true) : null);
        m.put("query", op.query);
        m.put("type", "QUERY");
        return m;
    }

    private String fileUrl(Op op, boolean partial) {
        return emu.baseUrl() + "/_emulator/bulk/" + op.shop.domain + "/" + op.id + (partial ? "-partial" : "") + ".jsonl";
    }

    Map<String, Object> get(ShopState shop, String gid) {
        for (Op op : of(shop)) {
            if (op.gid().equals(gid)) {
                return toMap(op);
            }
        }
        return null;
    }

    Map<String, Object> current(ShopState shop, Object type) {
        if (type != null && !"QUERY".equals(String.valueOf(type))) {
            return null;
        }
        List<Op> list = of(shop);
        return list.isEmpty() ? null : toMap(list.get(list.size() - 1));
    }

    List<Map<String, Object>> list(ShopState shop) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Op op : of(shop)) {
            out.add(toMap(op));
        }
        return out;
    }

    // ------------------------------------------------------------------ result links: expiry, Range, downloads

    /** How one shop's result links misbehave (set through the control API); all off by default. */
    static final class DownloadSettings {
        /** Answer 200 with the whole file to a Range request, as a server without range support does. */
        volatile boolean ignoreRange;
        /** The next {@link #cuts} downloads stop after this many bytes of their body and drop the connection. */
        volatile long cutAfterBytes = -1;
        volatile int cuts;
        /** A cut also expires the operation's link: the client's resume finds it dead. */
        volatile boolean expireOnCut;
        /** What an expired link answers: 400 (Cloud Storage's ExpiredToken), 403 or 404. */
        volatile int expiredStatus = 400;

        Map<String, Object> toMap() {
            return Json.obj("ignoreRange", ignoreRange, "cutAfterBytes", cutAfterBytes < 0 ? null : cutAfterBytes, "cuts", cuts,
                    "expireOnCut", expireOnCut, "expiredStatus", expiredStatus);
        }
    }

    static final List<Integer> EXPIRED_STATUSES = List.of(400, 403, 404);
    private static final int DOWNLOAD_LOG_SIZE = 1000;
    private final Map<String, DownloadSettings> downloadSettings = new ConcurrentHashMap<>();
    private final Map<String, List<Map<String, Object>>> downloads = new ConcurrentHashMap<>();

    DownloadSettings downloadSettings(ShopState shop) {
        return downloadSettings.computeIfAbsent(shop.domain, k -> new DownloadSettings());
    }

    List<Map<String, Object>> downloads(ShopState shop) {
        return new ArrayList<>(downloads.getOrDefault(shop.domain, List.of()));
    }

    void clearDownloads(ShopState shop) {
        downloads.remove(shop.domain);
    }

    /**
     * Expires the result links of one operation (gid or numeric id) or of every finished one, as 7 days after completion
     * on Shopify: a COMPLETED operation becomes EXPIRED with a null url, a FAILED one loses its partialDataUrl, and the
     * old links answer {@code httpStatus}. Returns the gids expired.
     */
    List<String> expire(ShopState shop, String id, int httpStatus) {
        List<String> out = new ArrayList<>();
        for (Op op : of(shop)) {
            if (id != null && !op.gid().equals(id) && !Long.toString(op.id).equals(id)) {
                continue;
            }
            if (expire(op, httpStatus)) {
                out.add(op.gid());
            }
        }
        return out;
    }

    private static boolean expire(Op op, int httpStatus) {
        synchronized (op) {
            if (op.linkDeadStatus != 0 || !(op.status.equals("COMPLETED") || op.status.equals("FAILED"))) {
                return false;
            }
            op.linkDeadStatus = httpStatus;
            if (op.status.equals("COMPLETED")) {
                op.status = "EXPIRED";
            }
            return true;
        }
    }

    private Op find(String shop, long id) {
        for (Op op : ops.getOrDefault(shop, List.of())) {
            if (op.id == id) {
                return op;
            }
        }
        return null;
    }

    /**
     * Serves a result file as the storage behind Shopify's signed links does: {@code Range: bytes=N-} (or N-M) answers
     * 206 with Content-Range, a range starting at or past the end 416, an expired link an XML error. Every request is
     * logged for {@code GET /_emulator/shops/{shop}/bulk/downloads}.
     */
    void serve(RoutingContext ctx) {
        String shopDomain = ctx.pathParam("shop");
        Matcher m = Pattern.compile("(\\d+)(-partial)?\\.jsonl").matcher(ctx.pathParam("file"));
        Op op = m.matches() ? find(shopDomain, Long.parseLong(m.group(1))) : null;
        boolean partial = op != null && m.group(2) != null;
        HttpServerResponse resp = ctx.response();
        String range = ctx.request().getHeader("Range");
        if (op == null) {
            ShopifyEmulator.json(resp, 404, "{\"errors\":\"Not Found\"}");
            return;
        }
        DownloadSettings settings = downloadSettings(op.shop);
        int dead = op.linkDeadStatus;
        if (dead != 0) {
            long[] asked = parseRange(range, Long.MAX_VALUE);
            log(op, partial, range, asked == null ? null : asked[0], dead, 0, false);
            xmlError(resp, dead, op);
            return;
        }
        boolean ready = partial ? op.status.equals("FAILED") : op.status.equals("COMPLETED");
        if (!ready || !Files.exists(op.file)) {
            ShopifyEmulator.json(resp, 404, "{\"errors\":\"Not Found\"}");
            return;
        }
        long size;
        try {
            size = Files.size(op.file);
        } catch (IOException e) {
            ShopifyEmulator.json(resp, 500, "{\"errors\":\"Internal Server Error\"}");
            return;
        }
        long[] asked = parseRange(range, size);
        long[] r = settings.ignoreRange ? null : asked;
        resp.putHeader("Content-Type", "application/jsonl").putHeader("Accept-Ranges", "bytes")
                .putHeader("Content-Disposition", "attachment; filename=\"bulk-" + op.id + ".jsonl\"");
        if (r != null && r[0] >= size) {
            log(op, partial, range, r[0], 416, 0, false);
            resp.setStatusCode(416).putHeader("Content-Range", "bytes */" + size).putHeader("Content-Type", "application/xml; charset=UTF-8")
                    .end("<?xml version='1.0' encoding='UTF-8'?><Error><Code>InvalidRange</Code>"
                            + "<Message>The requested range cannot be satisfied.</Message></Error>");
            return;
        }
        long start = r == null ? 0 : r[0];
        long length = r == null ? size : r[1] - r[0] + 1;
        int status = r == null ? 200 : 206;
        resp.setStatusCode(status);
        if (r != null) {
            resp.putHeader("Content-Range", "bytes " + r[0] + "-" + r[1] + "/" + size);
        }
        long cutAt = -1;
        synchronized (settings) {
            if (settings.cuts > 0 && settings.cutAfterBytes >= 0 && settings.cutAfterBytes < length) {
                settings.cuts--;
                cutAt = settings.cutAfterBytes;
            }
        }
        log(op, partial, range, asked == null ? null : asked[0], status, cutAt >= 0 ? cutAt : length, cutAt >= 0);
        if (cutAt < 0) {
            resp.sendFile(op.file.toString(), start, length);
            return;
        }
        // the body stops short of its Content-Length and the connection drops, as a network failure mid-download
        if (settings.expireOnCut) {
            expire(op, settings.expiredStatus);
        }
        byte[] head = new byte[(int) cutAt];
        try (RandomAccessFile f = new RandomAccessFile(op.file.toFile(), "r")) {
            f.seek(start);
            f.readFully(head);
        } catch (IOException e) {
            ctx.request().connection().close();
            return;
        }
        resp.putHeader("Content-Length", Long.toString(length));
        resp.write(Buffer.buffer(head)).onComplete(ar -> ctx.request().connection().close());
    }

    /** {@code bytes=N-} or {@code bytes=N-M} as [start, end]; null when absent or not a single byte range (served whole). */
    static long[] parseRange(String header, long size) {
        if (header == null) {
            return null;
        }
        Matcher m = Pattern.compile("\\s*bytes=(\\d{1,18})-(\\d{0,18})\\s*").matcher(header);
        if (!m.matches()) {
            return null;
        }
        long start = Long.parseLong(m.group(1));
        long end = m.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(m.group(2));
        if (end < start) {
            return null; // syntactically invalid: ignored, as RFC 9110 says
        }
        if (start >= size) {
            return new long[] {start, size - 1}; // unsatisfiable: 416
        }
        return new long[] {start, Math.min(end, size - 1)};
    }

    private void log(Op op, boolean partial, String range, Long offset, int status, long bytes, boolean cut) {
        List<Map<String, Object>> list = downloads.computeIfAbsent(op.shop.domain, k -> new CopyOnWriteArrayList<>());
        list.add(Json.obj("operationId", op.gid(), "partial", partial, "range", range, "offset", offset, "status", status,
                "bytes", bytes, "cut", cut, "at", Times.iso(emu.nowSeconds())));
        while (list.size() > DOWNLOAD_LOG_SIZE) {
            list.remove(0);
        }
    }

    private static void xmlError(HttpServerResponse resp, int status, Op op) {
        String body = switch (status) {
            case 400 -> "<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message>"
                    + "<Details>Request signature expired at: " + Times.iso(op.completedAt == null ? 0 : op.completedAt + 7 * 86_400L)
                    + "</Details></Error>";
            case 403 -> "<Error><Code>AccessDenied</Code><Message>Access denied.</Message>"
                    + "<Details>Anonymous caller does not have storage.objects.get access to the object.</Details></Error>";
            default -> "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>";
        };
        resp.setStatusCode(status).putHeader("Content-Type", "application/xml; charset=UTF-8")
                .end("<?xml version='1.0' encoding='UTF-8'?>" + body);
    }

    Map<String, Object> runQuery(ShopState shop, String query, boolean groupObjects) {
        String invalid = validate(query);
        if (invalid != null) {
            return Json.obj("bulkOperation", null, "userErrors",
                    List.of(Json.obj("code", "INVALID", "field", List.of("query"), "message", invalid)));
        }
        Op op;
        synchronized (this) {
            List<Op> list = of(shop);
            List<Op> active = new ArrayList<>();
            for (Op o : list) {
                if (o.active()) {
                    active.add(o);
                }
            }
            if (active.size() >= MAX_CONCURRENT) {
                return Json.obj("bulkOperation", null, "userErrors", List.of(Json.obj("code", "OPERATION_IN_PROGRESS", "field", null,
                        "message", "A bulk query operation for this app and shop is already in progress: " + active.get(active.size() - 1).gid() + ".")));
            }
            long id = nextId.incrementAndGet();
            op = new Op(id, shop, query, groupObjects, emu.nowSeconds(), shop.faults.bulkFailAfterObjects,
                    shop.faults.bulkErrorCode, dir.resolve(shop.domain + "-" + id + ".jsonl"));
            list.add(op);
        }
        Map<String, Object> m = toMap(op); // as Shopify answers: CREATED
        Op started = op;
        runner.submit(() -> run(started));
        return Json.obj("bulkOperation", m, "userErrors", List.of());
    }

    Map<String, Object> cancel(ShopState shop, String gid) {
        for (Op op : of(shop)) {
            if (op.gid().equals(gid)) {
                synchronized (op) {
                    if (!op.active()) {
                        return Json.obj("bulkOperation", toMap(op), "userErrors", List.of(Json.obj("field", List.of("id"),
                                "message", "A bulk operation cannot be canceled when it is " + op.status.toLowerCase(java.util.Locale.ROOT))));
                    }
                    op.cancelRequested = true;
                    op.status = "CANCELING";
                }
                return Json.obj("bulkOperation", toMap(op), "userErrors", List.of());
            }
        }
        return Json.obj("bulkOperation", null, "userErrors", List.of(Json.obj("field", List.of("id"), "message", "Bulk operation does not exist")));
    }

    // ------------------------------------------------------------------ validation

    /** Returns an error message for an unacceptable bulk query, or null. */
    String validate(String query) {
        if (query == null || query.isBlank()) {
            return "Invalid bulk query: query can't be blank";
        }
        PreparsedDocumentEntry e = emu.engine().document(query);
        if (e.hasErrors()) {
            return "Invalid bulk query: " + e.getErrors().get(0).getMessage();
        }
        Document doc = e.getDocument();
        OperationDefinition op = null;
        Map<String, FragmentDefinition> fragments = new HashMap<>();
        for (var d : doc.getDefinitions()) {
            if (d instanceof OperationDefinition o && op == null) {
                op = o;
            } else if (d instanceof FragmentDefinition fd) {
                fragments.put(fd.getName(), fd);
            }
        }
        if (op == null || op.getOperation() != OperationDefinition.Operation.QUERY) {
            return "Invalid bulk query: only queries are supported by bulkOperationRunQuery";
        }
        GraphQLObjectType queryType = emu.engine().schema.getQueryType();
        List<Field> roots = fields(op.getSelectionSet(), fragments);
        if (roots.size() != 1) {
            return "Invalid bulk query: Bulk queries must contain exactly one top-level field";
        }
        GraphQLFieldDefinition def = queryType.getFieldDefinition(roots.get(0).getName());
        if (def == null || !CostCalculator.isConnection(GraphQLTypeUtil.unwrapAll(def.getType()))) {
            return "Invalid bulk query: Bulk queries require a connection field at the top level";
        }
        int[] connections = {0};
        String err = checkConnection(roots.get(0), (GraphQLObjectType) GraphQLTypeUtil.unwrapAll(def.getType()), fragments, 1, connections);
        if (err != null) {
            return err;
        }
        if (connections[0] > 5) {
            return "Invalid bulk query: Bulk queries cannot contain more than 5 connections";
        }
        return null;
    }

    private String checkConnection(Field field, GraphQLObjectType conn, Map<String, FragmentDefinition> fragments, int depth, int[] count) {
        count[0]++;
        if (depth > 2) {
            return "Invalid bulk query: Bulk queries cannot contain connections with a nesting depth greater than 2";
        }
        for (NodeSel ns : nodeSelections(field.getSelectionSet(), conn, fragments)) {
            boolean hasId = false;
            boolean hasChildConnection = false;
            for (Field f : fields(ns.ss, fragments)) {
                if (f.getName().equals("id")) {
                    hasId = true;
                }
                GraphQLFieldDefinition fd = ns.type.getFieldDefinition(f.getName());
                if (fd != null && CostCalculator.isConnection(GraphQLTypeUtil.unwrapAll(fd.getType()))) {
                    hasChildConnection = true;
                    String err = checkConnection(f, (GraphQLObjectType) GraphQLTypeUtil.unwrapAll(fd.getType()), fragments, depth + 1, count);
                    if (err != null) {
                        return err;
                    }
                }
            }
            if (hasChildConnection && !hasId) {
                return "Invalid bulk query: The parent 'node' field for a nested connection must select the 'id' field without an alias and must be of 'ID' return type. Connection fields without 'id': " + field.getName() + ".";
            }
        }
        return null;
    }

    record NodeSel(SelectionSet ss, GraphQLObjectType type) {}

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

    /** The fields of a selection set with fragments inlined (type conditions are not checked: bulk roots are concrete types). */
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

    // ------------------------------------------------------------------ running

    private static final class Stop extends RuntimeException {
        Stop() {
            super(null, null, false, false);
        }
    }

    private void run(Op op) {
        long startNanos = System.nanoTime();
        synchronized (op) {
            if (op.cancelRequested) {
                finish(op, "CANCELED", null);
                return;
            }
            op.status = "RUNNING";
        }
        PreparsedDocumentEntry entry = emu.engine().document(op.query);
        Document doc = entry.getDocument();
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
        BulkProjection projection = BulkProjection.compile(emu.engine().schema, entry); // null: graphql-java for every window
        Emitter emitter = new Emitter(op, fragments);
        try (BufferedWriter out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(op.file), StandardCharsets.UTF_8), 1 << 16)) {
            String after = null;
            while (true) {
                if (op.cancelRequested) {
                    throw new Stop();
                }
                GraphQlEngine.Req r = windowRequest(op, after);
                Map<String, Object> data = projection == null ? null : projection.execute(r);
                if (data != null) {
                    fastWindows.incrementAndGet();
                } else {
                    slowWindows.incrementAndGet();
                    r = windowRequest(op, after); // the projection's fetchers may have set the cursor of the first one
                    ExecutionResult res = emu.engine().executeInternal(r, op.query);
                    if (res.getErrors().stream().anyMatch(e -> e.getExtensions() != null && "ACCESS_DENIED".equals(e.getExtensions().get("code")))) {
                        // Shopify accepts the query, then the operation fails: errorCode ACCESS_DENIED, no details
                        out.flush();
                        finish(op, "FAILED", "ACCESS_DENIED");
                        return;
                    }
                    if (!res.getErrors().isEmpty() && res.getData() == null) {
                        // a resource the app has no scope for fails the export as Shopify's does: errorCode ACCESS_DENIED
                        boolean denied = res.getErrors().stream().anyMatch(e -> e.getExtensions() != null
                                && "ACCESS_DENIED".equals(e.getExtensions().get("code")));
                        LOG.warn("bulk operation {} failed: {}", op.id, res.getErrors());
                        out.flush();
                        finish(op, "FAILED", denied ? "ACCESS_DENIED" : "INTERNAL_SERVER_ERROR");
                        return;
                    }
                    data = res.getData();
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> conn = (Map<String, Object>) data.get(rootKey);
                if (conn != null) {
                    for (NodeSel ns : nodeSelections(root.getSelectionSet(), rootConn, fragments)) {
                        RowPlan rowPlan = emitter.plan(ns.ss, ns.type);
                        for (Map<String, Object> node : nodesOf(conn, root.getSelectionSet(), fragments, ns)) {
                            if (!emitter.write(node, rowPlan, out)) {
                                return;
                            }
                            op.rootObjectCount.incrementAndGet();
                            pace(op, startNanos);
                        }
                        break; // one node selection defines the rows (edges.node or nodes)
                    }
                }
                pace(op, startNanos);
                if (!r.bulkHasNext || r.bulkEndCursor == null) {
                    break;
                }
                after = r.bulkEndCursor;
            }
            out.flush();
            if (op.failAfter >= 0 && op.objectCount.get() >= op.failAfter && op.failAfter == 0) {
                finish(op, "FAILED", op.failCode);
                return;
            }
            finish(op, "COMPLETED", null);
        } catch (Stop s) {
            finish(op, "CANCELED", null);
        } catch (IOException | RuntimeException e) {
            LOG.warn("bulk operation {} failed", op.id, e);
            finish(op, "FAILED", "INTERNAL_SERVER_ERROR");
        }
    }

    /** A fresh request for one window of the root connection. */
    private static GraphQlEngine.Req windowRequest(Op op, String after) {
        GraphQlEngine.Req r = new GraphQlEngine.Req(op.shop, true);
        r.bulkWindow = WINDOW;
        r.bulkAfter = after;
        return r;
    }

    private void pace(Op op, long startNanos) {
        while (held) {
            pause(op, 20);
        }
        double rate = objectsPerSecond;
        double scale = emu.timeScale();
        if (rate <= 0 || scale <= 0) {
            return;
        }
        long targetNanos = (long) (op.objectCount.get() / rate * scale * 1e9);
        while (true) {
            long wait = targetNanos - (System.nanoTime() - startNanos);
            if (wait <= 0) {
                return;
            }
            pause(op, Math.min(50, Math.max(1, wait / 1_000_000)));
        }
    }

    private static void pause(Op op, long millis) {
        if (op.cancelRequested) {
            throw new Stop();
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stop();
        }
    }

    private void finish(Op op, String status, String errorCode) {
        synchronized (op) {
            op.errorCode = errorCode;
            op.completedAt = emu.nowSeconds();
            try {
                op.fileSize = Files.exists(op.file) && !status.equals("CANCELED") ? Files.size(op.file) : null;
            } catch (IOException e) {
                op.fileSize = null;
            }
            if (status.equals("COMPLETED") && op.objectCount.get() == 0) {
                op.fileSize = null;
            }
            op.status = status;
        }
        emu.webhooks().emit(op.shop, "bulk_operations/finish", RestShapes.bulkFinish(toMap(op), op.shop.gen.zone));
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

    /** How the nodes of one selection set become rows: the query's fields in order, each a value or a nested connection. */
    private record RowPlan(List<RowField> fields, String[] rowKeys, int parentIdKey) {}

    /**
     * One field of a row's selection: a value copied into the row, or a nested connection whose nodes become lines of their
     * own (its first node selection defines them; null when it has none).
     */
    private record RowField(String key, boolean connection, SelectionSet connectionSs, NodeSel nodes, RowPlan childPlan) {}

    /** A growable list of line numbers. */
    private static final class Order {
        private int[] items = new int[16];
        private int size;

        void add(int i) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            items[size++] = i;
        }

        void addAll(Order o) {
            for (int i = 0; i < o.size; i++) {
                add(o.items[i]);
            }
        }

        int get(int i) {
            return items[i];
        }

        int size() {
            return size;
        }

        void clear() {
            size = 0;
        }
    }

    /** Turns the nodes of one operation into JSONL lines; the row plans are worked out once per selection set. */
    private final class Emitter {
        final Op op;
        final Map<String, FragmentDefinition> fragments;
        private final JsonlLines lines = new JsonlLines();
        private final Order order = new Order();
        private final Map<SelectionSet, RowPlan> plans = new IdentityHashMap<>();

        Emitter(Op op, Map<String, FragmentDefinition> fragments) {
            this.op = op;
            this.fragments = fragments;
        }

        RowPlan plan(SelectionSet ss, GraphQLObjectType type) {
            RowPlan p = plans.get(ss);
            if (p == null) {
                p = newPlan(ss, type);
                plans.put(ss, p);
            }
            return p;
        }

        private RowPlan newPlan(SelectionSet ss, GraphQLObjectType type) {
            List<RowField> out = new ArrayList<>();
            Set<String> rowKeys = new LinkedHashSet<>();
            for (Field f : fields(ss, fragments)) {
                String key = f.getAlias() != null ? f.getAlias() : f.getName();
                GraphQLFieldDefinition fd = type.getFieldDefinition(f.getName());
                if (fd != null && CostCalculator.isConnection(GraphQLTypeUtil.unwrapAll(fd.getType()))) {
                    GraphQLObjectType conn = (GraphQLObjectType) GraphQLTypeUtil.unwrapAll(fd.getType());
                    List<NodeSel> sels = nodeSelections(f.getSelectionSet(), conn, fragments);
                    NodeSel ns = sels.isEmpty() ? null : sels.get(0);
                    out.add(new RowField(key, true, f.getSelectionSet(), ns, ns == null ? null : plan(ns.ss, ns.type)));
                } else {
                    out.add(new RowField(key, false, null, null, null));
                    rowKeys.add(key); // a key selected twice stays where it first was, as in the row map before
                }
            }
            String[] keys = rowKeys.toArray(new String[0]);
            return new RowPlan(out, keys, Arrays.asList(keys).indexOf("__parentId"));
        }

        /** Writes one root object's lines to the file; false when the injected failure ended the operation there. */
        boolean write(Map<String, Object> node, RowPlan plan, BufferedWriter out) throws IOException {
            lines.clear();
            order.clear();
            emitNode(node, plan, null, order);
            for (int i = 0; i < order.size(); i++) {
                if (op.failAfter >= 0 && op.objectCount.get() >= op.failAfter) {
                    out.flush();
                    finish(op, "FAILED", op.failCode);
                    return false;
                }
                lines.writeTo(out, order.get(i));
                out.write('\n');
                op.objectCount.incrementAndGet();
            }
            return true;
        }

        /**
         * Writes one node's line and its children's lines, and adds them to {@code order} in the order they go to the file:
         * children first for some parents unless groupObjects.
         */
        @SuppressWarnings("unchecked")
        void emitNode(Map<String, Object> node, RowPlan plan, String parentId, Order order) throws IOException {
            String myId = node.get("id") instanceof String s ? s : null;
            Order children = null;
            for (RowField f : plan.fields()) {
                if (f.connection() && f.nodes() != null && node.get(f.key()) instanceof Map<?, ?> cm) {
                    for (Map<String, Object> child : nodesOf((Map<String, Object>) cm, f.connectionSs(), fragments, f.nodes())) {
                        if (children == null) {
                            children = new Order();
                        }
                        emitNode(child, f.childPlan(), myId, children);
                    }
                }
            }
            lines.beginRow();
            String[] keys = plan.rowKeys();
            for (int i = 0; i < keys.length; i++) {
                // a selected __parentId is overwritten in place by the parent's id, as the second put into the row map did
                lines.field(keys[i], i == plan.parentIdKey() && parentId != null ? parentId : node.get(keys[i]));
            }
            if (parentId != null && plan.parentIdKey() < 0) {
                lines.field("__parentId", parentId);
            }
            int line = lines.endRow();
            boolean childrenFirst = !op.groupObjects && children != null && myId != null
                    && Rng.below(Rng.hash(op.shop.gen.seed, myId.hashCode()), 4) == 0;
            if (childrenFirst) {
                order.addAll(children);
                order.add(line);
            } else {
                order.add(line);
                if (children != null) {
                    order.addAll(children);
                }
            }
        }
    }

    @Override
    public void close() {
        for (List<Op> list : ops.values()) {
            for (Op op : list) {
                op.cancelRequested = true;
            }
        }
        runner.shutdownNow();
    }
}
