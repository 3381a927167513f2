-- The bulk batch's rows of one table, streamed in COPY's text format (the fastest way into PostgreSQL).
COPY ${staging} (${columns}) FROM STDIN
