package io.shopifysync.app;

import io.shopifysync.config.AppConfig;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import io.shopifysync.catalog.CatalogRoutes;
import io.shopifysync.admin.PublicPortGuard;
import io.shopifysync.observe.ManagementSecurity;

/** The long-running application: Camel Main with our beans and the YAML routes read from {@code routes/}. */
public final class ShopifySyncApp implements AutoCloseable {

    private final Main main;

    private ShopifySyncApp(Main main) {
        this.main = main;
    }

    public static Main createMain(AppConfig config) {
        Main main = new Main();
        main.setDefaultPropertyPlaceholderLocation("false");
        main.setOverrideProperties(config.asProperties());
        String routesDir = config.path("routes.dir", "routes").toString();
        main.configure().withRoutesIncludePattern("file:" + routesDir + "/*.yaml");
        if (config.getBoolean("routes.reload")) {
            // run --dev: Camel Main watches routes/ and reloads a saved file's routes in place (only the routes of that
            // file, by id: the catalog's templated routes and the others keep running)
            main.configure().withRoutesReloadEnabled(true).withRoutesReloadDirectory(routesDir)
                    .withRoutesReloadPattern("*.yaml").withRoutesReloadRemoveAllRoutes(false);
        }
        main.configure().addConfiguration(new AppBeans(config));
        return main;
    }

    /** Starts in the background, for tests and the demo; {@link #close()} stops it. */
    public static ShopifySyncApp start(AppConfig config) throws Exception {
        Main main = createMain(config);
        main.start();
        return new ShopifySyncApp(main);
    }

    /** Runs in the foreground until the JVM is asked to stop. */
    public static void runUntilStopped(AppConfig config) throws Exception {
        createMain(config).run();
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    @Override
    public void close() throws Exception {
        main.stop();
    }
}
