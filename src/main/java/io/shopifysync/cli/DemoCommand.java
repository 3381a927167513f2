package io.shopifysync.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code demo}: emulator, registration, import and live sync in one command. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start the emulator, register a seeded store, import it and keep it fresh, on the embedded database.")
final class DemoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return NotYetAvailable.say(spec, "it needs the bulk import, which has not been built yet (see the README's roadmap).");
    }
}
