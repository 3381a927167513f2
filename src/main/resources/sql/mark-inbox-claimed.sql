UPDATE shopify.webhook_inbox SET status = 'CLAIMED', claimed_at = ?, attempts = attempts + 1 WHERE id = ?
