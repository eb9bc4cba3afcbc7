-- +goose Up
-- Sign-in with ProConnect (issue 14). An identity of an OpenID Connect
-- provider (issuer, subject) linked to an account: found again at each
-- sign-in, whatever the address the provider then gives. email is the
-- address it gave last, for the record.
CREATE TABLE user_identities (
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    issuer        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    email         TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    last_login_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX user_identities_user ON user_identities (user_id);

-- Single-use login codes: the provider's callback hands one to the admin
-- app or the widget (in a URL fragment), which exchanges it for a session
-- within 60 seconds. Only the SHA-256 of the code is stored.
CREATE TABLE login_codes (
    code_hash  TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    method     TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_codes_expires ON login_codes (expires_at);

-- +goose Down
DROP TABLE login_codes;
DROP TABLE user_identities;
