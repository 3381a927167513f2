package io.shopifysync.webhooks;

/** A delivery that will never succeed as it is: dead-lettered at once, not retried. */
public final class PoisonDelivery extends RuntimeException {
    public PoisonDelivery(String message) {
        super(message);
    }
}
