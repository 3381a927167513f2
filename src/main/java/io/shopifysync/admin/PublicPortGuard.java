package io.shopifysync.admin;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import io.shopifysync.config.AppConfig;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs on the public port's event loop before any route reads a body, so a stranger cannot make us hold bytes.
 * In order: only the query parameters a route documents (never a header smuggled into the URL); credentials shown
 * before the body (a webhook's {@code X-Shopify-Hmac-Sha256}, the admin API's valid bearer token); a declared size
 * within the route's limit; room in the bounded budget of bodies being received; and the whole body within
 * {@code bodyTimeoutMillis}. Keep-alive connections idle for {@code idleSeconds} are closed. A refusal answers JSON
 * and closes the connection, so the rest of an unwanted body is never read.
 */
public final class PublicPortGuard implements AuthenticationHandler {

    private static final Logger LOG = LoggerFactory.getLogger(PublicPortGuard.class);
    static final String WEBHOOK_PATH = "/webhooks/shopify";
    private static final String IDLE_HANDLER = "shopify-sync-idle";
    /** Most bytes of a refused request read into nothing so its client gets the answer; past it the connection is cut. */
    static final long DRAIN_LIMIT_BYTES = 16L * 1024 * 1024;
    /** The query parameters each path takes; every other one is refused (the routes read only headers). */
    private static final Map<String, Set<String>> QUERY_PARAMETERS = Map.of("/admin/shops", Set.of("shop"));

    /** Limits of the public port; see application.properties ("HTTP"). */
    public record Limits(long webhookMaxBodyBytes, long adminMaxBodyBytes, long largeBodyBudgetBytes, int smallBodies,
                         long smallBodyBytes, long bodyTimeoutMillis, int idleSeconds) {
    }

    private final AdminAuth adminAuth;
    private final Limits limits;
    private final AtomicLong largeBodyBytes = new AtomicLong();
    private final AtomicInteger smallBodyCount = new AtomicInteger();
    private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
    private final AtomicLong lastSummary = new AtomicLong(System.nanoTime());
    private volatile boolean started;

    public PublicPortGuard(AdminAuth adminAuth, Limits limits) {
        this.adminAuth = adminAuth;
        this.limits = limits;
    }

    /** Guards Camel's main HTTP server (webhooks, admin API, status page); called before the context starts. */
    public static PublicPortGuard install(CamelContext context, AppConfig config) {
        MainHttpServer server = context.hasService(MainHttpServer.class);
        if (server == null) {
            if (config.getBoolean("camel.server.enabled")) {
                throw new IllegalStateException("camel.server.enabled is true but Camel created no HTTP server to guard");
            }
            return null; // the foreground import and the CLI start no HTTP server
        }
        PublicPortGuard guard = new PublicPortGuard(new AdminAuth(config.get("admin.token").orElse(null)), new Limits(
                (long) config.getInt("webhook.max.body.bytes"),
                (long) config.getInt("http.admin.max.body.bytes"),
                (long) config.getInt("http.large.bodies.budget.bytes"),
                config.getInt("http.small.bodies.max"),
                (long) config.getInt("http.small.body.bytes"),
                (long) config.getInt("http.body.timeout.ms"),
                config.getInt("http.idle.timeout.seconds")));
        HttpGuards.guardEveryPath(server.getConfiguration(), guard);
        context.getRegistry().bind("publicPortGuard", guard);
        addStartupListener(context, new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) {
                // the router exists once the server started; without a failure handler Vert.x logs every client that
                // hangs up mid-body as an unhandled ERROR with a stack trace
                server.getRouter().route().failureHandler(PublicPortGuard::failed);
                guard.started = true;
            }
        });
        return guard;
    }

    private static void addStartupListener(CamelContext context, ExtendedStartupListener listener) {
        try {
            context.addStartupListener(listener);
        } catch (Exception e) {
            throw new IllegalStateException("cannot guard the public port: " + e.getMessage(), e);
        }
    }

    /**
     * The failure handler of every public route: a client that went away (mid-body, mostly) is routine and logged at
     * DEBUG; a refusal by Vert.x itself (e.g. 413) answers JSON; anything else is an ERROR with its stack trace.
     */
    static void failed(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        int status = ctx.statusCode();
        boolean clientGone = failure instanceof HttpClosedException || failure instanceof java.io.IOException;
        if (clientGone) {
            LOG.debug("client went away during a request to {}: {}", ctx.normalizedPath(), failure.toString());
        } else if (failure == null && status >= 400 && status < 500) {
            LOG.debug("request to {} refused with {}", ctx.normalizedPath(), status);
        } else {
            LOG.error("request to {} failed", ctx.normalizedPath(), failure);
        }
        HttpServerResponse response = ctx.response();
        if (!response.ended() && !response.closed()) {
            int code = status >= 400 ? status : clientGone ? 400 : 500;
            response.setStatusCode(code).putHeader("Content-Type", "application/json")
                    .end(error(code == 500 ? "internal error" : "request refused (" + code + ")"));
        }
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        if (!started) {
            // the port listens before the routes exist: a 503 is retried, where a 404 or a premature 401 would mislead
            ctx.response().putHeader("Retry-After", "5");
            refuse(ctx, 503, "starting", "starting up; retry shortly");
            return;
        }
        closeWhenIdle(req.connection());
        String path = ctx.normalizedPath();
        String query = req.query();
        if (query != null && !query.isEmpty()) {
            Set<String> allowed = QUERY_PARAMETERS.getOrDefault(path, Set.of());
            Set<String> names;
            try {
                names = ctx.queryParams().names();
            } catch (RuntimeException e) {
                refuse(ctx, 400, "query-parameter", "malformed query string");
                return;
            }
            for (String name : names) {
                if (!allowed.contains(name)) {
                    refuse(ctx, 400, "query-parameter", "query parameter '" + name + "' is not accepted on " + path
                            + (allowed.isEmpty() ? "" : " (only " + String.join(", ", allowed) + ")")
                            + "; headers and credentials must be sent as request headers");
                    return;
                }
            }
        }
        boolean webhook = path.equals(WEBHOOK_PATH);
        if (webhook && req.method() == HttpMethod.POST && isBlank(req.getHeader("X-Shopify-Hmac-Sha256"))) {
            refuse(ctx, 401, "unsigned-webhook", "missing X-Shopify-Hmac-Sha256");
            return;
        }
        if (needsAdminToken(path)) {
            String authorization = req.getHeader("Authorization");
            if (!adminAuth.enabled()) {
                challenge(ctx, "admin API disabled: set ADMIN_TOKEN to enable it");
                return;
            }
            if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                    || !adminAuth.accepts(authorization.substring(7))) {
                challenge(ctx, "missing or wrong bearer token: send Authorization: Bearer <ADMIN_TOKEN>");
                return;
            }
        }
        long limit = webhook ? limits.webhookMaxBodyBytes() : limits.adminMaxBodyBytes();
        long declared;
        try {
            declared = declaredLength(req);
        } catch (NumberFormatException e) {
            refuse(ctx, 400, "content-length", "unreadable Content-Length");
            return;
        }
        if (declared > limit) {
            refuse(ctx, 413, "too-large", "body of " + declared + " bytes is over the limit of " + limit);
            return;
        }
        if (declared == 0 || req.isEnded()) {
            ctx.next();
            return;
        }
        // a chunked body is held to the route's limit, so it reserves that much
        long reserved = declared > 0 ? declared : limit;
        Runnable release = reserve(reserved);
        if (release == null) {
            ctx.response().putHeader("Retry-After", "5");
            refuse(ctx, 503, "budget", "too many request bodies being received at once; retry later");
            return;
        }
        AtomicBoolean released = new AtomicBoolean();
        Runnable releaseOnce = () -> {
            if (released.compareAndSet(false, true)) {
                release.run();
            }
        };
        long timer = ctx.vertx().setTimer(limits.bodyTimeoutMillis(), id -> {
            if (!req.isEnded()) {
                releaseOnce.run();
                count("body-timeout");
                LOG.debug("request body on {} not received within {} ms: connection closed", path, limits.bodyTimeoutMillis());
                HttpServerResponse response = ctx.response();
                if (req.version() == HttpVersion.HTTP_2) {
                    response.reset();
                } else if (!response.headWritten()) {
                    response.setStatusCode(408).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
                            .end(error("request body not received within " + limits.bodyTimeoutMillis() + " ms"))
                            .onComplete(done -> req.connection().close());
                } else {
                    req.connection().close();
                }
            }
        });
        ctx.addEndHandler(done -> {
            ctx.vertx().cancelTimer(timer);
            releaseOnce.run();
        });
        ctx.next();
    }

    private static boolean needsAdminToken(String path) {
        return path.equals("/admin") || path.startsWith("/admin/") || path.equals("/status/data");
    }

    /** The declared body length: -1 for a chunked body, 0 when there is none. */
    private static long declaredLength(HttpServerRequest req) {
        String length = req.getHeader("Content-Length");
        if (length != null) {
            long n = Long.parseLong(length.trim());
            if (n < 0) {
                throw new NumberFormatException("negative");
            }
            return n;
        }
        String encoding = req.getHeader("Transfer-Encoding");
        return encoding != null && encoding.toLowerCase().contains("chunked") ? -1 : 0;
    }

    /** Room for a body of {@code bytes} in its lane, and how to give it back; null when the lane is full. */
    private Runnable reserve(long bytes) {
        if (bytes <= limits.smallBodyBytes()) {
            if (smallBodyCount.incrementAndGet() > limits.smallBodies()) {
                smallBodyCount.decrementAndGet();
                return null;
            }
            return smallBodyCount::decrementAndGet;
        }
        if (largeBodyBytes.addAndGet(bytes) > limits.largeBodyBudgetBytes()) {
            largeBodyBytes.addAndGet(-bytes);
            return null;
        }
        return () -> largeBodyBytes.addAndGet(-bytes);
    }

    /** Closes a keep-alive connection after {@code idleSeconds} without traffic (Camel gives Vert.x no idle timeout). */
    private void closeWhenIdle(HttpConnection connection) {
        if (limits.idleSeconds() <= 0 || !(connection instanceof ConnectionBase base)) {
            return;
        }
        Channel channel = base.channel();
        ChannelPipeline pipeline = channel.pipeline();
        if (pipeline.get(IDLE_HANDLER) == null) {
            // Vert.x's own handler closes the connection on the idle event, as its idleTimeout option would
            pipeline.addFirst(IDLE_HANDLER, new IdleStateHandler(0, 0, limits.idleSeconds(), TimeUnit.SECONDS));
        }
    }

    private void challenge(RoutingContext ctx, String message) {
        // each refused admin call is an audit line, as the admin routes' own refusals are (the token is never in it)
        LOG.warn("admin request refused: {} {}: {}", ctx.request().method(), ctx.normalizedPath(), message);
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
        refuse(ctx, 401, "admin-token", message);
    }

    private void refuse(RoutingContext ctx, int status, String reason, String message) {
        count(reason);
        LOG.debug("public port refused {} {}: {} {}", ctx.request().method(), ctx.normalizedPath(), status, message);
        answerAndClose(ctx, ctx.response().setStatusCode(status), error(message));
    }

    /**
     * Answers, then drops the rest of the request without keeping a byte of it: what the client still sends is read
     * into nothing (up to {@link #DRAIN_LIMIT_BYTES} and the body timeout), because a client cut off mid-upload never
     * reads the answer. Then HTTP/1.x closes the connection; HTTP/2 (an h2c upgrade) ends or resets only the stream.
     */
    private void answerAndClose(RoutingContext ctx, HttpServerResponse response, String json) {
        HttpServerRequest req = ctx.request();
        Vertx vertx = ctx.vertx();
        boolean http2 = req.version() == HttpVersion.HTTP_2;
        response.putHeader("Content-Type", "application/json");
        if (req.isEnded()) {
            if (http2) {
                response.end(json);
            } else {
                response.putHeader("Connection", "close").end(json).onComplete(done -> req.connection().close());
            }
            return;
        }
        Runnable cut = () -> {
            if (http2) {
                response.reset();
            } else {
                req.connection().close();
            }
        };
        long[] drained = {0};
        long timer = vertx.setTimer(limits.bodyTimeoutMillis(), id -> cut.run());
        req.handler(chunk -> {
            drained[0] += chunk.length();
            if (drained[0] > DRAIN_LIMIT_BYTES) {
                vertx.cancelTimer(timer);
                cut.run();
            }
        });
        req.endHandler(end -> {
            vertx.cancelTimer(timer);
            if (!http2) {
                req.connection().close();
            }
        });
        req.exceptionHandler(e -> vertx.cancelTimer(timer));
        response.end(json);
        req.resume();
    }

    /** Counts refusals; one WARN line a minute at most sums them up, so an attack is visible without flooding the log. */
    private void count(String reason) {
        refusals.computeIfAbsent(reason, r -> new LongAdder()).increment();
        long last = lastSummary.get();
        long now = System.nanoTime();
        if (now - last > TimeUnit.MINUTES.toNanos(1) && lastSummary.compareAndSet(last, now)) {
            StringBuilder summary = new StringBuilder();
            refusals.forEach((r, n) -> {
                long c = n.sumThenReset();
                if (c > 0) {
                    summary.append(summary.length() == 0 ? "" : ", ").append(r).append(' ').append(c);
                }
            });
            LOG.warn("public port refused requests in the last minute or more: {}", summary);
        }
    }

    /** Declared bytes of large request bodies being received now (tests read it). */
    public long largeBodyBytesInFlight() {
        return largeBodyBytes.get();
    }

    static String error(String message) {
        StringBuilder json = new StringBuilder(message.length() + 16).append("{\"error\":\"");
        JsonStringEncoder.getInstance().quoteAsString(message, json);
        return json.append("\"}\n").toString();
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
