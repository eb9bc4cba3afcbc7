package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeRefusesBadConfiguration runs the real binary: each bad setting
// stops `aiguillage serve` before it listens, with exit status 1 and a
// message naming the setting on standard error; nothing is served.
func TestServeRefusesBadConfiguration(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds and runs the binary")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	bin := buildBinary(ctx, t)
	db := "AIGUILLAGE_DATABASE_URL=sqlite:" + filepath.Join(t.TempDir(), "never.db")
	weak := "k1:" + base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte("x"), 32))
	tests := []struct {
		name string
		env  []string
		want string
	}{
		{"misspelt setting", []string{db, "AIGUILLAGE_DATABSE_URL=postgres://db/aiguillage"},
			"unknown setting AIGUILLAGE_DATABSE_URL; did you mean AIGUILLAGE_DATABASE_URL?"},
		{"weak signing key", []string{db, "AIGUILLAGE_JWT_KEYS=" + weak}, "AIGUILLAGE_JWT_KEYS: key entry 1: weak seed"},
		{"no signing key on a public server", []string{db, "AIGUILLAGE_PUBLIC_URL=https://orientation.example.fr"}, "AIGUILLAGE_JWT_KEYS is empty"},
		{"bad value", []string{db, "AIGUILLAGE_SHUTDOWN_DRAIN=soon"}, "AIGUILLAGE_SHUTDOWN_DRAIN"},
		{"unreachable database", []string{"AIGUILLAGE_DATABASE_URL=postgres://aiguillage:s3cret@127.0.0.1:1/aiguillage?sslmode=disable",
			"AIGUILLAGE_DB_CONNECT_TIMEOUT=1s"}, "database unreachable ("},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.CommandContext(ctx, bin, "serve")
			cmd.Env = childEnv(append(tt.env, "AIGUILLAGE_ADDR=127.0.0.1:0", "AIGUILLAGE_LOG_LEVEL=error"))
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			start := time.Now()
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("exit: %v, want status 1\nstdout: %s\nstderr: %s", err, stdout.Bytes(), stderr.Bytes())
			}
			msg := stderr.String()
			if !strings.HasPrefix(msg, "aiguillage: ") || !strings.Contains(msg, tt.want) {
				t.Fatalf("stderr %q, want %q", msg, tt.want)
			}
			if strings.Contains(stdout.String(), "écoute sur") {
				t.Fatalf("the server listened: %s", stdout.Bytes())
			}
			if strings.Contains(msg, "s3cret") {
				t.Fatalf("the message shows the database password: %s", msg)
			}
			if tt.name == "unreachable database" {
				if strings.Count(strings.TrimSpace(msg), "\n") != 0 {
					t.Fatalf("not one line: %q", msg)
				}
				if took := time.Since(start); took < time.Second/2 || took > 15*time.Second {
					t.Fatalf("gave up after %s, want about AIGUILLAGE_DB_CONNECT_TIMEOUT=1s", took)
				}
			}
			t.Logf("%s", strings.TrimSpace(msg))
		})
	}
}
