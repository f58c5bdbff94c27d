-- ConsentKit JDBC store, schema version 2: consent scopes. Run after V1__journal.sql, with the same
-- ${prefix}. Adds the journal's version 2 columns after the 14 legacy ones: program, brand and channel
-- (empty: the default program, the default brand, no channel recorded; for a suppression an empty
-- program means every program of its brand, and both empty mean everything). Rows written before this
-- script get the empty defaults, which is what a legacy row means.
ALTER TABLE ${prefix}journal ADD COLUMN IF NOT EXISTS program TEXT NOT NULL DEFAULT '';
ALTER TABLE ${prefix}journal ADD COLUMN IF NOT EXISTS brand   TEXT NOT NULL DEFAULT '';
ALTER TABLE ${prefix}journal ADD COLUMN IF NOT EXISTS channel TEXT NOT NULL DEFAULT '';
INSERT INTO ${prefix}schema_version (version) VALUES (2) ON CONFLICT (version) DO NOTHING;
