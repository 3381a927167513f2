package io.shopifysync.lifecycle;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.accounts.ShopDomain;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.db.Jdbc;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes everything we hold about one shop (shop/redact, {@code accounts remove --purge}): its rows in
 * every catalog table, sync state, webhook inbox and idempotency keys, dead letters, data-request exports
 * and the account itself, in one transaction, and keeps an audit row with the counts. Every statement is
 * scoped by shop: other shops are never touched.
 */
public final class ShopData {

    private static final Logger LOG = LoggerFactory.getLogger(ShopData.class);
    // the shop's row first: it waits for any webhook intake holding it (InboxGroupCommit locks it), and once deleted
    // no new delivery is stored, so the inbox deleted after it keeps nothing of the shop
    private static final List<String> OWN_TABLES = List.of("shops", "sync_state", "webhook_inbox", "dead_letters", "data_requests");

    private final Jdbc jdbc;
    private final Catalog catalog;
    private final Clock clock;

    public ShopData(Jdbc jdbc, Catalog catalog, Clock clock) {
        this.jdbc = jdbc;
        this.catalog = catalog;
        this.clock = clock;
    }

    /** Returns rows deleted per table. */
    public Map<String, Integer> purge(String rawShop, String source) {
        String shop = ShopDomain.parse(rawShop).value();
        Map<String, Integer> deleted = jdbc.inTransaction(c -> {
            Map<String, Integer> counts = new LinkedHashMap<>();
            List<String> tables = new ArrayList<>(OWN_TABLES);
            tables.addAll(catalog.tables());
            for (String table : tables) {
                try (PreparedStatement ps = c.prepareStatement(jdbc.sql().get("delete-shop-rows").replace("${table}", table))) {
                    ps.setString(1, shop);
                    counts.put(table, ps.executeUpdate());
                }
            }
            counts.put("camel_messageprocessed", jdbc.update(c, "delete-shop-idempotency-keys", shop + "/%"));
            jdbc.update(c, "insert-redaction", shop, source, new ObjectMapper().valueToTree(counts).toString(),
                    OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC));
            return counts;
        });
        Map<String, Integer> all = new LinkedHashMap<>(deleted);
        all.put("work_locks", jdbc.inTransaction(c -> jdbc.update(c, "delete-shop-work-locks", shop, shop)));
        LOG.info("{}: all data deleted ({}): {}", shop, source, all);
        return all;
    }
}
