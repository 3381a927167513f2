package io.shopifysync.scopes;

import com.fasterxml.jackson.databind.JsonNode;
import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.GrantedScopes;
import io.shopifysync.accounts.RegistrationScopes;
import io.shopifysync.accounts.ShopCredentials;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.catalog.Resource;
import io.shopifysync.shopify.ShopifyApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access scopes each shop granted: read from {@code currentAppInstallation} at registration, at start and before
 * every reconciliation, stored on the shop, and turned into what they mean for the sync (which resources are denied,
 * which only show their recent history).
 */
public class AccessScopes {

    /** The one document that reads the granted scopes. */
    public static final String QUERY = "query AccessScopes { currentAppInstallation { accessScopes { handle } } }";
    /** Shopify's window is measured on its clock, ours on ours: rows this close to the edge are left alone. */
    static final Duration EDGE_MARGIN = Duration.ofDays(1);
    private static final Logger LOG = LoggerFactory.getLogger(AccessScopes.class);

    /** Runs the scopes query against a shop (the app's throttled client, or a direct call from the CLI). */
    @FunctionalInterface
    public interface Reader {
        JsonNode read(ShopCredentials shop, String query);
    }

    /** What a scope set means against the catalog: scopes whose resource cannot be read, and history limits. */
    public record Verdict(List<String> missingRequired, List<String> missingHistory, List<String> warnings) {
        public boolean refused() {
            return !missingRequired.isEmpty();
        }
    }

    private final Accounts accounts;
    private final Catalog catalog;
    private final Reader reader;
    private final Clock clock;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    public AccessScopes(Accounts accounts, Catalog catalog, Reader reader, Clock clock) {
        this.accounts = accounts;
        this.catalog = catalog;
        this.reader = reader;
        this.clock = clock;
    }

    /** Reads the scopes a shop granted (nothing stored). */
    public GrantedScopes read(ShopCredentials shop) {
        JsonNode list = reader.read(shop, QUERY).path("currentAppInstallation").path("accessScopes");
        if (!list.isArray()) {
            throw new ShopifyApiException(ShopifyApiException.Kind.TRANSIENT, 200, "currentAppInstallation answered without accessScopes");
        }
        List<String> handles = new ArrayList<>();
        for (JsonNode s : list) {
            String h = s.path("handle").asText("");
            if (h.matches("[a-z0-9_]{1,100}")) {
                handles.add(h);
            }
        }
        return new GrantedScopes(handles, now());
    }

    /** Reads and stores a registered shop's scopes, and says once per process what a missing history scope means. */
    public GrantedScopes refresh(String shop) {
        ShopCredentials creds = accounts.credentials(shop).orElseThrow(() -> new IllegalStateException("shop " + shop + " is not registered"));
        GrantedScopes granted = read(creds);
        accounts.recordAccessScopes(shop, granted);
        warnOnce(creds.shop().value(), granted);
        return granted;
    }

    /** What the scopes mean: required ones (a catalog resource's own scope) and history-lifting ones missing. */
    public Verdict verdict(GrantedScopes granted) {
        return verdict(catalog, granted);
    }

    /** As {@link #verdict(GrantedScopes)}, for readers without a running application (status). */
    public static Verdict verdict(Catalog catalog, GrantedScopes granted) {
        List<String> missingRequired = granted.missing(catalog.requiredScopes());
        List<String> missingHistory = granted.missing(catalog.historyScopes());
        List<String> warnings = new ArrayList<>();
        for (String scope : missingRequired) {
            List<String> names = catalog.resources().stream().filter(r -> scope.equals(r.scope())).map(Resource::name).toList();
            warnings.add("missing access scope " + scope + ": " + String.join(", ", names) + " cannot be read (Shopify answers ACCESS_DENIED)");
        }
        warnings.addAll(historyNotes(catalog, granted));
        return new Verdict(missingRequired, missingHistory, List.copyOf(warnings));
    }

    /** One plain sentence per resource whose history is limited by a missing scope. */
    public static List<String> historyNotes(Catalog catalog, GrantedScopes granted) {
        List<String> out = new ArrayList<>();
        for (Resource r : catalog.resources()) {
            Resource.HistoryLimit h = r.historyLimit();
            if (h != null && r.storesRoots() && !granted.has(h.scope())) {
                out.add(r.name() + " history is limited to the last " + h.days() + " days: the shop did not grant " + h.scope()
                        + " (older " + r.name() + " are not imported, and are kept, never tombstoned, once stored)");
            }
        }
        return out;
    }

    /**
     * The oldest creation time whose absence from the store means a deletion, for a resource the scopes limit to
     * recent history, measured from {@code at}; empty when the whole history is visible.
     */
    public Optional<OffsetDateTime> visibleFrom(GrantedScopes granted, Resource r, OffsetDateTime at) {
        Resource.HistoryLimit h = r.historyLimit();
        if (h == null || granted.has(h.scope())) {
            return Optional.empty();
        }
        return Optional.of(at.minusDays(h.days()).plus(EDGE_MARGIN));
    }

    /**
     * Registration's check ({@code accounts add}, POST /admin/shops): reads what the shop granted before it is stored.
     * A missing catalog scope refuses unless {@code acceptMissing}; a missing history scope only warns. A shop that
     * cannot be asked (down, token refused) is not refused here: its scopes are read again when the sync starts.
     */
    public RegistrationScopes checkRegistration(ShopCredentials shop, boolean acceptMissing) {
        GrantedScopes granted;
        try {
            granted = read(shop);
        } catch (ShopifyApiException e) {
            return new RegistrationScopes(null, List.of("could not read the access scopes " + shop.shop() + " granted ("
                    + ShopifyApiException.describe(e) + "); they are read again when the sync starts"));
        }
        Verdict v = verdict(granted);
        if (v.refused() && !acceptMissing) {
            throw new MissingScopesException("refused " + shop.shop() + ": " + String.join("; ", v.warnings().subList(0,
                    v.missingRequired().size())) + ". Grant the missing scope(s) to the app and reinstall it on the shop, or "
                    + "accept syncing without them (accounts add --accept-missing-scopes; admin API: \"acceptMissingScopes\": true)");
        }
        return new RegistrationScopes(granted, v.warnings());
    }

    /** Registration refused: a scope a catalog resource needs is not granted (and the operator did not accept that). */
    public static final class MissingScopesException extends io.shopifysync.accounts.InvalidInputException {
        public MissingScopesException(String message) {
            super(message);
        }
    }

    /**
     * Where a resource's visible history starts before objects missing from the store may be taken for deleted: the
     * scopes are read again now (they can change at any time), and a window applies when either the scopes stored
     * before (those a snapshot may have been taken under) or the ones read now lack the history scope.
     */
    public Optional<OffsetDateTime> judgedVisibleFrom(String shop, Resource r, OffsetDateTime at) {
        if (r.historyLimit() == null) {
            return Optional.empty();
        }
        Optional<GrantedScopes> before = accounts.accessScopes(shop);
        Optional<OffsetDateTime> now = visibleFrom(refresh(shop), r, at);
        return now.isPresent() ? now : before.flatMap(b -> visibleFrom(b, r, at));
    }

    private void warnOnce(String shop, GrantedScopes granted) {
        for (String note : historyNotes(catalog, granted)) {
            if (warned.add(shop + "|" + note)) {
                LOG.warn("{}: {}", shop, note);
            }
        }
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
