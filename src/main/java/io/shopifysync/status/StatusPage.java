package io.shopifysync.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shopifysync.admin.AdminException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

/**
 * The status page: static files from the classpath ({@code status/}), served without authentication because
 * they hold no data, and {@code /status/data}, the report as JSON (the route checks the admin token first).
 */
public final class StatusPage {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> ASSETS = Map.of(
            "index.html", "text/html; charset=utf-8",
            "status.js", "text/javascript; charset=utf-8",
            "status.css", "text/css; charset=utf-8");
    // the page loads only its own files and talks only to its own origin; no referrer ever leaves it
    /** The exchange property naming the answer's media type (routes/status-page.yaml sets the headers). */
    public static final String CONTENT_TYPE = "statusContentType";

    private final StatusReport report;
    private final StatusHistory history;

    public StatusPage(StatusReport report, StatusHistory history) {
        this.report = report;
        this.history = history;
    }

    /** The page itself; its media type goes to the exchange property {@value #CONTENT_TYPE} for the route's answer. */
    public byte[] page(Exchange exchange) {
        return serve(exchange, "index.html");
    }

    /** One of the page's files by name; 404 for any other name. */
    public byte[] asset(@Header("file") String file, Exchange exchange) {
        if (file == null || !ASSETS.containsKey(file) || file.equals("index.html")) {
            throw new AdminException(404, "no such file: " + file);
        }
        return serve(exchange, file);
    }

    /** The status report and the chart's samples, as JSON. */
    public String data(Exchange exchange) throws IOException {
        exchange.setProperty(CONTENT_TYPE, "application/json");
        return JSON.writeValueAsString(toJson(report.build(), history.read()));
    }

    static ObjectNode toJson(StatusReport.Report r, List<StatusHistory.Series> series) {
        ObjectNode root = JSON.createObjectNode();
        root.put("generatedAt", text(r.generatedAt()));
        ArrayNode entries = root.putArray("entries");
        for (StatusReport.Entry e : r.entries()) {
            ObjectNode n = entries.addObject();
            n.put("shop", e.shop());
            n.put("shopStatus", e.shopStatus());
            n.put("shopStatusReason", e.shopStatusReason());
            n.put("shopStatusSince", e.shopDetail() == null ? null : text(e.shopDetail().statusSince()));
            n.put("shopNextCheckAt", e.shopDetail() == null ? null : text(e.shopDetail().nextCheckAt()));
            n.put("apiVersionRequested", e.shopDetail() == null ? null : e.shopDetail().apiVersionRequested());
            n.put("apiVersionServed", e.shopDetail() == null ? null : e.shopDetail().apiVersionServed());
            n.put("shopStatusDetail", e.shopStatusDetail());
            n.put("resource", e.resource());
            n.put("phase", e.phase());
            n.put("rows", e.rows());
            n.put("rowsWritten", e.rowsWritten());
            n.put("rowsTotal", e.rowsTotal());
            n.put("lagSeconds", e.lagSeconds());
            n.put("lastSuccessAt", text(e.lastSuccessAt()));
            n.put("lastError", e.lastError());
            n.put("pausedReason", e.pausedReason());
            n.put("pausedAt", text(e.pausedAt()));
            n.put("importMode", e.importMode());
        }
        ArrayNode shops = root.putArray("shops");
        for (StatusReport.ShopAccess a : r.shops()) {
            ObjectNode n = shops.addObject();
            n.put("shop", a.shop());
            if (a.accessScopes() == null) {
                n.putNull("accessScopes");
            } else {
                a.accessScopes().forEach(n.putArray("accessScopes")::add);
            }
            n.put("accessScopesCheckedAt", text(a.checkedAt()));
            a.notes().forEach(n.putArray("notes")::add);
        }
        ArrayNode hist = root.putArray("history");
        for (StatusHistory.Series s : series) {
            ObjectNode n = hist.addObject();
            n.put("resource", s.resource());
            ArrayNode points = n.putArray("points");
            for (StatusHistory.Point p : s.points()) {
                ObjectNode pn = points.addObject();
                pn.put("at", p.at().toString());
                pn.put("rowsPerSecond", p.rowsPerSecond());
                pn.put("lagSeconds", p.lagSeconds());
            }
        }
        return root;
    }

    private static String text(OffsetDateTime t) {
        return t == null ? null : t.toInstant().toString();
    }

    private static byte[] serve(Exchange exchange, String file) {
        try (InputStream in = StatusPage.class.getClassLoader().getResourceAsStream("status/" + file)) {
            if (in == null) {
                throw new IllegalStateException("status/" + file + " is missing from the classpath");
            }
            exchange.setProperty(CONTENT_TYPE, ASSETS.get(file));
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
