package io.shopifysync.cli;

import io.shopifysync.accounts.ShopDomain;
import io.shopifysync.db.Jdbc;
import io.shopifysync.sync.DeadLetters;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dlq list|replay|discard}: dead letters, the work that failed for a reason retrying will not fix. */
@Command(name = "dlq", mixinStandardHelpOptions = true, description = "List, replay or discard dead letters.",
        subcommands = {DlqCommand.ListLetters.class, DlqCommand.Replay.class, DlqCommand.Discard.class})
final class DlqCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list, replay or discard");
    }

    private static DeadLetters deadLetters(Environment env) {
        return new DeadLetters(new Jdbc(env.database()), Clock.systemUTC());
    }

    /** Which dead letters a replay or discard acts on: one by id, or all of them. */
    static final class Target {
        @Option(names = "--id", required = true, description = "The dead letter's id (see dlq list).")
        Long id;

        @Option(names = "--all", required = true, description = "Every dead letter that is not discarded (with --shop: of that store).")
        boolean all;
    }

    /** A missing dead letter: exit code 2 with a message that says so. */
    private static Optional<DeadLetters.Letter> find(DeadLetters letters, long id, CommandLine.Model.CommandSpec spec) {
        Optional<DeadLetters.Letter> letter = letters.find(id);
        if (letter.isEmpty()) {
            spec.commandLine().getErr().println("error: no dead letter with id " + id + " (see: shopify-sync dlq list --all)");
        }
        return letter;
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List dead letters that are not discarded: id, store, source, resource, reason, created, replayed, discarded.")
    static final class ListLetters implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--shop", description = "Only this store's dead letters.")
        String shop;

        @Option(names = "--all", description = "Include discarded dead letters.")
        boolean all;

        @Override
        public Integer call() {
            String domain = shop == null ? null : ShopDomain.parse(shop).value();
            try (Environment env = Environment.load()) {
                List<DeadLetters.Letter> letters = deadLetters(env).list(domain, all);
                PrintWriter out = spec.commandLine().getOut();
                if (letters.isEmpty()) {
                    out.println("no dead letters" + (domain == null ? "" : " for " + domain));
                    out.flush();
                    return 0;
                }
                Table table = new Table("ID", "SHOP", "SOURCE", "RESOURCE", "REASON", "CREATED", "REPLAYED", "DISCARDED");
                for (DeadLetters.Letter l : letters) {
                    table.row(l.id(), l.shop(), l.source(), l.resource(), abbreviate(l.reason()), Table.instant(l.createdAt()),
                            Table.instant(l.replayedAt()), Table.instant(l.discardedAt()));
                }
                table.print(out);
            }
            return 0;
        }

        private static String abbreviate(String reason) {
            String oneLine = reason == null ? null : reason.replaceAll("\\s+", " ");
            return oneLine == null || oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 79) + "…";
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {"Replay dead letters of webhook deliveries: the delivery goes back to the inbox as new, with no attempts,"
                    + " and the running application processes it again.",
                    "Dead letters of the import or of polling have no stored delivery and cannot be replayed automatically:"
                            + " fix the cause (the next import or poll reads the data again), then discard them.",
                    "Exit codes: 0 replayed; 2 unknown id, or a dead letter that cannot be replayed."})
    static final class Replay implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        @Option(names = "--shop", description = "With --all: only this store's dead letters.")
        String shop;

        @Override
        public Integer call() {
            if (shop != null && !target.all) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--shop goes with --all, not with --id");
            }
            String domain = shop == null ? null : ShopDomain.parse(shop).value();
            try (Environment env = Environment.load()) {
                DeadLetters letters = deadLetters(env);
                PrintWriter out = spec.commandLine().getOut();
                if (!target.all) {
                    Optional<DeadLetters.Letter> letter = find(letters, target.id, spec);
                    if (letter.isEmpty()) {
                        return ShopifySync.EXIT_USAGE;
                    }
                    DeadLetters.Replay r = letters.replay(letter.get());
                    if (r.outcome() != DeadLetters.ReplayOutcome.REPLAYED) {
                        spec.commandLine().getErr().println("error: " + r.message());
                        return ShopifySync.EXIT_USAGE;
                    }
                    out.println(r.message());
                    out.flush();
                    return 0;
                }
                int replayed = 0;
                int skipped = 0;
                for (DeadLetters.Letter l : letters.list(domain, false)) {
                    if (l.replayedAt() != null) {
                        continue; // replayed before: a new failure has a new dead letter
                    }
                    DeadLetters.Replay r = letters.replay(l);
                    if (r.outcome() == DeadLetters.ReplayOutcome.REPLAYED) {
                        replayed++;
                        out.println(r.message());
                    } else {
                        skipped++;
                        out.println("skipped: " + r.message());
                    }
                }
                out.println("replayed " + replayed + ", skipped " + skipped);
                out.flush();
                return 0;
            }
        }
    }

    @Command(name = "discard", mixinStandardHelpOptions = true,
            description = {"Discard dead letters: they stay in the table for the record but are no longer listed (see list --all).",
                    "Exit codes: 0 discarded; 2 unknown id, or --all without --shop."})
    static final class Discard implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        @Option(names = "--shop", description = "With --all (required there): the store whose dead letters are discarded.")
        String shop;

        @Override
        public Integer call() {
            if (target.all && shop == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "discard --all needs --shop D: every store's dead letters are never discarded at once");
            }
            if (shop != null && !target.all) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--shop goes with --all, not with --id");
            }
            try (Environment env = Environment.load()) {
                DeadLetters letters = deadLetters(env);
                PrintWriter out = spec.commandLine().getOut();
                if (target.all) {
                    String domain = ShopDomain.parse(shop).value();
                    out.println("discarded " + letters.discardAll(domain) + " dead letters of " + domain);
                    out.flush();
                    return 0;
                }
                Optional<DeadLetters.Letter> letter = find(letters, target.id, spec);
                if (letter.isEmpty()) {
                    return ShopifySync.EXIT_USAGE;
                }
                if (letters.discard(target.id)) {
                    out.println("discarded dead letter " + target.id);
                } else {
                    out.println("dead letter " + target.id + " was discarded already at " + Table.instant(letter.get().discardedAt()));
                }
                out.flush();
                return 0;
            }
        }
    }
}
