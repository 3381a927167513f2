-- One process (Quartz not clustered, e.g. H2): claims made before this process started by another one were left by a
-- process that ended, so they go back to NEW at once. Claims made later by someone else wait for the claim timeout.
UPDATE shopify.webhook_inbox SET status = 'NEW', claimed_at = NULL, claimed_by = NULL
WHERE status = 'CLAIMED' AND (claimed_by IS NULL OR claimed_by <> :#${exchangeProperty.instance})
  AND claimed_at < :#${exchangeProperty.instanceStartedAt}
