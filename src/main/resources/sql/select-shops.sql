SELECT shop_domain, api_url, status, status_reason, installed_at, uninstalled_at, created_at, updated_at,
       access_scopes, access_scopes_checked_at, token_kind
FROM shopify.shops
ORDER BY shop_domain
