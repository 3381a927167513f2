-- Counts every change of a shop's access token (added again, refreshed, migrated): a refusal answered to a call made
-- with an older token says nothing about the token stored now, so it must not change the shop's status.
ALTER TABLE shopify.shops ADD COLUMN token_version BIGINT DEFAULT 0 NOT NULL;
