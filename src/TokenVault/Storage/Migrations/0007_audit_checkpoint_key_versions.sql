-- The audit signing key is versioned (rotation): each checkpoint names the version that signed it, so verification
-- picks that version's public key (older versions stay to verify what they signed) and reports a checkpoint whose
-- version the provider does not know. Checkpoints written before rotation existed were signed by version 1. The
-- version is a look-up, not a claim: the signature covers the key ID, which must match that version's public key.
-- Numbered 0007 (0006 belongs to the token cache), independent of 0006; still led by tenant_id.
ALTER TABLE audit_checkpoints ADD COLUMN key_version integer NOT NULL DEFAULT 1 CHECK (key_version >= 1);
