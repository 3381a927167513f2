package io.shopifysync.app;

import io.shopifysync.catalog.Catalog;
import io.shopifysync.catalog.CatalogRoutes;
import io.shopifysync.config.AppConfig;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/**
 * Our beans and the catalog's routes for {@code camel run} (Camel JBang), which builds its own Camel Main: it
 * instantiates this class by name ({@code camel.main.configuration-classes}), so it has no constructor
 * arguments and reads the configuration the way {@code shopify-sync run} does (application.properties,
 * environment, system properties). See the README, "Camel JBang".
 */
public final class JBangConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        new AppBeans(AppConfig.load()).configure(context);
        // Camel Main collects route builders from the registry and adds their templated routes after routes/
        context.getRegistry().bind("catalogRoutes",
                CatalogRoutes.asRouteBuilder(context.getRegistry().lookupByNameAndType("catalog", Catalog.class)));
    }
}
