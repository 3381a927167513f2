package io.shopifysync.catalog;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;

/**
 * Instantiates the per-resource route templates of {@code routes/} once for every catalog entry
 * (route ids {@code <template prefix>-<resource>}), the way Kamelets are bound.
 */
public final class CatalogRoutes {

    /** Template id → the route id prefix of its instances. */
    private static final String[][] TEMPLATES = {{"import-resource", "import"}, {"poll-resource", "poll"}};

    private CatalogRoutes() {
    }

    public static void instantiate(CamelContext context, Catalog catalog) throws Exception {
        for (String[] template : TEMPLATES) {
            for (Resource r : catalog.resources()) {
                String routeId = template[1] + "-" + r.name();
                if (context.getRoute(routeId) == null) {
                    TemplatedRouteBuilder.builder(context, template[0])
                            .routeId(routeId)
                            .parameter("resource", r.name())
                            .add();
                }
            }
        }
    }
}
