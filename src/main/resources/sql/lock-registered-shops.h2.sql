-- The batch's shops that are registered, each row locked until the intake commits: a purge deleting the shop
-- waits for that commit (and then deletes the stored rows), or the intake waits for the purge and stores nothing.
SELECT shop_domain FROM shopify.shops WHERE shop_domain = ANY (CAST(? AS VARCHAR ARRAY)) ORDER BY shop_domain FOR UPDATE
