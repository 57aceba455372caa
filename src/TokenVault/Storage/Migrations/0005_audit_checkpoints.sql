-- Signed checkpoints of the audit chains: the vault's audit signing key (in the KEK provider; ECDSA P-256 over
-- SHA-256) signs (tenant, seq, head hash, time). Someone with database access can rewrite a chain's tail and
-- recompute its hashes and head, but cannot sign: verification checks each checkpoint's signature and that the
-- chain still holds the signed hash at the signed seq. Led by tenant_id like every table (Citus: distribute by
-- tenant_id, co-located with tenants); no foreign key, like audit_events. Numbered 0005, independent of 0004.
CREATE TABLE audit_checkpoints (
    tenant_id text   NOT NULL,
    seq       bigint NOT NULL CHECK (seq >= 0),
    head_hash bytea  NOT NULL CHECK (octet_length(head_hash) = 32),
    at_us     bigint NOT NULL,
    key_id    text   NOT NULL CHECK (length(key_id) BETWEEN 1 AND 64),
    signature bytea  NOT NULL CHECK (octet_length(signature) BETWEEN 1 AND 512),
    CONSTRAINT audit_checkpoints_pk PRIMARY KEY (tenant_id, seq)
);
