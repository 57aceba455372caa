-- Audit checkpoints name the signing key version (../0007_audit_checkpoint_key_versions.sql) in SQLite types.
-- Numbered 0006 (0005 belongs to the token cache), independent of 0005.
ALTER TABLE audit_checkpoints ADD COLUMN key_version INTEGER NOT NULL DEFAULT 1 CHECK (key_version >= 1);
