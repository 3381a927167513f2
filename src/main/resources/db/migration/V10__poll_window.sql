-- A poll that runs out of its budget mid-window stores where it stopped, so the next poll continues there
-- instead of re-reading the window from (mark - overlap): a window larger than one poll can read would
-- otherwise never let the high-water mark move.
ALTER TABLE shopify.sync_state ADD COLUMN poll_window_from TIMESTAMP WITH TIME ZONE;
ALTER TABLE shopify.sync_state ADD COLUMN poll_cursor VARCHAR(2000);
