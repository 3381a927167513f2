UPDATE shopify.sync_state SET bulk_status = ?, bulk_result_url = ?, updated_at = ?
WHERE shop_domain = ? AND resource = ? AND bulk_operation_id = ?
