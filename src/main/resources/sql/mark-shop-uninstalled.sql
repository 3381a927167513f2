UPDATE shopify.shops SET status = 'UNINSTALLED', status_reason = 'app/uninstalled webhook',
       uninstalled_at = :#${exchangeProperty.now}, updated_at = :#${exchangeProperty.now},
       status_since = :#${exchangeProperty.now}, next_check_at = NULL
WHERE shop_domain = :#${exchangeProperty.shop}
