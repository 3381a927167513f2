-- Shops Shopify stopped serving (402 frozen, 423 locked or under review, 404 paused) whose next check is due.
SELECT shop_domain FROM shopify.shops
WHERE status IN ('FROZEN', 'LOCKED', 'PAUSED') AND (next_check_at IS NULL OR next_check_at <= :#now)
ORDER BY shop_domain
