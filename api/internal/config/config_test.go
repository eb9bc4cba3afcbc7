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
		{"log level", "AIGUILLAGE_LOG_LEVEL", "loud"},
		{"log format", "AIGUILLAGE_LOG_FORMAT", "xml"},
		{"timeout", "AIGUILLAGE_SHUTDOWN_TIMEOUT", "-1s"},
		{"body limit", "AIGUILLAGE_BODY_LIMIT", "12"},
		{"auto migrate", "AIGUILLAGE_AUTO_MIGRATE", "maybe"},
		{"missing secret file", "AIGUILLAGE_DATABASE_URL_FILE", "/nonexistent/file"},
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
