package app_test

// Fault tests (issue 12): the server against a database that is down at
// start, cut while serving, slow, or full. PostgreSQL is reached through
// faultProxy, a TCP proxy the test cuts or slows down.

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/app"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// faultProxy forwards TCP connections to a target. Cut closes every
// forwarded connection and makes new ones close at once (the database
// process is gone); Restore undoes it; SetLatency delays every chunk in
// both directions.
type faultProxy struct {
	ln     net.Listener
	target string

	mu      sync.Mutex
	down    bool
	latency time.Duration
	conns   map[net.Conn]struct{}
}

func newFaultProxy(t *testing.T, target string) *faultProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	go p.accept()
	t.Cleanup(func() { _ = ln.Close(); p.Cut() })
	return p
}

func (p *faultProxy) Addr() string { return p.ln.Addr().String() }

func (p *faultProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		p.mu.Unlock()
		if down {
			_ = c.Close()
			continue
		}
		go p.forward(c)
	}
}

func (p *faultProxy) track(cs ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		return false
	}
	for _, c := range cs {
		p.conns[c] = struct{}{}
	}
	return true
}

func (p *faultProxy) forward(client net.Conn) {
	server, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		_ = client.Close()
		return
	}
	if !p.track(client, server) {
		_ = client.Close()
		_ = server.Close()
		return
	}
	done := make(chan struct{}, 2)
	go func() { p.copy(server, client); done <- struct{}{} }()
	go func() { p.copy(client, server); done <- struct{}{} }()
	<-done
	_ = client.Close()
	_ = server.Close()
	<-done
	p.mu.Lock()
	delete(p.conns, client)
	delete(p.conns, server)
	p.mu.Unlock()
}

func (p *faultProxy) copy(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			d := p.latency
			p.mu.Unlock()
			if d > 0 {
				time.Sleep(d)
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// Cut closes every connection and refuses new ones.
func (p *faultProxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		_ = c.Close()
	}
}

// Conns counts the connections forwarded now.
func (p *faultProxy) Conns() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.conns) / 2
}

// Restore accepts connections again.
func (p *faultProxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

// SetLatency delays every chunk forwarded, each way.
func (p *faultProxy) SetLatency(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.latency = d
}

// faultEnv is getenv plus the settings of the fault tests: a short query
// timeout, no rate limits, demo accounts allowed, and extra.
func faultEnv(dbURL string, extra map[string]string) func(string) string {
	base := getenv(dbURL)
	return func(k string) string {
		if v, ok := extra[k]; ok {
			return v
		}
		switch k {
		case "AIGUILLAGE_DB_QUERY_TIMEOUT":
			return "1s"
		case "AIGUILLAGE_PUBLIC_READ_RATE", "AIGUILLAGE_PUBLIC_WRITE_RATE", "AIGUILLAGE_PUBLIC_EVENTS_RATE":
			return "0"
		case "AIGUILLAGE_DEMO_MODE":
			return "true"
		case "AIGUILLAGE_SHUTDOWN_DRAIN":
			return "0s"
		case "AIGUILLAGE_DB_CONNECT_TIMEOUT":
			return "1s"
		}
		return base(k)
	}
}

// startServe runs `aiguillage serve` until the test ends and returns its
// base URL.
func faultServe(t *testing.T, env func(string) string) string {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx, []string{"aiguillage", "serve"}, env, &out) }()
	t.Cleanup(func() {
		stop()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop")
		}
	})
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := listening.FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped early: %v\n%s", err, out.String())
		default:
		}
	}
	t.Fatalf("server did not start:\n%s", out.String())
	return ""
}

// faultClient never reuses connections, so that the server's goroutine
// count reflects requests in flight only.
var faultClient = &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

type faultAnswer struct {
	status  int
	header  http.Header
	body    string
	problem struct {
		Type, Title, Detail string
		Status              int
	}
	took time.Duration
}

func faultCall(t *testing.T, method, u, token, body string) faultAnswer {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	start := time.Now()
	res, err := faultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	a := faultAnswer{status: res.StatusCode, header: res.Header, body: string(b), took: time.Since(start)}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		_ = json.Unmarshal(b, &a.problem)
	}
	return a
}

// waitStatus polls u until it answers want, within d.
func faultWaitStatus(t *testing.T, u string, want int, d time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	var last faultAnswer
	for time.Since(start) < d {
		last = faultCall(t, http.MethodGet, u, "", "")
		if last.status == want {
			return time.Since(start)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("GET %s = %d after %s, want %d: %s", u, last.status, d, want, last.body)
	return 0
}

// metric reads one unlabelled sample of /metrics.
func faultMetric(t *testing.T, base, name string) float64 {
	t.Helper()
	res, err := faultClient.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				t.Fatalf("metric %s: %v", name, err)
			}
			return f
		}
	}
	t.Fatalf("metric %s not found", name)
	return 0
}

func faultLogin(t *testing.T, base string) string {
	t.Helper()
	a := faultCall(t, http.MethodPost, base+"/api/v1/auth/login", "", `{"email":"admin@var.demo.aiguillage.fr","password":"demo-var-admin-2026"}`)
	if a.status != http.StatusOK {
		t.Fatalf("login = %d: %s", a.status, a.body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal([]byte(a.body), &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("login: %v: %s", err, a.body)
	}
	return tok.AccessToken
}

// wantProblem checks a write refused because of the database: status,
// problem+json with a French title, within bound.
func faultWantProblem(t *testing.T, what string, a faultAnswer, status int, bound time.Duration) {
	t.Helper()
	if a.status != status || !strings.HasPrefix(a.header.Get("Content-Type"), "application/problem+json") ||
		a.problem.Status != status || a.problem.Title == "" || a.problem.Detail == "" {
		t.Fatalf("%s = %d %s, want %d problem+json: %s", what, a.status, a.header.Get("Content-Type"), status, a.body)
	}
	if a.took > bound {
		t.Fatalf("%s answered in %s, want at most %s", what, a.took, bound)
	}
	t.Logf("%s: %d %q (%s) in %s", what, a.status, a.problem.Title, a.problem.Detail, a.took.Round(time.Millisecond))
}

const faultEventsBody = `{"partner":"var","entry":"logement","session":"faulttestsession01","events":[{"type":"loaded"},{"type":"exit"}]}`

// The public reads a widget makes, answered from the response cache or the
// in-memory search index once warm.
var faultCachedReads = []string{
	"/api/v1/public/organisations/var",
	"/api/v1/public/organisations/var/journeys/logement",
	"/api/v1/public/organisations/var/themes",
	"/api/v1/public/communes?q=toulon",
	"/api/v1/public/contact-points?pivot=caf&commune=83137",
	"/api/v1/public/search?q=loyer&commune=83137&partner=var",
}

func TestDatabaseDownAtStart(t *testing.T) {
	// A port nobody listens on: connection refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	var out syncBuffer
	start := time.Now()
	err = app.Run(context.Background(), []string{"aiguillage", "serve"},
		faultEnv("postgres://postgres@"+addr+"/aiguillage?sslmode=disable", nil), &out)
	took := time.Since(start)
	if err == nil {
		t.Fatal("serve started without a database")
	}
	// AIGUILLAGE_DB_CONNECT_TIMEOUT=1s: a few attempts, then one clear line.
	if took > 10*time.Second {
		t.Fatalf("serve gave up after %s, want about AIGUILLAGE_DB_CONNECT_TIMEOUT (1s)", took)
	}
	if msg := err.Error(); !strings.Contains(msg, "unreachable") || !strings.Contains(msg, addr) || strings.Contains(msg, "\n") {
		t.Fatalf("error does not say the database is unreachable, in one line: %q", msg)
	}
	t.Logf("serve without a database: %v (after %s)", err, took.Round(time.Millisecond))
}

// TestDatabaseSilentAtStart: a server that accepts connections but never
// answers (a firewall dropping packets) does not hold the start forever.
func TestDatabaseSilentAtStart(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the 10 s ping timeout")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				_ = c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	var out syncBuffer
	start := time.Now()
	err = app.Run(context.Background(), []string{"aiguillage", "serve"},
		faultEnv("postgres://postgres@"+ln.Addr().String()+"/aiguillage?sslmode=disable", nil), &out)
	took := time.Since(start)
	if err == nil || took > 20*time.Second || strings.Contains(err.Error(), "\n") {
		t.Fatalf("serve against a silent database: %v after %s", err, took)
	}
	t.Logf("serve against a silent database: %v (after %s)", err, took.Round(time.Millisecond))
}

// TestDatabaseCutWhileServing cuts PostgreSQL under a running server, then
// slows it down, then brings it back, and checks what residents, référents
// and probes see at each step.
func TestDatabaseCutWhileServing(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo on PostgreSQL")
	}
	storetest.RequirePostgres(t)
	direct := storetest.URL(t, store.Postgres)
	ctx := context.Background()
	run(t, ctx, direct, "migrate")
	run(t, ctx, direct, "demo")
	pu, err := url.Parse(direct)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newFaultProxy(t, pu.Host)
	pu.Host = proxy.Addr()
	base := faultServe(t, faultEnv(pu.String(), nil))

	// Warm up: the caches fill, the index is built, a référent logs in.
	for _, p := range faultCachedReads {
		for range 2 {
			if a := faultCall(t, http.MethodGet, base+p, "", ""); a.status != http.StatusOK {
				t.Fatalf("warm-up GET %s = %d: %s", p, a.status, a.body)
			}
		}
	}
	token := faultLogin(t, base)
	theme := func(slug string) faultAnswer {
		return faultCall(t, http.MethodPost, base+"/api/v1/admin/organisations/var/themes", token, fmt.Sprintf(`{"slug":%q,"label":"Thème %s"}`, slug, slug))
	}
	if a := theme("avant-coupure"); a.status != http.StatusCreated {
		t.Fatalf("create theme = %d: %s", a.status, a.body)
	}
	for _, p := range faultCachedReads[:1] { // the write dropped the cache: fill it again
		faultCall(t, http.MethodGet, base+p, "", "")
	}
	for _, p := range faultCachedReads {
		faultCall(t, http.MethodGet, base+p, "", "")
	}
	// The widget's events: its partner becomes known.
	if a := faultCall(t, http.MethodPost, base+"/api/v1/public/events", "", faultEventsBody); a.status != http.StatusAccepted {
		t.Fatalf("events = %d: %s", a.status, a.body)
	}
	for deadline := time.Now().Add(10 * time.Second); faultMetric(t, base, "aiguillage_usage_events_buffered") > 0; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("events not written")
		}
	}
	// The test runs in the server's process: its proxy's goroutines (3 per
	// forwarded connection) are left out of the count.
	serverGoroutines := func() float64 { return faultMetric(t, base, "go_goroutines") - 3*float64(proxy.Conns()) }
	goroutines := serverGoroutines()
	written := faultMetric(t, base, "aiguillage_usage_events_written_total")

	// Cut.
	proxy.Cut()
	took := faultWaitStatus(t, base+"/readyz", http.StatusServiceUnavailable, 5*time.Second)
	t.Logf("/readyz 503 %s after the cut", took.Round(time.Millisecond))
	for _, p := range faultCachedReads {
		if a := faultCall(t, http.MethodGet, base+p, "", ""); a.status != http.StatusOK {
			t.Errorf("database down: GET %s = %d, want 200 from the cache or the index: %s", p, a.status, a.body)
		}
	}
	faultWantProblem(t, "database down: create theme", theme("pendant-coupure"), http.StatusServiceUnavailable, 3*time.Second)
	faultWantProblem(t, "database down: feedback", faultCall(t, http.MethodPost, base+"/api/v1/public/feedback", "",
		`{"partner":"var","entry":"logement","useful":true,"query":"loyer"}`), http.StatusServiceUnavailable, 3*time.Second)
	// Usage events are kept in the write buffer (bounded by
	// AIGUILLAGE_EVENTS_BUFFER) and written once the database is back.
	if a := faultCall(t, http.MethodPost, base+"/api/v1/public/events", "", faultEventsBody); a.status != http.StatusAccepted {
		t.Fatalf("database down: events = %d, want 202 (buffered): %s", a.status, a.body)
	}
	if n := faultMetric(t, base, "aiguillage_usage_events_buffered"); n < 2 {
		t.Fatalf("database down: %v events buffered, want 2", n)
	}

	// Restore: ready again, writes go through, buffered events written,
	// without a restart.
	proxy.Restore()
	took = faultWaitStatus(t, base+"/readyz", http.StatusOK, 10*time.Second)
	t.Logf("/readyz 200 %s after the restore", took.Round(time.Millisecond))
	if a := theme("apres-coupure"); a.status != http.StatusCreated {
		t.Fatalf("database back: create theme = %d: %s", a.status, a.body)
	}
	if a := faultCall(t, http.MethodPost, base+"/api/v1/public/feedback", "", `{"partner":"var","entry":"logement","useful":true}`); a.status/100 != 2 {
		t.Fatalf("database back: feedback = %d: %s", a.status, a.body)
	}
	deadline := time.Now().Add(15 * time.Second)
	for faultMetric(t, base, "aiguillage_usage_events_written_total") < written+2 {
		if time.Now().After(deadline) {
			t.Fatalf("buffered events not written 15 s after the restore (buffered: %v)", faultMetric(t, base, "aiguillage_usage_events_buffered"))
		}
		time.Sleep(200 * time.Millisecond)
	}

	// Slow: 2 s each way. Writes fail within the query timeout (1 s) plus
	// one round trip, all at once, and leave no goroutine behind.
	for _, p := range faultCachedReads {
		faultCall(t, http.MethodGet, base+p, "", "")
	}
	proxy.SetLatency(2 * time.Second)
	var wg sync.WaitGroup
	answers := make([]faultAnswer, 20)
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				answers[i] = theme(fmt.Sprintf("lent-%d", i))
			} else {
				answers[i] = faultCall(t, http.MethodPost, base+"/api/v1/public/feedback", "", `{"partner":"var","entry":"logement","useful":false}`)
			}
		}()
	}
	for _, p := range faultCachedReads {
		if a := faultCall(t, http.MethodGet, base+p, "", ""); a.status != http.StatusOK || a.took > 2*time.Second {
			t.Errorf("database slow: GET %s = %d in %s, want 200 at once", p, a.status, a.took)
		}
	}
	wg.Wait()
	for i, a := range answers {
		if a.status != http.StatusServiceUnavailable && a.status != http.StatusGatewayTimeout {
			t.Fatalf("database slow: write %d = %d, want 503: %s", i, a.status, a.body)
		}
		faultWantProblem(t, fmt.Sprintf("database slow: write %d", i), a, a.status, 6*time.Second)
	}
	took = faultWaitStatus(t, base+"/readyz", http.StatusServiceUnavailable, 5*time.Second)
	t.Logf("/readyz 503 %s into the slow-down", took.Round(time.Millisecond))
	proxy.SetLatency(0)
	faultWaitStatus(t, base+"/readyz", http.StatusOK, 10*time.Second)
	if a := theme("apres-lenteur"); a.status != http.StatusCreated {
		t.Fatalf("database fast again: create theme = %d: %s", a.status, a.body)
	}
	// No pile-up: the goroutines come back to where they were.
	deadline = time.Now().Add(10 * time.Second)
	for {
		n := serverGoroutines()
		if n <= goroutines+5 {
			t.Logf("goroutines: %v before the faults, %v after", goroutines, n)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("goroutines: %v before the faults, %v 10 s after", goroutines, n)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// TestSQLiteFull fills an SQLite database (max_page_count stands for a
// full disk): writes answer 507 with a French title and leave nothing
// half-written; reads keep working.
func TestSQLiteFull(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo")
	}
	path := filepath.Join(t.TempDir(), "full.db")
	ctx := context.Background()
	run(t, ctx, "sqlite:"+path, "migrate")
	run(t, ctx, "sqlite:"+path, "demo")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	var pages int
	if err := db.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	// A little room, for the login's session; then full.
	base := faultServe(t, faultEnv("sqlite:"+path+fmt.Sprintf("?_pragma=max_page_count(%d)", pages+8), nil))
	for _, p := range faultCachedReads {
		if a := faultCall(t, http.MethodGet, base+p, "", ""); a.status != http.StatusOK {
			t.Fatalf("GET %s = %d: %s", p, a.status, a.body)
		}
	}
	token := faultLogin(t, base)
	// Fill: feedback with long comments until the database refuses.
	comment := strings.Repeat("Le service a bien répondu à ma question sur le loyer. ", 18)
	var full faultAnswer
	for i := range 500 {
		a := faultCall(t, http.MethodPost, base+"/api/v1/public/feedback", "",
			fmt.Sprintf(`{"partner":"var","entry":"logement","useful":true,"comment":%q}`, comment[:900]+strconv.Itoa(i)))
		if a.status/100 != 2 {
			full = a
			break
		}
	}
	faultWantProblem(t, "database full: feedback", full, http.StatusInsufficientStorage, 3*time.Second)
	if !strings.Contains(full.problem.Title, "stockage") {
		t.Fatalf("title %q does not say the storage is full", full.problem.Title)
	}
	// An admin write: refused the same way, and not half-written.
	created := faultCall(t, http.MethodPost, base+"/api/v1/admin/organisations/var/themes", token,
		`{"slug":"disque-plein","label":"Disque plein","description":"`+strings.Repeat("x", 3000)+`"}`)
	if created.status/100 == 2 {
		t.Logf("a theme still fitted: %s", created.body)
	} else {
		faultWantProblem(t, "database full: create theme", created, http.StatusInsufficientStorage, 3*time.Second)
		if a := faultCall(t, http.MethodGet, base+"/api/v1/admin/organisations/var/themes/disque-plein", token, ""); a.status != http.StatusNotFound {
			t.Fatalf("refused theme half-written: %d %s", a.status, a.body)
		}
	}
	// Reads keep working, from the cache and from the database.
	for _, p := range append(faultCachedReads, "/api/v1/public/contact-points?pivot=mairie&commune=83137", "/api/v1/public/organisations/lille", "/readyz") {
		if a := faultCall(t, http.MethodGet, base+p, "", ""); a.status != http.StatusOK {
			t.Errorf("database full: GET %s = %d: %s", p, a.status, a.body)
		}
	}
	if a := faultCall(t, http.MethodGet, base+"/api/v1/admin/organisations/var/themes", token, ""); a.status != http.StatusOK {
		t.Errorf("database full: admin read = %d: %s", a.status, a.body)
	}
	// Usage events stay in the buffer (the writer retries), not dropped.
	if a := faultCall(t, http.MethodPost, base+"/api/v1/public/events", "", faultEventsBody); a.status != http.StatusAccepted {
		t.Fatalf("database full: events = %d: %s", a.status, a.body)
	}
	time.Sleep(1500 * time.Millisecond) // a flush or two
	if n := faultMetric(t, base, "aiguillage_usage_events_dropped_total"); n != 0 {
		t.Fatalf("database full: %v events dropped, want them kept in the buffer", n)
	}
}
