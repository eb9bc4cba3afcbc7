package portals_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/admin"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/portals"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
	"github.com/aiguillage/aiguillage/api/internal/testclock"
)

var platform = admin.Actor{UserID: "6a0c7a4e-3f0e-4d8b-9f59-0d6b7e0c1a11", Email: "plateforme@exemple.fr", PlatformAdmin: true}

func TestValidate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc := portals.New(s, nil, nil)
		ctx := context.Background()
		zero, big := 0, 101
		for _, tc := range []struct {
			name   string
			in     portals.CreateInput
			fields []string
		}{
			{"empty name", portals.CreateInput{Name: ""}, []string{"name"}},
			{"padded name", portals.CreateInput{Name: " Portail "}, []string{"name"}},
			{"long name", portals.CreateInput{Name: strings.Repeat("é", 121)}, []string{"name"}},
			{"bad e-mail and multiplier", portals.CreateInput{Name: "Portail", ContactEmail: "pas une adresse", RateMultiplier: &zero}, []string{"contact_email", "rate_multiplier"}},
			{"multiplier too high", portals.CreateInput{Name: "Portail", RateMultiplier: &big}, []string{"rate_multiplier"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, _, err := svc.Create(ctx, platform, tc.in)
				var de *domain.Error
				if domain.ErrorCode(err) != domain.EINVALID || !errors.As(err, &de) {
					t.Fatalf("err = %v, want invalid", err)
				}
				var got []string
				for _, f := range de.Fields {
					got = append(got, f.Field)
				}
				if strings.Join(got, ",") != strings.Join(tc.fields, ",") {
					t.Fatalf("fields %v, want %v", got, tc.fields)
				}
			})
		}
		if _, _, err := svc.Create(ctx, admin.Actor{UserID: platform.UserID}, portals.CreateInput{Name: "Portail"}); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Fatalf("create by a référent: %v", err)
		}
	})
}

// TestLifecycle: a key is shown once, stored hashed, authenticated from the
// cache, its last use recorded at most once a minute, and refused once
// revoked; malformed and unknown keys are refused.
func TestLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		clk := testclock.New(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC))
		svc := portals.New(s, clk.Now, nil)
		three := 3
		p, key, err := svc.Create(ctx, platform, portals.CreateInput{Name: "Portail des aidants", ContactEmail: " Tech@Exemple.fr ", RateMultiplier: &three})
		if err != nil {
			t.Fatal(err)
		}
		prefix, secret, ok := domain.ParseAPIKey(key)
		if !ok || prefix != p.KeyPrefix || !strings.HasPrefix(key, "agk_"+prefix+"_") || len(secret) != 43 {
			t.Fatalf("key %q, prefix %q", key, p.KeyPrefix)
		}
		if p.ContactEmail != "tech@exemple.fr" || p.RateMultiplier != 3 {
			t.Fatalf("portal %+v", p)
		}
		stored, err := s.FindPortalByID(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.KeyHash != domain.HashAPIKeySecret(secret) || strings.Contains(stored.KeyHash, secret) {
			t.Fatalf("stored hash %q", stored.KeyHash)
		}
		// The audit entry names the portal, never its contact address.
		entries, _, err := s.FindAudit(ctx, "", domain.Page{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].Action != "create" || entries[0].EntityType != "portal" || entries[0].EntityID != p.ID {
			t.Fatalf("audit %+v", entries)
		}
		if _, found := entries[0].Changes["contact_email"]; found {
			t.Fatal("the contact address is in the audit log")
		}

		var reads int
		if err := s.Trace(func(st store.Statement) {
			if strings.Contains(st.SQL, "portals") && strings.HasPrefix(st.SQL, "SELECT") {
				reads++
			}
		}); err != nil {
			t.Fatal(err)
		}
		for range 5 {
			got, err := svc.Authenticate(ctx, key)
			if err != nil || got.ID != p.ID {
				t.Fatalf("authenticate: %v %v", got, err)
			}
		}
		if reads != 1 {
			t.Fatalf("%d reads of portals for 5 authentications, want 1 (cache)", reads)
		}
		stored, _ = s.FindPortalByID(ctx, p.ID)
		if stored.LastUsedAt == nil || !stored.LastUsedAt.Equal(clk.Now()) {
			t.Fatalf("last use %v, want %v", stored.LastUsedAt, clk.Now())
		}
		clk.Add(30 * time.Second)
		if _, err := svc.Authenticate(ctx, key); err != nil {
			t.Fatal(err)
		}
		if again, _ := s.FindPortalByID(ctx, p.ID); !again.LastUsedAt.Equal(*stored.LastUsedAt) {
			t.Fatal("last use recorded twice within a minute")
		}
		clk.Add(31 * time.Second)
		if _, err := svc.Authenticate(ctx, key); err != nil {
			t.Fatal(err)
		}
		if again, _ := s.FindPortalByID(ctx, p.ID); !again.LastUsedAt.Equal(clk.Now()) {
			t.Fatalf("last use %v after a minute, want %v", again.LastUsedAt, clk.Now())
		}

		other := "A"
		if strings.HasSuffix(secret, "A") {
			other = "E"
		}
		bads := []string{"", "agk_", "agk_" + prefix + "_court", "Bearer " + key, "agk_" + prefix + "_" + secret[:42] + other, "agk_00000000_" + secret}
		if upper := strings.ToUpper(prefix); upper != prefix { // an all-digit prefix has no upper case
			bads = append(bads, "agk_"+upper+"_"+secret)
		}
		for _, bad := range bads {
			if _, err := svc.Authenticate(ctx, bad); domain.ErrorCode(err) != domain.EUNAUTHORIZED {
				t.Fatalf("authenticate %q: %v", bad, err)
			}
		}

		if _, err := svc.Revoke(ctx, admin.Actor{UserID: platform.UserID}, p.ID); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Fatalf("revoke by a référent: %v", err)
		}
		if _, err := svc.Revoke(ctx, platform, domain.NewID()); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Fatalf("revoke an unknown portal: %v", err)
		}
		r, err := svc.Revoke(ctx, platform, p.ID)
		if err != nil || !r.Revoked() || r.RevokedBy != platform.UserID {
			t.Fatalf("revoke: %+v %v", r, err)
		}
		_, err = svc.Authenticate(ctx, key)
		if domain.ErrorCode(err) != domain.EUNAUTHORIZED || !strings.Contains(domain.ErrorMessage(err), "révoquée") {
			t.Fatalf("revoked key: %v", err)
		}
		// Revoking again changes nothing and audits nothing.
		if _, err := svc.Revoke(ctx, platform, p.ID); err != nil {
			t.Fatal(err)
		}
		if entries, _, _ := s.FindAudit(ctx, "", domain.Page{Limit: 10}); len(entries) != 2 {
			t.Fatalf("%d audit entries, want create and revoke", len(entries))
		}
		list, err := svc.List(ctx, platform)
		if err != nil || len(list) != 1 || !list[0].Revoked() {
			t.Fatalf("list %v %v", list, err)
		}
	})
}

// TestRevocationAcrossReplicas: two stores and services on one PostgreSQL
// database stand for two replicas. A key authenticated (so cached) by B
// and revoked through A is refused by B within a second.
func TestRevocationAcrossReplicas(t *testing.T) {
	storetest.RequirePostgres(t)
	a, u := storetest.NewWithURL(t, store.Postgres)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b, err := store.Open(ctx, u, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	lb := b.NewListener()
	if err := lb.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { lb.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	svcA, svcB := portals.New(a, nil, nil), portals.New(b, nil, nil)
	p, key, err := svcA.Create(ctx, platform, portals.CreateInput{Name: "Portail"})
	if err != nil {
		t.Fatal(err)
	}
	// B hears of the creation, then reads the key once and serves it from
	// its cache.
	for start := time.Now(); b.PortalGeneration() == 0; time.Sleep(2 * time.Millisecond) {
		if time.Since(start) > time.Second {
			t.Fatal("B did not hear of the creation within 1 s")
		}
	}
	var reads atomic.Int32
	if err := b.Trace(func(st store.Statement) {
		if strings.Contains(st.SQL, "portals") {
			reads.Add(1)
		}
	}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := svcB.Authenticate(ctx, key); err != nil {
			t.Fatalf("B authenticates a key created through A: %v", err)
		}
	}
	if n := reads.Load(); n != 2 { // the read, and the record of the last use
		t.Fatalf("B ran %d statements on portals for 3 authentications, want 2", n)
	}
	genB := b.Generation()
	if _, err := svcA.Revoke(ctx, platform, p.ID); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for {
		_, err := svcB.Authenticate(ctx, key)
		if domain.ErrorCode(err) == domain.EUNAUTHORIZED {
			break
		}
		if time.Since(start) > time.Second {
			t.Fatalf("B still accepts the key 1 s after its revocation through A (%v)", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("revocation through A honoured by B after %s", time.Since(start))
	// Only the keys' cache is dropped: B's response caches and search
	// index are left alone.
	if b.Generation() != genB {
		t.Fatal("a revocation moved the public data generation on")
	}
}
