package io.shopifysync.cli;

import io.shopifysync.accounts.MasterKey;
import io.shopifysync.accounts.TokenCipher;
import io.shopifysync.config.AppConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keys rotate}: re-encrypts every stored token under a new master key. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage the master key that encrypts stored tokens.",
        subcommands = {KeysCommand.Rotate.class})
final class KeysCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: rotate");
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Re-encrypt every stored token under a new master key, in one transaction. With the key file "
                    + "(the default) the new key is generated and written to master.key, the old one kept as "
                    + "master.key.previous until every running instance has restarted. With SHOPIFY_SYNC_MASTER_KEY, "
                    + "pass the new key with --new-key-file and then set it, with the old one as SHOPIFY_SYNC_MASTER_KEY_PREVIOUS.")
    static final class Rotate implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--new-key-file", description = "A file holding the new key (base64 of 32 bytes, e.g. from "
                + "openssl rand -base64 32); required when the current key comes from SHOPIFY_SYNC_MASTER_KEY.")
        Path newKeyFile;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (Environment env = Environment.load()) {
                AppConfig config = env.config();
                MasterKey current = MasterKey.load(config);
                TokenCipher from = TokenCipher.forConfig(config);
                boolean fromEnvironment = config.get(MasterKey.CONFIG_KEY).isPresent();
                MasterKey next = newKeyFile == null ? null
                        : MasterKey.fromBase64(java.nio.file.Files.readString(newKeyFile).trim());
                if (fromEnvironment && next == null) {
                    spec.commandLine().getErr().println("error: the current key comes from SHOPIFY_SYNC_MASTER_KEY: pass the "
                            + "new one with --new-key-file (generate it with: openssl rand -base64 32 > new.key)");
                    return ShopifySync.EXIT_USAGE;
                }
                if (next == null) {
                    next = MasterKey.generate();
                }
                if (next.id().equals(current.id())) {
                    spec.commandLine().getErr().println("error: the new key is the current key");
                    return ShopifySync.EXIT_USAGE;
                }
                if (!fromEnvironment) {
                    // old key kept first: whatever happens next, every stored token stays decryptable
                    current.writeTo(config.dataDir().resolve(MasterKey.PREVIOUS_KEY_FILE));
                    next.writeTo(config.dataDir().resolve(MasterKey.KEY_FILE));
                }
                int n = env.accounts().reencryptAll(from, new TokenCipher(next));
                out.println("re-encrypted " + n + " stored token(s) from key " + current.id() + " to key " + next.id());
                if (fromEnvironment) {
                    out.println("now set SHOPIFY_SYNC_MASTER_KEY to the new key and SHOPIFY_SYNC_MASTER_KEY_PREVIOUS to the old "
                            + "one on every instance; drop the previous key once all of them run with the new one");
                } else {
                    out.println("new key written to " + config.dataDir().resolve(MasterKey.KEY_FILE) + "; the old one stays in "
                            + MasterKey.PREVIOUS_KEY_FILE + " until you delete it after restarting every running instance");
                }
            }
            return 0;
        }
    }
}
