-- Spellings (issue 5): a token ID names a value's normalized form, so "4111-1111-…" and "4111 1111 …" share
-- it; rehydration must still give back each value as it was written. The first spelling is the row of the ID;
-- every later spelling is a row of its own keyed "ID-XX" (a random 2-character mark), whose fingerprint is
-- the keyed HMAC of the exact spelling (Fingerprint.Spelling: another domain than the normalized fingerprint,
-- so the two never collide in tokens_fingerprint_uq). spelling_fp on a first-spelling row is that same HMAC
-- of its spelling, so Tokenize can tell "same spelling" without decrypting. NULL on rows from before this
-- migration: their spelling is unknown, and any spelling of theirs gets a row of its own.
ALTER TABLE tokens ADD COLUMN spelling_fp bytea CHECK (spelling_fp IS NULL OR octet_length(spelling_fp) = 32);

ALTER TABLE tokens DROP CONSTRAINT tokens_token_id_check;
ALTER TABLE tokens ADD CONSTRAINT tokens_token_id_check
    CHECK (token_id ~ '^[0-9A-HJKMNP-TV-Z]{8,26}(-[0-9A-HJKMNP-TV-Z]{2})?$');
