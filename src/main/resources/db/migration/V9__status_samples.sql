-- The status page's chart: one sample per time bucket, shop and resource, written by whichever instance
-- samples first (the primary key makes a second instance's insert a no-op); pruned after a few hours.
CREATE TABLE status_samples (
    sampled_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    shop_domain     VARCHAR(255) NOT NULL,
    resource        VARCHAR(64) NOT NULL,
    rows_written    BIGINT NOT NULL,
    rows_live       BIGINT NOT NULL,
    lag_seconds     BIGINT,
    PRIMARY KEY (sampled_at, shop_domain, resource)
);
