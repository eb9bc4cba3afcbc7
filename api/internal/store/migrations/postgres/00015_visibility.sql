-- +goose Up
-- Contact points reserved to agents (issue 14): public (everyone, the
-- default), organisation_agents (the signed-in members of its
-- organisation, in agent mode) or all_agents (every signed-in user, in
-- agent mode). A channel's own visibility sits in its JSON (channels
-- column: "visibility", absent when public).
ALTER TABLE contact_points ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public';

-- +goose Down
ALTER TABLE contact_points DROP COLUMN visibility;
