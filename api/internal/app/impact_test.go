package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
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

// server is one `aiguillage serve` started by a test.
type server struct {
	base string
	stop func() error
	// log is what the server wrote (its structured log and start-up lines).
	log *syncBuffer
}

func startServer(t *testing.T, getenv func(string) string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx, []string{"aiguillage", "serve"}, getenv, out) }()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := listening.FindStringSubmatch(out.String()); m != nil {
			return &server{base: m[1], log: out, stop: func() error {
				cancel()
				select {
				case err := <-done:
					return err
				case <-time.After(30 * time.Second):
					return fmt.Errorf("graceful shutdown took too long:\n%s", out.String())
				}
			}}
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("serve stopped early: %v\n%s", err, out.String())
		default:
		}
	}
	cancel()
	t.Fatalf("server did not start:\n%s", out.String())
	return nil
}

// TestEventsThroughRestart posts 10,000 events from concurrent clients
// while the server is stopped gracefully midway and a new one started on
// the same database. Clients retry what was not accepted: connections
// refused while no server listens, and 503 answers (full buffer), which
// must carry Retry-After. Every event accepted with 202 is counted once in
// the statistics of a third server.
func TestEventsThroughRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three servers per database")
	}
	const (
		batches   = 200
		perBatch  = 50
		clients   = 32
		total     = batches * perBatch
		restartAt = batches / 2
	)
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			dbURL := storetest.URL(t, d)
			if d == store.SQLite {
				dbURL = "sqlite:" + filepath.Join(t.TempDir(), "aiguillage.db")
			}
			ctx := context.Background()
			run(t, ctx, dbURL, "migrate")
			s, err := store.Open(ctx, dbURL, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			org := &domain.Organisation{Slug: "var", Name: "Var", Kind: domain.KindDepartement, EntryPoints: []domain.EntryPoint{{Slug: "logement", Name: "Logement"}}}
			if err := s.UpsertOrganisation(ctx, org); err != nil {
				t.Fatal(err)
			}
			_ = s.Close()
			base := getenv(dbURL)
			env := func(k string) string {
				switch k {
				case "AIGUILLAGE_PUBLIC_WRITE_RATE", "AIGUILLAGE_PUBLIC_READ_RATE", "AIGUILLAGE_PUBLIC_EVENTS_RATE":
					return "0" // one address sends everything
				case "AIGUILLAGE_EVENTS_BUFFER":
					return "1000" // small, so that clients meet full buffers
				case "AIGUILLAGE_SHUTDOWN_TIMEOUT":
					return "20s"
				}
				return base(k)
			}

			var current atomic.Pointer[string]
			srv := startServer(t, env)
			current.Store(&srv.base)
			client := &http.Client{Timeout: 30 * time.Second}
			var accepted, unavailable, refused, retriedAfter atomic.Int64
			restart := make(chan struct{})
			var restartOnce sync.Once
			work := make(chan int, batches)
			for i := range batches {
				work <- i
			}
			close(work)
			start := time.Now()
			var wg sync.WaitGroup
			for range clients {
				wg.Go(func() {
					for i := range work {
						body := fmt.Sprintf(`{"partner":"var","entry":"logement","session":"restart-session-%06d","events":[%s]}`, i,
							strings.TrimSuffix(strings.Repeat(`{"type":"search","query":"loyer","results":1},`, perBatch), ","))
						for attempt := 0; ; attempt++ {
							if attempt > 2000 {
								t.Errorf("batch %d never accepted", i)
								return
							}
							res, err := client.Post(*current.Load()+"/api/v1/public/events", "text/plain;charset=UTF-8", strings.NewReader(body))
							if err != nil {
								// No server listens, or it closed the
								// connection before reading the request:
								// nothing was accepted.
								refused.Add(1)
								time.Sleep(20 * time.Millisecond)
								continue
							}
							b, _ := io.ReadAll(res.Body)
							res.Body.Close()
							switch res.StatusCode {
							case http.StatusAccepted:
								if n := accepted.Add(1); n == restartAt {
									restartOnce.Do(func() { close(restart) })
								}
							case http.StatusServiceUnavailable:
								unavailable.Add(1)
								secs, err := strconv.Atoi(res.Header.Get("Retry-After"))
								if err != nil || secs < 1 {
									t.Errorf("503 without Retry-After: %v %s", res.Header, b)
									return
								}
								retriedAfter.Add(1)
								time.Sleep(time.Duration(secs) * time.Second)
								continue
							default:
								t.Errorf("batch %d: %d %s", i, res.StatusCode, b)
								return
							}
							break
						}
					}
				})
			}

			// Midway, stop the server as SIGTERM would, and start another.
			<-restart
			stopped := time.Now()
			if err := srv.stop(); err != nil {
				t.Fatalf("first server: %v", err)
			}
			srv = startServer(t, env)
			current.Store(&srv.base)
			t.Logf("restart: %s without a server", time.Since(stopped).Round(time.Millisecond))
			wg.Wait()
			elapsed := time.Since(start)
			if err := srv.stop(); err != nil {
				t.Fatalf("second server: %v", err)
			}
			if accepted.Load() != batches {
				t.Fatalf("%d batches accepted, want %d", accepted.Load(), batches)
			}

			// A third server reads the figures: each accepted event once.
			srv = startServer(t, env)
			defer func() {
				if err := srv.stop(); err != nil {
					t.Error(err)
				}
			}()
			res, err := client.Get(srv.base + "/api/v1/public/stats/var")
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var st struct {
				Totals struct {
					Searches int64 `json:"searches"`
					Loads    int64 `json:"loads"`
				} `json:"totals"`
			}
			if err := json.NewDecoder(res.Body).Decode(&st); err != nil {
				t.Fatal(err)
			}
			if st.Totals.Searches != total {
				t.Fatalf("searches counted: %d, want %d (accepted %d batches of %d)", st.Totals.Searches, total, accepted.Load(), perBatch)
			}
			t.Logf("%d events in %d batches from %d clients in %s (%.0f events/s, restart included): %d answers 503 (retried after Retry-After), %d attempts refused while restarting",
				total, batches, clients, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(), unavailable.Load(), refused.Load())
		})
	}
}
