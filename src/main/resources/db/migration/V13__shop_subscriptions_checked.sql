-- When a shop's webhook subscriptions were last found complete; NULL after every accounts add (re-enable,
-- reinstall), so any running instance re-subscribes the shop within seconds, whichever process added it.
ALTER TABLE shops ADD COLUMN subscriptions_checked_at TIMESTAMP WITH TIME ZONE;
