package io.shopifysync.cli;

import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.MasterKey;
import io.shopifysync.accounts.TokenCipher;
import io.shopifysync.config.AppConfig;
import io.shopifysync.db.Database;

/** What a short-lived command needs: the configuration and, on demand, the migrated database. */
final class Environment implements AutoCloseable {

    private final AppConfig config;
    private Database database;

    Environment(AppConfig config) {
        this.config = config;
    }

    static Environment load() {
        return new Environment(AppConfig.load());
    }

    AppConfig config() {
        return config;
    }

    Database database() {
        if (database == null) {
            database = Database.open(config);
        }
        return database;
    }

    Accounts accounts() {
        return new Accounts(database(), TokenCipher.forConfig(config));
    }

    @Override
    public void close() {
        if (database != null) {
            database.close();
        }
    }
}
