package io.shopifysync.catalog;

import io.shopifysync.cluster.Partitions;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;

/**
 * Instantiates the per-resource route templates of {@code routes/} once for every catalog entry
 * and partition (route ids {@code <template prefix>-<resource>}, with {@code -p<n>} when {@code sync.partitions}
 * is above 1), the way Kamelets are bound; the webhook templates once per resource with topics (route ids
 * {@code webhook-reread-<resource>}, {@code webhook-tombstone-<resource>}).
 */
public final class CatalogRoutes {

    /** Template id → the route id prefix and suffix of its instances: each resource's tick and its per-shop step. */
    private static final String[][] TEMPLATES = {{"import-tick", "import", "-tick"}, {"import-resource", "import", ""},
            {"poll-tick", "poll", "-tick"}, {"poll-resource", "poll", ""}};

    /** Template id → the route id prefix of its instances, for the webhook topics of each resource. */
    private static final String[][] WEBHOOK_TEMPLATES = {{"webhook-reread-resource", "webhook-reread"},
            {"webhook-tombstone-resource", "webhook-tombstone"}};

    private CatalogRoutes() {
    }

    /** With the {@code catalog} and {@code partitions} beans the application bound (AppBeans). */
    public static void instantiate(CamelContext context) throws Exception {
        instantiate(context, context.getRegistry().lookupByNameAndType("catalog", Catalog.class),
                context.getRegistry().lookupByNameAndType("partitions", Partitions.class));
    }

    public static void instantiate(CamelContext context, Catalog catalog, Partitions partitions) throws Exception {
        for (String[] template : TEMPLATES) {
            for (Resource r : catalog.resources()) {
                for (int p = 0; p < partitions.count(); p++) {
                    String job = r.name() + partitions.suffix(p);
                    String routeId = template[1] + "-" + job + template[2];
                    if (context.getRoute(routeId) == null) {
                        TemplatedRouteBuilder.builder(context, template[0])
                                .routeId(routeId)
                                // no node prefix: Hawtio matches a step's statistics to the route dump by its id
                                .prefixId("")
                                .parameter("resource", r.name())
                                .parameter("partition", Integer.toString(p))
                                .parameter("job", job)
                                .add();
                    }
                }
            }
        }
        instantiateWebhooks(context, catalog);
    }

    /** The webhook templates: one re-read and one tombstone route per resource with topics of its own (not per partition). */
    public static void instantiateWebhooks(CamelContext context, Catalog catalog) throws Exception {
        for (String[] template : WEBHOOK_TEMPLATES) {
            for (Resource r : catalog.resources()) {
                boolean handles = template[0].equals("webhook-reread-resource") ? !r.upsertTopics().isEmpty()
                        : !r.deleteTopics().isEmpty();
                String routeId = template[1] + "-" + r.name();
                if (r.storesRoots() && handles && context.getRoute(routeId) == null) {
                    TemplatedRouteBuilder builder = TemplatedRouteBuilder.builder(context, template[0])
                            .routeId(routeId)
                            .parameter("resource", r.name());
                    if (template[0].equals("webhook-tombstone-resource")) {
                        // the tables its sql: steps tombstone: the resource's own, and each child table by its parent column
                        builder.parameter("table", r.table()).parameter("children", r.children().stream()
                                .map(c -> c.table() + ":" + c.parentColumn()).collect(Collectors.joining(",")));
                    }
                    builder.add();
                }
            }
        }
    }
}
