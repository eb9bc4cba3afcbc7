package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// sealKeyInfo prefixes the HKDF "info" that derives a sealing key from an
// access-token key's seed; the Sealer's purpose follows it, so sealers of
// different purposes never open each other's values.
const sealKeyInfo = "aiguillage sealing key v1: "

// ErrSealed is returned by Open for a value it cannot open: malformed,
// unknown key id, tampered with, or sealed for another purpose.
var ErrSealed = errors.New("auth: sealed value invalid")

// Sealer encrypts and authenticates small values (AES-256-GCM) so that a
// browser can carry them and any replica read them back: the state of a
// sign-in with an identity provider, kept in a cookie. Its keys are derived
// (HKDF-SHA256) from the access-token keys, under the same key ids, so they
// rotate with them; a sealed value is "kid.base64url(nonce ‖ ciphertext)".
// It is immutable and safe for concurrent use.
type Sealer struct {
	activeID string
	aeads    map[string]cipher.AEAD
}

// NewSealer derives the sealing keys of one purpose (a short name such as
// "proconnect-state") from the access-token keys; active seals.
func NewSealer(purpose string, keys []Key, active string) (*Sealer, error) {
	if purpose == "" {
		return nil, errors.New("auth: a sealer needs a purpose")
	}
	s := &Sealer{aeads: make(map[string]cipher.AEAD, len(keys))}
	for _, k := range keys {
		if err := checkKeyID(k.ID); err != nil {
			return nil, fmt.Errorf("auth: key %q: %w", k.ID, err)
		}
		if len(k.priv) != ed25519.PrivateKeySize {
			return nil, fmt.Errorf("auth: key %q has no private key (use ParseKeys or GenerateKey)", k.ID)
		}
		if _, dup := s.aeads[k.ID]; dup {
			return nil, fmt.Errorf("auth: key id %q appears twice", k.ID)
		}
		key, err := hkdf.Key(sha256.New, k.priv.Seed(), nil, sealKeyInfo+purpose, 32)
		if err != nil {
			return nil, fmt.Errorf("auth: derive the sealing key of %q: %w", k.ID, err)
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, fmt.Errorf("auth: sealing key of %q: %w", k.ID, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("auth: sealing key of %q: %w", k.ID, err)
		}
		s.aeads[k.ID] = aead
	}
	if _, ok := s.aeads[active]; !ok {
		return nil, fmt.Errorf("auth: active key %q is not among the keys", active)
	}
	s.activeID = active
	return s, nil
}

// Seal encrypts plaintext with the active key; aad is authenticated, not
// stored (Open needs the same).
func (s *Sealer) Seal(plaintext, aad []byte) (string, error) {
	aead := s.aeads[s.activeID]
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("auth: seal nonce: %w", err)
	}
	out := aead.Seal(nonce, nonce, plaintext, aad)
	return s.activeID + "." + base64.RawURLEncoding.EncodeToString(out), nil
}

// maxSealed bounds what Open decodes: sealed values live in cookies.
const maxSealed = 4096

// Open checks and decrypts a value made by Seal with any of the keys.
func (s *Sealer) Open(sealed string, aad []byte) ([]byte, error) {
	if len(sealed) > maxSealed {
		return nil, ErrSealed
	}
	// Key ids may hold dots, base64url never does.
	dot := strings.LastIndexByte(sealed, '.')
	if dot < 0 {
		return nil, ErrSealed
	}
	kid, body := sealed[:dot], sealed[dot+1:]
	aead := s.aeads[kid]
	if aead == nil {
		return nil, ErrSealed
	}
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil || len(raw) < aead.NonceSize()+aead.Overhead() {
		return nil, ErrSealed
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], aad)
	if err != nil {
		return nil, ErrSealed
	}
	return plain, nil
}
