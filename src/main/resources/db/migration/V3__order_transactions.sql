-- Payment transactions of orders (catalog entry order_transactions).
CREATE TABLE order_transactions (
    shop_domain          VARCHAR(255) NOT NULL,
    id                   BIGINT NOT NULL,
    order_id             BIGINT NOT NULL,
    kind                 VARCHAR(32),
    status               VARCHAR(32),
    gateway              VARCHAR(255),
    amount               NUMERIC(20, 4),
    currency_code        VARCHAR(8),
    processed_at         TIMESTAMP WITH TIME ZONE,
    deleted_at           TIMESTAMP WITH TIME ZONE,
    synced_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    data                 ${json_type} NOT NULL,
    PRIMARY KEY (shop_domain, id)
);
CREATE INDEX order_transactions_order ON order_transactions (shop_domain, order_id);
