package io.shopifysync.cli;

import io.shopifysync.accounts.Account;
import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.InvalidInputException;
import io.shopifysync.accounts.ShopCredentials;
import io.shopifysync.shopify.TokenRefresher;
import java.time.Duration;
import io.shopifysync.accounts.ShopDomain;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.db.Jdbc;
import io.shopifysync.lifecycle.ShopData;
import java.time.Clock;
import java.util.Map;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code accounts add|list|remove}: the stores we sync. */
@Command(name = "accounts", mixinStandardHelpOptions = true, description = "Register, list and remove stores.",
        subcommands = {AccountsCommand.Add.class, AccountsCommand.ListShops.class, AccountsCommand.Remove.class,
                AccountsCommand.Resume.class})
final class AccountsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: add, list, remove or resume");
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Register a store, or update its token and API URL when it is registered already.")
    static final class Add implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--shop", required = true, description = "The store's NAME.myshopify.com domain.")
        String shop;

        @Option(names = "--client-credentials", description = "An organization-owned app: no token is given; one is "
                + "requested with SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET (client credentials grant) and renewed before it expires.")
        boolean clientCredentials;

        @Option(names = "--token",
                description = "The Admin API access token; '-' reads it from standard input (keeps it out of the process list).")
        String token;

        @Option(names = "--api-url", description = "Base URL of the store's Admin API (default https://<shop>, the only one "
                + "accepted without --allow-insecure-api-url); e.g. the emulator's http://127.0.0.1:9393/shops/<shop>.")
        String apiUrl;

        @Option(names = "--allow-insecure-api-url", description = "Accept an --api-url other than https://<shop> (plain "
                + "HTTP, another host or port: the emulator). The store's token is sent to that URL.")
        boolean allowInsecureApiUrl;

        @Option(names = "--refresh-token", description = "For an expiring offline token: its refresh token (rotates on "
                + "use; the app refreshes ahead of expiry with SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET).")
        String refreshToken;

        @Option(names = "--expires-in", description = "For an expiring offline token: seconds until it expires (default 3600).")
        Long expiresIn;

        @Override
        public Integer call() throws IOException {
            if (clientCredentials == (token != null)) {
                throw new InvalidInputException("give either --token or --client-credentials");
            }
            String plain = "-".equals(token)
                    ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine()
                    : token;
            try (Environment env = Environment.load()) {
                if (clientCredentials) {
                    ShopDomain domain = ShopDomain.parse(shop);
                    String url = Accounts.validApiUrl(apiUrl, domain, allowInsecureApiUrl);
                    ShopCredentials granted = new TokenRefresher(env.accounts(), env.config().get("shopify.client.id").orElse(null),
                            env.config().get("shopify.client.secret").orElse(null), Duration.ofMinutes(5), Clock.systemUTC())
                            .requestToken(new ShopCredentials(domain, url, "", "INSTALLED",
                                    ShopCredentials.TokenKind.CLIENT_CREDENTIALS, null, null));
                    Accounts.AddOutcome outcome = env.accounts().add(shop, granted.accessToken(), url, allowInsecureApiUrl,
                            ShopCredentials.TokenKind.CLIENT_CREDENTIALS, null, granted.expiresAt());
                    spec.commandLine().getOut().println((outcome == Accounts.AddOutcome.ADDED ? "added " : "updated ")
                            + domain + " (client credentials; token valid until " + granted.expiresAt() + ")");
                    return 0;
                }
                Accounts.AddOutcome outcome = refreshToken == null ? env.accounts().add(shop, plain, apiUrl, allowInsecureApiUrl)
                        : env.accounts().add(shop, plain, apiUrl, allowInsecureApiUrl, ShopCredentials.TokenKind.EXPIRING, refreshToken,
                                OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(expiresIn == null ? 3600 : expiresIn));
                spec.commandLine().getOut().println((outcome == Accounts.AddOutcome.ADDED ? "added " : "updated ")
                        + ShopDomain.parse(shop));
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List registered stores (tokens are never shown).")
    static final class ListShops implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (Environment env = Environment.load()) {
                List<Account> accounts = env.accounts().list();
                PrintWriter out = spec.commandLine().getOut();
                if (accounts.isEmpty()) {
                    out.println("no stores registered; add one with: shopify-sync accounts add --shop NAME.myshopify.com --token TOKEN");
                    return 0;
                }
                Map<String, List<String>> paused = new java.util.HashMap<>();
                for (Accounts.PausedResource p : env.accounts().pausedResources()) {
                    paused.computeIfAbsent(p.shop(), k -> new java.util.ArrayList<>()).add(p.resource() + ": " + p.reason());
                }
                Table table = new Table("SHOP", "STATUS", "API URL", "INSTALLED", "PAUSED RESOURCES");
                for (Account a : accounts) {
                    table.row(a.shopDomain(), a.status(), a.apiUrl(), Table.instant(a.installedAt()),
                            String.join("; ", paused.getOrDefault(a.shopDomain(), List.of())));
                }
                table.print(out);
            }
            return 0;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Resume a store's resources paused because the store refused them (ACCESS_DENIED: protected customer "
                    + "data not approved, a missing access scope), once the permission is granted. They continue where they "
                    + "stopped. (accounts add again resumes them too.)")
    static final class Resume implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--shop", required = true, description = "The store's NAME.myshopify.com domain.")
        String shop;

        @Option(names = "--resource", description = "Only this resource (a catalog name such as customers); default: every paused one.")
        String resource;

        @Override
        public Integer call() {
            if (resource != null && Catalog.load().resources().stream().noneMatch(r -> r.name().equals(resource))) {
                throw new InvalidInputException("unknown resource '" + resource + "' (one of "
                        + Catalog.load().resources().stream().map(r -> r.name()).toList() + ")");
            }
            try (Environment env = Environment.load()) {
                String domain = ShopDomain.parse(shop).value();
                List<Accounts.PausedResource> resumed = env.accounts().resume(domain, resource);
                PrintWriter out = spec.commandLine().getOut();
                if (resumed.isEmpty()) {
                    out.println(domain + ": nothing was paused" + (resource == null ? "" : " for " + resource));
                    return 0;
                }
                for (Accounts.PausedResource p : resumed) {
                    out.println("resumed " + domain + " " + p.resource() + " (was paused: " + p.reason() + ")");
                }
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Forget a store's credentials and stop syncing it; its synced data stays in the database "
                    + "unless --purge is given.")
    static final class Remove implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--shop", required = true, description = "The store's NAME.myshopify.com domain.")
        String shop;

        @Option(names = "--purge", description = "Also delete every row we hold for the store (as shop/redact does), "
                + "keeping only an audit row in shopify.redactions.")
        boolean purge;

        @Override
        public Integer call() {
            try (Environment env = Environment.load()) {
                String domain = ShopDomain.parse(shop).value();
                if (purge) {
                    Map<String, Integer> deleted = new ShopData(new Jdbc(env.database()), Catalog.load(), Clock.systemUTC())
                            .purge(domain, "accounts remove --purge");
                    spec.commandLine().getOut().println("purged " + domain + ": "
                            + deleted.values().stream().mapToInt(Integer::intValue).sum() + " rows deleted " + deleted);
                    return 0;
                }
                if (!env.accounts().remove(domain)) {
                    spec.commandLine().getErr().println("error: shop " + domain + " is not registered");
                    return ShopifySync.EXIT_USAGE;
                }
                spec.commandLine().getOut().println("removed " + domain);
            }
            return 0;
        }
    }
}
