-- +goose Up
-- Translations of a contact point's description (issue 13): a JSON object
-- keyed by language code (en, ar, fr-x-falc…; never fr), each value
-- {"description": "…"}. The French description stays in description; '{}'
-- when the contact point has no translation.
ALTER TABLE contact_points ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE contact_points DROP COLUMN translations;
