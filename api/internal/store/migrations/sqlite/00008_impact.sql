-- +goose Up
-- Impact measurement (README « Mesure d'impact »).
--
-- usage_events holds the widget's anonymous events as received: no address,
-- no user agent, no cookie; session_id is a random id the widget keeps in
-- memory for the life of one page. Rows are deleted after the retention
-- period (AIGUILLAGE_EVENTS_RETENTION), once their day is rolled up. day is
-- the Europe/Paris date of at, computed by the server, so both databases
-- group identically. A row of type 'shown' is one contact point listed by an
-- 'outcome' event (the server splits the list).
CREATE TABLE usage_events (
    id               INTEGER PRIMARY KEY,
    organisation_id  TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    entry            TEXT NOT NULL DEFAULT '',
    session_id       TEXT NOT NULL,
    day              TEXT NOT NULL,
    at               DATETIME NOT NULL,
    type             TEXT NOT NULL,
    journey          TEXT NOT NULL DEFAULT '',
    step             TEXT NOT NULL DEFAULT '',
    outcome_id       TEXT NOT NULL DEFAULT '',
    contact_point_id TEXT NOT NULL DEFAULT '',
    channel          TEXT NOT NULL DEFAULT '',
    results          INTEGER,
    answered         INTEGER NOT NULL DEFAULT 0,
    query            TEXT NOT NULL DEFAULT '',
    CHECK (type IN ('loaded', 'search', 'step', 'outcome', 'shown', 'contact', 'emergency', 'feedback', 'exit')),
    CHECK (answered IN (0, 1))
);
CREATE INDEX usage_events_day ON usage_events (day, organisation_id);
CREATE INDEX usage_events_organisation_day ON usage_events (organisation_id, day);

-- Residents' feedback ("Cette réponse vous a-t-elle aidé ?"): comment and
-- looking_for are scrubbed of personal data, query is in the form of
-- search misses. Deleted after the same retention period, once rolled up.
CREATE TABLE feedback (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    entry           TEXT NOT NULL DEFAULT '',
    outcome_id      TEXT NOT NULL DEFAULT '',
    journey         TEXT NOT NULL DEFAULT '',
    step            TEXT NOT NULL DEFAULT '',
    query           TEXT NOT NULL DEFAULT '',
    useful          INTEGER NOT NULL,
    comment         TEXT NOT NULL DEFAULT '',
    looking_for     TEXT NOT NULL DEFAULT '',
    day             TEXT NOT NULL,
    created_at      DATETIME NOT NULL,
    CHECK (useful IN (0, 1))
);
CREATE INDEX feedback_organisation_day ON feedback (organisation_id, day);
CREATE INDEX feedback_day ON feedback (day);

-- Daily aggregates, kept when the raw rows are deleted. One row per day,
-- organisation, entry point, metric and breakdown (ref, detail: a journey
-- and a step, a contact point and a channel, a search query…). No foreign
-- key: a deleted partner's figures stay in the national totals.
CREATE TABLE usage_daily (
    day             TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    entry           TEXT NOT NULL DEFAULT '',
    metric          TEXT NOT NULL,
    ref             TEXT NOT NULL DEFAULT '',
    detail          TEXT NOT NULL DEFAULT '',
    value           INTEGER NOT NULL,
    PRIMARY KEY (day, organisation_id, entry, metric, ref, detail)
);
CREATE INDEX usage_daily_organisation_day ON usage_daily (organisation_id, day);

-- The days rolled up into usage_daily. Figures of these days are read from
-- usage_daily; figures of the other days from the raw rows.
CREATE TABLE usage_rollups (
    day       TEXT PRIMARY KEY,
    rolled_at DATETIME NOT NULL
);

-- +goose Down
DROP TABLE usage_rollups;
DROP TABLE usage_daily;
DROP TABLE feedback;
DROP TABLE usage_events;
