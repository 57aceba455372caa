-- Spellings (issue 5; see the PostgreSQL migration 0003_token_spellings.sql for the design).
ALTER TABLE tokens ADD COLUMN spelling_fp BLOB CHECK (spelling_fp IS NULL OR length(spelling_fp) = 32);
