package io.shopifysync.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dlq list|replay|discard}: dead letters. */
@Command(name = "dlq", mixinStandardHelpOptions = true, description = "List, replay or discard dead letters.",
        subcommands = {DlqCommand.ListLetters.class, DlqCommand.Replay.class, DlqCommand.Discard.class})
final class DlqCommand implements Runnable {
    private static final String WHY = "dead letters arrive with webhook processing, which has not been built yet (see the README's roadmap).";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list, replay or discard");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead letters.")
    static final class ListLetters implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return NotYetAvailable.say(spec, WHY);
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true, description = "Replay dead letters.")
    static final class Replay implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--id", description = "The dead letter to replay.")
        Long id;

        @Override
        public Integer call() {
            return NotYetAvailable.say(spec, WHY);
        }
    }

    @Command(name = "discard", mixinStandardHelpOptions = true, description = "Discard dead letters.")
    static final class Discard implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--id", description = "The dead letter to discard.")
        Long id;

        @Override
        public Integer call() {
            return NotYetAvailable.say(spec, WHY);
        }
    }
}
