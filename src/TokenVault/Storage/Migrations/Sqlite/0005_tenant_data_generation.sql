-- The per-tenant data generation (../0006_tenant_data_generation.sql) in SQLite types. Numbered 0005, independent of
-- 0004.
ALTER TABLE tenants ADD COLUMN data_generation INTEGER NOT NULL DEFAULT 0 CHECK (data_generation >= 0);
