package app_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoAccountsOnSignInPage: a server in demo mode offers the five demo
// accounts of the README on the sign-in page (GET /api/v1/auth/providers),
// with their role in French; any other server says nothing of them, not
// even an empty list.
func TestDemoAccountsOnSignInPage(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "aiguillage.db")
	run(t, context.Background(), dbURL, "migrate")
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"plateforme@demo.aiguillage.fr":  "Administrateur de la plateforme",
		"admin@var.demo.aiguillage.fr":   "Administrateur de var",
		"editeur@var.demo.aiguillage.fr": "Éditeur de var",
		"lecteur@var.demo.aiguillage.fr": "Lecteur de var",
		"admin@lille.demo.aiguillage.fr": "Administrateur de lille",
	}
	for _, mode := range []string{"true", "false", ""} {
		t.Run("AIGUILLAGE_DEMO_MODE="+mode, func(t *testing.T) {
			srv := startServer(t, withEnv(getenv(dbURL), map[string]string{"AIGUILLAGE_DEMO_MODE": mode}))
			var raw map[string]json.RawMessage
			getJSON(t, srv.base+"/api/v1/auth/providers", &raw)
			if err := srv.stop(); err != nil {
				t.Fatal(err)
			}
			list, present := raw["demo_accounts"]
			if mode != "true" {
				if present {
					t.Fatalf("demo accounts outside demo mode: %s", list)
				}
				return
			}
			var accounts []struct{ Email, Password, Role string }
			if err := json.Unmarshal(list, &accounts); err != nil {
				t.Fatalf("demo_accounts %s: %v", list, err)
			}
			if len(accounts) != len(want) {
				t.Fatalf("%d demo accounts, want %d: %s", len(accounts), len(want), list)
			}
			for _, a := range accounts {
				if a.Role != want[a.Email] || a.Password == "" {
					t.Errorf("%s: role %q, want %q", a.Email, a.Role, want[a.Email])
				}
				// The very accounts and passwords the README publishes.
				if row := "| `" + a.Email + "` | `" + a.Password + "` |"; !strings.Contains(string(readme), row) {
					t.Errorf("README.md has no row %s", row)
				}
			}
		})
	}
}
