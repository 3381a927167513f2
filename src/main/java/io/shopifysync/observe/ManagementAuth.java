package io.shopifysync.observe;

import io.shopifysync.admin.AdminAuth;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Guards every path of the management port: {@code Authorization: Bearer <ADMIN_TOKEN>} or
 * {@code Authorization: Basic} with user {@value #DEFAULT_BASIC_USER} (configurable) and password ADMIN_TOKEN, both
 * compared in constant time; everything is refused while ADMIN_TOKEN is unset. The one exception is the bare UP/DOWN
 * of the liveness and readiness probes, answered here without details when no credentials are sent.
 * Cross-origin requests are only served for the configured origins, so a page elsewhere cannot use Basic
 * credentials a browser has cached (Jolokia's POST is a CORS "simple request" that needs no preflight).
 */
public final class ManagementAuth implements AuthenticationHandler {

    public static final String REALM = "shopify-sync";
    public static final String DEFAULT_BASIC_USER = "admin";

    private final AdminAuth token;
    private final String basicUser;
    private final Set<String> allowedOrigins;
    private final String livePath;
    private final String readyPath;
    private final Predicate<Boolean> probe;

    /**
     * @param probe answers whether the application is up, given {@code true} for readiness and {@code false} for
     *              liveness; {@code null} when the probes require credentials like everything else
     */
    public ManagementAuth(AdminAuth token, String basicUser, Set<String> allowedOrigins, String healthPath,
                          Predicate<Boolean> probe) {
        this.token = token;
        this.basicUser = basicUser;
        this.allowedOrigins = Set.copyOf(allowedOrigins);
        this.livePath = healthPath + "/live";
        this.readyPath = healthPath + "/ready";
        this.probe = probe;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String origin = req.getHeader("Origin");
        boolean crossOrigin = origin != null && !origin.equalsIgnoreCase(req.scheme() + "://" + authority(req));
        if (crossOrigin) {
            if (!allowedOrigins.contains(origin)) {
                refuse(ctx, 403, "origin " + origin.replaceAll("[\\r\\n]", "") + " is not allowed: add it to management.cors.origins");
                return;
            }
            ctx.response().putHeader("Access-Control-Allow-Origin", origin)
                    .putHeader("Access-Control-Allow-Credentials", "true")
                    .putHeader("Vary", "Origin");
            if (req.method() == HttpMethod.OPTIONS) {
                // a preflight never carries credentials: answer it before authentication
                ctx.response().putHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
                        .putHeader("Access-Control-Allow-Headers", "Authorization, Content-Type")
                        .putHeader("Access-Control-Max-Age", "3600")
                        .setStatusCode(204).end();
                return;
            }
        }
        String authorization = req.getHeader("Authorization");
        if (authorization == null && probe != null && req.method() == HttpMethod.GET
                && (req.path().equals(livePath) || req.path().equals(readyPath))) {
            answerProbe(ctx, req.path().equals(readyPath));
            return;
        }
        if (!token.enabled()) {
            challenge(ctx, "management endpoints disabled: set ADMIN_TOKEN to enable them");
            return;
        }
        if (authorization == null) {
            challenge(ctx, "send Authorization: Bearer <ADMIN_TOKEN> or Basic " + basicUser + ":<ADMIN_TOKEN>");
            return;
        }
        if (!authorized(authorization)) {
            challenge(ctx, "wrong credentials");
            return;
        }
        ctx.next();
    }

    /** Host and port as the client addressed us (Host header in HTTP/1.1, :authority in HTTP/2). */
    private static String authority(HttpServerRequest req) {
        HostAndPort a = req.authority();
        if (a == null) {
            return "";
        }
        return a.port() >= 0 ? a.host() + ":" + a.port() : a.host();
    }

    boolean authorized(String authorization) {
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return token.accepts(authorization.substring(7));
        }
        if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return false;
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return false;
            }
            // the password is checked even for a wrong user, so both answers take the same time
            boolean passwordOk = token.accepts(decoded.substring(colon + 1));
            return passwordOk & decoded.substring(0, colon).equals(basicUser);
        }
        return false;
    }

    private void answerProbe(RoutingContext ctx, boolean readiness) {
        // health checks may touch the database: never on the event loop
        ctx.vertx().executeBlocking(() -> probe.test(readiness), false).onComplete(result -> {
            boolean up = result.succeeded() && Boolean.TRUE.equals(result.result());
            ctx.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "application/json")
                    .end("{\"status\":\"" + (up ? "UP" : "DOWN") + "\"}\n");
        });
    }

    private static void challenge(RoutingContext ctx, String message) {
        ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\"");
        refuse(ctx, 401, message);
    }

    private static void refuse(RoutingContext ctx, int status, String message) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end("{\"error\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}\n");
    }
}
