package proconnect_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/auth"
	"github.com/aiguillage/aiguillage/api/internal/proconnect"
)

func sealer(t testing.TB) *auth.Sealer {
	t.Helper()
	k, _, err := auth.GenerateKey("k1")
	if err != nil {
		t.Fatal(err)
	}
	s, err := auth.NewSealer("proconnect", []auth.Key{k}, "k1")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var now = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

func TestState(t *testing.T) {
	s := sealer(t)
	st, err := proconnect.NewState(proconnect.PurposeAgent, "https://www.exemple.fr", now)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.State) < 43 || len(st.Nonce) < 43 || len(st.Verifier) < 43 || st.State == st.Nonce {
		t.Fatalf("weak state %+v", st)
	}
	sealed, err := proconnect.SealState(s, st)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{st.State, st.Nonce, st.Verifier, "exemple"} {
		if strings.Contains(sealed, secret) {
			t.Fatalf("the sealed state shows %q", secret)
		}
	}
	got, err := proconnect.OpenState(s, sealed, now.Add(proconnect.StateTTL-time.Second))
	if err != nil || *got != *st {
		t.Fatalf("open: %+v %v", got, err)
	}
	if _, err := proconnect.OpenState(s, sealed, now.Add(proconnect.StateTTL)); !errors.Is(err, proconnect.ErrStateExpired) {
		t.Fatalf("expired: %v", err)
	}
	if _, err := proconnect.OpenState(sealer(t), sealed, now); !errors.Is(err, proconnect.ErrStateInvalid) {
		t.Fatalf("other key: %v", err)
	}
	// A target never opens as a state, nor the reverse.
	target, err := proconnect.SealTarget(s, "https://www.exemple.fr", now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := proconnect.OpenState(s, target, now); !errors.Is(err, proconnect.ErrStateInvalid) {
		t.Fatalf("target opened as state: %v", err)
	}
	if _, err := proconnect.OpenTarget(s, sealed, now); !errors.Is(err, proconnect.ErrStateInvalid) {
		t.Fatalf("state opened as target: %v", err)
	}
	if o, err := proconnect.OpenTarget(s, target, now.Add(time.Minute)); err != nil || o != "https://www.exemple.fr" {
		t.Fatalf("target: %q %v", o, err)
	}
	if _, err := proconnect.OpenTarget(s, target, now.Add(proconnect.TargetTTL)); !errors.Is(err, proconnect.ErrStateExpired) {
		t.Fatalf("expired target: %v", err)
	}
	// Sealed states that break the rules never open.
	for name, bad := range map[string]*proconnect.State{
		"admin with origin": {State: "s", Nonce: "n", Verifier: "v", Purpose: "admin", Origin: "https://x.fr", Expires: now.Add(time.Minute).Unix()},
		"agent without":     {State: "s", Nonce: "n", Verifier: "v", Purpose: "agent", Expires: now.Add(time.Minute).Unix()},
		"agent, bad origin": {State: "s", Nonce: "n", Verifier: "v", Purpose: "agent", Origin: "javascript:x", Expires: now.Add(time.Minute).Unix()},
		"unknown purpose":   {State: "s", Nonce: "n", Verifier: "v", Purpose: "x", Expires: now.Add(time.Minute).Unix()},
		"no verifier":       {State: "s", Nonce: "n", Purpose: "admin", Expires: now.Add(time.Minute).Unix()},
		"no state":          {Nonce: "n", Verifier: "v", Purpose: "admin", Expires: now.Add(time.Minute).Unix()},
		"no nonce":          {State: "s", Verifier: "v", Purpose: "admin", Expires: now.Add(time.Minute).Unix()},
	} {
		sealed, err := proconnect.SealState(s, bad)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := proconnect.OpenState(s, sealed, now); !errors.Is(err, proconnect.ErrStateInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestParseOrigin(t *testing.T) {
	good := map[string]string{
		"https://www.exemple.fr":        "https://www.exemple.fr",
		"https://WWW.Exemple.FR":        "https://www.exemple.fr",
		"HTTPS://www.exemple.fr":        "https://www.exemple.fr",
		"https://www.exemple.fr/":       "https://www.exemple.fr",
		"https://www.exemple.fr:443":    "https://www.exemple.fr",
		"http://localhost:8080":         "http://localhost:8080",
		"http://127.0.0.1:80":           "http://127.0.0.1",
		"https://[::1]:8443":            "https://[::1]:8443",
		"https://xn--mairie-d-t-8ya.fr": "https://xn--mairie-d-t-8ya.fr",
	}
	for in, want := range good {
		if got, err := proconnect.ParseOrigin(in); err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "null", "javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "ftp://x.fr",
		"https://x.fr/page", "https://x.fr?x=1", "https://x.fr#x", "https://user@x.fr", "https://user:pw@x.fr", "//x.fr",
		"x.fr", "https://", "https://:443", "https://x.fr:", `https://x.fr\@y.fr`, "https://x.fr /", "https://x.fr\n",
		"https://" + strings.Repeat("a", 260) + ".fr"} {
		if got, err := proconnect.ParseOrigin(in); err == nil {
			t.Errorf("%q accepted as %q", in, got)
		}
	}
}

// FuzzOpenState: whatever a browser sends as the state cookie, opening it
// never panics, and only a value sealed by the server opens.
func FuzzOpenState(f *testing.F) {
	s := sealer(f)
	st, err := proconnect.NewState(proconnect.PurposeAdmin, "", now)
	if err != nil {
		f.Fatal(err)
	}
	sealed, err := proconnect.SealState(s, st)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{sealed, sealed[:len(sealed)-1], "k1.", "k1.AAAA", "", "k1." + strings.Repeat("A", 100), "x.y.z"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got, err := proconnect.OpenState(s, v, now)
		if v == sealed {
			if err != nil || *got != *st {
				t.Fatalf("the server's own state refused: %v", err)
			}
			return
		}
		if err == nil {
			t.Fatalf("forged state %q opened: %+v", v, got)
		}
		if _, err := proconnect.OpenTarget(s, v, now); err == nil {
			t.Fatalf("forged target %q opened", v)
		}
	})
}
