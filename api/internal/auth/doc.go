// Package auth holds the security primitives of référent accounts: password
// hashing and policy, access and opaque tokens, and login throttling. It does
// no I/O and knows neither the database nor HTTP.
//
// Passwords are hashed with argon2id, m=19 MiB, t=2, p=1, a 16-byte random
// salt and a 32-byte key (the first setting of the OWASP Password Storage
// Cheat Sheet), after NFKC normalisation, and stored as PHC strings
// ($argon2id$v=19$m=19456,t=2,p=1$salt$key). Checks read the parameters from
// the string and report when a hash should be remade with the current ones.
// DummyVerify spends the same time for unknown e-mail addresses.
//
// New passwords follow NIST SP 800-63B and ANSSI: 12 to 128 characters, not
// the e-mail address, not a repetition or keyboard sequence, not a common
// password (an embedded list, matched ignoring case, accents and trailing
// digits or punctuation); no composition rules.
//
// Access tokens are JWTs signed with Ed25519 (alg EdDSA, typ at+jwt, kid in
// the header) carrying sub, iss, aud, iat, nbf, exp, jti, sid (the refresh
// token family) and platform_admin. They live 10 minutes by default and 15 at
// most. Verification pins the algorithm, requires exp and iat, checks iss and
// aud, and allows 30 s of clock skew. Several keys can verify at once, so keys
// rotate without logging anyone out.
//
// Preview tokens let the widget read one journey's draft for 30 minutes
// without a session: JWTs naming the organisation (by id) and the journey,
// typ preview+jwt, their own audience, signed with Ed25519 keys derived by
// HKDF-SHA256 from the access-token keys (same kids, so they rotate
// together). Neither kind of token verifies as the other.
//
// Refresh and invitation tokens are opaque: 32 random bytes in base64url,
// stored only as their SHA-256.
//
// Logins are throttled by two Limiters: 10 failures per account (normalised
// e-mail, known or not) and 50 failures per client IP (an IPv6 /64) in 15
// minutes. A locked key is refused, with the time to wait, until enough of
// its failures fall out of the window; a successful login resets the
// account's count. Each Limiter remembers at most 100 000 keys, forgetting
// the least recently failed first.
package auth
