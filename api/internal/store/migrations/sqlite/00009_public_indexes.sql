-- +goose Up
-- The change stamp (store.ChangeStamp): the latest update of the largest
-- tables read from an index, not a scan. (Contact points by theme keep
-- their LIKE on SQLite: one process, and no JSON index to use.)
CREATE INDEX contact_points_updated_at ON contact_points (updated_at);
CREATE INDEX fiches_updated_at ON fiches (updated_at);

-- +goose Down
DROP INDEX fiches_updated_at;
DROP INDEX contact_points_updated_at;
