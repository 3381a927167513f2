-- The Admin API version requested and the one Shopify served (X-Shopify-API-Version), as last seen.
UPDATE shopify.shops SET api_version_requested = ?, api_version_served = ?, api_version_seen_at = ? WHERE shop_domain = ?
