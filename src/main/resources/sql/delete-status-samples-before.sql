DELETE FROM shopify.status_samples WHERE sampled_at < ?
