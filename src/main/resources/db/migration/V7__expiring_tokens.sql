-- How a shop's token is obtained: STATIC (offline token), EXPIRING (offline token with a refresh token that
-- rotates on use) or CLIENT_CREDENTIALS (organization-owned app). Refresh tokens are encrypted like tokens.
ALTER TABLE shops ADD COLUMN token_kind VARCHAR(24) DEFAULT 'STATIC' NOT NULL;
ALTER TABLE shops ADD COLUMN refresh_token_enc VARCHAR(2048);
ALTER TABLE shops ADD COLUMN token_expires_at TIMESTAMP WITH TIME ZONE;
