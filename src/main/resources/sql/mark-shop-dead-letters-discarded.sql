-- Discards every dead letter of one shop that is not discarded yet.
UPDATE shopify.dead_letters SET discarded_at = ? WHERE shop_domain = ? AND discarded_at IS NULL
