-- Dead letters, oldest first; param 1-2: the shop (NULL = every shop), param 3: TRUE to include discarded ones.
SELECT id, shop_domain, source, resource, reason, created_at, replayed_at, discarded_at, inbox_id
FROM shopify.dead_letters
WHERE (CAST(? AS VARCHAR(255)) IS NULL OR shop_domain = ?)
  AND (CAST(? AS BOOLEAN) OR discarded_at IS NULL)
ORDER BY id
