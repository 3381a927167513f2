UPDATE shopify.shops SET status = 'UNINSTALLED', status_reason = 'app/uninstalled webhook', uninstalled_at = ?, updated_at = ?
WHERE shop_domain = ?
