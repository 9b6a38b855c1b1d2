-- Runs once, when the Postgres volume is first initialised (docker-entrypoint-initdb.d).
-- One database per service that owns data, named as the Aspire AppHost names them (DESIGN.md section 7).
-- Each service creates its own tables through its migrations at start.
CREATE DATABASE srmdb;
CREATE DATABASE ragdb;
CREATE DATABASE orchestratordb;
