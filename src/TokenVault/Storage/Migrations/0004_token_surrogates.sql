-- Surrogates (issue 5): in surrogate mode a spelling row also gets a realistic stand-in (Pseudonymization/VaultSurrogates).
-- The row records it as surrogate_fp = HMAC(fingerprint key, "pi.surrogate.v1" || 0x00 || lower-cased surrogate)
-- (Fingerprint.Surrogate), never the surrogate itself, and surrogate_attempt, the attempt it was made at, so the vault can
-- make the same surrogate again without a lookup. Detokenize finds a candidate by its fingerprint. One surrogate, one row
-- per tenant (the unique index, led by tenant_id for Citus); a row without a surrogate has both NULL. The mapping lives
-- and dies with its token row: erasure, the expiry purge and destruction delete it with the row, and an expired row that
-- Tokenize replaces loses it (ReplaceExpiredToken).
ALTER TABLE tokens ADD COLUMN surrogate_fp bytea CHECK (surrogate_fp IS NULL OR octet_length(surrogate_fp) = 32);
ALTER TABLE tokens ADD COLUMN surrogate_attempt integer CHECK (surrogate_attempt IS NULL OR surrogate_attempt >= 0);
ALTER TABLE tokens ADD CONSTRAINT tokens_surrogate_pair_check CHECK ((surrogate_fp IS NULL) = (surrogate_attempt IS NULL));

CREATE UNIQUE INDEX tokens_surrogate_uq ON tokens (tenant_id, surrogate_fp) WHERE surrogate_fp IS NOT NULL;
