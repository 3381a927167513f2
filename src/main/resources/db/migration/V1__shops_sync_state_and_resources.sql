-- One row per store; the token is AES-GCM ciphertext, never plaintext.
CREATE TABLE shops (
    shop_domain        VARCHAR(255) NOT NULL PRIMARY KEY,
    api_url            VARCHAR(1024) NOT NULL,
    access_token_enc   VARCHAR(2048) NOT NULL,
    token_key_id       VARCHAR(16) NOT NULL,
    status             VARCHAR(32) NOT NULL,
    status_reason      VARCHAR(1024),
    installed_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    uninstalled_at     TIMESTAMP WITH TIME ZONE,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT shops_status_check CHECK (status IN ('INSTALLED', 'UNINSTALLED', 'AUTH_FAILED', 'PAUSED', 'FROZEN', 'LOCKED'))
);

-- Per shop and resource: where its sync stands, so any process can resume after kill -9.
CREATE TABLE sync_state (
    shop_domain        VARCHAR(255) NOT NULL,
    resource           VARCHAR(64) NOT NULL,
    phase              VARCHAR(16) NOT NULL,
    bulk_operation_id  VARCHAR(255),
    bulk_started_at    TIMESTAMP WITH TIME ZONE,
    page_cursor        VARCHAR(1024),
    high_water_mark    TIMESTAMP WITH TIME ZONE,
    rows_done          BIGINT NOT NULL DEFAULT 0,
    rows_total         BIGINT,
    last_success_at    TIMESTAMP WITH TIME ZONE,
    last_error         VARCHAR(4000),
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (shop_domain, resource),
    CONSTRAINT sync_state_phase_check CHECK (phase IN ('BACKFILL', 'INCREMENTAL'))
);

CREATE TABLE orders (
    shop_domain          VARCHAR(255) NOT NULL,
    id                   BIGINT NOT NULL,
    name                 VARCHAR(255),
    email                VARCHAR(512),
    customer_id          BIGINT,
    financial_status     VARCHAR(64),
    fulfillment_status   VARCHAR(64),
    total_price          NUMERIC(20, 4),
    currency_code        VARCHAR(8),
    cancelled_at         TIMESTAMP WITH TIME ZONE,
    created_at           TIMESTAMP WITH TIME ZONE,
    updated_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    deleted_at           TIMESTAMP WITH TIME ZONE,
    synced_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    data                 ${json_type} NOT NULL,
    PRIMARY KEY (shop_domain, id)
);
CREATE INDEX orders_updated_at ON orders (shop_domain, updated_at);

CREATE TABLE order_line_items (
    shop_domain          VARCHAR(255) NOT NULL,
    id                   BIGINT NOT NULL,
    order_id             BIGINT NOT NULL,
    title                VARCHAR(1024),
    sku                  VARCHAR(255),
    quantity             INTEGER,
    variant_id           BIGINT,
    unit_price           NUMERIC(20, 4),
    deleted_at           TIMESTAMP WITH TIME ZONE,
    synced_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    data                 ${json_type} NOT NULL,
    PRIMARY KEY (shop_domain, id)
);
CREATE INDEX order_line_items_order ON order_line_items (shop_domain, order_id);

CREATE TABLE products (
    shop_domain          VARCHAR(255) NOT NULL,
    id                   BIGINT NOT NULL,
    title                VARCHAR(1024),
    handle               VARCHAR(1024),
    status               VARCHAR(32),
    vendor               VARCHAR(512),
    product_type         VARCHAR(512),
    created_at           TIMESTAMP WITH TIME ZONE,
    updated_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    deleted_at           TIMESTAMP WITH TIME ZONE,
    synced_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    data                 ${json_type} NOT NULL,
    PRIMARY KEY (shop_domain, id)
);
CREATE INDEX products_updated_at ON products (shop_domain, updated_at);

CREATE TABLE product_variants (
    shop_domain          VARCHAR(255) NOT NULL,
    id                   BIGINT NOT NULL,
    product_id           BIGINT NOT NULL,
    title                VARCHAR(1024),
    sku                  VARCHAR(255),
    price                NUMERIC(20, 4),
    inventory_quantity   INTEGER,
    updated_at           TIMESTAMP WITH TIME ZONE,
    deleted_at           TIMESTAMP WITH TIME ZONE,
    synced_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    data                 ${json_type} NOT NULL,
    PRIMARY KEY (shop_domain, id)
);
CREATE INDEX product_variants_product ON product_variants (shop_domain, product_id);

CREATE TABLE customers (
    shop_domain          VARCHAR(255) NOT NULL,
    id                   BIGINT NOT NULL,
    email                VARCHAR(512),
    first_name           VARCHAR(512),
    last_name            VARCHAR(512),
    state                VARCHAR(32),
    created_at           TIMESTAMP WITH TIME ZONE,
    updated_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    deleted_at           TIMESTAMP WITH TIME ZONE,
    synced_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    data                 ${json_type} NOT NULL,
    PRIMARY KEY (shop_domain, id)
);
CREATE INDEX customers_updated_at ON customers (shop_domain, updated_at);
