-- +goose Up
-- Indexes for the public reads (checked with EXPLAIN by
-- TestPublicQueriesUseIndexes on a realistic volume).

-- Contact points by theme (/api/v1/public/contact-points?theme=…): the
-- store filters with "(themes::jsonb) @> '["slug"]'", answered from this
-- index instead of a scan of every contact point.
CREATE INDEX contact_points_themes ON contact_points USING gin ((themes::jsonb) jsonb_path_ops);

-- The change stamp every replica polls (store.ChangeStamp): the latest
-- update of the largest tables read from an index, not a scan.
CREATE INDEX contact_points_updated_at ON contact_points (updated_at);
CREATE INDEX fiches_updated_at ON fiches (updated_at);

-- +goose Down
DROP INDEX fiches_updated_at;
DROP INDEX contact_points_updated_at;
DROP INDEX contact_points_themes;
