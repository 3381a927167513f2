-- Only when the shop was not added again after the check began (the add cleared the mark for a reason).
UPDATE shopify.shops SET subscriptions_checked_at = ?
WHERE shop_domain = ? AND status = 'INSTALLED' AND updated_at <= ?
