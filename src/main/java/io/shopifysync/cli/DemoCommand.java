package io.shopifysync.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.MasterKey;
import io.shopifysync.accounts.ShopDomain;
import io.shopifysync.accounts.TokenCipher;
import io.shopifysync.app.ShopifySyncApp;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.config.AppConfig;
import io.shopifysync.db.Database;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.sync.Digest;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the whole system on one machine with no configuration: a seeded emulated store,
 * registered, imported with progress bars, kept fresh by polling while it changes, then the status table
 * and the database digest next to the store's.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start the emulator with a seeded store, register it, import it with progress bars, keep it fresh by "
                + "polling while the store changes, then show the status table and the database digest next to the store's "
                + "(on the embedded database unless DB_URL is set).")
final class DemoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--orders", defaultValue = "2000", description = "Orders in the store (default ${DEFAULT-VALUE}).")
    int orders;

    @Option(names = "--products", defaultValue = "300", description = "Products in the store (default ${DEFAULT-VALUE}).")
    int products;

    @Option(names = "--customers", defaultValue = "2000", description = "Customers in the store (default ${DEFAULT-VALUE}).")
    int customers;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the store's data (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--churn-seconds", defaultValue = "10",
            description = "How long the store changes while it is kept fresh (default ${DEFAULT-VALUE}).")
    int churnSeconds;

    private static void controlCall(String method, String url, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("emulator control " + method + " " + url + " answered " + r.statusCode());
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (ShopifyEmulator emulator = ShopifyEmulator.builder().port(0).shops(1).seed(seed).orders(orders)
                .products(products).customers(customers).plan("plus").start()) {
            EmulatedShop shop = emulator.shops().get(0);
            out.println("1. emulated store " + shop.domain() + " at " + shop.adminUrl() + " (" + orders + " orders, "
                    + products + " products, " + customers + " customers)");
            // the demo polls every 2 s and reconciles deletions on every poll, so changes show within seconds
            AppConfig config = AppConfig.load().with(Map.of("http.port", "0", "management.enabled", "false", "import.only-shop", shop.domain(),
                    "poll.interval.ms", "2000", "reconcile.interval.ms", "0", "sync.overlap.seconds", "10"));
            try (ShopifySyncApp app = ShopifySyncApp.start(config)) {
                Database db = app.context().getRegistry().lookupByNameAndType("database", Database.class);
                new Accounts(db, TokenCipher.forConfig(config)).add(shop.domain(), shop.accessToken(), shop.adminUrl(), true); // the emulator: plain HTTP on localhost
                out.println("2. registered it in " + db.displayUrl());
                out.println("3. importing (bulk operations, streamed into newer-wins upserts):");
                out.flush();
                int imported = ImportCommand.follow(app, shop.domain(), out, err, System.nanoTime() + 600_000_000_000L);
                if (imported != 0) {
                    return imported;
                }
                out.println("4. keeping it fresh by polling while the store changes for " + churnSeconds
                        + " s (creates, updates, deletes of orders, products and customers):");
                out.flush();
                String control = emulator.baseUrl() + "/_emulator/shops/" + shop.domain();
                for (String resource : new String[] {"orders", "products", "customers"}) {
                    controlCall("POST", control + "/" + resource + "/churn",
                            "{\"createPerSecond\":2,\"updatePerSecond\":5,\"deletePerSecond\":1}");
                }
                Thread.sleep(churnSeconds * 1000L);
                for (String resource : new String[] {"orders", "products", "customers"}) {
                    controlCall("DELETE", control + "/" + resource + "/churn", null);
                }
                ObjectMapper json = new ObjectMapper();
                Digest digest = new Digest(db, Catalog.load());
                long stopped = System.nanoTime();
                boolean equal = false;
                while (!equal && System.nanoTime() - stopped < 60_000_000_000L) {
                    equal = json.readTree(digest.computeJson(ShopDomain.parse(shop.domain())))
                            .equals(json.readTree(emulator.digest(shop.domain())));
                    if (!equal) {
                        Thread.sleep(250);
                    }
                }
                out.printf("   the store stopped changing; the database %s %.1f s later%n",
                        equal ? "matched it" : "still differed", (System.nanoTime() - stopped) / 1e9);
                out.println("5. status:");
                out.flush();
                new StatusCommand().print(db, out);
                String ours = digest.computeJson(ShopDomain.parse(shop.domain()));
                String theirs = emulator.digest(shop.domain());
                equal = json.readTree(ours).equals(json.readTree(theirs));
                out.println("6. digest of the database: " + ours);
                out.println("   digest of the store:    " + theirs);
                out.println(equal ? "   EQUAL: the database holds exactly the store." : "   DIFFERENT: the database does not match the store.");
                out.flush();
                return equal ? 0 : ShopifySync.EXIT_FAILURE;
            }
        }
    }
}
