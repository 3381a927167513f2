-- A shop that was not INSTALLED (uninstalled, or refused its token) starts a new installation when it is added again:
-- a late app/uninstalled triggered before installed_at is then ignored
MERGE INTO shopify.shops t
USING (VALUES (CAST(? AS VARCHAR(255)), CAST(? AS VARCHAR(1024)), CAST(? AS VARCHAR(2048)), CAST(? AS VARCHAR(16)),
               CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS TIMESTAMP WITH TIME ZONE),
               CAST(? AS VARCHAR(24)), CAST(? AS VARCHAR(2048)), CAST(? AS TIMESTAMP WITH TIME ZONE)))
      AS s(shop_domain, api_url, access_token_enc, token_key_id, installed_at, created_at, updated_at,
           token_kind, refresh_token_enc, token_expires_at)
ON t.shop_domain = s.shop_domain
WHEN MATCHED THEN UPDATE SET
    api_url = s.api_url,
    access_token_enc = s.access_token_enc,
    token_key_id = s.token_key_id,
    status = 'INSTALLED',
    status_reason = NULL,
    installed_at = CASE WHEN t.status <> 'INSTALLED' THEN s.installed_at ELSE t.installed_at END,
    uninstalled_at = NULL,
    subscriptions_checked_at = NULL,
    updated_at = s.updated_at,
    token_kind = s.token_kind,
    refresh_token_enc = s.refresh_token_enc,
    token_expires_at = s.token_expires_at,
    token_version = t.token_version + 1
WHEN NOT MATCHED THEN INSERT (shop_domain, api_url, access_token_enc, token_key_id, status, installed_at, created_at, updated_at,
                              token_kind, refresh_token_enc, token_expires_at)
    VALUES (s.shop_domain, s.api_url, s.access_token_enc, s.token_key_id, 'INSTALLED', s.installed_at, s.created_at, s.updated_at,
            s.token_kind, s.refresh_token_enc, s.token_expires_at)
