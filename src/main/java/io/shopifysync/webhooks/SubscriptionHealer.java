package io.shopifysync.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import io.shopifysync.accounts.Account;
import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.ShopCredentials;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.catalog.Resource;
import io.shopifysync.shopify.ShopifyGraphql;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every installed shop subscribed to the webhook topics we process: the catalog's upsert and delete
 * topics plus APP_UNINSTALLED, each pointing at {@code webhook.public.url + /webhooks/shopify}. Shopify
 * removes a subscription whose deliveries keep failing, and an operator may delete one by hand; polling
 * keeps the data correct meanwhile, and this puts the subscription back. Compliance topics
 * (customers/data_request, customers/redact, shop/redact) are app configuration, not subscriptions.
 *
 * <p>The route {@code webhook-subscriptions-heal} (routes/webhook-subscriptions.yaml) heals every INSTALLED shop on
 * the {@code webhook.subscriptions.interval.ms} schedule; {@code webhook-subscriptions-heal-new} runs often and
 * heals only shops whose subscriptions were not checked since they were last added
 * ({@code shops.subscriptions_checked_at} is NULL: new, re-enabled or reinstalled, by any process) or that this
 * process has not healed yet (every shop at start), so they are subscribed within seconds without listing every
 * shop's subscriptions often. The routes select the shops (sql:), split and catch per shop; this bean heals one.
 */
public final class SubscriptionHealer {

    public static final String PATH = "/webhooks/shopify";
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionHealer.class);
    /** After a failed first heal, a new shop is tried again by {@link #healNew} this much later. */
    private static final Duration NEW_SHOP_RETRY = Duration.ofMinutes(1);

    static final String LIST = """
            query WebhookSubscriptions($after: String) {
              webhookSubscriptions(first: 250, after: $after) {
                edges { node { id topic uri } }
                pageInfo { hasNextPage endCursor }
              }
            }""";
    static final String CREATE = """
            mutation WebhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $url: String!) {
              webhookSubscriptionCreate(topic: $topic, webhookSubscription: { uri: $url, format: JSON }) {
                webhookSubscription { id }
                userErrors { field message }
              }
            }""";

    private final Accounts accounts;
    private final ShopifyGraphql graphql;
    private final List<String> topics;
    private final String callbackUrl;
    private final Clock clock;
    private final AtomicLong recreated = new AtomicLong();
    private final AtomicLong scheduledRuns = new AtomicLong();
    private final AtomicBoolean saidUnconfigured = new AtomicBoolean();
    /** Shops healed successfully by this process; absent: never healed (new, or the process just started). */
    private final Map<String, Instant> healedAt = new ConcurrentHashMap<>();
    /** New shops whose first heal failed: not tried again by {@link #healNew} before this time. */
    private final Map<String, Instant> retryNewAt = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public SubscriptionHealer(Accounts accounts, ShopifyGraphql graphql, Catalog catalog, String publicUrl, Clock clock) {
        this.accounts = accounts;
        this.graphql = graphql;
        this.topics = topics(catalog);
        this.callbackUrl = WebhookPublicUrl.callbackUrl(publicUrl);
        this.clock = clock;
    }

    /** The subscribable topics as Shopify's enum: the catalog's webhook topics and APP_UNINSTALLED, sorted. */
    static List<String> topics(Catalog catalog) {
        Set<String> out = new TreeSet<>();
        for (Resource r : catalog.resources()) {
            r.upsertTopics().forEach(t -> out.add(topicEnum(t)));
            r.deleteTopics().forEach(t -> out.add(topicEnum(t)));
        }
        out.add("APP_UNINSTALLED");
        return List.copyOf(out);
    }

    /** {@code orders/create} → {@code ORDERS_CREATE}. */
    static String topicEnum(String restTopic) {
        return restTopic.strip().toUpperCase(Locale.ROOT).replace('/', '_');
    }

    public List<String> topics() {
        return topics;
    }

    /** The URL every subscription must point at, or null when {@code webhook.public.url} is not set. */
    public String callbackUrl() {
        return callbackUrl;
    }

    /** How many subscriptions this process (re)created since it started. */
    public long recreated() {
        return recreated.get();
    }

    /** How many scheduled runs of {@link #healAll} finished, configured or not. */
    public long scheduledRuns() {
        return scheduledRuns.get();
    }

    /** The end of a scheduled run of the {@code webhook-subscriptions-heal} route, configured or not. */
    public void scheduledRunDone() {
        scheduledRuns.incrementAndGet();
    }

    /**
     * Whether the frequent route heals this shop now (one row of sql/select-installed-shops-subscriptions-checked.sql):
     * its subscriptions were not checked since it was last added (by any process), or this process has not healed it
     * yet; a new shop whose first heal failed waits {@link #NEW_SHOP_RETRY}.
     */
    public boolean dueForFirstHeal(@Body Map<String, Object> row) {
        String shop = (String) row.get("shop_domain");
        boolean unchecked = row.get("subscriptions_checked_at") == null;
        return !(healedAt.containsKey(shop) && !unchecked) && !retryNewAt.getOrDefault(shop, Instant.MIN).isAfter(clock.instant());
    }

    /** One shop not healed by the scheduled run: logged, the others carry on. */
    public void couldNotHeal(@ExchangeProperty("shop") String shop, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable e) {
        LOG.warn("{}: webhook subscriptions not healed: {}", shop, e.getMessage());
    }

    /** A new shop whose first heal failed: logged, and tried again by the frequent route a minute later. */
    public void couldNotHealNew(@ExchangeProperty("shop") String shop, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable e) {
        couldNotHeal(shop, e);
        retryNewAt.put(shop, clock.instant().plus(NEW_SHOP_RETRY));
    }

    /** Lists the shop's subscriptions and creates each topic missing at our URL; returns the topics created. */
    public List<String> heal(String shop) {
        if (!configured()) {
            return List.of();
        }
        synchronized (locks.computeIfAbsent(shop, k -> new Object())) { // the two schedules never heal one shop at once
            Instant started = clock.instant();
            ShopCredentials creds = accounts.credentials(shop)
                    .orElseThrow(() -> new IllegalStateException("shop " + shop + " is not registered"));
            Set<String> present = presentTopics(creds);
            List<String> created = new ArrayList<>();
            List<String> failed = new ArrayList<>();
            for (String topic : topics) {
                if (!present.contains(topic)) {
                    try { // one refused topic never keeps the others from being created
                        create(creds, topic);
                        created.add(topic);
                    } catch (RuntimeException e) {
                        LOG.warn("{}: webhook subscription {} not created: {}", shop, topic, e.getMessage());
                        failed.add(topic);
                    }
                }
            }
            if (!failed.isEmpty()) {
                throw new IllegalStateException("could not create the subscriptions " + failed + " (created " + created + ")");
            }
            healedAt.put(shop, clock.instant());
            retryNewAt.remove(shop);
            accounts.subscriptionsChecked(shop, started.atOffset(java.time.ZoneOffset.UTC));
            if (created.isEmpty()) {
                LOG.debug("{}: all {} webhook subscriptions present", shop, topics.size());
            }
            return created;
        }
    }

    /** Topics subscribed at our URL; a subscription of the topic pointing elsewhere does not count. */
    private Set<String> presentTopics(ShopCredentials creds) {
        Set<String> present = new TreeSet<>();
        String after = null;
        do {
            Map<String, Object> vars = new HashMap<>();
            vars.put("after", after);
            JsonNode conn = graphql.execute(creds, LIST, vars).path("webhookSubscriptions");
            for (JsonNode edge : conn.path("edges")) {
                JsonNode node = edge.path("node");
                if (callbackUrl.equals(node.path("uri").asText(null))) {
                    present.add(node.path("topic").asText());
                }
            }
            JsonNode page = conn.path("pageInfo");
            after = page.path("hasNextPage").asBoolean(false) ? page.path("endCursor").asText(null) : null;
        } while (after != null);
        return present;
    }

    private void create(ShopCredentials creds, String topic) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("topic", topic);
        vars.put("url", callbackUrl);
        JsonNode payload = graphql.execute(creds, CREATE, vars).path("webhookSubscriptionCreate");
        JsonNode errors = payload.path("userErrors");
        if (errors.size() > 0 || payload.path("webhookSubscription").path("id").isMissingNode()) {
            throw new IllegalStateException("webhookSubscriptionCreate " + topic + " refused: " + errors);
        }
        long n = recreated.incrementAndGet();
        LOG.info("{}: webhook subscription {} (re)created at {} as {} ({} since start)", creds.shop(), topic, callbackUrl,
                payload.path("webhookSubscription").path("id").asText(), n);
    }

    /** Whether webhook.public.url is set; says once that nothing is subscribed while it is not. */
    public boolean configured() {
        if (callbackUrl == null) {
            if (saidUnconfigured.compareAndSet(false, true)) {
                LOG.warn("webhook.public.url (WEBHOOK_PUBLIC_URL) is not set: webhooks are not subscribed; polling alone keeps data fresh");
            }
            return false;
        }
        return true;
    }
}
