package config_test

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/auth"
	"github.com/aiguillage/aiguillage/api/internal/config"
)

func TestStartTimings(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.ShutdownDrain != 5*time.Second || c.DBConnectTimeout != 30*time.Second {
		t.Fatalf("drain %s, connect timeout %s", c.ShutdownDrain, c.DBConnectTimeout)
	}
	c, err = config.Load(env(map[string]string{"AIGUILLAGE_SHUTDOWN_DRAIN": "0s", "AIGUILLAGE_DB_CONNECT_TIMEOUT": "2s"}))
	if err != nil || c.ShutdownDrain != 0 || c.DBConnectTimeout != 2*time.Second {
		t.Fatalf("%v %+v", err, c)
	}
}

func seed(b byte, n int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Repeat(string([]byte{b}), n)))
}

func TestStartInvalid(t *testing.T) {
	_, good, err := auth.GenerateKey("k1")
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "jwt")
	if err := os.WriteFile(keyFile, []byte("k1:"+seed(0, 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"negative drain", map[string]string{"AIGUILLAGE_SHUTDOWN_DRAIN": "-1s"}, "AIGUILLAGE_SHUTDOWN_DRAIN"},
		{"drain without unit", map[string]string{"AIGUILLAGE_SHUTDOWN_DRAIN": "5"}, "AIGUILLAGE_SHUTDOWN_DRAIN"},
		{"connect timeout", map[string]string{"AIGUILLAGE_DB_CONNECT_TIMEOUT": "forever"}, "AIGUILLAGE_DB_CONNECT_TIMEOUT"},
		{"key not kid:seed", map[string]string{"AIGUILLAGE_JWT_KEYS": "secret"}, "AIGUILLAGE_JWT_KEYS: key entry 1"},
		{"seed too short", map[string]string{"AIGUILLAGE_JWT_KEYS": "k1:" + seed('a', 16)}, "32 bytes"},
		{"seed of zeros", map[string]string{"AIGUILLAGE_JWT_KEYS": "k1:" + seed(0, 32)}, "weak seed"},
		{"seed of a password", map[string]string{"AIGUILLAGE_JWT_KEYS": "k1:" + base64.RawURLEncoding.EncodeToString([]byte("correct horse battery staple 123"))}, "weak seed"},
		{"second key weak", map[string]string{"AIGUILLAGE_JWT_KEYS": good + ",k2:" + seed(7, 32)}, "key entry 2: weak seed"},
		{"weak key from a file", map[string]string{"AIGUILLAGE_JWT_KEYS_FILE": keyFile}, "weak seed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Load(env(tt.env))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if v := tt.env["AIGUILLAGE_JWT_KEYS"]; v != "" {
				if _, s, _ := strings.Cut(v, ":"); s != "" && strings.Contains(err.Error(), s) {
					t.Fatalf("the error shows the seed: %v", err)
				}
			}
		})
	}
	if _, err := config.Load(env(map[string]string{"AIGUILLAGE_JWT_KEYS": good})); err != nil {
		t.Fatalf("generated key refused: %v", err)
	}
}

func TestCheckServe(t *testing.T) {
	_, good, err := auth.GenerateKey("k1")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		env     map[string]string
		wantErr bool
	}{
		{"development: ephemeral key on localhost", nil, false},
		{"development: 127.0.0.1", map[string]string{"AIGUILLAGE_PUBLIC_URL": "http://127.0.0.1:8080"}, false},
		{"development: [::1]", map[string]string{"AIGUILLAGE_PUBLIC_URL": "http://[::1]:8080"}, false},
		{"public server without a key", map[string]string{"AIGUILLAGE_PUBLIC_URL": "https://orientation.example.fr"}, true},
		{"public server with a key", map[string]string{"AIGUILLAGE_PUBLIC_URL": "https://orientation.example.fr", "AIGUILLAGE_JWT_KEYS": good}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := config.Load(env(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			err = c.CheckServe()
			if (err != nil) != tt.wantErr {
				t.Fatalf("CheckServe() = %v, want error %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "AIGUILLAGE_JWT_KEYS is empty") {
				t.Fatalf("unclear message: %v", err)
			}
		})
	}
}

func TestCheckEnviron(t *testing.T) {
	tests := []struct {
		name    string
		environ []string
		want    string // "" = accepted
	}{
		{"settings and other variables", []string{"PATH=/bin", "AIGUILLAGE_DATABASE_URL=sqlite:x.db", "AIGUILLAGE_ADDR=:8080", "HOME=/root"}, ""},
		{"secret from a file", []string{"AIGUILLAGE_JWT_KEYS_FILE=/run/secrets/jwt", "AIGUILLAGE_DATABASE_URL_FILE=/run/secrets/db"}, ""},
		{"test and tool variables", []string{"AIGUILLAGE_TEST_POSTGRES_URL=postgres://x", "AIGUILLAGE_BIN=bin/aiguillage", "AIGUILLAGE_DEV_API=http://x"}, ""},
		{"Kubernetes service links", []string{"AIGUILLAGE_SERVICE_HOST=10.0.0.1", "AIGUILLAGE_SERVICE_PORT=80", "AIGUILLAGE_SERVICE_PORT_HTTP=80",
			"AIGUILLAGE_PORT=tcp://10.0.0.1:80", "AIGUILLAGE_PORT_80_TCP=tcp://10.0.0.1:80", "AIGUILLAGE_PORT_80_TCP_ADDR=10.0.0.1",
			"AIGUILLAGE_PORT_80_TCP_PORT=80", "AIGUILLAGE_PORT_80_TCP_PROTO=tcp", "AIGUILLAGE_API_SERVICE_HOST=10.0.0.2"}, ""},
		{"missing letter", []string{"AIGUILLAGE_DATABSE_URL=postgres://x"}, "unknown setting AIGUILLAGE_DATABSE_URL; did you mean AIGUILLAGE_DATABASE_URL?"},
		{"swapped letters", []string{"AIGUILLAGE_DEMO_MDOE=true"}, "did you mean AIGUILLAGE_DEMO_MODE?"},
		{"misspelt secret file", []string{"AIGUILLAGE_JWT_KEY_FILE=/run/secrets/jwt"}, "did you mean AIGUILLAGE_JWT_KEYS_FILE?"},
		{"file variant of a plain setting", []string{"AIGUILLAGE_ADDR_FILE=/x"}, "only secrets are read from files"},
		{"nothing close", []string{"AIGUILLAGE_COLOUR=blue"}, "unknown setting AIGUILLAGE_COLOUR (settings:"},
		{"lower case is another variable", []string{"aiguillage_addr=:1"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := config.CheckEnviron(tt.environ)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	// Several mistakes: each named.
	err := config.CheckEnviron([]string{"AIGUILLAGE_ADRR=:1", "AIGUILLAGE_LOG_LEVLE=debug"})
	if err == nil || !strings.Contains(err.Error(), "AIGUILLAGE_ADDR?") || !strings.Contains(err.Error(), "AIGUILLAGE_LOG_LEVEL?") {
		t.Fatalf("err = %v", err)
	}
}

// TestStartVariablesKnown: every documented setting passes CheckEnviron.
func TestStartVariablesKnown(t *testing.T) {
	var environ []string
	for _, v := range config.Variables {
		environ = append(environ, v.Name+"=x")
	}
	if err := config.CheckEnviron(environ); err != nil {
		t.Fatal(err)
	}
}
