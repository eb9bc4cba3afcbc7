package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/app"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/store"
)

// TestShutdownDrain stops a server as SIGTERM does: at once /readyz
// answers 503 "draining", while every other request is still served for
// AIGUILLAGE_SHUTDOWN_DRAIN, usage events included; then the server stops
// listening, writes every accepted event, and Run returns nil.
func TestShutdownDrain(t *testing.T) {
	ctx := context.Background()
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "drain.db")
	run(t, ctx, dbURL, "migrate")
	s, err := store.Open(ctx, dbURL, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	org := &domain.Organisation{Slug: "var", Name: "Var", Kind: domain.KindDepartement, EntryPoints: []domain.EntryPoint{{Slug: "logement", Name: "Logement"}}}
	if err := s.UpsertOrganisation(ctx, org); err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	const drain = 1500 * time.Millisecond
	env := func(k string) string {
		switch k {
		case "AIGUILLAGE_SHUTDOWN_DRAIN":
			return drain.String()
		case "AIGUILLAGE_PUBLIC_EVENTS_RATE":
			return "0"
		}
		return getenv(dbURL)(k)
	}
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- app.Run(sctx, []string{"aiguillage", "serve"}, env, &out) }()
	var base string
	for deadline := time.Now().Add(30 * time.Second); base == ""; time.Sleep(10 * time.Millisecond) {
		if m := listening.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not start:\n%s", out.String())
		}
	}
	status := func(method, path, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s during the drain: %v", method, path, err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, _ := status(http.MethodGet, "/readyz", ""); code != http.StatusOK {
		t.Fatalf("/readyz before the stop: %d", code)
	}

	stop() // SIGTERM
	stopped := time.Now()
	code, body := status(http.MethodGet, "/readyz", "")
	var h struct{ Status string }
	_ = json.Unmarshal([]byte(body), &h)
	if code != http.StatusServiceUnavailable || h.Status != "draining" {
		t.Fatalf("/readyz right after the stop: %d %s, want 503 draining", code, body)
	}
	posted := 0
	for i := 0; time.Since(stopped) < drain-500*time.Millisecond; i++ {
		for _, p := range []string{"/healthz", "/api/v1/public/organisations/var"} {
			if code, body := status(http.MethodGet, p, ""); code != http.StatusOK {
				t.Fatalf("GET %s during the drain: %d %s", p, code, body)
			}
		}
		code, body := status(http.MethodPost, "/api/v1/public/events",
			fmt.Sprintf(`{"partner":"var","entry":"logement","session":"drain-session-%06d","events":[{"type":"loaded"},{"type":"exit"}]}`, i))
		if code != http.StatusAccepted {
			t.Fatalf("POST events during the drain: %d %s", code, body)
		}
		posted += 2
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v\n%s", err, out.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	if took := time.Since(stopped); took < drain {
		t.Fatalf("stopped %s after the signal, before the drain (%s) was over", took, drain)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("still listening after Run returned")
	}
	s, err = store.Open(ctx, dbURL, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db, err := s.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM usage_events WHERE type IN ('loaded', 'exit')").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != posted || posted == 0 {
		t.Fatalf("%d events written, %d accepted during the drain", n, posted)
	}
}

// TestRunRefusesUnknownSettings: with the environment (as main passes
// it), a misspelt AIGUILLAGE_* variable stops a command before it opens
// the database.
func TestRunRefusesUnknownSettings(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "never.db")
	var out syncBuffer
	err := app.Run(context.Background(), []string{"aiguillage", "migrate"}, getenv(dbURL), &out,
		app.WithEnviron([]string{"HOME=/root", "AIGUILLAGE_DATABASE_URL=" + dbURL, "AIGUILLAGE_AUTO_MIGRAT=true"}))
	if err == nil || !strings.Contains(err.Error(), "unknown setting AIGUILLAGE_AUTO_MIGRAT; did you mean AIGUILLAGE_AUTO_MIGRATE?") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(out.String(), "Migrations") {
		t.Fatalf("migrated anyway: %s", out.String())
	}
}
