package io.shopifysync.app;

import io.shopifysync.catalog.CatalogRoutes;
import io.shopifysync.config.AppConfig;
import io.shopifysync.admin.PublicPortGuard;
import io.shopifysync.observe.ManagementSecurity;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;

/**
 * Our beans, the catalog's routes and the management port's guard for {@code camel run} (Camel JBang), which
 * builds its own Camel Main: it instantiates this class by name ({@code camel.main.configuration-classes}), so it
 * has no constructor arguments and reads the configuration the way {@code shopify-sync run} does
 * (application.properties, environment, system properties). See docs/operations.md, "Camel JBang".
 */
public final class JBangConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        AppConfig config = AppConfig.load();
        new AppBeans(config).configure(context);
        // Camel Main collects route builders from the registry and adds their templated routes after every route
        // and template of routes/: the moment ShopifySyncApp instantiates the catalog's routes in afterConfigure
        context.getRegistry().bind("catalogRoutes", new RouteBuilder() {
            @Override
            public void configure() {
            }

            @Override
            public void addTemplatedRoutesToCamelContext(CamelContext camelContext) throws Exception {
                CatalogRoutes.instantiate(camelContext);
            }
        });
        // the management server exists by now and does not listen yet: without this guard Jolokia would be open
        ManagementSecurity.install(context, config);
        // likewise the public port: nothing reads a stranger's body before this guard
        PublicPortGuard.install(context, config);
    }
}
