package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// TestListenerSQLite: one process, nothing to listen to.
func TestListenerSQLite(t *testing.T) {
	s := storetest.New(t, store.SQLite)
	if l := s.NewListener(); l != nil {
		t.Fatal("SQLite store returned a listener")
	}
	before := s.Generation()
	seedOrg(t, s, "var")
	if s.Generation() == before {
		t.Fatal("a local write did not move the generation on")
	}
}

// TestListenerPostgres: two stores on one database stand for two replicas.
// A committed write through one moves the other's generation on within a
// second; a rolled-back write announces nothing; a replica ignores its own
// announcements; a lost listening connection comes back and moves the
// generation on (announcements may have been missed).
func TestListenerPostgres(t *testing.T) {
	storetest.RequirePostgres(t)
	a, u := storetest.NewWithURL(t, store.Postgres)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b, err := store.Open(ctx, u, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	if a.InstanceID() == b.InstanceID() || a.InstanceID() == "" {
		t.Fatalf("instance ids %q and %q", a.InstanceID(), b.InstanceID())
	}
	la, lb := a.NewListener(), b.NewListener()
	lb.MinBackoff, lb.MaxBackoff = 20*time.Millisecond, 100*time.Millisecond
	for _, l := range []*store.Listener{la, lb} {
		if err := l.Connect(ctx); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan struct{}, 2)
	for _, l := range []*store.Listener{la, lb} {
		go func() { l.Run(ctx); done <- struct{}{} }()
	}
	waitGen := func(what string, s *store.Store, from uint64) time.Duration {
		t.Helper()
		start := time.Now()
		for s.Generation() == from {
			if time.Since(start) > time.Second {
				t.Fatalf("%s: generation still %d after 1 s", what, from)
			}
			time.Sleep(2 * time.Millisecond)
		}
		return time.Since(start)
	}

	gb := b.Generation()
	org := seedOrg(t, a, "var")
	t.Logf("organisation written through A: seen by B after %s", waitGen("organisation", b, gb))

	gb = b.Generation()
	cp := office(org.ID, "caf-toulon", "caf", domain.Coverage{Rule: domain.CoverageExplicit, Departements: []string{"83"}}, "83137")
	if err := a.CreateContactPoint(ctx, cp, &domain.AuditEntry{OrganisationID: org.ID, Action: "create", EntityType: "contact_point", EntityID: cp.ID}); err != nil {
		t.Fatal(err)
	}
	t.Logf("contact point written through A: seen by B after %s", waitGen("contact point", b, gb))

	// A rolled-back write (version conflict inside the transaction).
	gb = b.Generation()
	cp.Name = "Autre nom"
	if err := a.UpdateContactPoint(ctx, cp, 99, &domain.AuditEntry{OrganisationID: org.ID, Action: "update", EntityType: "contact_point", EntityID: cp.ID}); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("stale update: %v", err)
	}
	time.Sleep(300 * time.Millisecond)
	if b.Generation() != gb {
		t.Fatal("a rolled-back write was announced")
	}
	if n := la.Received(); n != 0 {
		t.Fatalf("A heard %d announcements of its own", n)
	}

	// Drop B's listening connection from the server side.
	storetest.MustExec(t, a, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()")
	gb = b.Generation()
	waitGen("reconnection", b, gb)
	deadline := time.Now().Add(2 * time.Second)
	for !lb.Connected() && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	gb = b.Generation()
	if _, err := a.UpsertThemes(ctx, []*domain.Theme{{OrganisationID: org.ID, Slug: "logement", Label: "Logement"}}); err != nil {
		t.Fatal(err)
	}
	t.Logf("after reconnection: theme seen by B after %s", waitGen("theme after reconnection", b, gb))

	cancel()
	for range 2 {
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("a listener did not stop with its context")
		}
	}
}

// TestPoolSettings: the configured pool size reaches database/sql.
func TestPoolSettings(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			s, err := store.Open(context.Background(), storetest.URL(t, d), store.Options{Pool: store.Pool{MaxOpen: 7, MaxIdle: 2}})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			db, err := s.SQLDB()
			if err != nil {
				t.Fatal(err)
			}
			want := 7
			if d == store.SQLite {
				want = 1 // the single writer; the setting sizes the readers
			}
			if got := db.Stats().MaxOpenConnections; got != want {
				t.Fatalf("max open connections %d, want %d", got, want)
			}
		})
	}
}
