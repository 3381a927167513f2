package io.shopifysync.cli;

import picocli.CommandLine;

/** Says plainly that a command has not been built yet, with exit code 2; it never pretends to work. */
final class NotYetAvailable {
    private NotYetAvailable() {
    }

    static int say(CommandLine.Model.CommandSpec spec, String what) {
        spec.commandLine().getErr().println("shopify-sync " + spec.qualifiedName(" ").replaceFirst("^shopify-sync ", "")
                + " is not available yet: " + what);
        return ShopifySync.EXIT_USAGE;
    }
}
