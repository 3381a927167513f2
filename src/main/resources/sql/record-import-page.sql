-- A page of a paged import, in the transaction that wrote its rows (import route): the cursor to continue from.
UPDATE shopify.sync_state SET page_cursor = :#${exchangeProperty.pageCursor}, rows_done = rows_done + :#${exchangeProperty.pageRoots},
    updated_at = :#${exchangeProperty.pageWrittenAt}
WHERE shop_domain = :#${exchangeProperty.shop} AND resource = :#${exchangeProperty.resource}
