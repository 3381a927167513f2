UPDATE shopify.shops SET status = 'UNINSTALLED', status_reason = 'app/uninstalled webhook', uninstalled_at = ?, updated_at = ?,
       status_since = ?, next_check_at = NULL
WHERE shop_domain = ?
