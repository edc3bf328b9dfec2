-- The databases of docker-compose.yml's PostgreSQL: the orchestrator's (`saga`, shared by its
-- replicas) and one for each participant service. The postgres image runs this file once, with
-- psql as POSTGRES_USER (saga, who then owns them), when it initialises an empty data volume;
-- on a volume that already holds a cluster it is not run again (`docker compose down -v` to
-- start from empty). `saga` is already there (the image creates POSTGRES_DB, which defaults to
-- POSTGRES_USER): each database is created only if it is missing, so the file runs either way.
-- The tables are the migrations' business (`saga-demo migrate`, and each participant's start).

SELECT 'CREATE DATABASE saga' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'saga')
\gexec
SELECT 'CREATE DATABASE inventory'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'inventory')
\gexec
SELECT 'CREATE DATABASE payment'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'payment')
\gexec
SELECT 'CREATE DATABASE shipping'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'shipping')
\gexec
