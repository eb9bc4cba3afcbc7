-- +goose Up
-- Third-party portals (issue 10): a platform admin gives a portal an API
-- key that raises its public rate limits and attributes its usage in the
-- statistics. Only the SHA-256 of the key's secret is stored; key_prefix
-- is its public identifier, shown in lists. contact_email is for the
-- platform admins only: never logged nor audited.
CREATE TABLE portals (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    contact_email   TEXT NOT NULL DEFAULT '',
    key_prefix      TEXT NOT NULL UNIQUE,
    key_hash        TEXT NOT NULL,
    rate_multiplier INTEGER NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    created_by      TEXT NOT NULL DEFAULT '',
    last_used_at    TIMESTAMPTZ,
    revoked_at      TIMESTAMPTZ,
    revoked_by      TEXT NOT NULL DEFAULT '',
    CHECK (rate_multiplier BETWEEN 1 AND 100)
);

-- Usage attributed to a portal ('' for the widget and anonymous callers).
-- No foreign key: a portal is revoked, never deleted, and the figures stay.
ALTER TABLE usage_events ADD COLUMN portal_id TEXT NOT NULL DEFAULT '';
ALTER TABLE feedback ADD COLUMN portal_id TEXT NOT NULL DEFAULT '';
ALTER TABLE usage_daily ADD COLUMN portal_id TEXT NOT NULL DEFAULT '';
ALTER TABLE usage_daily DROP CONSTRAINT usage_daily_pkey;
ALTER TABLE usage_daily ADD PRIMARY KEY (day, organisation_id, entry, portal_id, metric, ref, detail);
CREATE INDEX usage_daily_portal_day ON usage_daily (portal_id, day) WHERE portal_id <> '';

-- +goose Down
DROP INDEX usage_daily_portal_day;
CREATE TEMP TABLE usage_daily_merged AS
    SELECT day, organisation_id, entry, metric, ref, detail, CAST(SUM(value) AS BIGINT) AS value FROM usage_daily
    GROUP BY day, organisation_id, entry, metric, ref, detail;
DELETE FROM usage_daily;
ALTER TABLE usage_daily DROP CONSTRAINT usage_daily_pkey;
ALTER TABLE usage_daily DROP COLUMN portal_id;
INSERT INTO usage_daily (day, organisation_id, entry, metric, ref, detail, value)
    SELECT day, organisation_id, entry, metric, ref, detail, value FROM usage_daily_merged;
DROP TABLE usage_daily_merged;
ALTER TABLE usage_daily ADD PRIMARY KEY (day, organisation_id, entry, metric, ref, detail);
ALTER TABLE feedback DROP COLUMN portal_id;
ALTER TABLE usage_events DROP COLUMN portal_id;
DROP TABLE portals;
