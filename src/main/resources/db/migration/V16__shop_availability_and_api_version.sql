-- When the shop's status last changed, and when a shop that Shopify stopped serving (FROZEN, LOCKED, PAUSED) is asked
-- again whether it answers (the shop-unavailable-recheck route); NULL for a shop that is not re-checked.
ALTER TABLE shops ADD COLUMN status_since TIMESTAMP WITH TIME ZONE;
ALTER TABLE shops ADD COLUMN next_check_at TIMESTAMP WITH TIME ZONE;
-- The Admin API version we asked for and the one Shopify served (X-Shopify-API-Version): it falls forward from a
-- retired version, and `status` (another process) shows it.
ALTER TABLE shops ADD COLUMN api_version_requested VARCHAR(32);
ALTER TABLE shops ADD COLUMN api_version_served VARCHAR(32);
ALTER TABLE shops ADD COLUMN api_version_seen_at TIMESTAMP WITH TIME ZONE;
