package io.shopifysync.cli;

import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shopify-sync sandbox}: runs the local Shopify Admin API emulator until stopped. */
@Command(name = "sandbox", mixinStandardHelpOptions = true,
        description = {"Run the local Shopify Admin API emulator (GraphQL Admin API 2026-10, bulk operations, webhooks,",
                "control API under /_emulator/) until stopped with Ctrl-C or SIGTERM."})
public class SandboxCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", defaultValue = "9393", description = "HTTP port (0 = a random free port). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--shops", defaultValue = "1", description = "Number of shops (sandbox-1.myshopify.com, …). Default: ${DEFAULT-VALUE}.")
    int shops;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the generated data. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--orders", defaultValue = "250", description = "Orders per shop. Default: ${DEFAULT-VALUE}.")
    int orders;

    @Option(names = "--products", defaultValue = "50", description = "Products per shop. Default: ${DEFAULT-VALUE}.")
    int products;

    @Option(names = "--customers", defaultValue = "100", description = "Customers per shop. Default: ${DEFAULT-VALUE}.")
    int customers;

    @Option(names = "--plan", defaultValue = "basic", description = "basic, advanced or plus (GraphQL rate limits). Default: ${DEFAULT-VALUE}.")
    String plan;

    @Option(names = "--client-secret", description = "Webhook HMAC key. Default: sandbox-secret.")
    String clientSecret;

    @Option(names = "--time-scale", defaultValue = "1.0",
            description = "Multiplies every emulator delay (webhook retries, shop/redact delay, bulk run time). Default: ${DEFAULT-VALUE}.")
    double timeScale;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String problem = validate();
        if (problem != null) {
            err.println("error: " + problem);
            err.flush();
            return 2;
        }
        ShopifyEmulator emu;
        try {
            ShopifyEmulator.Builder b = ShopifyEmulator.builder().port(port).host(host).shops(shops).seed(seed)
                    .orders(orders).products(products).customers(customers).plan(plan).timeScale(timeScale);
            if (clientSecret != null) {
                b.clientSecret(clientSecret);
            }
            emu = b.start();
        } catch (ShopifyEmulator.StartException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            emu.close();
            stopped.countDown();
        }, "sandbox-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        printBanner(out, emu);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            emu.close();
        }
        return 0;
    }

    private String validate() {
        if (port < 0 || port > 65535) {
            return "--port must be between 0 and 65535, got " + port;
        }
        if (shops < 1 || shops > 1000) {
            return "--shops must be between 1 and 1000, got " + shops;
        }
        if (orders < 0 || products < 0 || customers < 0) {
            return "--orders, --products and --customers must not be negative";
        }
        if (plan == null || !(plan.equalsIgnoreCase("basic") || plan.equalsIgnoreCase("advanced") || plan.equalsIgnoreCase("plus"))) {
            return "unknown --plan '" + plan + "' (use basic, advanced or plus)";
        }
        if (!(timeScale >= 0) || Double.isInfinite(timeScale)) {
            return "--time-scale must be a finite number >= 0, got " + timeScale;
        }
        return null;
    }

    private void printBanner(PrintWriter out, ShopifyEmulator emu) {
        out.println("Shopify Admin API emulator listening on " + emu.baseUrl() + "  (API 2026-10, plan " + plan.toLowerCase()
                + ", seed " + seed + ", " + orders + " orders / " + products + " products / " + customers + " customers per shop)");
        out.println();
        for (EmulatedShop s : emu.shops()) {
            out.println("  shop:      " + s.domain());
            out.println("  admin API: " + s.graphqlUrl());
            out.println("  token:     " + s.accessToken());
            out.println();
        }
        EmulatedShop first = emu.shops().get(0);
        out.println("Try it:");
        out.println("  curl -s -X POST '" + first.graphqlUrl() + "' \\");
        out.println("    -H 'X-Shopify-Access-Token: " + first.accessToken() + "' -H 'Content-Type: application/json' \\");
        out.println("    -d '{\"query\":\"{ shop { name } orders(first: 3) { nodes { id name updatedAt } } }\"}'");
        out.println();
        out.println("Register it (the emulator's URL is plain HTTP, so it needs --allow-insecure-api-url):");
        out.println("  shopify-sync accounts add --shop " + first.domain() + " --token " + first.accessToken()
                + " --api-url " + first.adminUrl() + " --allow-insecure-api-url");
        out.println();
        out.println("Control API: " + emu.baseUrl() + "/_emulator/shops  (see docs/emulator.md); webhooks are signed with the "
                + (clientSecret == null ? "default client secret 'sandbox-secret'" : "client secret given by --client-secret"));
        out.println("Press Ctrl-C to stop.");
        out.flush();
    }
}
