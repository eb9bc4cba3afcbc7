package config_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/config"
)

func TestProConnect(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("le-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	full := map[string]string{
		"AIGUILLAGE_PUBLIC_URL":               "https://aiguillage.exemple.fr",
		"AIGUILLAGE_JWT_KEYS":                 "",
		"AIGUILLAGE_PROCONNECT_ISSUER":        "https://auth.proconnect.gouv.fr/api/v2/",
		"AIGUILLAGE_PROCONNECT_CLIENT_ID":     "client",
		"AIGUILLAGE_PROCONNECT_CLIENT_SECRET": "secret",
	}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range full {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}

	c, err := config.Load(env(nil))
	if err != nil || c.ProConnect.Enabled() {
		t.Fatalf("off by default: %+v %v", c.ProConnect, err)
	}
	c, err = config.Load(env(full))
	if err != nil {
		t.Fatal(err)
	}
	want := config.ProConnect{Issuer: "https://auth.proconnect.gouv.fr/api/v2", ClientID: "client", ClientSecret: "secret",
		Scopes: []string{"openid", "email", "given_name", "usual_name", "siret"}}
	if !c.ProConnect.Enabled() || !reflect.DeepEqual(c.ProConnect, want) {
		t.Fatalf("got %+v", c.ProConnect)
	}
	c, err = config.Load(env(with("AIGUILLAGE_PROCONNECT_CLIENT_SECRET", "", "AIGUILLAGE_PROCONNECT_CLIENT_SECRET_FILE", secret,
		"AIGUILLAGE_PROCONNECT_ACR", "eidas1", "AIGUILLAGE_PROCONNECT_SCOPES", "openid  email")))
	if err != nil || c.ProConnect.ClientSecret != "le-secret" || c.ProConnect.ACR != "eidas1" || len(c.ProConnect.Scopes) != 2 {
		t.Fatalf("%+v %v", c.ProConnect, err)
	}
	// A loopback provider and server: tests and development.
	if _, err := config.Load(env(with("AIGUILLAGE_PUBLIC_URL", "http://localhost:8080", "AIGUILLAGE_PROCONNECT_ISSUER", "http://127.0.0.1:9999/oidc"))); err != nil {
		t.Fatalf("local: %v", err)
	}

	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"issuer only", map[string]string{"AIGUILLAGE_PROCONNECT_ISSUER": "https://auth.proconnect.gouv.fr/api/v2"},
			"half configured: AIGUILLAGE_PROCONNECT_ISSUER set but AIGUILLAGE_PROCONNECT_CLIENT_ID, AIGUILLAGE_PROCONNECT_CLIENT_SECRET empty"},
		{"no secret", with("AIGUILLAGE_PROCONNECT_CLIENT_SECRET", ""), "AIGUILLAGE_PROCONNECT_CLIENT_SECRET empty"},
		{"no issuer", with("AIGUILLAGE_PROCONNECT_ISSUER", ""), "AIGUILLAGE_PROCONNECT_ISSUER empty"},
		{"acr alone", map[string]string{"AIGUILLAGE_PROCONNECT_ACR": "eidas1"}, "AIGUILLAGE_PROCONNECT_ACR is set but ProConnect is off"},
		{"http issuer", with("AIGUILLAGE_PROCONNECT_ISSUER", "http://auth.proconnect.gouv.fr/api/v2"), "AIGUILLAGE_PROCONNECT_ISSUER: want an https URL"},
		{"issuer not a URL", with("AIGUILLAGE_PROCONNECT_ISSUER", "proconnect"), "AIGUILLAGE_PROCONNECT_ISSUER: want an https URL"},
		{"no email scope", with("AIGUILLAGE_PROCONNECT_SCOPES", "openid siret"), "AIGUILLAGE_PROCONNECT_SCOPES: openid and email are required"},
		{"http public URL", with("AIGUILLAGE_PUBLIC_URL", "http://aiguillage.exemple.fr"), "needs AIGUILLAGE_PUBLIC_URL in https"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Load(env(tt.env))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "secret") && !strings.Contains(err.Error(), "SECRET") {
				t.Fatalf("the error shows the secret: %v", err)
			}
		})
	}
}
