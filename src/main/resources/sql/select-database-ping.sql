-- The readiness check's round trip to the database.
SELECT 1
