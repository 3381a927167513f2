-- Polling: where deletions were last looked for, and the state of the id reconciliation.
ALTER TABLE sync_state ADD COLUMN deletions_checked_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE sync_state ADD COLUMN reconcile_operation_id VARCHAR(255);
ALTER TABLE sync_state ADD COLUMN reconcile_started_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE sync_state ADD COLUMN reconciled_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE sync_state ADD COLUMN last_poll_at TIMESTAMP WITH TIME ZONE;
