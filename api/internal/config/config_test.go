package config_test

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/config"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefaults(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "sqlite:data/aiguillage.db" || c.Addr != ":8080" || c.PublicURL != "http://localhost:8080" ||
		c.LogLevel != slog.LevelInfo || c.ShutdownTimeout != 15*time.Second || c.BodyLimit != 1<<20 || c.AutoMigrate {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestSecretFromFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	if err := os.WriteFile(path, []byte("postgres://u:secret@db/aiguillage\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(env(map[string]string{"AIGUILLAGE_DATABASE_URL_FILE": path, "AIGUILLAGE_DATABASE_URL": "sqlite:ignored"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "postgres://u:secret@db/aiguillage" {
		t.Fatalf("DatabaseURL = %q", c.DatabaseURL)
	}
}

func TestInvalid(t *testing.T) {
	tests := []struct {
		name, key, value string
	}{
		{"database scheme", "AIGUILLAGE_DATABASE_URL", "mysql://x"},
		{"address", "AIGUILLAGE_ADDR", "8080"},
		{"public url", "AIGUILLAGE_PUBLIC_URL", "localhost"},
		{"admin url", "AIGUILLAGE_ADMIN_URL", "/admin"},
		{"log level", "AIGUILLAGE_LOG_LEVEL", "loud"},
		{"log format", "AIGUILLAGE_LOG_FORMAT", "xml"},
		{"timeout", "AIGUILLAGE_SHUTDOWN_TIMEOUT", "-1s"},
		{"body limit", "AIGUILLAGE_BODY_LIMIT", "12"},
		{"auto migrate", "AIGUILLAGE_AUTO_MIGRATE", "maybe"},
		{"missing secret file", "AIGUILLAGE_DATABASE_URL_FILE", "/nonexistent/file"},
		{"read rate without unit", "AIGUILLAGE_PUBLIC_READ_RATE", "20"},
		{"negative write rate", "AIGUILLAGE_PUBLIC_WRITE_RATE", "-1/m"},
		{"write rate per day", "AIGUILLAGE_PUBLIC_WRITE_RATE", "10/d"},
		{"zero burst", "AIGUILLAGE_PUBLIC_READ_BURST", "0"},
		{"burst not a number", "AIGUILLAGE_PUBLIC_WRITE_BURST", "beaucoup"},
		{"trusted proxy not a range", "AIGUILLAGE_TRUSTED_PROXIES", "10.0.0.0/8, proxy.exemple.fr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Load(env(map[string]string{tt.key: tt.value}))
			if err == nil || !strings.Contains(err.Error(), strings.TrimSuffix(tt.key, "_FILE")) {
				t.Fatalf("err = %v, want one naming %s", err, tt.key)
			}
		})
	}
}

func TestPublicRateLimits(t *testing.T) {
	tests := []struct {
		name        string
		env         map[string]string
		read, write config.RateLimit
	}{
		{"defaults", nil, config.RateLimit{PerSecond: 20, Burst: 60}, config.RateLimit{PerSecond: 10.0 / 60, Burst: 5}},
		{"per second, minute and hour", map[string]string{"AIGUILLAGE_PUBLIC_READ_RATE": "5/s", "AIGUILLAGE_PUBLIC_READ_BURST": "10",
			"AIGUILLAGE_PUBLIC_WRITE_RATE": "360/h", "AIGUILLAGE_PUBLIC_WRITE_BURST": "2"},
			config.RateLimit{PerSecond: 5, Burst: 10}, config.RateLimit{PerSecond: 0.1, Burst: 2}},
		{"per min", map[string]string{"AIGUILLAGE_PUBLIC_READ_RATE": "120/min"}, config.RateLimit{PerSecond: 2, Burst: 60}, config.RateLimit{PerSecond: 10.0 / 60, Burst: 5}},
		{"off", map[string]string{"AIGUILLAGE_PUBLIC_READ_RATE": "0", "AIGUILLAGE_PUBLIC_WRITE_RATE": "0"},
			config.RateLimit{Burst: 60}, config.RateLimit{Burst: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := config.Load(env(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if c.PublicReadLimit != tt.read || c.PublicWriteLimit != tt.write {
				t.Fatalf("read %+v write %+v, want %+v %+v", c.PublicReadLimit, c.PublicWriteLimit, tt.read, tt.write)
			}
		})
	}
}

func TestTrustedProxies(t *testing.T) {
	c, err := config.Load(env(map[string]string{"AIGUILLAGE_TRUSTED_PROXIES": " 203.0.113.0/24 , 2001:db8::/32,"}))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range c.TrustedProxies {
		got = append(got, n.String())
	}
	if strings.Join(got, " ") != "203.0.113.0/24 2001:db8::/32" {
		t.Fatalf("TrustedProxies = %v", got)
	}
}

func TestAdminURL(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string // empty: refused
	}{
		{"default", nil, "http://localhost:8080/admin"},
		{"default follows the public URL", map[string]string{"AIGUILLAGE_PUBLIC_URL": "https://orientation.exemple.fr/"},
			"https://orientation.exemple.fr/admin"},
		{"explicit, trailing slash trimmed", map[string]string{"AIGUILLAGE_PUBLIC_URL": "https://orientation.exemple.fr",
			"AIGUILLAGE_ADMIN_URL": "https://referents.exemple.fr/"}, "https://referents.exemple.fr"},
		{"explicit with a path", map[string]string{"AIGUILLAGE_ADMIN_URL": "https://www.exemple.fr/back-office/"},
			"https://www.exemple.fr/back-office"},
		{"relative", map[string]string{"AIGUILLAGE_ADMIN_URL": "/admin"}, ""},
		{"no scheme", map[string]string{"AIGUILLAGE_ADMIN_URL": "referents.exemple.fr"}, ""},
		{"not http", map[string]string{"AIGUILLAGE_ADMIN_URL": "ftp://referents.exemple.fr"}, ""},
		{"query", map[string]string{"AIGUILLAGE_ADMIN_URL": "https://referents.exemple.fr/?x=1"}, ""},
		{"fragment", map[string]string{"AIGUILLAGE_ADMIN_URL": "https://referents.exemple.fr/#/"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := config.Load(env(tt.env))
			if tt.want == "" {
				if err == nil || !strings.Contains(err.Error(), "AIGUILLAGE_ADMIN_URL") {
					t.Fatalf("err = %v, want one naming AIGUILLAGE_ADMIN_URL", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.AdminURL != tt.want {
				t.Fatalf("AdminURL = %q, want %q", c.AdminURL, tt.want)
			}
		})
	}
}
