package io.shopifysync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopifysync.db.Dialect;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.CliProcess;
import io.shopifysync.testing.EmulatorControl;
import io.shopifysync.testing.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user runs it, configured only by environment variables (CliProcess: a new process's environment). */
class CliTest {

    @TempDir
    Path dataDir;

    record Result(int exitCode, String out, String err) {
    }

    private Result run(Map<String, String> env, String... args) throws Exception {
        CliProcess.Result r = CliProcess.run(dataDir, env, args);
        return new Result(r.exitCode(), r.out(), r.err());
    }

    private static Map<String, String> envFor(TestDatabase tdb) {
        return CliProcess.envFor(tdb);
    }

    @BothDatabases
    void accountsRoundTripAndDigest(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect)) {
            Map<String, String> env = envFor(tdb);
            Result add = run(env, "accounts", "add", "--shop", "Acme.myshopify.com", "--token", "shpat_cli_secret",
                    "--api-url", "http://127.0.0.1:9393/shops/acme.myshopify.com", "--allow-insecure-api-url");
            assertThat(add.exitCode()).as(add.err()).isZero();
            assertThat(add.out()).isEqualTo("added acme.myshopify.com\n");

            Result again = run(env, "accounts", "add", "--shop", "acme.myshopify.com", "--token", "shpat_cli_secret2");
            assertThat(again.out()).isEqualTo("updated acme.myshopify.com\n");

            Result list = run(env, "accounts", "list");
            assertThat(list.exitCode()).isZero();
            assertThat(list.out()).contains("acme.myshopify.com", "INSTALLED", "https://acme.myshopify.com");

            Result status = run(env, "status");
            assertThat(status.exitCode()).isZero();
            assertThat(status.out()).contains("acme.myshopify.com").doesNotContain("password");

            Result digest = run(env, "digest", "--shop", "acme.myshopify.com");
            assertThat(digest.exitCode()).isZero();
            assertThat(digest.out().trim()).matches("\\{\"orders\":\\{\"count\":0,\"sha256\":\"[0-9a-f]{64}\"},"
                    + "\"products\":\\{.*},\"customers\":\\{.*},\"order_line_items\":\\{.*},\"product_variants\":\\{.*}}");

            Result remove = run(env, "accounts", "remove", "--shop", "acme.myshopify.com");
            assertThat(remove.out()).isEqualTo("removed acme.myshopify.com\n");
            Result removeAgain = run(env, "accounts", "remove", "--shop", "acme.myshopify.com");
            assertThat(removeAgain.exitCode()).isEqualTo(2);
            assertThat(removeAgain.err()).contains("is not registered");

            Result purge = run(env, "accounts", "remove", "--shop", "acme.myshopify.com", "--purge");
            assertThat(purge.exitCode()).as(purge.err()).isZero();
            assertThat(purge.out()).startsWith("purged acme.myshopify.com: ");

            for (Result r : List.of(add, again, list, status, digest, remove)) {
                assertThat(r.out() + r.err()).doesNotContain("shpat_cli_secret");
            }
        }
    }

    @Test
    void badInputIsRefusedWithExitCode2AndNothingWritten() throws Exception {
        Result bad = run(Map.of(), "accounts", "add", "--shop", "acme.com", "--token", "t");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("invalid shop domain 'acme.com'");
        Result empty = run(Map.of(), "accounts", "add", "--shop", "acme.myshopify.com", "--token", "");
        assertThat(empty.exitCode()).isEqualTo(2);
        assertThat(empty.err()).contains("missing access token");
        assertThat(run(Map.of(), "accounts", "list").out()).contains("no stores registered");
    }

    @BothDatabases
    void anApiUrlOtherThanTheShopsOwnNeedsTheFlagAndAnOverlongDomainIsAUsageError(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect)) {
            Map<String, String> env = envFor(tdb);
            Result longDomain = run(env, "accounts", "add", "--shop", "a".repeat(300) + ".myshopify.com", "--token", "t");
            assertThat(longDomain.exitCode()).as(longDomain.err()).isEqualTo(2);
            assertThat(longDomain.err()).contains("invalid shop domain: 314 characters; a domain name has at most 253 characters");
            for (String url : List.of("http://169.254.169.254", "http://127.0.0.1:5432", "https://evil.example.com",
                    "https://user@a.myshopify.com")) {
                Result refused = run(env, "accounts", "add", "--shop", "a.myshopify.com", "--token", "shpat_cli_t", "--api-url", url);
                assertThat(refused.exitCode()).as(url + ": " + refused.err()).isEqualTo(2);
                assertThat(refused.err()).as(url).contains("API URL").doesNotContain("shpat_cli_t");
            }
            assertThat(run(env, "accounts", "list").out()).as("nothing written").contains("no stores registered");

            Result allowed = run(env, "accounts", "add", "--shop", "a.myshopify.com", "--token", "shpat_cli_t",
                    "--api-url", "http://169.254.169.254", "--allow-insecure-api-url");
            assertThat(allowed.exitCode()).as(allowed.err()).isZero();
            assertThat(run(env, "accounts", "list").out()).contains("a.myshopify.com", "http://169.254.169.254");
        }
    }

    @BothDatabases
    void migrateTokenExchangesEveryNonExpiringTokenAndListSaysWhichKindEachStoreHolds(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect);
             io.shopifysync.emulator.ShopifyEmulator emu = io.shopifysync.emulator.ShopifyEmulator.builder().port(0).shops(1)
                     .orders(1).products(1).customers(1).clientSecret("cli-secret").start()) {
            io.shopifysync.emulator.EmulatedShop shop = emu.shops().get(0);
            Map<String, String> env = new java.util.HashMap<>(envFor(tdb));
            Result add = run(env, "accounts", "add", "--shop", shop.domain(), "--token", shop.accessToken(), "--api-url", shop.adminUrl(),
                    "--allow-insecure-api-url");
            assertThat(add.exitCode()).as(add.err()).isZero();
            Result before = run(env, "accounts", "list");
            assertThat(before.out()).contains("STATIC", "accounts migrate-token --all", "2027-01-01");

            Result noCredentials = run(env, "accounts", "migrate-token", "--all");
            assertThat(noCredentials.exitCode()).isEqualTo(1);
            assertThat(noCredentials.err()).contains(shop.domain() + ": not migrated", "SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET");
            assertThat(run(env, "accounts", "migrate-token", "--all", "--shop", shop.domain()).exitCode()).isEqualTo(2);

            env.put("SHOPIFY_CLIENT_ID", io.shopifysync.emulator.ShopifyEmulator.CLIENT_ID);
            env.put("SHOPIFY_CLIENT_SECRET", "cli-secret");
            Result migrated = run(env, "accounts", "migrate-token", "--all");
            assertThat(migrated.exitCode()).as(migrated.err()).isZero();
            assertThat(migrated.out()).startsWith(shop.domain() + ": migrated to an expiring token");
            assertThat(migrated.out() + migrated.err()).doesNotContain(shop.accessToken());
            Result after = run(env, "accounts", "list");
            assertThat(after.out()).contains("EXPIRING").doesNotContain("migrate-token");
            assertThat(run(env, "accounts", "migrate-token", "--all").out()).contains("no store holds a non-expiring token");
        }
    }

    @Test
    void unknownCommandsAndMissingOptionsAreUsageErrors() throws Exception {
        Result unknown = run(Map.of(), "frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unmatched argument").contains("frobnicate");
        Result missing = run(Map.of(), "digest");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required option: '--shop");
    }

    @Test
    void anUnreachableDatabaseIsNamedWithoutThePassword() throws Exception {
        Result r = run(Map.of("DB_URL", "jdbc:postgresql://127.0.0.1:1/nowhere", "DB_USER", "u", "DB_PASSWORD", "hunter2",
                "DB_CONNECTION_TIMEOUT_MS", "1000"), "accounts", "list");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("cannot connect to database jdbc:postgresql://127.0.0.1:1/nowhere").doesNotContain("hunter2");
    }

    /** In-process, for commands that touch neither the environment nor the database. */
    private static Result runInProcess(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = ShopifySync.commandLine();
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void importOfAnUnregisteredShopIsRefused() throws Exception {
        Result r = run(Map.of("HTTP_PORT", "0"), "import", "--shop", "nobody.myshopify.com", "--timeout", "20");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("shop nobody.myshopify.com is not registered");
    }

    @Test
    void everyCommandHasHelp() {
        for (String args : new String[] {"--help", "accounts --help", "accounts add --help", "accounts list --help",
                "accounts remove --help", "import --help", "run --help", "status --help", "digest --help", "sandbox --help",
                "demo --help", "keys --help", "keys rotate --help", "dlq --help", "dlq list --help", "dlq replay --help", "dlq discard --help"}) {
            Result r = runInProcess(args.split(" "));
            assertThat(r.exitCode()).as(args).isZero();
            assertThat(r.out()).as(args).contains("Usage: shopify-sync");
        }
    }

    @BothDatabases
    void accountsAddReadsTheGrantedScopesRefusesAMissingResourceScopeUnlessAcceptedAndWarnsOfTheOrderWindow(Dialect dialect)
            throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect);
             ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(2).seed(7).orders(2).products(1).customers(1).start()) {
            Map<String, String> env = envFor(tdb);
            EmulatorControl control = new EmulatorControl(emu);
            EmulatedShop noProducts = emu.shops().get(0);
            EmulatedShop limited = emu.shops().get(1);
            control.call("PUT", "/_emulator/shops/" + noProducts.domain() + "/scopes",
                    "{\"scopes\":[\"read_orders\",\"read_all_orders\",\"read_customers\"]}");
            control.call("PUT", "/_emulator/shops/" + limited.domain() + "/scopes",
                    "{\"scopes\":[\"read_orders\",\"read_products\",\"write_customers\"]}");

            Result refused = run(env, "accounts", "add", "--shop", noProducts.domain(), "--token", noProducts.accessToken(),
                    "--api-url", noProducts.adminUrl(), "--allow-insecure-api-url");
            assertThat(refused.exitCode()).as(refused.out()).isEqualTo(2);
            assertThat(refused.err()).contains("refused " + noProducts.domain(), "missing access scope read_products",
                    "products cannot be read", "--accept-missing-scopes");

            Result accepted = run(env, "accounts", "add", "--shop", noProducts.domain(), "--token", noProducts.accessToken(),
                    "--api-url", noProducts.adminUrl(), "--allow-insecure-api-url", "--accept-missing-scopes");
            assertThat(accepted.exitCode()).as(accepted.err()).isZero();
            assertThat(accepted.err()).contains("warning: missing access scope read_products");

            Result warned = run(env, "accounts", "add", "--shop", limited.domain(), "--token", limited.accessToken(),
                    "--api-url", limited.adminUrl(), "--allow-insecure-api-url");
            assertThat(warned.exitCode()).as(warned.err()).isZero();
            assertThat(warned.out()).contains("added " + limited.domain(), "access scopes: read_orders, read_products, write_customers");
            assertThat(warned.err()).contains("warning: orders history is limited to the last 60 days", "read_all_orders");

            Result list = run(env, "accounts", "list");
            assertThat(list.out()).contains("ACCESS SCOPES", "read_orders,read_products,write_customers",
                    "read_all_orders,read_customers,read_orders");
            Result status = run(env, "status");
            assertThat(status.out()).contains(limited.domain() + " access scopes: read_orders, read_products, write_customers",
                    "note: orders history is limited to the last 60 days");
            for (Result r : List.of(refused, accepted, warned, list, status)) {
                assertThat(r.out() + r.err()).doesNotContain(noProducts.accessToken()).doesNotContain(limited.accessToken());
            }
        }
    }
}
