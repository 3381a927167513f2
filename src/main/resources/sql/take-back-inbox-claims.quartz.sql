-- Clustered: claims of an instance the cluster knows is gone go back to NEW at once. Quartz deletes a scheduler's row
-- from qrtz_scheduler_state once it missed its check-ins (quartz.cluster.checkin.ms), so no row means no instance.
UPDATE shopify.webhook_inbox SET status = 'NEW', claimed_at = NULL, claimed_by = NULL
WHERE status = 'CLAIMED' AND claimed_by IS NOT NULL
  AND claimed_by NOT IN (SELECT instance_name FROM shopify.qrtz_scheduler_state)
