-- One row per shop and resource, locked (FOR UPDATE SKIP LOCKED) for as long as one process imports, polls or
-- reconciles it: a second process (the import CLI beside run) skips it instead of doing the same work at once.
-- H2 runs one scheduler (RAMJobStore), so it has no Quartz tables; PostgreSQL's V8 adds them.
CREATE TABLE work_locks (
    shop_domain        VARCHAR(255) NOT NULL,
    resource           VARCHAR(64) NOT NULL,
    PRIMARY KEY (shop_domain, resource)
);
