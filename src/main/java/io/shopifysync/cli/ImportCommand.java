package io.shopifysync.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code import --shop D}: the first import in the foreground. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import a store's history (bulk operations) in the foreground with progress bars.")
final class ImportCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--shop", required = true, description = "The store's NAME.myshopify.com domain.")
    String shop;

    @Override
    public Integer call() {
        return NotYetAvailable.say(spec, "the bulk import has not been built yet (see the README's roadmap).");
    }
}
