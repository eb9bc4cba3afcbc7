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
    created_at      DATETIME NOT NULL,
    created_by      TEXT NOT NULL DEFAULT '',
    last_used_at    DATETIME,
    revoked_at      DATETIME,
    revoked_by      TEXT NOT NULL DEFAULT '',
    CHECK (rate_multiplier BETWEEN 1 AND 100)
);

-- Usage attributed to a portal ('' for the widget and anonymous callers).
-- No foreign key: a portal is revoked, never deleted, and the figures stay.
ALTER TABLE usage_events ADD COLUMN portal_id TEXT NOT NULL DEFAULT '';
ALTER TABLE feedback ADD COLUMN portal_id TEXT NOT NULL DEFAULT '';

-- usage_daily gains portal_id in its primary key: SQLite rebuilds the table.
CREATE TABLE usage_daily_new (
    day             TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    entry           TEXT NOT NULL DEFAULT '',
    portal_id       TEXT NOT NULL DEFAULT '',
    metric          TEXT NOT NULL,
    ref             TEXT NOT NULL DEFAULT '',
    detail          TEXT NOT NULL DEFAULT '',
    value           INTEGER NOT NULL,
    PRIMARY KEY (day, organisation_id, entry, portal_id, metric, ref, detail)
);
INSERT INTO usage_daily_new (day, organisation_id, entry, portal_id, metric, ref, detail, value)
    SELECT day, organisation_id, entry, '', metric, ref, detail, value FROM usage_daily;
DROP TABLE usage_daily;
ALTER TABLE usage_daily_new RENAME TO usage_daily;
CREATE INDEX usage_daily_organisation_day ON usage_daily (organisation_id, day);
CREATE INDEX usage_daily_portal_day ON usage_daily (portal_id, day) WHERE portal_id <> '';

-- +goose Down
DROP INDEX usage_daily_portal_day;
CREATE TABLE usage_daily_old (
    day             TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    entry           TEXT NOT NULL DEFAULT '',
    metric          TEXT NOT NULL,
    ref             TEXT NOT NULL DEFAULT '',
    detail          TEXT NOT NULL DEFAULT '',
    value           INTEGER NOT NULL,
    PRIMARY KEY (day, organisation_id, entry, metric, ref, detail)
);
INSERT INTO usage_daily_old (day, organisation_id, entry, metric, ref, detail, value)
    SELECT day, organisation_id, entry, metric, ref, detail, SUM(value) FROM usage_daily
    GROUP BY day, organisation_id, entry, metric, ref, detail;
DROP TABLE usage_daily;
ALTER TABLE usage_daily_old RENAME TO usage_daily;
CREATE INDEX usage_daily_organisation_day ON usage_daily (organisation_id, day);
ALTER TABLE feedback DROP COLUMN portal_id;
ALTER TABLE usage_events DROP COLUMN portal_id;
DROP TABLE portals;
