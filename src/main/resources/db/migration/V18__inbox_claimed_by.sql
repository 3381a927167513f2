-- Who holds a CLAIMED delivery (the Quartz scheduler instance id when clustered, else this process's id): claims of an
-- instance the cluster knows is gone are taken back at once, not after the 2-minute claim timeout.
ALTER TABLE shopify.webhook_inbox ADD COLUMN claimed_by VARCHAR(255);
