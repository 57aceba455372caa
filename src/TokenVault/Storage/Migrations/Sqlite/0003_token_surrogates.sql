-- Surrogates (issue 5; see the PostgreSQL migration 0004_token_surrogates.sql for the design). SQLite cannot add a
-- table constraint to an existing table, so the "both or neither" rule is the store's (and PostgreSQL's CHECK).
ALTER TABLE tokens ADD COLUMN surrogate_fp BLOB CHECK (surrogate_fp IS NULL OR length(surrogate_fp) = 32);
ALTER TABLE tokens ADD COLUMN surrogate_attempt INTEGER CHECK (surrogate_attempt IS NULL OR surrogate_attempt >= 0);

CREATE UNIQUE INDEX tokens_surrogate_uq ON tokens (tenant_id, surrogate_fp) WHERE surrogate_fp IS NOT NULL;
