package io.shopifysync.cli;

import io.shopifysync.accounts.ShopDomain;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.sync.Digest;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code digest --shop D}: the convergence digest of contract C3, computed from the database. */
@Command(name = "digest", mixinStandardHelpOptions = true,
        description = "Print the shop's digest (count and SHA-256 per resource) from the database; "
                + "equal to the emulator's digest when the database holds exactly the store.")
final class DigestCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--shop", required = true, description = "The store's NAME.myshopify.com domain.")
    String shop;

    @Override
    public Integer call() {
        ShopDomain domain = ShopDomain.parse(shop);
        try (Environment env = Environment.load()) {
            spec.commandLine().getOut().println(new Digest(env.database(), Catalog.load()).computeJson(domain));
        }
        return 0;
    }
}
