-- Dead letters nobody has replayed or discarded yet, per shop.
SELECT shop_domain, COUNT(*) AS open_count
FROM shopify.dead_letters
WHERE replayed_at IS NULL AND discarded_at IS NULL
GROUP BY shop_domain
