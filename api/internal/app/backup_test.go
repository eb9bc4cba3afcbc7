package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/app"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// TestBackupRestore is the procedure of deploy/README.md « Backups and
// restore », on both databases: a database filled with the demo data, a
// partner journey published twice and usage events rolled up into daily
// aggregates is backed up with `aiguillage backup` while the server runs
// and answers requests, restored with `aiguillage restore` into a new
// database, and every table comes back: same row count, same content
// checksum. `make backup-test` runs it alone.
func TestBackupRestore(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the whole demo")
	}
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dbURL, restoredURL := storetest.URL(t, d), storetest.URL(t, d)
			dir := t.TempDir()
			if d == store.SQLite {
				dbURL, restoredURL = "sqlite:"+filepath.Join(dir, "aiguillage.db"), "sqlite:"+filepath.Join(dir, "restored", "aiguillage.db")
			}
			run(t, ctx, dbURL, "migrate")
			run(t, ctx, dbURL, "demo")

			// Usage events of a closed day: the server rolls them up into
			// daily aggregates when it starts.
			day := domain.ParisDay(time.Now().AddDate(0, 0, -5))
			fillUsage(t, ctx, dbURL, day)
			env := func(k string) string {
				switch k {
				case "AIGUILLAGE_DEMO_MODE":
					return "true"
				case "AIGUILLAGE_PUBLIC_READ_RATE", "AIGUILLAGE_PUBLIC_EVENTS_RATE":
					return "0"
				}
				return getenv(dbURL)(k)
			}
			srv := startServer(t, env)
			defer func() {
				if srv != nil {
					_ = srv.stop()
				}
			}()
			waitRolledUp(t, ctx, dbURL, day)

			// A partner journey published twice.
			token := backupLogin(t, srv.base, "admin@var.demo.aiguillage.fr", "demo-var-admin-2026")
			var list struct {
				Journeys []struct{ Slug string } `json:"journeys"`
			}
			backupJSON(t, http.MethodGet, srv.base+"/api/v1/admin/organisations/var/journeys", token, "", &list)
			if len(list.Journeys) == 0 {
				t.Fatal("no journey for the var partner")
			}
			slug := list.Journeys[0].Slug
			for i := range 2 {
				backupJSON(t, http.MethodPost, srv.base+"/api/v1/admin/organisations/var/journeys/"+slug+"/publish", token,
					fmt.Sprintf(`{"note":"sauvegarde %d"}`, i), nil)
			}
			// Today's events, written by the server.
			res, err := http.Post(srv.base+"/api/v1/public/events", "text/plain;charset=UTF-8",
				strings.NewReader(`{"partner":"var","entry":"logement","session":"backup-session-0001","events":[{"type":"loaded"},{"type":"search","query":"loyer","results":2}]}`))
			if err != nil {
				t.Fatal(err)
			}
			_ = res.Body.Close()
			if res.StatusCode != http.StatusAccepted {
				t.Fatalf("events: %d", res.StatusCode)
			}
			waitCount(t, ctx, dbURL, "usage_events WHERE session_id <> 'fill'", 2)

			// Back up while the server answers reads.
			stopReads := make(chan struct{})
			var reads, failed atomic.Int64
			var wg sync.WaitGroup
			for range 4 {
				wg.Go(func() {
					for {
						select {
						case <-stopReads:
							return
						default:
						}
						res, err := http.Get(srv.base + "/api/v1/public/organisations/var/journeys/logement")
						if err != nil || res.StatusCode != http.StatusOK {
							failed.Add(1)
						}
						if err == nil {
							_, _ = io.Copy(io.Discard, res.Body)
							_ = res.Body.Close()
						}
						reads.Add(1)
					}
				})
			}
			file := filepath.Join(dir, "backup.dump")
			started := time.Now()
			out := run(t, ctx, dbURL, "backup", "--to", file)
			took := time.Since(started)
			close(stopReads)
			wg.Wait()
			if !strings.Contains(out, "Sauvegarde écrite : "+file) {
				t.Fatalf("backup output: %s", out)
			}
			if failed.Load() > 0 || reads.Load() == 0 {
				t.Fatalf("%d of %d reads failed during the backup", failed.Load(), reads.Load())
			}
			t.Logf("backup in %s while the server answered %d reads: %s", took.Round(time.Millisecond), reads.Load(), strings.TrimSpace(out))
			want := tableSums(t, ctx, dbURL)
			if err := srv.stop(); err != nil {
				t.Fatal(err)
			}
			srv = nil

			// Restore into a new database; never over an existing one.
			var buf syncBuffer
			if err := app.Run(ctx, []string{"aiguillage", "restore", "--from", file}, getenv(dbURL), &buf); err == nil {
				t.Fatal("restore over the live database accepted")
			}
			out = run(t, ctx, restoredURL, "restore", "--from", file)
			if !strings.Contains(out, "restaurée") {
				t.Fatalf("restore output: %s", out)
			}
			got := tableSums(t, ctx, restoredURL)
			for _, table := range []string{"contact_points", "journey_versions", "usage_daily", "usage_rollups", "usage_events", "organisations", "users"} {
				if want[table].rows == 0 {
					t.Errorf("table %s is empty before the backup: the test proves nothing about it", table)
				}
			}
			var names []string
			for name := range want {
				names = append(names, name)
			}
			slices.Sort(names)
			for _, name := range names {
				w, g := want[name], got[name]
				if w != g {
					t.Errorf("table %s: %d rows (checksum %.12s) before, %d rows (checksum %.12s) restored", name, w.rows, w.sum, g.rows, g.sum)
				}
			}
			if len(got) != len(want) {
				t.Errorf("%d tables restored, want %d", len(got), len(want))
			}
			t.Logf("%d tables restored identical: contact_points %d rows, journey_versions %d, usage_daily %d, usage_events %d",
				len(want), want["contact_points"].rows, want["journey_versions"].rows, want["usage_daily"].rows, want["usage_events"].rows)

			// The restored database serves, the journey's versions included.
			restoredEnv := func(k string) string {
				if k == "AIGUILLAGE_DEMO_MODE" {
					return "true"
				}
				return getenv(restoredURL)(k)
			}
			srv = startServer(t, restoredEnv)
			var ready struct{ Status string }
			getJSON(t, srv.base+"/readyz", &ready)
			token = backupLogin(t, srv.base, "admin@var.demo.aiguillage.fr", "demo-var-admin-2026")
			var versions struct {
				PublishedVersion int               `json:"published_version"`
				Versions         []json.RawMessage `json:"versions"`
			}
			backupJSON(t, http.MethodGet, srv.base+"/api/v1/admin/organisations/var/journeys/"+slug+"/versions", token, "", &versions)
			if ready.Status != "ok" || len(versions.Versions) < 3 || versions.PublishedVersion < 3 {
				t.Fatalf("restored server: ready %q, journey %s: %d versions, published %d; want the seed and two publications",
					ready.Status, slug, len(versions.Versions), versions.PublishedVersion)
			}
		})
	}
}

// fillUsage writes 30 usage events of day for the var partner.
func fillUsage(t *testing.T, ctx context.Context, dbURL, day string) {
	t.Helper()
	s, err := store.Open(ctx, dbURL, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	org, err := s.FindOrganisationBySlug(ctx, "var")
	if err != nil {
		t.Fatal(err)
	}
	at, err := time.ParseInLocation(time.DateOnly, day, domain.Paris())
	if err != nil {
		t.Fatal(err)
	}
	var events []domain.UsageEvent
	for i := range 30 {
		results := i % 3
		ev := domain.UsageEvent{OrganisationID: org.ID, Entry: "logement", SessionID: "fill", Type: domain.EventType("search"),
			At: at.Add(time.Duration(9*60+i) * time.Minute), Day: day, Results: &results, Query: "loyer"}
		if i%2 == 0 {
			ev.Type, ev.Results, ev.Query = domain.EventType("loaded"), nil, ""
		}
		events = append(events, ev)
	}
	if err := s.InsertUsageEvents(ctx, events); err != nil {
		t.Fatal(err)
	}
}

func waitRolledUp(t *testing.T, ctx context.Context, dbURL, day string) {
	t.Helper()
	waitCount(t, ctx, dbURL, "usage_rollups WHERE day = '"+day+"'", 1)
}

// waitCount waits until SELECT count(*) FROM what reaches n.
func waitCount(t *testing.T, ctx context.Context, dbURL, what string, n int64) {
	t.Helper()
	s, err := store.Open(ctx, dbURL, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db, err := s.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	var got int64
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+what).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got >= n {
			return
		}
	}
	t.Fatalf("SELECT count(*) FROM %s: %d after 20 s, want %d", what, got, n)
}

type tableSum struct {
	rows int
	sum  string
}

// tableSums counts the rows of every table and hashes their content: each
// row printed column by column, the rows sorted, then SHA-256.
func tableSums(t *testing.T, ctx context.Context, dbURL string) map[string]tableSum {
	t.Helper()
	s, err := store.Open(ctx, dbURL, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tables, err := s.Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db, err := s.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]tableSum{}
	for _, table := range tables {
		rows, err := db.QueryContext(ctx, `SELECT * FROM "`+table+`"`)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("%s: %v", table, err)
			}
			var line bytes.Buffer
			for i, v := range vals {
				switch v := v.(type) {
				case []byte:
					fmt.Fprintf(&line, "%s=%q\x1f", cols[i], v)
				case time.Time:
					fmt.Fprintf(&line, "%s=%s\x1f", cols[i], v.UTC().Format(time.RFC3339Nano))
				default:
					fmt.Fprintf(&line, "%s=%v\x1f", cols[i], v)
				}
			}
			lines = append(lines, line.String())
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		_ = rows.Close()
		slices.Sort(lines)
		h := sha256.New()
		for _, l := range lines {
			h.Write([]byte(l))
			h.Write([]byte{'\n'})
		}
		out[table] = tableSum{rows: len(lines), sum: hex.EncodeToString(h.Sum(nil))}
	}
	return out
}

func backupLogin(t *testing.T, base, email, password string) string {
	t.Helper()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	backupJSON(t, http.MethodPost, base+"/api/v1/auth/login", "", string(body), &tok)
	return tok.AccessToken
}

func backupJSON(t *testing.T, method, url, token, body string, out any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %s", method, url, res.StatusCode, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v", method, url, err)
		}
	}
}
