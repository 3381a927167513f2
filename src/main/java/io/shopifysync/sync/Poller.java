package io.shopifysync.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.ShopCredentials;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.catalog.Gid;
import io.shopifysync.catalog.Resource;
import io.shopifysync.scopes.AccessScopes;
import io.shopifysync.shopify.GraphqlRequest;
import io.shopifysync.shopify.ShopifyApiException;
import io.shopifysync.shopify.ShopifyGraphql;
import io.shopifysync.shopify.ShopifyHttp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps INCREMENTAL resources fresh: pages through {@code updated_at >= high-water mark − overlap} sorted
 * by UPDATED_AT, committing each page with the mark; hands large catch-ups to a filtered bulk operation;
 * finds deletions through destroy events or by reconciling the id sets with the store.
 */
public class Poller {

    /** Exchange properties the dead-letter route reads (routes/dead-letter.yaml), set by {@link #failed} for a permanent failure. */
    public static final String DEAD_LETTER_SOURCE = "deadLetterSource";
    public static final String DEAD_LETTER_REASON = "deadLetterReason";

    private static final Logger LOG = LoggerFactory.getLogger(Poller.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter SEARCH_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'");
    private static final String RUN_BULK = "mutation RunBulk($query: String!) { bulkOperationRunQuery(query: $query) "
            + "{ bulkOperation { id status createdAt } userErrors { field message code } } }";
    private static final String CHECK_BULK = "query Bulk($id: ID!) { bulkOperation(id: $id) { id status errorCode objectCount url } }";
    private static final String EXPECTED_IDS = "reconcileObjectCount";
    private static final String EVENTS = "query Events($first: Int!, $after: String, $query: String) { events(first: $first, "
            + "after: $after, query: $query, sortKey: CREATED_AT) { edges { node { id action createdAt ... on BasicEvent "
            + "{ subjectId subjectType } } } pageInfo { hasNextPage endCursor } } }";

    /** The knobs of polling, from application.properties. */
    public record Settings(Duration overlap, long catchUpThreshold, Duration reconcileEvery, Duration pollBudget) {
    }

    private final Catalog catalog;
    private final Accounts accounts;
    private final SyncStateStore state;
    private final ShopifyGraphql graphql;
    private final ResourceWriter writer;
    private final ShopHealth shopHealth;
    private final Settings settings;
    private final PageReads pages;
    private AccessScopes scopes;

    public Poller(Catalog catalog, Accounts accounts, SyncStateStore state, ShopifyGraphql graphql, PageReads pages,
                  ResourceWriter writer, ShopHealth shopHealth, Settings settings) {
        this.catalog = catalog;
        this.accounts = accounts;
        this.state = state;
        this.graphql = graphql;
        this.pages = pages;
        this.writer = writer;
        this.shopHealth = shopHealth;
        this.settings = settings;
    }

    /** With the shops' access scopes known, reconciliation never judges rows older than the window the store shows. */
    public void setAccessScopes(AccessScopes scopes) {
        this.scopes = scopes;
    }

    /** Installed shops whose resource is INCREMENTAL (resources in BACKFILL are the import route's). */
    public List<String> shopsToPoll(@ExchangeProperty("resource") String resource) {
        catalog.resource(resource);
        return state.shopsIn(resource, SyncState.INCREMENTAL);
    }

    /** What the poll route does with a shop's window ({@value #ACTION_HEADER} header). */
    public enum Action { PAGES, CATCH_UP_BY_BULK }

    public static final String ACTION_HEADER = "pollAction";
    /** Exchange properties of a poll: the window's lower bound, and whether it continues one a budget left unfinished. */
    static final String WINDOW_FROM = "pollWindowFrom";
    static final String WINDOW_WAS_OPEN = "pollWindowWasOpen";
    static final String PAGED = "pollPaged";
    private static final String CHANGED = "pollChanged";

    /**
     * The window to read: the open one from its stored cursor, else {@code updated_at >= mark − overlap}. A new window
     * first counts the changes: above {@code poll.catch-up.threshold} the route hands them to a bulk operation.
     * Sets the page loop's properties ({@link PageReads}) and the {@value #ACTION_HEADER} header.
     */
    public void startWindow(Exchange exchange) {
        String shop = exchange.getProperty("shop", String.class);
        String resource = exchange.getProperty("resource", String.class);
        Resource r = catalog.resource(resource);
        SyncStateStore.PollState ps = state.pollState(shop, resource).orElseThrow();
        SyncStateStore.PollWindow open = ps.openWindow();
        OffsetDateTime from = open != null ? open.from() : ps.highWaterMark() == null
                ? OffsetDateTime.parse("1970-01-01T00:00:00Z") : ps.highWaterMark().minus(settings.overlap());
        String filter = updatedSince(from);
        exchange.setProperty(WINDOW_FROM, from);
        exchange.setProperty(WINDOW_WAS_OPEN, open != null);
        exchange.getMessage().setHeader(ACTION_HEADER, Action.PAGES.name());
        pages.start(exchange, Pager.SortKey.UPDATED_AT, filter, open == null ? null : open.cursor());
        if (open == null && settings.catchUpThreshold() > 0) {
            // counted from the whole second after the mark (the search syntax, Shopify's timestamps and a bulk's createdAt
            // have seconds): the overlap, and the mark's own second, hold what a bulk catch-up or the last page already
            // stored, which must not go to another bulk operation; the page window below still reads all of it
            String counted = ps.highWaterMark() == null ? filter : updatedSince(secondAfter(ps.highWaterMark()));
            JsonNode count = graphql.execute(credentials(shop), r.countQuery(counted), Map.of()).path(r.count());
            long changed = count.path("count").asLong();
            // AT_LEAST: a server still capped the count: at least this many changed, maybe more
            boolean atLeast = "AT_LEAST".equals(count.path("precision").asText());
            if (changed > settings.catchUpThreshold() || atLeast && changed >= settings.catchUpThreshold()) {
                exchange.setProperty(CHANGED, changed);
                exchange.getMessage().setHeader(ACTION_HEADER, Action.CATCH_UP_BY_BULK.name());
            }
        }
    }

    /** Hands a large catch-up to the import route: BACKFILL with a bulk operation filtered to the window. */
    public void catchUpByBulk(Exchange exchange) {
        String shop = exchange.getProperty("shop", String.class);
        String resource = exchange.getProperty("resource", String.class);
        long changed = exchange.getProperty(CHANGED, 0L, Long.class);
        LOG.info("{} {}: {} objects changed since {}; catching up with a bulk operation", shop, resource, changed,
                exchange.getProperty(WINDOW_FROM));
        state.catchUpByBulk(shop, resource, exchange.getProperty(PageReads.FILTER, String.class), changed);
    }

    /** The page loop ended: the window is read to its end, or continues next time from the cursor after the last page. */
    public void polled(Exchange exchange) {
        String shop = exchange.getProperty("shop", String.class);
        String resource = exchange.getProperty("resource", String.class);
        OffsetDateTime from = exchange.getProperty(WINDOW_FROM, OffsetDateTime.class);
        boolean more = exchange.getProperty(PageReads.HAS_NEXT, false, Boolean.class);
        String cursor = exchange.getProperty(PageReads.CURSOR, String.class);
        exchange.setProperty(PAGED, true);
        state.polled(shop, resource, more && cursor != null ? new SyncStateStore.PollWindow(from, cursor) : null);
        long rows = exchange.getProperty(PageReads.ROOTS_READ, 0L, Long.class);
        if (rows > 0) {
            LOG.info("{} {}: polled {} changed objects since {}{}", shop, resource, rows, from,
                    more ? " (the window continues next time)" : "");
        }
    }

    /** Exchange properties of the destroy-event loop (routes/poll.yaml). */
    static final String EVENTS_QUERY = "eventsQuery";
    static final String EVENTS_CURSOR = "eventsCursor";
    static final String EVENTS_HAS_NEXT = "eventsHasNextPage";
    static final String DESTROYED = "destroyedIds";
    static final String DESTROYED_LATEST = "destroyedLatest";
    static final String DELETIONS_CHECK_START = "deletionsCheckStart";
    /** Exchange properties of the reconciliation's status checks (routes/poll.yaml). */
    static final String RECONCILE_OPERATION_ID = "reconcileOperationId";
    static final String RECONCILE_STATUS = "reconcileStatus";
    static final String RECONCILE_OPERATION = "reconcileOperation";
    static final String RECONCILE_WAIT = "reconcileWaitMs";
    static final String RECONCILE_DELAY = "reconcileDelayMs";

    /** Whether the resource's deletions are logged as destroy events (else the id reconciliation finds them). */
    public boolean deletionsByEvents(@ExchangeProperty("resource") String resource) {
        return "events".equals(catalog.resource(resource).deletions());
    }

    /** The destroy-event loop starts: events since the last check (or the mark) minus the overlap, from the first page. */
    public void startDeletionEvents(Exchange exchange) {
        String shop = exchange.getProperty("shop", String.class);
        Resource r = catalog.resource(exchange.getProperty("resource", String.class));
        SyncStateStore.PollState ps = state.pollState(shop, r.name()).orElseThrow();
        OffsetDateTime checkStart = state.now();
        OffsetDateTime since = (ps.deletionsCheckedAt() != null ? ps.deletionsCheckedAt() : ps.highWaterMark() == null
                ? checkStart : ps.highWaterMark()).minus(settings.overlap());
        exchange.setProperty(EVENTS_QUERY, "subject_type:" + r.eventSubject() + " action:destroy created_at:>='" + searchTime(since) + "'");
        exchange.setProperty(DELETIONS_CHECK_START, checkStart);
        exchange.setProperty(EVENTS_CURSOR, null);
        exchange.setProperty(EVENTS_HAS_NEXT, true);
        exchange.setProperty(DESTROYED, new ArrayList<Long>());
        exchange.removeProperty(DESTROYED_LATEST);
    }

    /** The next page of destroy events: body = the {@link GraphqlRequest} direct:shopify-graphql takes. */
    public GraphqlRequest eventsRequest(@ExchangeProperty(EVENTS_QUERY) String query, @ExchangeProperty(EVENTS_CURSOR) String after) {
        Map<String, Object> vars = new HashMap<>();
        vars.put("first", 250);
        vars.put("after", after);
        vars.put("query", query);
        return new GraphqlRequest(EVENTS, vars);
    }

    /** A page of events (body = the answer's data): the destroyed ids and the latest destroy, where the next page starts. */
    public void destroyedOnPage(Exchange exchange) {
        JsonNode conn = exchange.getMessage().getBody(JsonNode.class).path("events");
        @SuppressWarnings("unchecked")
        List<Long> deleted = exchange.getProperty(DESTROYED, List.class);
        OffsetDateTime latest = exchange.getProperty(DESTROYED_LATEST, OffsetDateTime.class);
        for (JsonNode edge : conn.path("edges")) {
            JsonNode e = edge.path("node");
            if ("destroy".equals(e.path("action").asText()) && e.hasNonNull("subjectId")) {
                deleted.add(Gid.numericId(e.get("subjectId").asText()));
                OffsetDateTime at = OffsetDateTime.parse(e.path("createdAt").asText());
                latest = latest == null || at.isAfter(latest) ? at : latest;
            }
        }
        if (latest != null) {
            exchange.setProperty(DESTROYED_LATEST, latest);
        }
        boolean more = conn.path("pageInfo").path("hasNextPage").asBoolean(false);
        exchange.setProperty(EVENTS_HAS_NEXT, more);
        exchange.setProperty(EVENTS_CURSOR, more ? conn.path("pageInfo").path("endCursor").asText() : null);
    }

    /** Tombstones what the events destroyed (at the latest destroy's time) and records the check. */
    public void tombstoneDestroyed(Exchange exchange) {
        String shop = exchange.getProperty("shop", String.class);
        Resource r = catalog.resource(exchange.getProperty("resource", String.class));
        @SuppressWarnings("unchecked")
        List<Long> deleted = exchange.getProperty(DESTROYED, List.class);
        OffsetDateTime checkStart = exchange.getProperty(DELETIONS_CHECK_START, OffsetDateTime.class);
        OffsetDateTime latest = exchange.getProperty(DESTROYED_LATEST, OffsetDateTime.class);
        int n = writer.tombstone(shop, r.table(), deleted, latest == null ? checkStart : latest);
        state.deletionsChecked(shop, r.name(), checkStart);
        if (n > 0) {
            LOG.info("{} {}: {} deleted in the store (destroy events); tombstoned", shop, r.name(), n);
        }
    }

    /**
     * Reconciliation for resources without destroy events: an id-only bulk query lists what exists. Starts the
     * operation when due; when there is one to look at, sets {@value #RECONCILE_STATUS} RUNNING for the route's status
     * checks ({@link #reconcileStatusRequest}, {@link #reconcileStatus}), which {@link #reconcileChecked} ends.
     */
    public void reconcile(Exchange exchange) {
        String shop = exchange.getProperty("shop", String.class);
        String resource = exchange.getProperty("resource", String.class);
        exchange.removeProperty(RECONCILE_STATUS);
        exchange.removeProperty(RECONCILE_OPERATION);
        Resource r = catalog.resource(resource);
        if (!"reconcile".equals(r.deletions()) || !r.storesRoots()) {
            return;
        }
        SyncStateStore.PollState ps = state.pollState(shop, resource).orElseThrow();
        String operationId = ps.reconcileOperationId();
        if (operationId == null) {
            if (ps.reconciledAt() != null && ps.reconciledAt().plus(settings.reconcileEvery()).isAfter(state.now())) {
                return;
            }
            if (state.load(shop, resource).map(SyncState::bulkRefused).orElse(false)) {
                return; // the id list needs a bulk operation, which the store refuses: deletions come from webhooks only
            }
            if (scopes != null) {
                scopes.refresh(shop); // the snapshot is judged with the scopes it was taken under
            }
            JsonNode result;
            try {
                result = graphql.execute(credentials(shop), RUN_BULK, Map.of("query", r.idsQuery())).path("bulkOperationRunQuery");
            } catch (ShopifyApiException e) {
                if (!state.bulkRefusedBy(shop, resource, e)) { // the id list needs a bulk operation: no reconciliation then
                    throw e;
                }
                return;
            }
            if (result.path("userErrors").size() > 0) {
                LOG.debug("{} {}: reconciliation waits: {}", shop, resource, result.path("userErrors"));
                return;
            }
            JsonNode op = result.path("bulkOperation");
            OffsetDateTime started = op.hasNonNull("createdAt") ? OffsetDateTime.parse(op.get("createdAt").asText()) : state.now();
            operationId = op.path("id").asText();
            state.reconcileStarted(shop, resource, operationId, started); // a small id list is often ready at once: look now
        }
        exchange.setProperty(RECONCILE_OPERATION_ID, operationId);
        exchange.setProperty(RECONCILE_STATUS, "RUNNING");
        exchange.setProperty(RECONCILE_WAIT, 50L);
    }

    /** The status check of the reconciliation's operation: body = the {@link GraphqlRequest} direct:shopify-graphql takes. */
    public GraphqlRequest reconcileStatusRequest(@ExchangeProperty(RECONCILE_OPERATION_ID) String operationId) {
        return new GraphqlRequest(CHECK_BULK, Map.of("id", operationId));
    }

    /**
     * The operation's status from the answer (body = data); while it runs, the wait before the next look
     * ({@value #RECONCILE_DELAY}: 50 ms doubling, {@value #RECONCILE_WAIT} the one after it).
     */
    public void reconcileStatus(Exchange exchange) {
        JsonNode op = exchange.getMessage().getBody(JsonNode.class).path("bulkOperation");
        String status = op.path("status").asText("MISSING");
        exchange.setProperty(RECONCILE_OPERATION, op);
        exchange.setProperty(RECONCILE_STATUS, status);
        if (status.equals("CREATED") || status.equals("RUNNING")) {
            long wait = exchange.getProperty(RECONCILE_WAIT, 50L, Long.class);
            exchange.setProperty(RECONCILE_DELAY, wait);
            exchange.setProperty(RECONCILE_WAIT, wait * 2);
        }
    }

    /**
     * After the status checks: still running is left to the next poll; a failed operation is forgotten (the next
     * reconciliation exports anew); COMPLETED sets {@link ShopifyHttp#URL} so the route downloads the id list for
     * {@link #reconcileIds}, or, without a list, the store has none left.
     */
    public void reconcileChecked(Exchange exchange) {
        exchange.removeProperty(ShopifyHttp.URL); // the status checks' GraphQL calls left their endpoint there: only a list's link may follow
        String status = exchange.getProperty(RECONCILE_STATUS, String.class);
        if (status == null || status.equals("CREATED") || status.equals("RUNNING")) {
            return;
        }
        String shop = exchange.getProperty("shop", String.class);
        Resource r = catalog.resource(exchange.getProperty("resource", String.class));
        SyncStateStore.PollState ps = state.pollState(shop, r.name()).orElseThrow();
        if (!status.equals("COMPLETED")) {
            LOG.warn("{} {}: reconciliation operation {} ended {}; trying again later", shop, r.name(), ps.reconcileOperationId(), status);
            state.reconcileStarted(shop, r.name(), null, null);
            return;
        }
        JsonNode op = exchange.getProperty(RECONCILE_OPERATION, JsonNode.class);
        if (op.hasNonNull("url")) {
            exchange.setProperty(ShopifyHttp.URL, op.get("url").asText());
            exchange.setProperty(ShopifyHttp.RANGE_START, 0L);
            exchange.setProperty(EXPECTED_IDS, op.path("objectCount").asLong(-1));
        } else {
            finishReconcile(shop, r, ps, new long[0]); // the store has none left
        }
    }

    /** Compares the downloaded id list with the table: live rows changed before the snapshot and absent from it are tombstoned. */
    public void reconcileIds(Exchange exchange) throws IOException {
        String shop = exchange.getProperty("shop", String.class);
        Resource r = catalog.resource(exchange.getProperty("resource", String.class));
        SyncStateStore.PollState ps = state.pollState(shop, r.name()).orElseThrow();
        long[] ids;
        try (InputStream in = exchange.getMessage().getBody(InputStream.class)) {
            ids = storeIds(in);
        }
        long expected = exchange.getProperty(EXPECTED_IDS, -1L, Long.class);
        if (expected >= 0 && ids.length != expected) {
            // a truncated list would tombstone live rows: never act on it
            throw new ShopifyApiException(ShopifyApiException.Kind.TRANSIENT, 200, "reconciliation read " + ids.length
                    + " ids but the operation reported " + expected);
        }
        finishReconcile(shop, r, ps, ids);
    }

    private void finishReconcile(String shop, Resource r, SyncStateStore.PollState ps, long[] existing) {
        List<Long> gone = new ArrayList<>();
        // without the history scope the store lists only recent objects: older rows are not in the snapshot, so not judged
        Optional<OffsetDateTime> visibleFrom = scopes == null ? Optional.empty()
                : scopes.judgedVisibleFrom(shop, r, ps.reconcileStartedAt());
        List<Long> candidates = visibleFrom.isEmpty() ? state.liveIdsBefore(shop, r.table(), ps.reconcileStartedAt())
                : state.liveIdsCreatedSinceBefore(shop, r.table(), r.historyLimit().createdColumn(), visibleFrom.get(),
                        ps.reconcileStartedAt());
        for (long id : candidates) {
            if (Arrays.binarySearch(existing, id) < 0) {
                gone.add(id);
            }
        }
        int n = writer.tombstone(shop, r.table(), gone, ps.reconcileStartedAt());
        state.reconciled(shop, r.name());
        LOG.info("{} {}: reconciled {} ids with the store{}; {} deleted there, tombstoned", shop, r.name(), existing.length,
                visibleFrom.map(t -> " (only rows created since " + t + ": history limited)").orElse(""), n);
    }

    /** The ids of an id-only bulk result, sorted; 8 bytes per object. */
    static long[] storeIds(InputStream in) throws IOException {
        long[] ids = new long[1024];
        int n = 0;
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node = JSON.readTree(line); // Shopify may escape slashes: gid:\/\/shopify\/Order\/1
            if (n == ids.length) {
                ids = Arrays.copyOf(ids, n * 2);
            }
            ids[n++] = Gid.numericId(node.path("id").asText());
        }
        long[] out = Arrays.copyOf(ids, n);
        Arrays.sort(out);
        return out;
    }

    /** The poll route's error handler: classify, record, back off. */
    public void failed(Exchange exchange) {
        String shop = exchange.getProperty("shop", String.class);
        String resource = exchange.getProperty("resource", String.class);
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String message = ShopifyApiException.describe(e);
        if (exchange.getProperty(WINDOW_WAS_OPEN, false, Boolean.class) && !exchange.getProperty(PAGED, false, Boolean.class)) {
            state.forgetPollWindow(shop, resource); // the stored cursor may be what failed: the next window starts from the mark
        }
        if (e instanceof ShopifyHttp.ResultUnusable) {
            state.reconcileStarted(shop, resource, null, null); // the id list's link is dead: the next reconciliation exports anew
        }
        if (e instanceof ShopifyApiException api && !api.isTransient()) {
            // the route records the dead letter (direct:dead-letter) when these properties are set
            String letter = shopHealth.permanentFailureLetter(shop, resource, api, "poll-" + resource);
            if (letter != null) {
                exchange.setProperty(DEAD_LETTER_SOURCE, "poll-" + resource);
                exchange.setProperty(DEAD_LETTER_REASON, letter);
            }
            state.failed(shop, resource, message, Duration.ofMinutes(5));
            return;
        }
        int attempts = state.load(shop, resource).map(SyncState::attempts).orElse(0);
        LOG.warn("{} {}: poll failed (attempt {}): {}", shop, resource, attempts + 1, message,
                e instanceof ShopifyApiException ? null : e);
        state.failed(shop, resource, message, BulkImporter.backoff(attempts));
    }

    /** The search filter of objects updated at or after {@code t} (to the second, as the search syntax has it). */
    private static String updatedSince(OffsetDateTime t) {
        return "updated_at:>='" + searchTime(t) + "'";
    }

    static OffsetDateTime secondAfter(OffsetDateTime t) {
        return t.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    }

    static String searchTime(OffsetDateTime t) {
        return t.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).format(SEARCH_TIME);
    }

    private ShopCredentials credentials(String shop) {
        return accounts.credentials(shop).orElseThrow(() -> new IllegalStateException("shop " + shop + " is not registered"));
    }
}
