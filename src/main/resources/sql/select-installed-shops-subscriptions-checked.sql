-- The shops the frequent subscription heal looks at: every INSTALLED one, with when its subscriptions were last checked
-- (NULL: added, re-enabled or reinstalled since, by any process).
SELECT shop_domain, subscriptions_checked_at FROM shopify.shops WHERE status = 'INSTALLED' ORDER BY shop_domain
