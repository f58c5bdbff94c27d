-- ConsentKit JDBC store, schema version 1 (PostgreSQL 13 or newer).
-- ${prefix} is the store's table prefix (default "consentkit_"); run this script with it replaced,
-- or let the store create the schema (JdbcConsentStore.Builder.createSchema(true)).
--
-- ${prefix}journal is append-only: the store only ever INSERTs into it. Each row is one journal row
-- (the columns of the CSV journal, stored as its text cells, so nothing is lost in a round trip),
-- plus:
--   id  insertion order within a transaction (bigserial; ids do not commit in order),
--   tx  the writing transaction's id (pg_current_xact_id()): journal order is (tx, id), and a
--       reader only moves past a transaction id once no older transaction is still running.
CREATE TABLE IF NOT EXISTS ${prefix}journal (
    id              BIGSERIAL    PRIMARY KEY,
    tx              BIGINT       NOT NULL,
    consent_id      VARCHAR(128) NOT NULL,
    timestamp       TEXT         NOT NULL,
    phone_number    TEXT         NOT NULL,
    opt_in_method   TEXT         NOT NULL,
    consent_message TEXT         NOT NULL,
    customer_id     TEXT         NOT NULL,
    customer_name   TEXT         NOT NULL,
    customer_email  TEXT         NOT NULL,
    ip_address      TEXT         NOT NULL,
    screenshot_url  TEXT         NOT NULL,
    metadata        TEXT         NOT NULL,
    status          TEXT         NOT NULL,
    revoked_at      TEXT         NOT NULL,
    revoked_method  TEXT         NOT NULL
);
CREATE INDEX IF NOT EXISTS ${prefix}journal_tx_id ON ${prefix}journal (tx, id);
CREATE TABLE IF NOT EXISTS ${prefix}schema_version (
    version    INTEGER     PRIMARY KEY,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO ${prefix}schema_version (version) VALUES (1) ON CONFLICT (version) DO NOTHING;
