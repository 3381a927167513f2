package io.shopifysync.webhooks;

/** A delivery we refuse, with the status Shopify gets back; nothing of it was stored. */
public class WebhookRejected extends RuntimeException {
    private final int status;

    public WebhookRejected(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
