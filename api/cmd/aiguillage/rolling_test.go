package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// TestRollingRestart restarts each of two replicas in turn, as a rolling
// update does, behind a load balancer that takes a replica out of rotation
// when its /readyz fails twice in a row (polled every 100 ms) and never
// retries a request,
// while vegeta reads journeys, organisations and searches and posts usage
// events through it. Every request must be answered (200, 202), and every
// event accepted must be in the database: SIGTERM turns /readyz to 503,
// keeps serving during AIGUILLAGE_SHUTDOWN_DRAIN, then lets in-flight
// requests finish and writes the events buffer before exiting 0.
func TestRollingRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the rolling restart test builds and runs the binary")
	}
	storetest.RequirePostgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin := buildBinary(ctx, t)
	dbURL := storetest.URL(t, store.Postgres)
	keys := strings.TrimSpace(string(run(ctx, t, bin, nil, "keys", "generate")))
	env := []string{
		"AIGUILLAGE_DATABASE_URL=" + dbURL,
		"AIGUILLAGE_JWT_KEYS=" + keys,
		"AIGUILLAGE_LOG_FORMAT=text",
		"AIGUILLAGE_LOG_LEVEL=warn",
		"AIGUILLAGE_PUBLIC_READ_RATE=0",
		"AIGUILLAGE_PUBLIC_WRITE_RATE=0",
		"AIGUILLAGE_PUBLIC_EVENTS_RATE=0",
		"AIGUILLAGE_SHUTDOWN_DRAIN=1500ms", // > 2 failed polls 100 ms apart + a request's latency
		"AIGUILLAGE_SHUTDOWN_TIMEOUT=10s",
	}
	start := time.Now()
	run(ctx, t, bin, env, "migrate")
	run(ctx, t, bin, env, "demo")
	t.Logf("migrate and demo: %s", time.Since(start).Round(time.Millisecond))
	eventsBefore := countEvents(ctx, t, dbURL)

	// Two replicas on fixed addresses, as a load balancer knows them.
	backends := []*backend{{name: "A", addr: freeAddr(t)}, {name: "B", addr: freeAddr(t)}}
	for _, b := range backends {
		b.start(t, bin, env)
	}
	t.Cleanup(func() {
		for _, b := range backends {
			if b.cmd != nil {
				_ = b.stop(t)
			}
		}
	})
	lb := newBalancer(ctx, backends)
	front := httptest.NewServer(lb)
	defer front.Close()
	for _, b := range backends {
		lb.waitHealthy(t, b, 60*time.Second)
	}

	// The load: reads of the three kinds and batches of 5 usage events,
	// 150 requests per second, until the restarts are over.
	const perBatch = 5
	var seq atomic.Int64
	events := fmt.Sprintf(`[%s]`, strings.TrimSuffix(strings.Repeat(`{"type":"search","query":"loyer","results":1},`, perBatch), ","))
	reads := []string{
		"/api/v1/public/organisations/var/journeys/social",
		"/api/v1/public/organisations/var",
		"/api/v1/public/search?" + url.Values{"q": {"aide au logement"}, "commune": {"83137"}}.Encode(),
	}
	targeter := func(tg *vegeta.Target) error {
		n := seq.Add(1)
		tg.Header = http.Header{}
		if n%4 == 0 {
			tg.Method, tg.URL = http.MethodPost, front.URL+"/api/v1/public/events"
			tg.Body = fmt.Appendf(nil, `{"partner":"var","entry":"logement","session":"rolling-session-%08d","events":%s}`, n, events)
			tg.Header.Set("Content-Type", "text/plain;charset=UTF-8")
			return nil
		}
		tg.Method, tg.URL, tg.Body = http.MethodGet, front.URL+reads[n%4-1], nil
		return nil
	}
	attacker := vegeta.NewAttacker(vegeta.Timeout(15*time.Second), vegeta.KeepAlive(true), vegeta.Workers(16), vegeta.MaxWorkers(256))
	results := attacker.Attack(targeter, vegeta.Rate{Freq: 150, Per: time.Second}, 0, "rolling restart")
	type outcome struct {
		total, accepted, events int
		failures                []string
	}
	done := make(chan outcome, 1)
	go func() {
		var o outcome
		for r := range results {
			o.total++
			switch {
			case r.Error == "" && r.Method == http.MethodPost && r.Code == http.StatusAccepted:
				o.accepted++
				o.events += perBatch
			case r.Error == "" && r.Method == http.MethodGet && r.Code == http.StatusOK:
			default:
				if len(o.failures) < 20 {
					o.failures = append(o.failures, fmt.Sprintf("%s %s at %s: %d %s %.200s", r.Method, r.URL, r.Timestamp.Sub(start).Round(time.Millisecond), r.Code, r.Error, r.Body))
				}
			}
		}
		done <- o
	}()

	time.Sleep(time.Second)
	for _, b := range backends {
		stopped := time.Now()
		if err := b.stop(t); err != nil {
			attacker.Stop()
			t.Fatalf("replica %s: %v", b.name, err)
		}
		took := time.Since(stopped)
		b.start(t, bin, env)
		lb.waitHealthy(t, b, 60*time.Second)
		t.Logf("replica %s: stopped in %s after SIGTERM, back in rotation %s later", b.name, took.Round(time.Millisecond),
			time.Since(stopped).Round(time.Millisecond))
		time.Sleep(time.Second)
	}
	attacker.Stop()
	o := <-done

	// Stop both (their buffers are written), then count.
	for _, b := range backends {
		if err := b.stop(t); err != nil {
			t.Fatalf("replica %s: %v", b.name, err)
		}
	}
	written := countEvents(ctx, t, dbURL) - eventsBefore
	t.Logf("%d requests through the load balancer in %s, %d batches of events accepted (%d events), %d written; routed: A %d, B %d",
		o.total, time.Since(start).Round(time.Millisecond), o.accepted, o.events, written, backends[0].routed.Load(), backends[1].routed.Load())
	if len(o.failures) > 0 {
		t.Errorf("%d failed requests, e.g.:\n%s", len(o.failures), strings.Join(o.failures, "\n"))
	}
	if o.accepted == 0 || written != int64(o.events) {
		t.Errorf("%d events accepted, %d written", o.events, written)
	}
	if lb.noBackend.Load() > 0 {
		t.Errorf("%d requests found no replica in rotation", lb.noBackend.Load())
	}
}

func countEvents(ctx context.Context, t *testing.T, dbURL string) int64 {
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
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM usage_events").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// freeAddr returns a loopback address no one listens on (a replica
// restarts on the same one).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// backend is one replica: an `aiguillage serve` process on a fixed address.
type backend struct {
	name, addr string
	healthy    atomic.Bool
	routed     atomic.Int64

	cmd    *exec.Cmd
	exited chan error
	stderr *bytes.Buffer
}

func (b *backend) start(t *testing.T, bin string, env []string) {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = childEnv(append(env, "AIGUILLAGE_ADDR="+b.addr))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	b.stderr = new(bytes.Buffer)
	cmd.Stderr = b.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	b.cmd, b.exited = cmd, make(chan error, 1)
	exited := b.exited
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if line := sc.Text(); testing.Verbose() && strings.Contains(line, "level=") {
				t.Logf("%s: %s", b.name, line)
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		exited <- cmd.Wait()
	}()
}

// stop sends SIGTERM and waits for a clean exit.
func (b *backend) stop(t *testing.T) error {
	t.Helper()
	cmd := b.cmd
	b.cmd = nil
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case err := <-b.exited:
		if err != nil {
			return fmt.Errorf("exit after SIGTERM: %v\n%s", err, b.stderr.Bytes())
		}
		return nil
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		return fmt.Errorf("still running 20 s after SIGTERM\n%s", b.stderr.Bytes())
	}
}

// balancer is a load balancer as operators run one: round robin over the
// replicas in rotation, no retry. A replica leaves the rotation when its
// /readyz fails twice in a row (one slow answer on a loaded machine is not
// enough), and comes back at the first 200.
type balancer struct {
	backends  []*backend
	proxies   []*httputil.ReverseProxy
	next      atomic.Uint64
	noBackend atomic.Int64
}

func newBalancer(ctx context.Context, backends []*backend) *balancer {
	lb := &balancer{backends: backends}
	transport := &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: 90 * time.Second}
	for _, b := range backends {
		target := &url.URL{Scheme: "http", Host: b.addr}
		lb.proxies = append(lb.proxies, &httputil.ReverseProxy{
			Rewrite:   func(r *httputil.ProxyRequest) { r.SetURL(target); r.SetXForwarded() },
			Transport: transport,
			ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
				http.Error(w, "replica "+b.name+": "+err.Error(), http.StatusBadGateway)
			},
		})
		go lb.poll(ctx, b)
	}
	return lb
}

// poll checks b's /readyz every 100 ms.
func (lb *balancer) poll(ctx context.Context, b *backend) {
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	failures := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		res, err := client.Get("http://" + b.addr + "/readyz")
		ok := err == nil && res.StatusCode == http.StatusOK
		if err == nil {
			_ = res.Body.Close()
		}
		if ok {
			failures = 0
		} else {
			failures++
		}
		b.healthy.Store(failures < 2 && (ok || b.healthy.Load()))
	}
}

func (lb *balancer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for range len(lb.backends) {
		i := int(lb.next.Add(1) % uint64(len(lb.backends)))
		if b := lb.backends[i]; b.healthy.Load() {
			b.routed.Add(1)
			lb.proxies[i].ServeHTTP(w, r)
			return
		}
	}
	lb.noBackend.Add(1)
	http.Error(w, "no replica in rotation", http.StatusServiceUnavailable)
}

func (lb *balancer) waitHealthy(t *testing.T, b *backend, within time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(within); !b.healthy.Load(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("replica %s not in rotation after %s\n%s", b.name, within, b.stderr.Bytes())
		}
	}
}
