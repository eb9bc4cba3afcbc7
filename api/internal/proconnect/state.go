package proconnect

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Purposes of a sign-in: where its result goes.
const (
	// PurposeAdmin signs in to the admin app (/admin/).
	PurposeAdmin = "admin"
	// PurposeAgent signs in to the widget's agent mode, in a popup that
	// posts the result to the widget's page (Origin).
	PurposeAgent = "agent"
)

// StateTTL is how long a sign-in may take, from start to callback.
const StateTTL = 10 * time.Minute

// TargetTTL is how long the agent callback page may take to load after the
// provider's callback.
const TargetTTL = 2 * time.Minute

// Errors of OpenState and OpenTarget.
var (
	ErrStateInvalid = errors.New("proconnect: sign-in state invalid")
	ErrStateExpired = errors.New("proconnect: sign-in state expired")
)

// Sealer seals and opens the values the browser carries (auth.Sealer).
type Sealer interface {
	Seal(plaintext, aad []byte) (string, error)
	Open(sealed string, aad []byte) ([]byte, error)
}

// Additional data bound to each kind of sealed value: one never opens as
// the other.
var (
	stateAAD  = []byte("aiguillage proconnect state v1")
	targetAAD = []byte("aiguillage proconnect agent target v1")
)

// State is a sign-in in progress, sealed into a cookie between the start
// and the provider's callback.
type State struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Purpose  string `json:"p"`
	// Origin is where the agent popup posts its result (PurposeAgent only).
	Origin string `json:"o,omitempty"`
	// Expires is a Unix time.
	Expires int64 `json:"e"`
}

// NewState starts a sign-in: random state and nonce (32 bytes each) and a
// PKCE verifier, valid StateTTL from now.
func NewState(purpose, origin string, now time.Time) (*State, error) {
	st := &State{Verifier: oauth2.GenerateVerifier(), Purpose: purpose, Origin: origin, Expires: now.Add(StateTTL).Unix()}
	for _, dst := range []*string{&st.State, &st.Nonce} {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("proconnect: random state: %w", err)
		}
		*dst = base64.RawURLEncoding.EncodeToString(b)
	}
	return st, nil
}

// SealState seals a sign-in state for its cookie.
func SealState(s Sealer, st *State) (string, error) {
	b, err := json.Marshal(st)
	if err != nil {
		return "", fmt.Errorf("proconnect: encode state: %w", err)
	}
	return s.Seal(b, stateAAD)
}

// OpenState opens a sealed sign-in state and checks it: known purpose,
// origin only for agents, not expired at now.
func OpenState(s Sealer, sealed string, now time.Time) (*State, error) {
	b, err := s.Open(sealed, stateAAD)
	if err != nil {
		return nil, ErrStateInvalid
	}
	var st State
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, ErrStateInvalid
	}
	switch {
	case st.State == "" || st.Nonce == "" || st.Verifier == "":
		return nil, ErrStateInvalid
	case st.Purpose == PurposeAdmin && st.Origin == "":
	case st.Purpose == PurposeAgent && st.Origin != "":
		if _, err := ParseOrigin(st.Origin); err != nil {
			return nil, ErrStateInvalid
		}
	default:
		return nil, ErrStateInvalid
	}
	if now.Unix() >= st.Expires {
		return nil, ErrStateExpired
	}
	return &st, nil
}

// target is where the agent callback page posts its result.
type target struct {
	Origin  string `json:"o"`
	Expires int64  `json:"e"`
}

// SealTarget seals the origin the agent callback page posts to, valid
// TargetTTL from now.
func SealTarget(s Sealer, origin string, now time.Time) (string, error) {
	b, err := json.Marshal(target{Origin: origin, Expires: now.Add(TargetTTL).Unix()})
	if err != nil {
		return "", fmt.Errorf("proconnect: encode target: %w", err)
	}
	return s.Seal(b, targetAAD)
}

// OpenTarget opens a sealed target and returns its origin.
func OpenTarget(s Sealer, sealed string, now time.Time) (string, error) {
	b, err := s.Open(sealed, targetAAD)
	if err != nil {
		return "", ErrStateInvalid
	}
	var t target
	if err := json.Unmarshal(b, &t); err != nil {
		return "", ErrStateInvalid
	}
	if _, err := ParseOrigin(t.Origin); err != nil {
		return "", ErrStateInvalid
	}
	if now.Unix() >= t.Expires {
		return "", ErrStateExpired
	}
	return t.Origin, nil
}

// ParseOrigin checks that raw is a web origin, scheme://host[:port] in
// http or https, with no path, query, fragment or credentials, and returns
// it in its canonical form (lower case, as browsers serialise it).
func ParseOrigin(raw string) (string, error) {
	bad := fmt.Errorf("%.200q is not an origin such as https://www.exemple.fr", raw)
	if len(raw) > 255 {
		return "", bad
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(raw, "?#\\ \t\r\n") {
		return "", bad
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if host == "" || strings.HasSuffix(u.Host, ":") {
		return "", bad
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // IPv6
	}
	if port == "" || (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		return u.Scheme + "://" + host, nil
	}
	return u.Scheme + "://" + host + ":" + port, nil
}
