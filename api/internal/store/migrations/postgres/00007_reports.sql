-- +goose Up
-- Residents' "Information incorrecte ?" reports on contact points, scrubbed
-- of personal data before storage. organisation_id owns the contact point
-- and so the report; partner_id is the organisation whose widget it came
-- from (NULL: none, or that organisation was deleted since). A report goes
-- with its owner and with its contact point.
CREATE TABLE reports (
    id                 TEXT PRIMARY KEY,
    organisation_id    TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    contact_point_id   TEXT NOT NULL REFERENCES contact_points(id) ON DELETE CASCADE,
    contact_point_name TEXT NOT NULL DEFAULT '',
    partner_id         TEXT REFERENCES organisations(id) ON DELETE SET NULL,
    message            TEXT NOT NULL,
    status             TEXT NOT NULL DEFAULT 'open',
    created_at         TIMESTAMPTZ NOT NULL,
    resolved_at        TIMESTAMPTZ,
    resolved_by        TEXT NOT NULL DEFAULT '',
    CHECK (status IN ('open', 'resolved')),
    CHECK ((status = 'open') = (resolved_at IS NULL)),
    CHECK (partner_id IS NULL OR partner_id <> '')
);
CREATE INDEX reports_organisation_status ON reports (organisation_id, status, created_at);
CREATE INDEX reports_contact_point ON reports (contact_point_id);
CREATE INDEX reports_partner ON reports (partner_id);

-- +goose Down
DROP TABLE reports;
