-- Only an INSTALLED shop changes: an uninstalled one stays UNINSTALLED, and of several resources failing at once
-- only the first records the change (one dead letter per change, not one per resource).
UPDATE shopify.shops SET status = ?, status_reason = ?, updated_at = ? WHERE shop_domain = ? AND status = 'INSTALLED'
