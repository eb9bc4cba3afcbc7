// Package storetest gives tests isolated, migrated databases: SQLite in
// memory, and a fresh PostgreSQL database per test. PostgreSQL tests never
// skip silently: they use AIGUILLAGE_TEST_POSTGRES_URL (default: the local
// server, postgres://postgres@127.0.0.1:5432/test) and fail when it is
// unreachable, unless that variable is set to "skip".
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver for admin statements

	"github.com/aiguillage/aiguillage/api/internal/store"
)

// DefaultPostgresURL is used when AIGUILLAGE_TEST_POSTGRES_URL is unset.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// PostgresAdminURL returns the server tests create databases on, or "" when
// the developer opted out with AIGUILLAGE_TEST_POSTGRES_URL=skip.
func PostgresAdminURL() string {
	v := os.Getenv("AIGUILLAGE_TEST_POSTGRES_URL")
	switch v {
	case "":
		return DefaultPostgresURL
	case "skip":
		return ""
	}
	return v
}

// RequirePostgres skips a test that needs PostgreSQL when the developer
// opted out, and fails it in CI (CI set), where the PostgreSQL tests must run.
func RequirePostgres(t testing.TB) {
	t.Helper()
	if PostgresAdminURL() != "" {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatal("AIGUILLAGE_TEST_POSTGRES_URL=skip is refused in CI")
	}
	t.Skip("AIGUILLAGE_TEST_POSTGRES_URL=skip: PostgreSQL tests not run")
}

// Dialects lists the databases every store test runs on.
func Dialects(t testing.TB) []store.Dialect {
	if PostgresAdminURL() == "" {
		t.Log("AIGUILLAGE_TEST_POSTGRES_URL=skip: PostgreSQL tests not run")
		return []store.Dialect{store.SQLite}
	}
	return []store.Dialect{store.SQLite, store.Postgres}
}

// Each runs fn once per dialect, each time on a fresh migrated database.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, d := range Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			fn(t, New(t, d))
		})
	}
}

// New returns a fresh, migrated store of that dialect, closed (and dropped)
// when the test ends.
func New(t testing.TB, d store.Dialect) *store.Store {
	t.Helper()
	s, _ := NewWithURL(t, d)
	return s
}

// NewWithURL is New that also returns the database URL, for tests that start
// the whole application on it.
func NewWithURL(t testing.TB, d store.Dialect) (*store.Store, string) {
	t.Helper()
	u := URL(t, d)
	ctx := context.Background()
	s, err := store.Open(ctx, u, store.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", d, err)
	}
	return s, u
}

// URL creates an empty database of that dialect and returns its URL. The
// database is dropped when the test ends.
func URL(t testing.TB, d store.Dialect) string {
	t.Helper()
	name := "aiguillage_t_" + randomHex(t)
	switch d {
	case store.SQLite:
		return "sqlite:file:" + name + "?mode=memory&cache=shared"
	case store.Postgres:
		admin := PostgresAdminURL()
		if admin == "" {
			t.Fatal("PostgreSQL tests disabled (AIGUILLAGE_TEST_POSTGRES_URL=skip)")
		}
		db, err := sql.Open("pgx", admin)
		if err != nil {
			t.Fatalf("open PostgreSQL admin connection: %v", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
			_ = db.Close()
			t.Fatalf("PostgreSQL at %s is required for this test (set AIGUILLAGE_TEST_POSTGRES_URL, or =skip to run SQLite only): %v", redacted(admin), err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
				t.Logf("drop %s: %v", name, err)
			}
			_ = db.Close()
		})
		pu, err := url.Parse(admin)
		if err != nil {
			t.Fatalf("parse %s: %v", redacted(admin), err)
		}
		pu.Path = "/" + name
		return pu.String()
	}
	t.Fatalf("unknown dialect %q", d)
	return ""
}

func redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

func randomHex(t testing.TB) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("random: %v", err)
	}
	return hex.EncodeToString(b[:])
}

// MustExec runs a statement on the store's database, for test setup.
func MustExec(t testing.TB, s *store.Store, query string, args ...any) {
	t.Helper()
	db, err := s.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, fmt.Sprint(err))
	}
}
