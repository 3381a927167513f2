SELECT st.shop_domain FROM shopify.sync_state st
JOIN shopify.shops s ON s.shop_domain = st.shop_domain AND s.status = 'INSTALLED'
WHERE st.resource = ? AND st.phase = ? AND st.paused_at IS NULL AND (st.next_attempt_at IS NULL OR st.next_attempt_at <= ?)
ORDER BY st.shop_domain
