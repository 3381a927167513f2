package io.shopifysync.sync;

import com.fasterxml.jackson.databind.JsonNode;
import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.ShopCredentials;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.catalog.Resource;
import io.shopifysync.shopify.AccessDeniedException;
import io.shopifysync.shopify.ShopifyApiException;
import io.shopifysync.shopify.ShopifyGraphql;
import io.shopifysync.shopify.ShopifyHttp;
import io.shopifysync.shopify.Throttles;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first import of one shop and resource, one step per call, with all progress in {@code sync_state}:
 * start a bulk operation (or resume the recorded one), follow it, stream its result into the tables,
 * then move the resource to INCREMENTAL with a high-water mark of the bulk start (polls re-read from it minus the overlap).
 * When bulk operations keep failing it falls back to paging with the same per-shop throttle.
 */
public class BulkImporter {

    /** Exchange properties the dead-letter route reads (routes/dead-letter.yaml), set by {@link #failed} for a permanent failure. */
    public static final String DEAD_LETTER_SOURCE = "deadLetterSource";
    public static final String DEAD_LETTER_REASON = "deadLetterReason";

    /** What the import route does next for one shop and resource. */
    public enum Action { START_BULK, CHECK_BULK, INGEST, READ_PAGES, NONE }

    public static final String ACTION_HEADER = "importAction";
    private static final Logger LOG = LoggerFactory.getLogger(BulkImporter.class);
    private static final String RUN_BULK = "mutation RunBulk($query: String!) { bulkOperationRunQuery(query: $query) "
            + "{ bulkOperation { id status createdAt } userErrors { field message code } } }";
    private static final String CHECK_BULK = "query Bulk($id: ID!) { bulkOperation(id: $id) { id status errorCode "
            + "createdAt completedAt objectCount rootObjectCount fileSize url partialDataUrl } }";
    private static final int BULK_FAILURES_BEFORE_PAGING = 3;
    /** The search filter that continues a bulk read after partial data: the last root may be incomplete, so >=. */
    private static final String ID_FLOOR = "id:>=";

    private final Catalog catalog;
    private final Accounts accounts;
    private final SyncStateStore state;
    private final ShopifyGraphql graphql;
    private final BulkIngest ingest;
    private final ResourceWriter writer;
    private final Pager pager;
    private final Throttles throttles;
    private final ShopHealth shopHealth;
    private final Duration overlap;
    private final boolean pagedOnly;
    private final String onlyShop;

    public BulkImporter(Catalog catalog, Accounts accounts, SyncStateStore state, ShopifyGraphql graphql, BulkIngest ingest,
                        ResourceWriter writer, Pager pager, Throttles throttles, ShopHealth shopHealth, Duration overlap, boolean pagedOnly, String onlyShop) {
        this.catalog = catalog;
        this.accounts = accounts;
        this.state = state;
        this.graphql = graphql;
        this.ingest = ingest;
        this.writer = writer;
        this.pager = pager;
        this.throttles = throttles;
        this.shopHealth = shopHealth;
        this.overlap = overlap;
        this.pagedOnly = pagedOnly;
        this.onlyShop = onlyShop;
    }

    /** Shops whose resource still needs its first import; creates the rows of new shops and new resources first. */
    public List<String> shopsToImport(@ExchangeProperty("resource") String resource) {
        catalog.resource(resource);
        state.ensureRows(resource);
        List<String> shops = state.shopsIn(resource, SyncState.BACKFILL);
        return onlyShop == null ? shops : shops.stream().filter(onlyShop::equals).toList();
    }

    /** Decides the next step from {@code sync_state} and puts it in the {@value #ACTION_HEADER} header. */
    public void nextAction(Exchange exchange) {
        String shop = exchange.getProperty("shop", String.class);
        String resource = exchange.getProperty("resource", String.class);
        exchange.getMessage().setHeader(ACTION_HEADER, decide(shop, resource).name());
    }

    Action decide(String shop, String resource) {
        SyncState s = state.load(shop, resource).orElse(null);
        if (s == null || !s.isBackfill()) {
            return Action.NONE;
        }
        if (pagedOnly || s.paged()) {
            return Action.READ_PAGES;
        }
        if (s.bulkOperationId() == null) {
            return Action.START_BULK;
        }
        return switch (s.bulkStatus() == null ? "CREATED" : s.bulkStatus()) {
            case "COMPLETED", "PARTIAL" -> Action.INGEST;
            default -> Action.CHECK_BULK;
        };
    }

    public void startBulk(@ExchangeProperty("shop") String shop, @ExchangeProperty("resource") String resource) {
        Resource r = catalog.resource(resource);
        ShopCredentials creds = credentials(shop);
        SyncState s = state.load(shop, resource).orElseThrow();
        Long total = graphql.execute(creds, r.countQuery(s.bulkFilter()), Map.of()).path(r.count()).path("count").asLong();
        JsonNode result;
        try {
            result = graphql.execute(creds, RUN_BULK, Map.of("query", r.bulkQuery(s.bulkFilter()))).path("bulkOperationRunQuery");
        } catch (ShopifyApiException e) {
            if (!state.bulkRefusedBy(shop, resource, e)) { // this app may not run bulk operations here: page instead
                throw e;
            }
            return;
        }
        JsonNode errors = result.path("userErrors");
        if (errors.size() > 0) {
            String message = errors.toString();
            if (message.contains("already in progress") || message.contains("OPERATION_IN_PROGRESS")
                    || message.contains("LIMIT_REACHED")) {
                LOG.info("{} {}: another bulk operation is running; waiting", shop, resource);
                state.failed(shop, resource, "waiting: another bulk operation is in progress", Duration.ofSeconds(5));
                return;
            }
            throw new ShopifyApiException(ShopifyApiException.Kind.QUERY_REJECTED, 200, "bulkOperationRunQuery refused: "
                    + ShopifyApiException.codesOf(errors));
        }
        JsonNode op = result.path("bulkOperation");
        OffsetDateTime startedAt = op.hasNonNull("createdAt") ? OffsetDateTime.parse(op.get("createdAt").asText()) : state.now();
        // a continuation keeps the start of the first operation: everything changed since then is polled
        OffsetDateTime start = s.bulkStartedAt() != null && s.bulkStartedAt().isBefore(startedAt) ? s.bulkStartedAt() : startedAt;
        state.bulkStarted(shop, resource, op.path("id").asText(), start, s.bulkFilter() == null ? total : null);
        LOG.info("{} {}: started bulk operation {} for {} objects", shop, resource, op.path("id").asText(), total);
    }

    public void checkBulk(@ExchangeProperty("shop") String shop, @ExchangeProperty("resource") String resource) {
        SyncState s = state.load(shop, resource).orElseThrow();
        JsonNode op = graphql.execute(credentials(shop), CHECK_BULK, Map.of("id", s.bulkOperationId())).path("bulkOperation");
        if (op.isMissingNode() || op.isNull()) {
            restart(shop, resource, s, "bulk operation " + s.bulkOperationId() + " no longer exists");
            return;
        }
        String status = op.path("status").asText();
        String errorCode = op.path("errorCode").asText(null);
        reportFinished(shop, resource, status, op);
        switch (status) {
            case "CREATED", "RUNNING", "CANCELING" -> state.bulkStatus(shop, resource, s.bulkOperationId(), status, null);
            case "COMPLETED" -> {
                String url = op.path("url").asText(null);
                if (url == null) {
                    finish(shop, resource); // nothing matched the query: no file
                } else {
                    state.bulkStatus(shop, resource, s.bulkOperationId(), "COMPLETED", url);
                }
            }
            default -> {
                if ("ACCESS_DENIED".equals(errorCode)) {
                    // the resource is paused; once resumed, a new operation starts (this one stays failed)
                    state.startOver(shop, resource);
                    throw AccessDeniedException.bulkOperationFailed(resource);
                }
                String partial = op.path("partialDataUrl").asText(null);
                if (partial != null) {
                    LOG.warn("{} {}: bulk operation {} {} ({}); keeping its partial data", shop, resource,
                            s.bulkOperationId(), status, errorCode);
                    state.bulkStatus(shop, resource, s.bulkOperationId(), "PARTIAL", partial);
                } else {
                    restart(shop, resource, s, "bulk operation " + ShopifyApiException.safeCode(status)
                            + (errorCode == null ? "" : " " + ShopifyApiException.safeCode(errorCode)));
                }
            }
        }
    }

    /** Sets the properties of the {@code shopify-bulk-download} route: the URL and where to resume. */
    public void prepareDownload(Exchange exchange) {
        SyncState s = state.load(exchange.getProperty("shop", String.class), exchange.getProperty("resource", String.class))
                .orElseThrow();
        exchange.setProperty(ShopifyHttp.URL, s.bulkResultUrl());
        exchange.setProperty(ShopifyHttp.RANGE_START, s.bulkBytesDone());
    }

    public void ingest(Exchange exchange) throws IOException {
        String shop = exchange.getProperty("shop", String.class);
        String resource = exchange.getProperty("resource", String.class);
        SyncState s = state.load(shop, resource).orElseThrow();
        long skip = exchange.getProperty(ShopifyHttp.SKIP_BYTES, 0L, Long.class);
        BulkIngest.Result result;
        try (InputStream in = exchange.getMessage().getBody(InputStream.class)) {
            if (in == null) {
                throw new ShopifyApiException(ShopifyApiException.Kind.TRANSIENT, 0, "empty bulk result download");
            }
            result = ingest.ingest(shop, catalog.resource(resource), s.bulkOperationId(), in, s.bulkBytesDone(), skip);
        }
        if ("PARTIAL".equals(s.bulkStatus())) {
            continueAfterPartial(shop, resource, s, result);
        } else {
            finish(shop, resource);
        }
    }

    /** Keeps partial data and reads the rest: after the last root read if roots came in id order, else everything. */
    private void continueAfterPartial(String shop, String resource, SyncState s, BulkIngest.Result result) {
        long previousFloor = s.bulkFilter() != null && s.bulkFilter().startsWith(ID_FLOOR)
                ? Long.parseLong(s.bulkFilter().substring(ID_FLOOR.length())) : Long.MIN_VALUE;
        if (result.rootObjects() == 0 || !result.rootIdsAscending() || result.maxRootId() <= previousFloor) {
            restart(shop, resource, s, "bulk operation failed without progress past " + s.bulkFilter());
            return;
        }
        String filter = ID_FLOOR + result.maxRootId();
        state.continueFrom(shop, resource, filter);
        LOG.info("{} {}: kept {} objects of partial data; continuing with {}", shop, resource, result.rootObjects(), filter);
    }

    /** The paged import read its last page (the import route's page loop, routes/import.yaml): INCREMENTAL from now on. */
    public void finishPaged(@ExchangeProperty("shop") String shop, @ExchangeProperty("resource") String resource) {
        finish(shop, resource);
    }

    private void finish(String shop, String resource) {
        SyncState s = state.load(shop, resource).orElseThrow();
        OffsetDateTime start = s.bulkStartedAt() == null ? state.now() : s.bulkStartedAt();
        // the mark is the bulk's start; the poller's window re-reads from mark − overlap (subtracting it here too made the
        // next poll count a catch-up's own objects again and start a second bulk operation for them)
        writer.finishBackfill(shop, catalog.resource(resource), start);
        LOG.info("{} {}: first import done ({} objects); now INCREMENTAL from {} (polls re-read from {})", shop, resource,
                s.rowsDone(), start, start.minus(overlap));
    }

    private void restart(String shop, String resource, SyncState s, String why) {
        if (s.attempts() + 1 >= BULK_FAILURES_BEFORE_PAGING) {
            LOG.warn("{} {}: {}; bulk failed {} times, falling back to paging", shop, resource, why, s.attempts() + 1);
            state.switchToPaged(shop, resource, state.now());
            return;
        }
        LOG.warn("{} {}: {}; starting a new bulk operation", shop, resource, why);
        state.startOver(shop, resource);
        state.failed(shop, resource, why, Duration.ofSeconds(1));
    }

    /** The import route's error handler: classify, record, back off; never a retry storm. */
    public void failed(Exchange exchange) {
        String shop = exchange.getProperty("shop", String.class);
        String resource = exchange.getProperty("resource", String.class);
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String message = ShopifyApiException.describe(e);
        SyncState s = state.load(shop, resource).orElse(null);
        int attempts = s == null ? 0 : s.attempts();
        if (e instanceof ShopifyHttp.ResultUnusable && s != null && s.bulkOperationId() != null) {
            // rows already read stay (upserts are newer-wins); the export runs again, and falls back to paging if that keeps happening
            restart(shop, resource, s, message);
            return;
        }
        if (e instanceof ShopifyApiException api && !api.isTransient()) {
            // the route records the dead letter (direct:dead-letter) when these properties are set
            String letter = shopHealth.permanentFailureLetter(shop, resource, api, "import-" + resource);
            if (letter != null) {
                exchange.setProperty(DEAD_LETTER_SOURCE, "import-" + resource);
                exchange.setProperty(DEAD_LETTER_REASON, letter);
            }
            state.failed(shop, resource, message, Duration.ofMinutes(5));
            return;
        }
        LOG.warn("{} {}: import step failed (attempt {}): {}", shop, resource, attempts + 1, message,
                e instanceof ShopifyApiException ? null : e);
        state.failed(shop, resource, message, backoff(attempts));
    }

    /** Exponential backoff with jitter: 1 s, 2 s, 4 s … capped at 5 minutes. */
    static Duration backoff(int attempts) {
        long base = Math.min(300_000L, 1000L << Math.min(attempts, 18));
        return Duration.ofMillis(base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
    }

    private ShopCredentials credentials(String shop) {
        return accounts.credentials(shop).orElseThrow(() -> new IllegalStateException("shop " + shop + " is not registered"));
    }

    private volatile SyncEvents events = SyncEvents.NONE;

    /** Where finished bulk operations and ingest runs are reported (metrics). */
    public void setEvents(SyncEvents events) {
        this.events = events;
        ingest.setEvents(events);
    }

    public SyncEvents events() {
        return events;
    }

    private void reportFinished(String shop, String resource, String status, JsonNode op) {
        if (op.hasNonNull("createdAt") && op.hasNonNull("completedAt")) {
            events.bulkOperationFinished(shop, resource, status, java.time.Duration.between(
                    OffsetDateTime.parse(op.get("createdAt").asText()), OffsetDateTime.parse(op.get("completedAt").asText())));
        }
    }
}
