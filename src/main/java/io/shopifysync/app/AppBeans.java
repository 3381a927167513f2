package io.shopifysync.app;

import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.MasterKey;
import io.shopifysync.accounts.ShopsAdminApi;
import io.shopifysync.accounts.TokenCipher;
import io.shopifysync.admin.AdminAuth;
import io.shopifysync.admin.AdminErrors;
import io.shopifysync.config.AppConfig;
import io.shopifysync.db.Database;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;

/** Binds the beans that the YAML routes name ({@code ref: ...}) into the Camel registry. */
public final class AppBeans implements CamelConfiguration {

    private final AppConfig config;

    public AppBeans(AppConfig config) {
        this.config = config;
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        Database db = Database.open(config);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                db.close();
            }
        });
        Accounts accounts = new Accounts(db, new TokenCipher(MasterKey.load(config)));
        var registry = context.getRegistry();
        registry.bind("dataSource", db.dataSource());
        registry.bind("database", db);
        registry.bind("accounts", accounts);
        registry.bind("shopsAdmin", new ShopsAdminApi(accounts));
        registry.bind("adminAuth", new AdminAuth(config.get("admin.token").orElse(null)));
        registry.bind("adminErrors", new AdminErrors());
    }
}
