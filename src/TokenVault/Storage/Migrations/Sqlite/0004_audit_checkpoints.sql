-- Signed checkpoints of the audit chains (../0005_audit_checkpoints.sql) in SQLite types. Numbered 0004,
-- independent of 0003.
CREATE TABLE audit_checkpoints (
    tenant_id TEXT    NOT NULL,
    seq       INTEGER NOT NULL CHECK (seq >= 0),
    head_hash BLOB    NOT NULL CHECK (length(head_hash) = 32),
    at_us     INTEGER NOT NULL,
    key_id    TEXT    NOT NULL CHECK (length(key_id) BETWEEN 1 AND 64),
    signature BLOB    NOT NULL CHECK (length(signature) BETWEEN 1 AND 512),
    CONSTRAINT audit_checkpoints_pk PRIMARY KEY (tenant_id, seq)
) STRICT;
