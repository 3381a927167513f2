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
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the whole system on one machine with no configuration: a seeded emulated store,
 * registered, imported with progress bars, then the status table and the database digest next to the
 * store's.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start the emulator with a seeded store, register it, import it with progress bars, then show the "
                + "status table and the database digest next to the store's (on the embedded database unless DB_URL is set).")
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

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (ShopifyEmulator emulator = ShopifyEmulator.builder().port(0).shops(1).seed(seed).orders(orders)
                .products(products).customers(customers).plan("plus").start()) {
            EmulatedShop shop = emulator.shops().get(0);
            out.println("1. emulated store " + shop.domain() + " at " + shop.adminUrl() + " (" + orders + " orders, "
                    + products + " products, " + customers + " customers)");
            AppConfig config = AppConfig.load().with(Map.of("http.port", "0", "import.only-shop", shop.domain()));
            try (ShopifySyncApp app = ShopifySyncApp.start(config)) {
                Database db = app.context().getRegistry().lookupByNameAndType("database", Database.class);
                new Accounts(db, new TokenCipher(MasterKey.load(config))).add(shop.domain(), shop.accessToken(), shop.adminUrl());
                out.println("2. registered it in " + db.displayUrl());
                out.println("3. importing (bulk operations, streamed into newer-wins upserts):");
                out.flush();
                int imported = ImportCommand.follow(app, shop.domain(), out, err, System.nanoTime() + 600_000_000_000L);
                if (imported != 0) {
                    return imported;
                }
                out.println("4. status:");
                out.flush();
                new StatusCommand().print(db, out);
                ObjectMapper json = new ObjectMapper();
                String ours = new Digest(db, Catalog.load()).computeJson(ShopDomain.parse(shop.domain()));
                String theirs = emulator.digest(shop.domain());
                boolean equal = json.readTree(ours).equals(json.readTree(theirs));
                out.println("5. digest of the database: " + ours);
                out.println("   digest of the store:    " + theirs);
                out.println(equal ? "   EQUAL: the database holds exactly the store." : "   DIFFERENT: the database does not match the store.");
                out.println("Keeping the data fresh (polling, webhooks) arrives with the next issues; see the README's roadmap.");
                out.flush();
                return equal ? 0 : ShopifySync.EXIT_FAILURE;
            }
        }
    }
}
