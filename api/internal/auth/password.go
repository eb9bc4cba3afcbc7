package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// Argon2Params are the argon2id cost parameters of a password hash.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8  // lanes
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultArgon2Params returns the parameters new hashes use: the first
// argon2id setting of the OWASP Password Storage Cheat Sheet (19 MiB, 2 passes,
// 1 lane), a 16-byte salt and a 32-byte key.
func DefaultArgon2Params() Argon2Params {
	return Argon2Params{Memory: 19456, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}
}

// Bounds on parameters, for new hashes and for stored ones alike, so that a
// corrupt or hostile stored string cannot make a check panic or exhaust memory.
const (
	maxArgon2Memory = 1 << 20 // KiB (1 GiB)
	maxArgon2Time   = 64
	minSaltLen      = 8
	maxSaltLen      = 64
	minKeyLen       = 16
	maxKeyLen       = 64
)

func (p Argon2Params) validate() error {
	switch {
	case p.Threads < 1:
		return errors.New("argon2id: threads must be at least 1")
	case p.Time < 1 || p.Time > maxArgon2Time:
		return fmt.Errorf("argon2id: time must be in [1, %d]", maxArgon2Time)
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxArgon2Memory:
		return fmt.Errorf("argon2id: memory must be in [8×threads, %d] KiB", maxArgon2Memory)
	case p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen:
		return fmt.Errorf("argon2id: salt length must be in [%d, %d]", minSaltLen, maxSaltLen)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return fmt.Errorf("argon2id: key length must be in [%d, %d]", minKeyLen, maxKeyLen)
	}
	return nil
}

// ErrMalformedHash reports a stored password hash that is not an argon2id PHC
// string this package can check.
var ErrMalformedHash = errors.New("auth: malformed password hash")

// Hasher hashes and checks passwords with fixed argon2id parameters.
// It is immutable and safe for concurrent use. Make one with NewHasher.
type Hasher struct {
	params Argon2Params
}

// NewHasher returns a Hasher for p.
func NewHasher(p Argon2Params) (*Hasher, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	return &Hasher{params: p}, nil
}

// Params returns the parameters new hashes use.
func (h *Hasher) Params() Argon2Params { return h.params }

// Hash returns the PHC string of pw:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key> (unpadded standard base64).
// The password is NFKC-normalised first (NIST SP 800-63B), so that the same
// characters typed on different systems give the same hash.
func (h *Hasher) Hash(pw string) (string, error) {
	salt := make([]byte, h.params.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	key := derive(pw, salt, h.params)
	return encodePHC(h.params, salt, key), nil
}

// Verify reports whether pw matches the PHC string encoded, comparing in
// constant time with the parameters read from encoded. needsRehash is true
// when pw matches but encoded was made with other parameters than h's: the
// caller should then store a new Hash(pw). err is ErrMalformedHash (wrapped)
// when encoded cannot be read.
func (h *Hasher) Verify(encoded, pw string) (ok, needsRehash bool, err error) {
	p, salt, key, err := parsePHC(encoded)
	if err != nil {
		return false, false, err
	}
	got := derive(pw, salt, p)
	ok = subtle.ConstantTimeCompare(got, key) == 1
	return ok, ok && p != h.params, nil
}

// DummyVerify costs what Verify costs against a hash made by h, and matches
// nothing. Call it when the account is unknown, so that response times do not
// tell which e-mail addresses have an account.
func (h *Hasher) DummyVerify(pw string) {
	salt := make([]byte, h.params.SaltLen)
	want := make([]byte, h.params.KeyLen)
	got := derive(pw, salt, h.params)
	_ = subtle.ConstantTimeCompare(got, want)
}

// HashPassword hashes pw with DefaultArgon2Params; see Hasher.Hash.
func HashPassword(pw string) (string, error) { return defaultHasher().Hash(pw) }

// VerifyPassword checks pw against encoded, with needsRehash relative to
// DefaultArgon2Params; see Hasher.Verify.
func VerifyPassword(encoded, pw string) (ok, needsRehash bool, err error) {
	return defaultHasher().Verify(encoded, pw)
}

// DummyVerify costs what VerifyPassword costs; see Hasher.DummyVerify.
func DummyVerify(pw string) { defaultHasher().DummyVerify(pw) }

func defaultHasher() *Hasher { return &Hasher{params: DefaultArgon2Params()} }

func derive(pw string, salt []byte, p Argon2Params) []byte {
	return argon2.IDKey([]byte(norm.NFKC.String(pw)), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
}

// b64 is the PHC encoding: standard alphabet, no padding, canonical.
func b64() *base64.Encoding { return base64.RawStdEncoding.Strict() }

func encodePHC(p Argon2Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64().EncodeToString(salt), b64().EncodeToString(key))
}

// decodeB64 decodes canonical PHC base64, refusing the line breaks that
// package base64 skips.
func decodeB64(s string) ([]byte, error) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, errors.New("line break in base64")
	}
	return b64().DecodeString(s)
}

// parsePHC reads the strings encodePHC writes, and nothing else: fields in
// that order, decimal numbers without sign or leading zeros, canonical base64.
func parsePHC(s string) (Argon2Params, []byte, []byte, error) {
	var p Argon2Params
	fail := func(why string) (Argon2Params, []byte, []byte, error) {
		return Argon2Params{}, nil, nil, fmt.Errorf("%w: %s", ErrMalformedHash, why)
	}
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" {
		return fail("want $argon2id$v=…$m=…,t=…,p=…$salt$key")
	}
	if parts[1] != "argon2id" {
		return fail("algorithm is not argon2id")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return fail("unsupported version")
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return fail("want m=…,t=…,p=…")
	}
	var vals [3]uint64
	for i, name := range []string{"m", "t", "p"} {
		num, found := strings.CutPrefix(kv[i], name+"=")
		if !found {
			return fail("want m=…,t=…,p=…")
		}
		v, ok := parseDecimal(num)
		if !ok {
			return fail("bad " + name)
		}
		vals[i] = v
	}
	if vals[0] > maxArgon2Memory || vals[1] > maxArgon2Time || vals[2] > 255 {
		return fail("parameters out of range")
	}
	p.Memory, p.Time, p.Threads = uint32(vals[0]), uint32(vals[1]), uint8(vals[2])
	salt, err := decodeB64(parts[4])
	if err != nil {
		return fail("bad salt encoding")
	}
	key, err := decodeB64(parts[5])
	if err != nil {
		return fail("bad key encoding")
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	if err := p.validate(); err != nil {
		return fail(err.Error())
	}
	return p, salt, key, nil
}

// parseDecimal accepts 1 to 10 digits without a leading zero.
func parseDecimal(s string) (uint64, bool) {
	if s == "" || len(s) > 10 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return v, true
}
