-- One row per applied delivery (batch).
UPDATE shopify.webhook_inbox SET status = 'DONE', processed_at = :#${exchangeProperty.now}, last_error = NULL,
       claimed_by = NULL
WHERE id = :#id
