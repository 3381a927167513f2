package io.shopifysync.cli;

import io.shopifysync.accounts.InvalidInputException;
import io.shopifysync.accounts.TokenCipher;
import io.shopifysync.config.AppConfig;
import io.shopifysync.config.ConfigException;
import io.shopifysync.db.DatabaseUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code shopify-sync} command line: one entry point, a subcommand per task. */
@Command(name = "shopify-sync", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Pull Shopify stores into a SQL database and keep them fresh.",
        subcommands = {AccountsCommand.class, ImportCommand.class, RunCommand.class, StatusCommand.class,
                DigestCommand.class, SandboxCommand.class, DemoCommand.class, DlqCommand.class, KeysCommand.class,
                CommandLine.HelpCommand.class})
public final class ShopifySync implements Runnable {

    /** Exit code for bad input, usage errors and commands that are not available. */
    public static final int EXIT_USAGE = 2;
    /** Exit code for failures at run time, such as an unreachable database. */
    public static final int EXIT_FAILURE = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        try {
            LogFormat.select(AppConfig.load()); // before anything creates a logger
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(EXIT_USAGE);
        }
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ShopifySync());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + e.getMessage());
            return exitCodeOf(e);
        });
        return cl;
    }

    static int exitCodeOf(Exception e) {
        if (e instanceof InvalidInputException || e instanceof ConfigException) {
            return EXIT_USAGE;
        }
        if (e instanceof DatabaseUnavailableException || e instanceof TokenCipher.TokenDecryptionException) {
            return EXIT_FAILURE;
        }
        return EXIT_FAILURE;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: see --help");
    }
}
