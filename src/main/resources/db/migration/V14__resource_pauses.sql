-- A resource the store refuses (ACCESS_DENIED: protected customer data not approved, a missing scope) is paused on its
-- own, with why, while the shop's other resources keep syncing; `accounts add` again or `accounts resume` clears it.
ALTER TABLE shopify.sync_state ADD COLUMN paused_reason VARCHAR(1024);
ALTER TABLE shopify.sync_state ADD COLUMN paused_at TIMESTAMP WITH TIME ZONE;
-- Why the import reads pages instead of bulk operations (the store refused bulkOperationRunQuery), for status.
ALTER TABLE shopify.sync_state ADD COLUMN import_mode_reason VARCHAR(255);
