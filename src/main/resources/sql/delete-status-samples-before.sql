-- Samples older than the retention (status.sample.retention.minutes) go.
DELETE FROM shopify.status_samples WHERE sampled_at < :#before
