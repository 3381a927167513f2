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
                    + "master.key.previous; running instances re-read both files by themselves, no restart needed. "
                    + "With SHOPIFY_SYNC_MASTER_KEY (a running process cannot re-read its environment): first restart every "
                    + "instance with the new key as SHOPIFY_SYNC_MASTER_KEY and the old one as SHOPIFY_SYNC_MASTER_KEY_PREVIOUS, "
                    + "then run this with that same environment to move every token to the new key, then drop the previous key. "
                    + "(Or pass the new key with --new-key-file and restart every instance with the new environment right after.)")
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
                boolean finishing = false;
                if (fromEnvironment && next == null) {
                    if (MasterKey.loadPrevious(config).isEmpty()) {
                        spec.commandLine().getErr().println("error: the current key comes from SHOPIFY_SYNC_MASTER_KEY: pass the "
                                + "new one with --new-key-file (generate it with: openssl rand -base64 32 > new.key), or set it "
                                + "as SHOPIFY_SYNC_MASTER_KEY with the old one as SHOPIFY_SYNC_MASTER_KEY_PREVIOUS on every "
                                + "instance first and run this again");
                        return ShopifySync.EXIT_USAGE;
                    }
                    // the instances already run with the new key and the previous one: move what is left to the new key
                    next = current;
                    finishing = true;
                }
                if (next == null) {
                    next = MasterKey.generate();
                }
                if (!finishing && next.id().equals(current.id())) {
                    spec.commandLine().getErr().println("error: the new key is the current key");
                    return ShopifySync.EXIT_USAGE;
                }
                if (!fromEnvironment) {
                    // old key kept first: whatever happens next, every stored token stays decryptable
                    current.writeTo(config.dataDir().resolve(MasterKey.PREVIOUS_KEY_FILE));
                    next.writeTo(config.dataDir().resolve(MasterKey.KEY_FILE));
                }
                int n = env.accounts().reencryptAll(from, new TokenCipher(next));
                String fromIds = finishing ? current.id() + " and " + MasterKey.loadPrevious(config).orElseThrow().id() : current.id();
                out.println("re-encrypted " + n + " stored token(s) from key " + fromIds + " to key " + next.id());
                if (finishing) {
                    out.println("every stored token is now under key " + next.id() + "; drop SHOPIFY_SYNC_MASTER_KEY_PREVIOUS "
                            + "from every instance at their next restart");
                } else if (fromEnvironment) {
                    out.println("now restart every instance with SHOPIFY_SYNC_MASTER_KEY set to the new key and "
                            + "SHOPIFY_SYNC_MASTER_KEY_PREVIOUS to the old one: until then a running instance holds only the old "
                            + "key and cannot read the re-encrypted tokens; drop the previous key once all of them run with the new one");
                } else {
                    out.println("new key written to " + config.dataDir().resolve(MasterKey.KEY_FILE) + "; running instances re-read "
                            + "it by themselves (they log 'master keys re-read') and the old key stays in "
                            + MasterKey.PREVIOUS_KEY_FILE + ": delete that once every running instance has logged it or restarted");
                }
            }
            return 0;
        }
    }
}
