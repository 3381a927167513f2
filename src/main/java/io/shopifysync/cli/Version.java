package io.shopifysync.cli;

import picocli.CommandLine;

/** Prints the version from the jar manifest. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = ShopifySync.class.getPackage().getImplementationVersion();
        return new String[] {"shopify-sync " + (v == null ? "(development build)" : v)};
    }
}
