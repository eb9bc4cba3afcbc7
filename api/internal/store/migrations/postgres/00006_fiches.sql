-- +goose Up
-- The service-public.fr "Vos droits et démarches" fiches (package fiches):
-- what a need is called in the administration's words, and where the page
-- sends residents. breadcrumb, pivots (codes of the directory's pivot
-- types), places and online are JSON arrays; source_updated_at is the date
-- of the page at its source, updated_at the date of the row.
CREATE TABLE fiches (
    id                TEXT PRIMARY KEY,
    title             TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    subject           TEXT NOT NULL DEFAULT '',
    url               TEXT NOT NULL,
    breadcrumb        TEXT NOT NULL DEFAULT '[]',
    pivots            TEXT NOT NULL DEFAULT '[]',
    places            TEXT NOT NULL DEFAULT '[]',
    online            TEXT NOT NULL DEFAULT '[]',
    source_updated_at TIMESTAMPTZ,
    content_hash      TEXT NOT NULL,
    version           INTEGER NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE fiches;
