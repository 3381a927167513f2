package io.shopifysync.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.accounts.Account;
import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.InvalidInputException;
import io.shopifysync.accounts.RegistrationScopes;
import io.shopifysync.accounts.ShopCredentials;
import io.shopifysync.accounts.ShopDomain;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;

/** The {@code /admin/shops} endpoints: JSON in and out, tokens accepted but never returned. */
public final class ShopsAdminApi {

    private static final Set<String> ADD_FIELDS = Set.of("shop", "token", "apiUrl", "allowInsecureApiUrl", "acceptMissingScopes");
    private final ObjectMapper json = new ObjectMapper();
    private final Accounts accounts;
    private ScopeCheck scopeCheck;

    public ShopsAdminApi(Accounts accounts) {
        this.accounts = accounts;
    }

    /** Reads the scopes a shop granted before it is stored (io.shopifysync.scopes.AccessScopes#checkRegistration). */
    @FunctionalInterface
    public interface ScopeCheck {
        /** Throws InvalidInputException to refuse the shop. */
        RegistrationScopes check(ShopCredentials shop, boolean acceptMissing);
    }

    public void setScopeCheck(ScopeCheck scopeCheck) {
        this.scopeCheck = scopeCheck;
    }

    /** GET /admin/shops: every registered shop (never its token); the route answers it as JSON. */
    public List<Map<String, Object>> list() {
        return accounts.list().stream().map(ShopsAdminApi::view).toList();
    }

    /**
     * POST /admin/shops with {"shop": "...", "token": "...", "apiUrl": "...", "allowInsecureApiUrl": false}; 201 when
     * added, 200 when updated; an apiUrl other than https://&lt;shop&gt; needs allowInsecureApiUrl (400 otherwise).
     * Returns the answer, whose {@code outcome} (added | updated) the route turns into the status code.
     */
    public Map<String, Object> add(Exchange exchange) {
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            throw new AdminException(415, "send the body as JSON with Content-Type: application/json");
        }
        JsonNode body = parseObject(exchange.getMessage().getBody(String.class));
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!ADD_FIELDS.contains(field)) {
                throw new AdminException(400, "unknown field '" + field
                        + "': expected shop, token, optional apiUrl, allowInsecureApiUrl and acceptMissingScopes");
            }
        }
        String shop = text(body, "shop");
        boolean acceptMissingScopes = flag(body, "acceptMissingScopes");
        RegistrationScopes scopes = null;
        if (scopeCheck != null) {
            ShopDomain parsed = ShopDomain.parse(shop);
            scopes = scopeCheck.check(new ShopCredentials(parsed, Accounts.validApiUrl(text(body, "apiUrl"), parsed,
                    flag(body, "allowInsecureApiUrl")), Accounts.validToken(text(body, "token")), "INSTALLED",
                    ShopCredentials.TokenKind.STATIC, null, null), acceptMissingScopes);
        }
        Accounts.AddOutcome outcome = accounts.add(shop, text(body, "token"), text(body, "apiUrl"), flag(body, "allowInsecureApiUrl"));
        String domain = ShopDomain.parse(shop).value();
        if (scopes != null && scopes.granted() != null) {
            accounts.recordAccessScopes(domain, scopes.granted());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("shop", domain);
        result.put("outcome", outcome.name().toLowerCase());
        if (scopes != null) {
            result.put("accessScopes", scopes.granted() == null ? null : scopes.granted().handles());
            result.put("warnings", scopes.warnings());
        }
        return result;
    }

    /** DELETE /admin/shops/{shop} (or ?shop=D); 404 when not registered. */
    public Map<String, Object> remove(Exchange exchange) {
        String shop = exchange.getMessage().getHeader("shop", String.class);
        if (shop == null || shop.isBlank()) {
            throw new InvalidInputException("missing shop: DELETE /admin/shops/{shop} or /admin/shops?shop=D");
        }
        String domain = ShopDomain.parse(shop).value();
        if (!accounts.remove(domain)) {
            throw new AdminException(404, "shop " + domain + " is not registered");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("shop", domain);
        result.put("outcome", "removed");
        return result;
    }

    private static Map<String, Object> view(Account a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("shop", a.shopDomain());
        m.put("apiUrl", a.apiUrl());
        m.put("status", a.status());
        m.put("statusReason", a.statusReason());
        m.put("installedAt", a.installedAt() == null ? null : a.installedAt().toInstant().toString());
        m.put("uninstalledAt", a.uninstalledAt() == null ? null : a.uninstalledAt().toInstant().toString());
        m.put("updatedAt", a.updatedAt() == null ? null : a.updatedAt().toInstant().toString());
        m.put("accessScopes", a.accessScopes() == null ? null : a.accessScopes().handles());
        m.put("accessScopesCheckedAt", a.accessScopes() == null ? null : a.accessScopes().checkedAt().toInstant().toString());
        return m;
    }

    private JsonNode parseObject(String body) {
        if (body == null || body.isBlank()) {
            throw new InvalidInputException("empty body: expected a JSON object with shop and token");
        }
        try {
            JsonNode node = json.readTree(body);
            if (node == null || !node.isObject()) {
                throw new InvalidInputException("expected a JSON object with shop and token");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("malformed JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidInputException("field '" + field + "' must be a string");
        }
        return v.asText();
    }

    private static boolean flag(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new InvalidInputException("field '" + field + "' must be true or false");
        }
        return v.booleanValue();
    }
}
