UPDATE shopify.webhook_inbox SET status = 'DONE', processed_at = ?, last_error = NULL WHERE id = ?
