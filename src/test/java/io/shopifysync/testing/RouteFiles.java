package io.shopifysync.testing;

import org.apache.camel.CamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/** Loads route files from the checkout's routes/ into a test's Camel context, as the application does at start. */
public final class RouteFiles {
    private RouteFiles() {
    }

    public static void load(CamelContext context, String... files) throws Exception {
        for (String file : files) {
            PluginHelper.getRoutesLoader(context).loadRoutes(
                    ResourceHelper.resolveResource(context, "file:" + ProjectHome.path().resolve("routes").resolve(file)));
        }
    }
}
