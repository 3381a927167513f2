-- A shop that was not INSTALLED (uninstalled, or refused its token) starts a new installation when it is added again:
-- a late app/uninstalled triggered before installed_at is then ignored
INSERT INTO shopify.shops (shop_domain, api_url, access_token_enc, token_key_id, status, installed_at, created_at, updated_at,
                           token_kind, refresh_token_enc, token_expires_at)
VALUES (?, ?, ?, ?, 'INSTALLED', ?, ?, ?, ?, ?, ?)
ON CONFLICT (shop_domain) DO UPDATE SET
    api_url = EXCLUDED.api_url,
    access_token_enc = EXCLUDED.access_token_enc,
    token_key_id = EXCLUDED.token_key_id,
    status = 'INSTALLED',
    status_reason = NULL,
    installed_at = CASE WHEN shops.status <> 'INSTALLED' THEN EXCLUDED.installed_at ELSE shops.installed_at END,
    uninstalled_at = NULL,
    subscriptions_checked_at = NULL,
    updated_at = EXCLUDED.updated_at,
    token_kind = EXCLUDED.token_kind,
    refresh_token_enc = EXCLUDED.refresh_token_enc,
    token_expires_at = EXCLUDED.token_expires_at,
    token_version = shops.token_version + 1
