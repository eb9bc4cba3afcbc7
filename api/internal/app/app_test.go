package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/app"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// withEnv is base with some settings replaced.
func withEnv(base func(string) string, extra map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := extra[k]; ok {
			return v
		}
		return base(k)
	}
}

func getenv(dbURL string) func(string) string {
	return func(k string) string {
		switch k {
		case "AIGUILLAGE_DATABASE_URL":
			return dbURL
		case "AIGUILLAGE_ADDR":
			return "127.0.0.1:0"
		case "AIGUILLAGE_LOG_LEVEL":
			return "warn"
		case "AIGUILLAGE_SHUTDOWN_DRAIN":
			return "0s" // no load balancer to wait for
		case "AIGUILLAGE_PUBLIC_READ_BURST":
			// walkDemoJourneys reads every outcome for three communes as
			// fast as it can, from one address: a crawler, not a resident.
			return "100000"
		}
		return ""
	}
}

func run(t *testing.T, ctx context.Context, dbURL string, args ...string) string {
	t.Helper()
	var out syncBuffer
	if err := app.Run(ctx, append([]string{"aiguillage"}, args...), getenv(dbURL), &out); err != nil {
		t.Fatalf("aiguillage %v: %v\n%s", args, err, out.String())
	}
	return out.String()
}

var listening = regexp.MustCompile(`écoute sur (http://\S+)`)

// TestTwoCommandStart runs what `make run` runs, on both databases: migrate,
// demo (twice: the second changes nothing), serve; then asks the questions of
// the README and stops the server as SIGTERM would.
func TestTwoCommandStart(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the whole demo")
	}
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			dbURL := storetest.URL(t, d)
			if d == store.SQLite {
				// A real file, as `make run` uses: WAL, separate reader pool.
				dbURL = "sqlite:" + filepath.Join(t.TempDir(), "aiguillage.db")
			}
			ctx := context.Background()
			run(t, ctx, dbURL, "migrate")
			first := run(t, ctx, dbURL, "demo")
			if !strings.Contains(first, "créés") {
				t.Fatalf("demo output: %s", first)
			}
			second := run(t, ctx, dbURL, "demo")
			if !strings.Contains(second, ": 0 créés, 0 mis à jour") || !strings.Contains(second, "publiés ou mis à jour : 0") {
				t.Fatalf("second demo changed data: %s", second)
			}

			sctx, stop := context.WithCancel(ctx)
			var out syncBuffer
			done := make(chan error, 1)
			go func() { done <- app.Run(sctx, []string{"aiguillage", "serve"}, getenv(dbURL), &out) }()
			var base string
			for deadline := time.Now().Add(20 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
				if m := listening.FindStringSubmatch(out.String()); m != nil {
					base = m[1]
				}
				select {
				case err := <-done:
					t.Fatalf("serve stopped early: %v\n%s", err, out.String())
				default:
				}
			}
			if base == "" {
				stop()
				t.Fatalf("server did not start:\n%s", out.String())
			}

			var cps struct {
				ContactPoints []struct {
					Name     string
					Pivot    string
					Channels []struct{ Kind, Value string }
				} `json:"contact_points"`
			}
			getJSON(t, base+"/api/v1/public/contact-points?pivot=caf&commune=83137", &cps)
			if len(cps.ContactPoints) == 0 {
				t.Fatal("no CAF serves Toulon")
			}
			caf := cps.ContactPoints[0]
			hasPhone := false
			for _, ch := range caf.Channels {
				hasPhone = hasPhone || (ch.Kind == "phone" && ch.Value != "")
			}
			if caf.Pivot != "caf" || !strings.Contains(caf.Name, "Var") || !hasPhone {
				t.Fatalf("CAF for Toulon: %+v", caf)
			}

			var communes struct {
				Communes []struct{ Code string } `json:"communes"`
			}
			getJSON(t, base+"/api/v1/public/communes?q=arras", &communes)
			if len(communes.Communes) == 0 || communes.Communes[0].Code != "62041" {
				t.Fatalf("arras: %+v", communes)
			}
			var emergency struct {
				Numbers []struct {
					Channels []struct{ Value string }
				} `json:"numbers"`
			}
			getJSON(t, base+"/api/v1/public/emergency?commune=83137", &emergency)
			if len(emergency.Numbers) < 5 || emergency.Numbers[0].Channels[0].Value != "15" {
				t.Fatalf("emergency: %+v", emergency)
			}
			var ready struct{ Status string }
			getJSON(t, base+"/readyz", &ready)

			walkDemoJourneys(t, base)

			// Demo accounts exist but are refused outside demo mode.
			res, err := http.Post(base+"/api/v1/auth/login", "application/json",
				strings.NewReader(`{"email":"admin@var.demo.aiguillage.fr","password":"demo-var-admin-2026"}`))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusForbidden {
				t.Fatalf("demo login outside demo mode = %d, want 403", res.StatusCode)
			}

			stop()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("serve after shutdown: %v", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("graceful shutdown took too long")
			}
		})
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d: %s", url, res.StatusCode, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v: %s", url, err, body)
	}
}

func TestServeRefusesPendingMigrations(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "fresh.db")
	var out syncBuffer
	err := app.Run(context.Background(), []string{"aiguillage", "serve"}, getenv(dbURL), &out)
	if err == nil || !strings.Contains(err.Error(), "aiguillage migrate") {
		t.Fatalf("serve on an unmigrated database: %v", err)
	}
}

func TestCommandErrors(t *testing.T) {
	tests := []struct {
		args    []string
		env     map[string]string
		wantErr string
	}{
		{[]string{"aiguillage"}, nil, "missing command"},
		{[]string{"aiguillage", "frobnicate"}, nil, "unknown command"},
		{[]string{"aiguillage", "import"}, nil, "usage"},
		{[]string{"aiguillage", "serve"}, map[string]string{"AIGUILLAGE_DATABASE_URL": "oracle://x"}, "AIGUILLAGE_DATABASE_URL"},
		{[]string{"aiguillage", "serve"}, map[string]string{"AIGUILLAGE_ADMIN_URL": "/admin"}, "AIGUILLAGE_ADMIN_URL"},
	}
	for _, tt := range tests {
		var out syncBuffer
		err := app.Run(context.Background(), tt.args, func(k string) string { return tt.env[k] }, &out)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%v: err = %v, want %q", tt.args, err, tt.wantErr)
		}
	}
	var out syncBuffer
	if err := app.Run(context.Background(), []string{"aiguillage", "version"}, func(string) string { return "" }, &out); err != nil || out.String() == "" {
		t.Errorf("version: %v %q", err, out.String())
	}
}

func TestUserCreateCommand(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "users.db")
	ctx := context.Background()
	run(t, ctx, dbURL, "migrate")
	run(t, ctx, dbURL, "import", "commons")
	out := run(t, ctx, dbURL, "user", "create", "--email", "Admin@Exemple.fr", "--platform-admin")
	if !strings.Contains(out, "admin@exemple.fr") || !strings.Contains(out, "Mot de passe (affiché une seule fois)") {
		t.Fatalf("user create output: %s", out)
	}
	weak := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(weak, []byte("azerty\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var buf syncBuffer
	err := app.Run(ctx, []string{"aiguillage", "user", "create", "--email", "x@exemple.fr", "--org", "communs-nationaux", "--role", "viewer", "--password-file", weak}, getenv(dbURL), &buf)
	if err == nil || !strings.Contains(err.Error(), "password") {
		t.Fatalf("weak password accepted: %v", err)
	}
	if err := app.Run(ctx, []string{"aiguillage", "user", "create", "--email", "x@exemple.fr", "--org", "communs-nationaux"}, getenv(dbURL), &buf); err == nil {
		t.Fatal("--org without --role accepted")
	}
	out = run(t, ctx, dbURL, "keys", "generate")
	if !regexp.MustCompile(`^[^:\s]+:[A-Za-z0-9_-]{43}\n$`).MatchString(out) {
		t.Fatalf("keys generate: %q", out)
	}
}

// walkDemoJourneys follows every path of the demo partners' published
// journeys, from the first question to each outcome, and resolves every
// outcome for Toulon, Lille and Arras: each must offer a phone number.
func walkDemoJourneys(t *testing.T, base string) {
	t.Helper()
	type step struct {
		ID      string
		Kind    string
		Options []struct{ Next string }
		Next    string
	}
	entries := map[string][]string{"var": {"logement", "social", "autonomie"}, "lille": {"demarches"}}
	for partner, eps := range entries {
		for _, ep := range eps {
			var pj struct {
				Journey struct {
					Slug      string
					FirstStep string `json:"first_step"`
					Steps     []step
				}
				Outcomes map[string]string
			}
			getJSON(t, base+"/api/v1/public/organisations/"+partner+"/journeys/"+ep, &pj)
			steps := map[string]step{}
			for _, s := range pj.Journey.Steps {
				steps[s.ID] = s
			}
			seen := map[string]bool{}
			var walk func(id string)
			walk = func(id string) {
				if seen[id] {
					return
				}
				seen[id] = true
				st, ok := steps[id]
				if !ok {
					t.Fatalf("%s/%s: path leads to unknown step %q", partner, ep, id)
				}
				switch st.Kind {
				case "question":
					for _, o := range st.Options {
						walk(o.Next)
					}
				case "location":
					walk(st.Next)
				case "outcome":
					for _, commune := range []string{"83137", "59350", "62041"} {
						var out struct {
							ContactPoints []struct {
								Channels []struct{ Kind, Value string }
							} `json:"contact_points"`
						}
						getJSON(t, base+"/api/v1/public/outcomes/"+pj.Outcomes[id]+"?commune="+commune, &out)
						phone := false
						for _, c := range out.ContactPoints {
							for _, ch := range c.Channels {
								phone = phone || (ch.Kind == "phone" && ch.Value != "")
							}
						}
						if !phone {
							t.Errorf("%s/%s outcome %s for %s: no phone number among %+v", partner, pj.Journey.Slug, id, commune, out.ContactPoints)
						}
					}
				}
			}
			walk(pj.Journey.FirstStep)
			if len(seen) != len(steps) {
				t.Errorf("%s/%s: %d of %d steps reachable", partner, ep, len(seen), len(steps))
			}
		}
	}
}
