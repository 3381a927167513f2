-- A bulk batch's rows of one table straight into it, when none of them is stored yet (a first import): COPY does the
-- insert the set-based upsert would do, without the staging table; a unique violation sends the batch through staging.
COPY shopify.${table} (${columns}) FROM STDIN
