package io.shopifysync.cli;

import io.shopifysync.accounts.ShopDomain;
import io.shopifysync.app.ShopifySyncApp;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.config.AppConfig;
import io.shopifysync.db.Database;
import io.shopifysync.status.StatusReport;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code import --shop D}: the first import in the foreground, with a progress bar per resource. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import a store's history (bulk operations, paging as fallback) in the foreground with a progress "
                + "bar per resource; exits 0 once every resource is INCREMENTAL. Resumes where any earlier run stopped.")
final class ImportCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--shop", required = true, description = "The store's NAME.myshopify.com domain.")
    String shop;

    @Option(names = "--timeout", description = "Give up after this many seconds (default: no limit).")
    Long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        String domain = ShopDomain.parse(shop).value();
        // port 0: a foreground import never competes with a running instance for HTTP_PORT; its own scheduler:
        // it must not take cluster jobs it would only run for one shop (the work locks keep it apart from run)
        AppConfig config = AppConfig.load().with(Map.of("import.only-shop", domain, "http.port", "0",
                "management.enabled", "false", "quartz.clustered", "false"));
        long deadline = timeoutSeconds == null ? Long.MAX_VALUE : System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        try (ShopifySyncApp app = ShopifySyncApp.start(config)) {
            return follow(app, domain, spec.commandLine().getOut(), spec.commandLine().getErr(), deadline);
        }
    }

    /** Draws the progress of {@code domain}'s import until every catalog resource is INCREMENTAL. */
    static int follow(ShopifySyncApp app, String domain, PrintWriter out, PrintWriter err, long deadlineNanos)
            throws InterruptedException {
        Database db = app.context().getRegistry().lookupByNameAndType("database", Database.class);
        int resources = Catalog.load().resources().size();
        ImportProgress progress = new ImportProgress(out, System.console() != null);
        while (true) {
            Optional<StatusReport.ShopStatus> s = StatusReport.shops(db, Clock.systemUTC()).stream().filter(x -> x.shopDomain().equals(domain)).findFirst();
            if (s.isEmpty()) {
                err.println("error: shop " + domain + " is not registered; add it with accounts add");
                return ShopifySync.EXIT_USAGE;
            }
            progress.draw(s.get());
            if (!"INSTALLED".equals(s.get().status())) {
                err.println("error: shop " + domain + " is " + s.get().status()
                        + (s.get().statusReason() == null ? "" : ": " + s.get().statusReason()));
                return ShopifySync.EXIT_FAILURE;
            }
            long incremental = s.get().resources().stream().filter(r -> "INCREMENTAL".equals(r.phase())).count();
            if (incremental == resources) {
                out.println("import of " + domain + " complete: every resource is INCREMENTAL");
                out.flush();
                return 0;
            }
            if (System.nanoTime() > deadlineNanos) {
                err.println("error: import not finished in time; run the command again to continue where it stopped");
                return ShopifySync.EXIT_FAILURE;
            }
            Thread.sleep(500);
        }
    }
}
