-- The access scopes the shop granted the app (comma-separated handles, as currentAppInstallation lists them) and
-- when they were read; NULL until first read. Without read_all_orders Shopify shows only the last 60 days of orders.
ALTER TABLE shops ADD COLUMN access_scopes VARCHAR(4000);
ALTER TABLE shops ADD COLUMN access_scopes_checked_at TIMESTAMP WITH TIME ZONE;
