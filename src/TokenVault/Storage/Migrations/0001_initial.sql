-- Vault core. tenant_id leads every primary and unique key so the tables can be distributed by
-- tenant. No column holds a plaintext value: vault values exist here only as AES-256-GCM
-- ciphertext under a tenant DEK, and DEKs only wrapped under the tenant KEK in the HSM.

CREATE TABLE tenants (
    tenant_id   text        NOT NULL CHECK (tenant_id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    -- Name of the KEK in the HSM/KMS (never key material).
    kek_ref     text        NOT NULL CHECK (length(kek_ref) BETWEEN 1 AND 128),
    kek_version integer     NOT NULL CHECK (kek_version >= 1),
    state       text        NOT NULL CHECK (state IN ('active', 'disabled', 'destroyed')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tenants_pk PRIMARY KEY (tenant_id)
);

-- Tenant DEKs and keys derived from them (value encryption, fingerprinting, model release),
-- each wrapped under a KEK version. Rotation adds a version; old versions stay to decrypt.
CREATE TABLE data_keys (
    tenant_id   text        NOT NULL,
    purpose     text        NOT NULL CHECK (purpose IN ('value', 'fingerprint', 'model')),
    version     integer     NOT NULL CHECK (version >= 1),
    wrapped_key bytea       NOT NULL,
    kek_version integer     NOT NULL CHECK (kek_version >= 1),
    created_at  timestamptz NOT NULL DEFAULT now(),
    retired_at  timestamptz,
    CONSTRAINT data_keys_pk PRIMARY KEY (tenant_id, purpose, version),
    CONSTRAINT data_keys_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (tenant_id)
);

-- One row per pseudonym. fingerprint = HMAC-SHA256(fingerprint key, type || 0x00 || normalized
-- value) makes first sight deterministic: one row per unique key (INSERT ... ON CONFLICT on it).
-- subject_ref is a keyed hash of the data subject's identifier, for erasure; never the identifier.
CREATE TABLE tokens (
    tenant_id   text        NOT NULL,
    -- Byte order ("C"): the re-encryption cursor pages by token_id, the same in every database locale.
    token_id    text        COLLATE "C" NOT NULL CHECK (token_id ~ '^[0-9A-HJKMNP-TV-Z]{8,26}$'),
    entity_type text        NOT NULL CHECK (entity_type ~ '^[A-Z][A-Z0-9_]{0,31}$'),
    fingerprint bytea       NOT NULL CHECK (octet_length(fingerprint) = 32),
    fp_version  integer     NOT NULL CHECK (fp_version >= 1),
    ciphertext  bytea       NOT NULL,
    dek_version integer     NOT NULL CHECK (dek_version >= 1),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz,
    subject_ref bytea       CHECK (subject_ref IS NULL OR octet_length(subject_ref) = 32),
    CONSTRAINT tokens_pk PRIMARY KEY (tenant_id, token_id),
    CONSTRAINT tokens_fingerprint_uq UNIQUE (tenant_id, entity_type, fingerprint),
    CONSTRAINT tokens_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (tenant_id)
);

CREATE INDEX tokens_subject_ix ON tokens (tenant_id, subject_ref) WHERE subject_ref IS NOT NULL;
CREATE INDEX tokens_expiry_ix ON tokens (tenant_id, expires_at) WHERE expires_at IS NOT NULL;

-- Hash-chained per tenant (see Audit/AuditChain), payload-free (detail names types, counts and
-- versions, never values). detail is text, not jsonb: it is the canonical JSON exactly as hashed, and
-- jsonb would reorder keys and drop whitespace, so the stored record would no longer match its hash.
-- No foreign key to tenants: the trail must outlive a tenant's erasure.
CREATE TABLE audit_events (
    tenant_id   text        NOT NULL,
    seq         bigint      NOT NULL CHECK (seq >= 1),
    at          timestamptz NOT NULL,
    actor       text        NOT NULL,
    action      text        NOT NULL,
    outcome     text        NOT NULL,
    detail      text        NOT NULL,
    prev_hash   bytea       NOT NULL CHECK (octet_length(prev_hash) = 32),
    hash        bytea       NOT NULL CHECK (octet_length(hash) = 32),
    CONSTRAINT audit_events_pk PRIMARY KEY (tenant_id, seq)
);

-- Append-only: the chain is verified offline, but refusing rewrites here keeps honest code honest.
CREATE FUNCTION audit_events_reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_events_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_reject_change();
