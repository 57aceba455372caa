-- A per-tenant data generation: bumped in the same transaction as every change that can make a replica's cached token
-- rows wrong (subject erasure, re-encryption, destruction, state changes). Each replica re-reads the tenant row at
-- least every Vault:StateRevalidation (1 s) and drops its token cache of the tenant when the generation moved, so a
-- change reaches every replica within that bound even when its NOTIFY is lost. A column of tenants, which is led by
-- tenant_id (Citus: distributed by tenant_id as before). Numbered 0006, independent of 0005.
ALTER TABLE tenants ADD COLUMN data_generation bigint NOT NULL DEFAULT 0 CHECK (data_generation >= 0);
