-- One row per claimed delivery (batch): who holds it and since when; the claim counts as an attempt.
UPDATE shopify.webhook_inbox SET status = 'CLAIMED', claimed_at = :#${exchangeProperty.now},
       claimed_by = :#${exchangeProperty.instance}, attempts = attempts + 1
WHERE id = :#id
