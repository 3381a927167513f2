package io.shopifysync.emulator;

import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension running a {@link ShopifyEmulator} on a random port for a test class:
 * {@code @RegisterExtension static EmulatorExtension emu = EmulatorExtension.builder().shops(2).build();}
 * Starts before all tests, stops after all. (Lives in the test sources because JUnit is a test dependency.)
 */
public final class EmulatorExtension implements BeforeAllCallback, AfterAllCallback {

    /** Same options as {@link ShopifyEmulator.Builder}; the port defaults to 0 (random). */
    public static final class Builder {
        private final ShopifyEmulator.Builder b = ShopifyEmulator.builder().port(0);

        public Builder port(int port) {
            b.port(port);
            return this;
        }

        public Builder shops(int shops) {
            b.shops(shops);
            return this;
        }

        public Builder seed(long seed) {
            b.seed(seed);
            return this;
        }

        public Builder orders(int n) {
            b.orders(n);
            return this;
        }

        public Builder products(int n) {
            b.products(n);
            return this;
        }

        public Builder customers(int n) {
            b.customers(n);
            return this;
        }

        public Builder plan(String plan) {
            b.plan(plan);
            return this;
        }

        public Builder clientSecret(String secret) {
            b.clientSecret(secret);
            return this;
        }

        public Builder timeScale(double scale) {
            b.timeScale(scale);
            return this;
        }

        public Builder clock(Clock clock) {
            b.clock(clock);
            return this;
        }

        public Builder bulkObjectsPerSecond(double rate) {
            b.bulkObjectsPerSecond(rate);
            return this;
        }

        public EmulatorExtension build() {
            b.validate();
            return new EmulatorExtension(b);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    private final ShopifyEmulator.Builder builder;
    private ShopifyEmulator emulator;

    private EmulatorExtension(ShopifyEmulator.Builder builder) {
        this.builder = builder;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (emulator == null) {
            emulator = builder.start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (emulator != null) {
            emulator.close();
            emulator = null;
        }
    }

    private ShopifyEmulator emu() {
        if (emulator == null) {
            throw new IllegalStateException("the emulator is not running (register the extension with @RegisterExtension on a static field)");
        }
        return emulator;
    }

    public ShopifyEmulator emulator() {
        return emu();
    }

    public String baseUrl() {
        return emu().baseUrl();
    }

    public int port() {
        return emu().port();
    }

    public List<EmulatedShop> shops() {
        return emu().shops();
    }

    public EmulatedShop shop(String domain) {
        return emu().shop(domain);
    }

    public String digest(String domain) {
        return emu().digest(domain);
    }
}
