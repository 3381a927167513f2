SELECT s.shop_domain, s.status, s.status_reason, st.resource, st.phase, st.rows_done, st.rows_total,
       st.high_water_mark, st.last_success_at, st.last_error, st.paused_reason, st.paused_at, st.import_mode,
       st.import_mode_reason, s.status_since, s.next_check_at, s.api_version_requested, s.api_version_served
FROM shopify.shops s
LEFT JOIN shopify.sync_state st ON st.shop_domain = s.shop_domain
ORDER BY s.shop_domain, st.resource
