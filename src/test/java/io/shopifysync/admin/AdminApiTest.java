package io.shopifysync.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopifysync.app.ShopifySyncApp;
import io.shopifysync.db.Dialect;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.FreePort;
import io.shopifysync.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API as a user meets it: the real routes from routes/, over HTTP, on each database.
 *
 * <p>The tests that need only a running app with the admin token share one app per database ({@link #shared}); each
 * of them starts from a store list it has just emptied through the API and checked empty in the database, so no test
 * sees another's shops whatever the order. The tests that configure the app differently (no token) or break it (drop
 * the database) start their own.
 */
class AdminApiTest {

    private static final String ADMIN_TOKEN = "admin-secret-for-tests";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Dialect, Shared> SHARED = new EnumMap<>(Dialect.class);
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @TempDir
    static Path sharedDataDir;

    private int port;

    /** One app with the admin token on one database, for the tests of this class. */
    private record Shared(TestDatabase tdb, ShopifySyncApp app, int port) {
    }

    private ShopifySyncApp start(TestDatabase tdb, String adminToken) throws Exception {
        return start(tdb, adminToken, dataDir);
    }

    private ShopifySyncApp start(TestDatabase tdb, String adminToken, Path dir) throws Exception {
        port = FreePort.find();
        Map<String, String> extra = new HashMap<>();
        extra.put("http.port", Integer.toString(port));
        extra.put("management.port", Integer.toString(FreePort.find()));
        extra.put("admin.token", adminToken);
        return ShopifySyncApp.start(tdb.config(dir, extra));
    }

    /** The shared app on this database, with no shop registered: removes what an earlier test left, then checks. */
    private TestDatabase shared(Dialect dialect) throws Exception {
        Shared s = SHARED.get(dialect);
        if (s == null) {
            TestDatabase tdb = TestDatabase.create(dialect);
            try {
                ShopifySyncApp app = start(tdb, ADMIN_TOKEN, Files.createDirectories(sharedDataDir.resolve(dialect.name())));
                s = new Shared(tdb, app, port);
                SHARED.put(dialect, s);
            } catch (Exception | Error e) {
                tdb.close();
                throw e;
            }
        }
        port = s.port();
        HttpResponse<String> list = send("GET", "/admin/shops", ADMIN_TOKEN, null);
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        for (JsonNode shop : JSON.readTree(list.body())) {
            assertThat(send("DELETE", "/admin/shops/" + shop.get("shop").asText(), ADMIN_TOKEN, null).statusCode()).isEqualTo(200);
        }
        assertThat(send("GET", "/admin/shops", ADMIN_TOKEN, null).body()).isEqualTo("[]");
        assertThat(countShops(s.tdb())).isZero();
        return s.tdb();
    }

    @AfterAll
    static void closeShared() throws Exception {
        Exception failure = null;
        for (Shared s : SHARED.values()) {
            try (TestDatabase tdb = s.tdb(); ShopifySyncApp app = s.app()) {
                // closed in reverse order: the app, then its database
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        SHARED.clear();
        if (failure != null) {
            throw failure;
        }
    }

    @BothDatabases
    void registersListsAndRemovesShops(Dialect dialect) throws Exception {
        TestDatabase tdb = shared(dialect);
        HttpResponse<String> added = send("POST", "/admin/shops", ADMIN_TOKEN,
                "{\"shop\":\"Acme.myshopify.com\",\"token\":\"shpat_very_secret\",\"apiUrl\":\"http://127.0.0.1:9393/shops/acme.myshopify.com\",\"allowInsecureApiUrl\":true}");
        assertThat(added.statusCode()).isEqualTo(201);
        assertThat(added.body()).contains("\"shop\":\"acme.myshopify.com\"", "\"outcome\":\"added\"");

        HttpResponse<String> again = send("POST", "/admin/shops", ADMIN_TOKEN, "{\"shop\":\"acme.myshopify.com\",\"token\":\"shpat_new\"}");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("\"outcome\":\"updated\"");

        HttpResponse<String> list = send("GET", "/admin/shops", ADMIN_TOKEN, null);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(list.body()).contains("\"shop\":\"acme.myshopify.com\"", "\"status\":\"INSTALLED\"")
                .doesNotContain("shpat_", "token");
        assertThat(countShops(tdb)).isEqualTo(1);

        assertThat(send("DELETE", "/admin/shops/acme.myshopify.com", ADMIN_TOKEN, null).statusCode()).isEqualTo(200);
        assertThat(send("DELETE", "/admin/shops?shop=acme.myshopify.com", ADMIN_TOKEN, null).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/admin/shops", ADMIN_TOKEN, null).body()).isEqualTo("[]");
    }

    @BothDatabases
    void refusesWithoutTheRightBearerToken(Dialect dialect) throws Exception {
        TestDatabase tdb = shared(dialect);
        String body = "{\"shop\":\"acme.myshopify.com\",\"token\":\"t\"}";
        for (String token : new String[] {null, "wrong", ADMIN_TOKEN + "x", ""}) {
            HttpResponse<String> r = send("POST", "/admin/shops", token, body);
            assertThat(r.statusCode()).as("token %s", token).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer");
            assertThat(send("GET", "/admin/shops", token, null).statusCode()).isEqualTo(401);
            assertThat(send("DELETE", "/admin/shops/acme.myshopify.com", token, null).statusCode()).isEqualTo(401);
        }
        assertThat(countShops(tdb)).isZero();
    }

    @Test
    void refusesEverythingWhileNoAdminTokenIsConfigured() throws Exception {
        try (TestDatabase tdb = TestDatabase.create(Dialect.H2); ShopifySyncApp app = start(tdb, "")) {
            HttpResponse<String> r = send("GET", "/admin/shops", "", null);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("admin API disabled");
            assertThat(send("POST", "/admin/shops", "anything", "{\"shop\":\"acme.myshopify.com\",\"token\":\"t\"}").statusCode())
                    .isEqualTo(401);
            assertThat(countShops(tdb)).isZero();
        }
    }

    @BothDatabases
    void badInputGetsAClearErrorAndWritesNothing(Dialect dialect) throws Exception {
        TestDatabase tdb = shared(dialect);
        assertError(send("POST", "/admin/shops", ADMIN_TOKEN, "{\"shop\":\"acme.com\",\"token\":\"t\"}"), 400, "invalid shop domain");
        assertError(send("POST", "/admin/shops", ADMIN_TOKEN, "{\"shop\":\"acme.myshopify.com\",\"token\":\"\"}"), 400, "missing access token");
        assertError(send("POST", "/admin/shops", ADMIN_TOKEN, "{\"shop\":\"acme.myshopify.com\"}"), 400, "missing access token");
        assertError(send("POST", "/admin/shops", ADMIN_TOKEN, "{\"shop\":"), 400, "malformed JSON");
        assertError(send("POST", "/admin/shops", ADMIN_TOKEN, "[1]"), 400, "expected a JSON object");
        assertError(send("POST", "/admin/shops", ADMIN_TOKEN, "{\"shop\":\"acme.myshopify.com\",\"token\":\"t\",\"tokn\":1}"),
                400, "unknown field 'tokn'");
        assertError(send("POST", "/admin/shops", ADMIN_TOKEN, "{\"shop\":\"acme.myshopify.com\",\"token\":5}"), 400, "must be a string");
        HttpRequest form = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/shops"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("shop=acme.myshopify.com&token=t")).build();
        assertError(http.send(form, HttpResponse.BodyHandlers.ofString()), 415, "Content-Type: application/json");
        assertError(send("DELETE", "/admin/shops/not-a-domain", ADMIN_TOKEN, null), 400, "invalid shop domain");
        assertThat(countShops(tdb)).isZero();
        }

    @BothDatabases
    void anApiUrlOtherThanTheShopsOwnNeedsAllowInsecureApiUrlAndAnOverlongDomainIs400(Dialect dialect) throws Exception {
        TestDatabase tdb = shared(dialect);
        assertError(send("POST", "/admin/shops", ADMIN_TOKEN, "{\"shop\":\"" + "a".repeat(300)
                + ".myshopify.com\",\"token\":\"t\"}"), 400, "a domain name has at most 253 characters");
        for (String url : new String[] {"http://169.254.169.254", "http://127.0.0.1:5432", "https://evil.example.com",
                "https://user@a.myshopify.com"}) {
            HttpResponse<String> r = send("POST", "/admin/shops", ADMIN_TOKEN,
                    "{\"shop\":\"a.myshopify.com\",\"token\":\"shpat_t\",\"apiUrl\":\"" + url + "\"}");
            assertError(r, 400, "API URL");
            assertThat(r.body()).doesNotContain("shpat_t");
        }
        assertError(send("POST", "/admin/shops", ADMIN_TOKEN, "{\"shop\":\"a.myshopify.com\",\"token\":\"t\","
                + "\"apiUrl\":\"http://127.0.0.1:5432\",\"allowInsecureApiUrl\":\"yes\"}"), 400, "must be true or false");
        assertThat(countShops(tdb)).isZero();

        for (String url : new String[] {"http://169.254.169.254", "http://127.0.0.1:5432", "https://evil.example.com"}) {
            HttpResponse<String> r = send("POST", "/admin/shops", ADMIN_TOKEN,
                    "{\"shop\":\"a.myshopify.com\",\"token\":\"shpat_t\",\"apiUrl\":\"" + url + "\",\"allowInsecureApiUrl\":true}");
            assertThat(r.statusCode()).as(url + ": " + r.body()).isIn(200, 201);
            assertThat(send("GET", "/admin/shops", ADMIN_TOKEN, null).body()).contains("\"apiUrl\":\"" + url + "\"");
        }
        assertThat(countShops(tdb)).isEqualTo(1);
    }

    @Test
    void answers503WhenTheDatabaseIsGone() throws Exception {
        try (TestDatabase tdb = TestDatabase.create(Dialect.POSTGRESQL); ShopifySyncApp app = start(tdb, ADMIN_TOKEN)) {
            assertThat(send("GET", "/admin/shops", ADMIN_TOKEN, null).statusCode()).isEqualTo(200);
            tdb.dropNow();
            HttpResponse<String> r = send("POST", "/admin/shops", ADMIN_TOKEN, "{\"shop\":\"acme.myshopify.com\",\"token\":\"shpat_x\"}");
            assertError(r, 503, "database unavailable");
            assertThat(r.body()).doesNotContain("shpat_x");
        }
    }

    private void assertError(HttpResponse<String> r, int status, String message) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.body()).startsWith("{\"error\":").contains(message);
    }

    private HttpResponse<String> send(String method, String path, String token, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int countShops(TestDatabase tdb) throws Exception {
        try (var db = tdb.open(); Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM shopify.shops")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
