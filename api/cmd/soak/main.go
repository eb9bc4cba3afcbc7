// Command soak runs the aiguillage binary under a sustained mixed load for
// a bounded time (SOAK_DURATION, default 10m) on loopback, samples its
// memory, goroutines and open files from /metrics every few seconds, checks
// that no request failed and that memory and goroutines stayed flat, and
// writes bench/SOAK.md. `make soak` runs it.
//
// The load (open loop, SOAK_RATE requests per second, default 100): public
// reads over many communes (cache hits and misses), searches (in-memory
// index, misses recorded), usage events and feedback; besides, a référent
// creates then deletes a theme every SOAK_ADMIN_EVERY (default 5s), which
// drops the response cache and rebuilds the search index each time.
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/aiguillage/aiguillage/api/internal/benchenv"
	"github.com/aiguillage/aiguillage/api/internal/store"
)

type options struct {
	bin, out, pg string
	databases    []string
	duration     time.Duration
	rate         int
	adminEvery   time.Duration
	sampleEvery  time.Duration
}

func main() {
	var o options
	var dbs string
	flag.StringVar(&o.bin, "bin", "bin/aiguillage", "the aiguillage binary to soak")
	flag.StringVar(&o.out, "out", "bench/SOAK.md", "report written here")
	flag.StringVar(&o.pg, "pg", benchenv.Or("AIGUILLAGE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"), "PostgreSQL server on which a scratch database is created")
	flag.StringVar(&dbs, "db", benchenv.Or("SOAK_DATABASES", "postgres"), "databases to soak, one after the other: postgres, sqlite or both (postgres,sqlite)")
	flag.DurationVar(&o.duration, "duration", envDuration("SOAK_DURATION", 10*time.Minute), "load duration, per database (SOAK_DURATION)")
	flag.IntVar(&o.rate, "rate", envInt("SOAK_RATE", 100), "public requests per second (SOAK_RATE)")
	flag.DurationVar(&o.adminEvery, "admin-every", envDuration("SOAK_ADMIN_EVERY", 5*time.Second), "one référent write (create or delete a theme) every (SOAK_ADMIN_EVERY)")
	flag.DurationVar(&o.sampleEvery, "sample-every", 5*time.Second, "sampling period")
	flag.Parse()
	o.databases = strings.Split(dbs, ",")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

func envDuration(k string, def time.Duration) time.Duration {
	if v := os.Getenv(k); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			fmt.Fprintf(os.Stderr, "soak: %s=%q is not a duration such as 10m\n", k, v)
			os.Exit(2)
		}
		return d
	}
	return def
}

func envInt(k string, def int) int {
	if v := os.Getenv(k); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "soak: %s=%q is not a positive number\n", k, v)
			os.Exit(2)
		}
		return n
	}
	return def
}

func logf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05 ")+format+"\n", a...)
}

func run(ctx context.Context, o options) error {
	if _, err := os.Stat(o.bin); err != nil {
		return fmt.Errorf("%s: %w (run `make build` first)", o.bin, err)
	}
	rep := Report{Started: time.Now().UTC(), Machine: benchenv.Machine(), Commit: benchenv.Commit(), Rate: o.rate,
		AdminEvery: o.adminEvery, SampleEvery: o.sampleEvery, Duration: o.duration, LoadBefore: benchenv.LoadAverage()}
	for _, d := range o.databases {
		r, err := soakOne(ctx, o, strings.TrimSpace(d))
		if err != nil {
			return fmt.Errorf("%s: %w", d, err)
		}
		rep.Runs = append(rep.Runs, r)
	}
	rep.LoadAfter = benchenv.LoadAverage()
	var b strings.Builder
	failed := WriteReport(&b, rep)
	if err := os.MkdirAll(filepath.Dir(o.out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(o.out, []byte(b.String()), 0o644); err != nil {
		return err
	}
	logf("report written to %s", o.out)
	if failed > 0 {
		return fmt.Errorf("%d check(s) failed: see %s", failed, o.out)
	}
	return nil
}

// server is a running `aiguillage serve`.
type server struct {
	base string
	cmd  *exec.Cmd
	done chan error
	out  *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var listening = regexp.MustCompile(`écoute sur (http://\S+)`)

func environ(dbURL string) []string {
	env := []string{}
	for _, kv := range os.Environ() {
		// The server's settings are the soak's only.
		if !strings.HasPrefix(kv, "AIGUILLAGE_") || strings.HasPrefix(kv, "AIGUILLAGE_TEST_") {
			env = append(env, kv)
		}
	}
	return append(env,
		"AIGUILLAGE_DATABASE_URL="+dbURL,
		"AIGUILLAGE_ADDR=127.0.0.1:0",
		"AIGUILLAGE_LOG_LEVEL=warn",
		"AIGUILLAGE_DEMO_MODE=true",
		"AIGUILLAGE_SHUTDOWN_DRAIN=0s",
		"AIGUILLAGE_PUBLIC_READ_RATE=0",
		"AIGUILLAGE_PUBLIC_WRITE_RATE=0",
		"AIGUILLAGE_PUBLIC_EVENTS_RATE=0",
	)
}

func command(ctx context.Context, bin, dbURL string, args ...string) error {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = environ(dbURL)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("aiguillage %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

func startServer(bin, dbURL string) (*server, error) {
	s := &server{cmd: exec.Command(bin, "serve"), done: make(chan error, 1), out: &lockedBuffer{}}
	s.cmd.Env = environ(dbURL)
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { s.done <- s.cmd.Wait() }()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if m := listening.FindStringSubmatch(s.out.String()); m != nil {
			s.base = m[1]
			return s, nil
		}
		select {
		case err := <-s.done:
			return nil, fmt.Errorf("serve stopped: %v\n%s", err, s.out.String())
		default:
		}
	}
	s.stop()
	return nil, fmt.Errorf("serve did not start:\n%s", s.out.String())
}

// stop sends SIGTERM and waits for a graceful shutdown.
func (s *server) stop() error {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		return err
	case <-time.After(60 * time.Second):
		_ = s.cmd.Process.Kill()
		return errors.New("serve did not stop within 60 s of SIGTERM")
	}
}

// prepare creates a scratch database with the demo data and returns its URL
// and a function dropping it.
func prepare(ctx context.Context, o options, dialect string) (string, func(), error) {
	var b [4]byte
	_, _ = rand.Read(b[:])
	name := "aiguillage_soak_" + hex.EncodeToString(b[:])
	var dbURL string
	var drop func()
	switch dialect {
	case "sqlite":
		dir, err := os.MkdirTemp("", "aiguillage-soak-")
		if err != nil {
			return "", nil, err
		}
		dbURL, drop = "sqlite:"+filepath.Join(dir, name+".db"), func() { _ = os.RemoveAll(dir) }
	case "postgres":
		u, err := neturl.Parse(o.pg)
		if err != nil {
			return "", nil, fmt.Errorf("PostgreSQL URL: %w", err)
		}
		if h := u.Hostname(); h != "127.0.0.1" && h != "localhost" && h != "::1" {
			return "", nil, fmt.Errorf("PostgreSQL at %s: the soak runs on loopback only", h)
		}
		u.Path = "/postgres"
		admin, err := store.Open(ctx, u.String(), store.Options{})
		if err != nil {
			return "", nil, fmt.Errorf("PostgreSQL at %s: %w", u.Redacted(), err)
		}
		db, err := admin.SQLDB()
		if err != nil {
			return "", nil, err
		}
		if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
			_ = admin.Close()
			return "", nil, err
		}
		u.Path = "/" + name
		dbURL, drop = u.String(), func() {
			_, _ = db.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			_ = admin.Close()
		}
	default:
		return "", nil, fmt.Errorf("unknown database %q: postgres or sqlite", dialect)
	}
	for _, args := range [][]string{{"migrate"}, {"demo"}} {
		if err := command(ctx, o.bin, dbURL, args...); err != nil {
			drop()
			return "", nil, err
		}
	}
	return dbURL, drop, nil
}

func soakOne(ctx context.Context, o options, dialect string) (Run, error) {
	r := Run{Database: dialect}
	logf("%s: preparing a scratch database with the demo data", dialect)
	dbURL, drop, err := prepare(ctx, o, dialect)
	if err != nil {
		return r, err
	}
	defer drop()
	srv, err := startServer(o.bin, dbURL)
	if err != nil {
		return r, err
	}
	defer func() {
		if srv != nil {
			_ = srv.stop()
		}
	}()
	logf("%s: server at %s; warming up", dialect, srv.base)
	mon := &http.Client{Timeout: 10 * time.Second}
	tr := newTargets(srv.base)
	// One connection per request: the server's goroutines and open files
	// then count the requests in flight, not the client's idle connections.
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	attack := func(d time.Duration, rate int, sink func(*vegeta.Result)) {
		atk := vegeta.NewAttacker(vegeta.Client(client), vegeta.Redirects(vegeta.NoFollow))
		stop := context.AfterFunc(ctx, func() { atk.Stop() })
		defer stop()
		for res := range atk.Attack(tr.next, vegeta.Rate{Freq: rate, Per: time.Second}, d, "soak") {
			sink(res)
		}
	}
	if bad := tr.check(mon); len(bad) > 0 {
		return r, fmt.Errorf("%d request(s) of the load do not answer 200, fix the lists in load.go:\n%s", len(bad), strings.Join(bad, "\n"))
	}
	// Warm-up: caches, index, connections; then idle: the baseline.
	attack(15*time.Second, o.rate, func(*vegeta.Result) {})
	client.CloseIdleConnections()
	time.Sleep(5 * time.Second)
	if r.Baseline, err = sample(mon, srv.base, time.Time{}); err != nil {
		return r, err
	}

	logf("%s: load for %s at %d req/s (public), one référent write every %s", dialect, o.duration, o.rate, o.adminEvery)
	start := time.Now()
	lctx, stopLoad := context.WithTimeout(ctx, o.duration)
	defer stopLoad()
	var wg sync.WaitGroup
	var mu sync.Mutex
	tally := newTally(start)
	record := func(res *vegeta.Result, kind string) {
		mu.Lock()
		tally.add(res, kind)
		mu.Unlock()
	}
	wg.Add(2)
	go func() { // sampler
		defer wg.Done()
		tick := time.NewTicker(o.sampleEvery)
		defer tick.Stop()
		for {
			select {
			case <-lctx.Done():
				return
			case <-tick.C:
				s, err := sample(mon, srv.base, start)
				if err != nil {
					logf("sample: %v", err)
					mu.Lock()
					tally.sampleErrors++
					mu.Unlock()
					continue
				}
				mu.Lock()
				r.Samples = append(r.Samples, s)
				mu.Unlock()
				if len(r.Samples)%12 == 0 {
					logf("%s: %s heap %.1f MiB, RSS %.1f MiB, %d goroutines, %d fds", dialect, s.At.Round(time.Second), mib(s.HeapInuse), mib(s.RSS), s.Goroutines, s.FDs)
				}
			}
		}
	}()
	go func() { // référent
		defer wg.Done()
		adminLoop(lctx, srv.base, o.adminEvery, func(res *vegeta.Result) { record(res, "admin write") })
	}()
	attack(o.duration, o.rate, func(res *vegeta.Result) { record(res, kindOf(res)) })
	stopLoad()
	wg.Wait()
	r.Elapsed = time.Since(start)
	if ctx.Err() != nil {
		return r, ctx.Err()
	}
	// After the load: connections closed, a few seconds idle.
	client.CloseIdleConnections()
	time.Sleep(10 * time.Second)
	if r.After, err = sample(mon, srv.base, start); err != nil {
		return r, err
	}
	mon.CloseIdleConnections()
	r.Kinds, r.Minutes, r.SampleErrors = tally.kinds(), tally.minutes(), tally.sampleErrors
	r.FirstErrors = tally.firstErrors
	err = srv.stop()
	srv = nil
	if err != nil {
		return r, fmt.Errorf("graceful stop: %w", err)
	}
	logf("%s: done", dialect)
	return r, nil
}

// Sample is one reading of the server's /metrics.
type Sample struct {
	At                        time.Duration
	HeapInuse, HeapAlloc, RSS float64
	// HeapGoal is the heap size at which the next GC starts: twice the
	// live heap after the last one (GOGC=100), a steadier measure than
	// the heap in use, which swings between the two.
	HeapGoal                   float64
	Goroutines, FDs            int
	GCCycles, PoolInUse, Conns int
}

var metricNames = map[string]bool{
	"go_memstats_heap_inuse_bytes": true, "go_memstats_heap_alloc_bytes": true, "process_resident_memory_bytes": true,
	"go_goroutines": true, "process_open_fds": true, "go_gc_duration_seconds_count": true,
	"go_sql_in_use_connections": true, "go_memstats_next_gc_bytes": true, "go_sql_open_connections": true,
}

func sample(c *http.Client, base string, start time.Time) (Sample, error) {
	res, err := c.Get(base + "/metrics")
	if err != nil {
		return Sample{}, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return Sample{}, fmt.Errorf("/metrics = %d", res.StatusCode)
	}
	v := map[string]float64{}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		name, rest, ok := strings.Cut(line, " ")
		if i := strings.IndexByte(name, '{'); i >= 0 {
			name = name[:i]
			if j := strings.LastIndexByte(line, ' '); j > 0 {
				rest = line[j+1:]
			}
		}
		if !ok || !metricNames[name] {
			continue
		}
		if f, err := strconv.ParseFloat(strings.TrimSpace(rest), 64); err == nil {
			v[name] += f
		}
	}
	if _, err := io.Copy(io.Discard, res.Body); err != nil {
		return Sample{}, err
	}
	s := Sample{HeapInuse: v["go_memstats_heap_inuse_bytes"], HeapGoal: v["go_memstats_next_gc_bytes"], HeapAlloc: v["go_memstats_heap_alloc_bytes"], RSS: v["process_resident_memory_bytes"],
		Goroutines: int(v["go_goroutines"]), FDs: int(v["process_open_fds"]), GCCycles: int(v["go_gc_duration_seconds_count"]),
		PoolInUse: int(v["go_sql_in_use_connections"]), Conns: int(v["go_sql_open_connections"])}
	if !start.IsZero() {
		s.At = time.Since(start)
	}
	if s.Goroutines == 0 || s.RSS == 0 {
		return s, errors.New("/metrics lacks go_goroutines or process_resident_memory_bytes")
	}
	return s, nil
}

func mib(b float64) float64 { return b / (1 << 20) }
