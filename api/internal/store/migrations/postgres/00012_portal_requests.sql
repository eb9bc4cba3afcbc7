-- +goose Up
-- Requests made to the public API with a third-party portal's key (issue
-- 10), counted in memory by each server and added here every 30 seconds
-- and at shutdown (INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n:
-- replicas add up). One row per Europe/Paris day, portal, family of
-- endpoints (search, journeys, outcomes, contact-points, communes,
-- organisations, emergency, other) and status class (2xx, 3xx, 4xx, 5xx).
-- Counts only: no query, no address. No foreign key: a portal is revoked,
-- never deleted, and its figures stay.
CREATE TABLE portal_requests_daily (
    day          TEXT NOT NULL,
    portal_id    TEXT NOT NULL,
    family       TEXT NOT NULL,
    status_class TEXT NOT NULL,
    n            BIGINT NOT NULL,
    PRIMARY KEY (day, portal_id, family, status_class),
    CHECK (n >= 0)
);

-- +goose Down
DROP TABLE portal_requests_daily;
