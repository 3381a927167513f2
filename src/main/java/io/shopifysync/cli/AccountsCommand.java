package io.shopifysync.cli;

import io.shopifysync.accounts.Account;
import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.InvalidInputException;
import io.shopifysync.accounts.ShopCredentials;
import io.shopifysync.shopify.TokenRefresher;
import java.time.Duration;
import io.shopifysync.accounts.ShopDomain;
import io.shopifysync.accounts.RegistrationScopes;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.db.Jdbc;
import io.shopifysync.lifecycle.ShopData;
import io.shopifysync.scopes.AccessScopes;
import io.shopifysync.scopes.DirectScopeReader;
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
                AccountsCommand.MigrateToken.class, AccountsCommand.Resume.class})
final class AccountsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: add, list, remove, resume or migrate-token");
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

        @Option(names = "--accept-missing-scopes", description = "Register the store even when it did not grant an access scope "
                + "a synced resource needs (read_orders, read_products, read_customers): that resource is then not synced.")
        boolean acceptMissingScopes;

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
                    RegistrationScopes scopes = checkScopes(env, granted);
                    Accounts.AddOutcome outcome = env.accounts().add(shop, granted.accessToken(), url, allowInsecureApiUrl,
                            ShopCredentials.TokenKind.CLIENT_CREDENTIALS, null, granted.expiresAt());
                    recordScopes(env, domain, scopes);
                    spec.commandLine().getOut().println((outcome == Accounts.AddOutcome.ADDED ? "added " : "updated ")
                            + domain + " (client credentials; token valid until " + granted.expiresAt() + ")");
                    return 0;
                }
                ShopDomain domain = ShopDomain.parse(shop);
                RegistrationScopes scopes = checkScopes(env, new ShopCredentials(domain,
                        Accounts.validApiUrl(apiUrl, domain, allowInsecureApiUrl), Accounts.validToken(plain), "INSTALLED",
                        ShopCredentials.TokenKind.STATIC, null, null));
                Accounts.AddOutcome outcome = refreshToken == null ? env.accounts().add(shop, plain, apiUrl, allowInsecureApiUrl)
                        : env.accounts().add(shop, plain, apiUrl, allowInsecureApiUrl, ShopCredentials.TokenKind.EXPIRING, refreshToken,
                                OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(expiresIn == null ? 3600 : expiresIn));
                recordScopes(env, domain, scopes);
                spec.commandLine().getOut().println((outcome == Accounts.AddOutcome.ADDED ? "added " : "updated ") + domain);
            }
            return 0;
        }

        /** Reads the scopes the shop granted before it is stored: refuses a missing catalog scope unless accepted; warns otherwise. */
        private RegistrationScopes checkScopes(Environment env, ShopCredentials creds) {
            AccessScopes scopes = new AccessScopes(env.accounts(), Catalog.load(),
                    new DirectScopeReader(env.config().require("shopify.api.version")), Clock.systemUTC());
            RegistrationScopes result = scopes.checkRegistration(creds, acceptMissingScopes);
            for (String warning : result.warnings()) {
                spec.commandLine().getErr().println("warning: " + warning);
            }
            return result;
        }

        private void recordScopes(Environment env, ShopDomain domain, RegistrationScopes scopes) {
            if (scopes.granted() != null) {
                env.accounts().recordAccessScopes(domain.value(), scopes.granted());
                spec.commandLine().getOut().println("access scopes: " + String.join(", ", scopes.granted().handles()));
            }
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
                Table table = new Table("SHOP", "STATUS", "API URL", "INSTALLED", "TOKEN", "ACCESS SCOPES", "PAUSED RESOURCES");
                for (Account a : accounts) {
                    table.row(a.shopDomain(), a.status(), a.apiUrl(), Table.instant(a.installedAt()), a.tokenKind(),
                            a.accessScopes() == null ? "(not read yet)" : String.join(",", a.accessScopes().handles()),
                            String.join("; ", paused.getOrDefault(a.shopDomain(), List.of())));
                }
                table.print(out);
                if (accounts.stream().anyMatch(a -> "STATIC".equals(a.tokenKind()) && !"UNINSTALLED".equals(a.status()))) {
                    out.println("STATIC tokens do not expire. Shopify refuses them for public apps from 2027-01-01: "
                            + "run 'shopify-sync accounts migrate-token --all' before then (custom apps are exempt).");
                }
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

    @Command(name = "migrate-token", mixinStandardHelpOptions = true,
            description = "Exchange stores' non-expiring offline tokens for expiring ones with refresh tokens (Shopify's token "
                    + "exchange; public apps must by 2027-01-01). Needs SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET. Safe to run "
                    + "again after a failure, and beside a running instance.")
    static final class MigrateToken implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--shop", description = "The store's NAME.myshopify.com domain.")
        String shop;

        @Option(names = "--all", description = "Every registered store that holds a non-expiring token.")
        boolean all;

        @Override
        public Integer call() {
            if (all == (shop != null)) {
                throw new InvalidInputException("give either --shop or --all");
            }
            try (Environment env = Environment.load()) {
                TokenRefresher tokens = new TokenRefresher(env.accounts(), env.config().get("shopify.client.id").orElse(null),
                        env.config().get("shopify.client.secret").orElse(null), Duration.ofMinutes(5), Clock.systemUTC());
                List<String> shops = all
                        ? env.accounts().list().stream().filter(a -> "STATIC".equals(a.tokenKind()) && !"UNINSTALLED".equals(a.status()))
                                .map(Account::shopDomain).toList()
                        : List.of(ShopDomain.parse(shop).value());
                PrintWriter out = spec.commandLine().getOut();
                if (shops.isEmpty()) {
                    out.println("no store holds a non-expiring token");
                    return 0;
                }
                int failed = 0;
                for (String domain : shops) {
                    ShopCredentials c = env.accounts().credentials(domain).orElse(null);
                    if (c == null) {
                        spec.commandLine().getErr().println("error: shop " + domain + " is not registered");
                        return ShopifySync.EXIT_USAGE;
                    }
                    if (c.kind() != ShopCredentials.TokenKind.STATIC) {
                        out.println(domain + ": nothing to do (its token is " + c.kind() + ")");
                        continue;
                    }
                    try {
                        ShopCredentials migrated = tokens.migrateToExpiring(c);
                        out.println(domain + ": migrated to an expiring token (valid until " + migrated.expiresAt() + ", refreshed by run)");
                    } catch (RuntimeException e) {
                        failed++;
                        spec.commandLine().getErr().println(domain + ": not migrated: " + io.shopifysync.shopify.ShopifyApiException.describe(e)
                                + " (the stored token is unchanged; run this again)");
                    }
                }
                return failed == 0 ? 0 : 1;
            }
        }
    }
}
