-- When a catch-up (a filtered re-read of changed parents, bulk or paged) began, by our clock: at its end, the children of
-- the parents it wrote that it did not write (synced before this) are gone from the store and are tombstoned.
ALTER TABLE shopify.sync_state ADD COLUMN backfill_started_at TIMESTAMP WITH TIME ZONE;
