-- rows_done when the current bulk filter began (a continuation after partial data keeps what came before it): an export
-- or a paged read that starts over that filter goes back to it, so no object is counted twice.
ALTER TABLE shopify.sync_state ADD COLUMN rows_done_at_filter BIGINT DEFAULT 0 NOT NULL;
