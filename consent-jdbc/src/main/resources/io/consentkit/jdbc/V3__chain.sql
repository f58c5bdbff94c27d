-- ConsentKit JDBC store, schema version 3: tamper evidence. Run after V2__scopes.sql, with the same
-- ${prefix}. Adds the journal's chain (one chain per writer, in its writer_seq order): writer_id (a store
-- instance's random id), writer_seq (1, 2, 3... per writer), row_digest (SHA-256 of the row's 17 cells,
-- hex) and chain_link (SHA-256 of the writer's previous link and this row's digest, hex). Rows written
-- before this script get empty values: unchained (legacy) rows.
ALTER TABLE ${prefix}journal ADD COLUMN IF NOT EXISTS writer_id  TEXT   NOT NULL DEFAULT '';
ALTER TABLE ${prefix}journal ADD COLUMN IF NOT EXISTS writer_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ${prefix}journal ADD COLUMN IF NOT EXISTS row_digest TEXT   NOT NULL DEFAULT '';
ALTER TABLE ${prefix}journal ADD COLUMN IF NOT EXISTS chain_link TEXT   NOT NULL DEFAULT '';
INSERT INTO ${prefix}schema_version (version) VALUES (3) ON CONFLICT (version) DO NOTHING;
