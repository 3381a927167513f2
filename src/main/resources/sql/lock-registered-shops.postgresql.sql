-- The batch's shops that are registered, each row share-locked until the intake commits: a purge deleting the shop
-- waits for that commit (and then deletes the stored rows). NOWAIT: while a purge holds the row, the intake fails at
-- once (503, Shopify retries) instead of holding the writer, and every other shop's intake, for the purge's length.
SELECT shop_domain FROM shopify.shops WHERE shop_domain = ANY (CAST(? AS VARCHAR[])) ORDER BY shop_domain
FOR KEY SHARE NOWAIT
