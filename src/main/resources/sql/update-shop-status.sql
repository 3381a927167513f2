-- Only an INSTALLED shop changes: an uninstalled one stays UNINSTALLED, and of several resources failing at once
-- only the first records the change (one dead letter per change, not one per resource). next_check_at: when a shop
-- Shopify stopped serving is asked again (NULL for a status only an operator ends).
UPDATE shopify.shops SET status = ?, status_reason = ?, updated_at = ?, status_since = ?, next_check_at = ?
WHERE shop_domain = ? AND status = 'INSTALLED'
  -- an answer to a call made with the previous installation's token (a poll in flight while the shop was re-added)
  AND installed_at <= ?
  -- an answer to a call made with a token replaced since (a migration, a refresh, the shop added again): it says
  -- nothing about the token stored now
  AND token_version <= ?
