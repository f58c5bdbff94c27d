-- ConsentKit JDBC limit store, schema version 1 (PostgreSQL 13 or newer).
-- ${prefix} is the store's table prefix (default "consentkit_"); run this script with it replaced,
-- or let the store create the schema (JdbcLimitStore.Builder.createSchema(true)).
-- Times are epoch milliseconds (the rate row: epoch nanoseconds); money is millionths of the budget's
-- currency. Every row is pruned once no limit looks at it any more.
--
-- ${prefix}limit_recipient: one row per recipient key texted lately; a reservation locks it, so two
--   sends to one recipient are decided one after the other, in any process.
CREATE TABLE IF NOT EXISTS ${prefix}limit_recipient (
    key     TEXT   PRIMARY KEY,
    last_at BIGINT NOT NULL
);
-- ${prefix}limit_send: the send times of each recipient (cooldown, hourly and daily caps); a
--   reservation inserts one, a release deletes it.
CREATE TABLE IF NOT EXISTS ${prefix}limit_send (
    id  BIGSERIAL PRIMARY KEY,
    key TEXT      NOT NULL,
    at  BIGINT    NOT NULL
);
CREATE INDEX IF NOT EXISTS ${prefix}limit_send_key_at ON ${prefix}limit_send (key, at);
CREATE INDEX IF NOT EXISTS ${prefix}limit_send_at ON ${prefix}limit_send (at);
-- ${prefix}limit_day: one row per calendar day in the limits' zone: messages (the global daily cap),
--   segments, estimated spend (the daily budget) and the alerts already given (bits).
CREATE TABLE IF NOT EXISTS ${prefix}limit_day (
    day_start BIGINT PRIMARY KEY,
    day_end   BIGINT NOT NULL,
    messages  BIGINT NOT NULL,
    segments  BIGINT NOT NULL,
    spent     BIGINT NOT NULL,
    alerts    INTEGER NOT NULL
);
-- ${prefix}limit_window: segments per clock minute, clock hour and calendar day (name, window start),
--   and the per-second token bucket (name 'rate', start 0, used = its theoretical arrival time).
CREATE TABLE IF NOT EXISTS ${prefix}limit_window (
    name     TEXT   NOT NULL,
    start_at BIGINT NOT NULL,
    end_at   BIGINT NOT NULL,
    used     BIGINT NOT NULL,
    PRIMARY KEY (name, start_at)
);
CREATE TABLE IF NOT EXISTS ${prefix}limit_schema_version (
    version    INTEGER     PRIMARY KEY,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO ${prefix}limit_schema_version (version) VALUES (1) ON CONFLICT (version) DO NOTHING;
