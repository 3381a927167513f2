package io.shopifysync.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the emulator lands; replaced by the emulator work. */
@Command(name = "sandbox", mixinStandardHelpOptions = true, description = "Run the local Shopify Admin API emulator.")
public class SandboxCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("sandbox: not available yet");
        return 2;
    }
}
