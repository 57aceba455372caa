-- Vault core for the embedded default ($PI_HOME/vault.db): the shape of the PostgreSQL schema
-- (../0001_initial.sql, ../0002_audit_heads_and_approvals.sql) in SQLite types. STRICT tables refuse a
-- value of the wrong type. Timestamps are INTEGER microseconds since the Unix epoch: they read back
-- exactly and compare as numbers. No column holds a plaintext value: vault values are AES-256-GCM
-- ciphertext, data keys are wrapped under the tenant KEK; tenant_id leads every key, as in PostgreSQL.

CREATE TABLE tenants (
    tenant_id   TEXT    NOT NULL,
    kek_ref     TEXT    NOT NULL CHECK (length(kek_ref) BETWEEN 1 AND 128),
    kek_version INTEGER NOT NULL CHECK (kek_version >= 1),
    state       TEXT    NOT NULL CHECK (state IN ('active', 'disabled', 'destroyed')),
    created_at  INTEGER NOT NULL,
    CONSTRAINT tenants_pk PRIMARY KEY (tenant_id)
) STRICT;

CREATE TABLE data_keys (
    tenant_id   TEXT    NOT NULL,
    purpose     TEXT    NOT NULL CHECK (purpose IN ('value', 'fingerprint', 'model')),
    version     INTEGER NOT NULL CHECK (version >= 1),
    wrapped_key BLOB    NOT NULL,
    kek_version INTEGER NOT NULL CHECK (kek_version >= 1),
    created_at  INTEGER NOT NULL,
    retired_at  INTEGER,
    CONSTRAINT data_keys_pk PRIMARY KEY (tenant_id, purpose, version),
    CONSTRAINT data_keys_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (tenant_id)
) STRICT;

CREATE TABLE tokens (
    tenant_id   TEXT    NOT NULL,
    token_id    TEXT    NOT NULL,
    entity_type TEXT    NOT NULL,
    fingerprint BLOB    NOT NULL CHECK (length(fingerprint) = 32),
    fp_version  INTEGER NOT NULL CHECK (fp_version >= 1),
    ciphertext  BLOB    NOT NULL,
    dek_version INTEGER NOT NULL CHECK (dek_version >= 1),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER,
    subject_ref BLOB    CHECK (subject_ref IS NULL OR length(subject_ref) = 32),
    CONSTRAINT tokens_pk PRIMARY KEY (tenant_id, token_id),
    CONSTRAINT tokens_fingerprint_uq UNIQUE (tenant_id, entity_type, fingerprint),
    CONSTRAINT tokens_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (tenant_id)
) STRICT;

CREATE INDEX tokens_subject_ix ON tokens (tenant_id, subject_ref) WHERE subject_ref IS NOT NULL;
CREATE INDEX tokens_expiry_ix ON tokens (tenant_id, expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX tokens_expires_at_ix ON tokens (expires_at) WHERE expires_at IS NOT NULL;

-- Hash-chained per tenant (Audit/AuditChain); detail is the canonical JSON exactly as hashed.
-- No foreign key to tenants: the trail outlives a tenant's erasure.
CREATE TABLE audit_events (
    tenant_id   TEXT    NOT NULL,
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    at          INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    outcome     TEXT    NOT NULL,
    detail      TEXT    NOT NULL,
    prev_hash   BLOB    NOT NULL CHECK (length(prev_hash) = 32),
    hash        BLOB    NOT NULL CHECK (length(hash) = 32),
    CONSTRAINT audit_events_pk PRIMARY KEY (tenant_id, seq)
) STRICT;

-- Append-only, as in PostgreSQL: refusing rewrites keeps honest code honest; the chain catches the rest.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

-- The head of each tenant's chain (last seq and hash). The file has one writer at a time, so the head
-- needs no row lock here; it keeps the two stores' schemas and append logic alike.
CREATE TABLE audit_heads (
    tenant_id TEXT    NOT NULL,
    seq       INTEGER NOT NULL CHECK (seq >= 0),
    hash      BLOB    NOT NULL CHECK (length(hash) = 32),
    CONSTRAINT audit_heads_pk PRIMARY KEY (tenant_id)
) STRICT;

CREATE TABLE approvals (
    tenant_id   TEXT    NOT NULL,
    action      TEXT    NOT NULL CHECK (length(action) BETWEEN 1 AND 64),
    request_id  TEXT    NOT NULL CHECK (length(request_id) BETWEEN 1 AND 128),
    approver    TEXT    NOT NULL CHECK (length(approver) BETWEEN 1 AND 256),
    approved_at INTEGER NOT NULL,
    CONSTRAINT approvals_pk PRIMARY KEY (tenant_id, action, request_id, approver)
) STRICT;
