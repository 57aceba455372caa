-- The head of each tenant's audit chain, approvals for dual control, and the purge job's index.
--
-- Citus: every vault table can be distributed by tenant and co-located with tenants, e.g.
--   SELECT create_distributed_table('tenants', 'tenant_id');
--   SELECT create_distributed_table('data_keys', 'tenant_id', colocate_with => 'tenants');
--   (same for tokens, audit_events, audit_heads, approvals)
-- because: every primary and unique key starts with tenant_id, so each shard enforces its keys alone
-- (and ON CONFLICT targets contain the distribution column); the only foreign keys are data_keys and
-- tokens -> tenants on tenant_id, which co-location allows; audit_events, audit_heads and approvals have
-- no foreign key at all (they outlive a tenant's erasure), so nothing ties their shards to a tenants row;
-- every statement names one tenant except the expiry purge and the tenant lists, which fan out.
-- Two things need care there: a constraint name on a shard carries a suffix (the store matches
-- "tokens_pk" as a prefix), and the append-only trigger on audit_events needs Citus's trigger support
-- (or per-shard triggers); revoking UPDATE and DELETE on audit_events from the application role is the
-- guard that needs neither.

-- One row per tenant with an audit chain: its last seq and hash (seq 0 and 32 zero bytes before the
-- first record). An appender takes this row's lock with INSERT ... ON CONFLICT DO UPDATE, which under
-- READ COMMITTED waits for a concurrent appender and then works on the row version it committed. So
-- appenders on any number of replicas queue here and each sees the head the previous one left: no two
-- records get the same seq, no chain forks. Locking the newest audit_events row instead (ORDER BY seq
-- DESC LIMIT 1 FOR UPDATE) would not do: after the wait, READ COMMITTED re-checks only the row it had
-- found and misses the row the other appender inserted, so both would write the same seq.
CREATE TABLE audit_heads (
    tenant_id text   NOT NULL,
    seq       bigint NOT NULL CHECK (seq >= 0),
    hash      bytea  NOT NULL CHECK (octet_length(hash) = 32),
    CONSTRAINT audit_heads_pk PRIMARY KEY (tenant_id)
);

-- A key admin's approval of a dual-control action (e.g. destroy_kek) on one request; one per approver.
CREATE TABLE approvals (
    tenant_id   text        NOT NULL,
    action      text        NOT NULL CHECK (length(action) BETWEEN 1 AND 64),
    request_id  text        NOT NULL CHECK (length(request_id) BETWEEN 1 AND 128),
    approver    text        NOT NULL CHECK (length(approver) BETWEEN 1 AND 256),
    approved_at timestamptz NOT NULL,
    CONSTRAINT approvals_pk PRIMARY KEY (tenant_id, action, request_id, approver)
);

-- The purge job deletes expired rows of every tenant, oldest first.
CREATE INDEX tokens_expires_at_ix ON tokens (expires_at) WHERE expires_at IS NOT NULL;
