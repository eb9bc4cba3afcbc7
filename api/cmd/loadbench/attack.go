package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/aiguillage/aiguillage/api/internal/app"
	"github.com/aiguillage/aiguillage/api/internal/store"
)

type targeter = vegeta.Targeter

func fixed(u string) targeter {
	return vegeta.NewStaticTargeter(vegeta.Target{Method: http.MethodGet, URL: u})
}

// rotate requests base+path(item) for each item in turn.
func rotate(base string, items []string, path func(string) string) targeter {
	urls := make([]string, len(items))
	for i, it := range items {
		urls[i] = base + path(it)
	}
	var n atomic.Uint64
	return func(t *vegeta.Target) error {
		i := n.Add(1) - 1
		t.Method, t.URL, t.Body, t.Header = http.MethodGet, urls[i%uint64(len(urls))], nil, nil
		return nil
	}
}

// communePrefixes are what residents type in the commune field, from two
// letters to whole names, with and without accents.
var communePrefixes = []string{"par", "mars", "lyo", "toul", "toulon", "bord", "nan", "lil", "stras", "arr", "arras", "mont", "saint", "st et",
	"val", "bou", "cha", "ville", "aix", "nic", "rennes", "brest", "cle", "perpi", "ajac", "bastia", "fort de", "saint-denis", "cayen",
	"hyeres", "hyères", "la seyne", "draguignan", "frejus", "béziers", "beziers", "le mans", "angers", "tours", "dijon", "metz", "nancy", "reims", "amiens", "rouen", "caen", "limoges"}

// searchQueries reads the search development set: what a resident types
// and where they live.
func searchQueries() ([]string, error) {
	f, err := os.Open("api/internal/search/testdata/dev.tsv")
	if err != nil {
		return nil, fmt.Errorf("the search development set (run from the repository root): %w", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 2 || cols[0] == "query" {
			continue
		}
		v := url.Values{"q": {cols[0]}}
		if cols[1] != "" {
			v.Set("commune", cols[1])
		}
		out = append(out, v.Encode())
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no query in the search development set")
	}
	return out, sc.Err()
}

type bencher struct {
	o       options
	scale   int
	dialect string
	results []Result
	// ceiling is the bare handler each cached read is measured beside.
	ceiling targeter
}

// attack runs one vegeta attack and summarises it. conc 0 lets vegeta
// add workers as the pacer needs them.
func attack(ctx context.Context, tr targeter, pacer vegeta.Pacer, conc int, d time.Duration, wantStatus int) Result {
	opts := []func(*vegeta.Attacker){vegeta.KeepAlive(true), vegeta.Timeout(30 * time.Second), vegeta.Redirects(vegeta.NoFollow)}
	if conc > 0 {
		opts = append(opts, vegeta.Workers(uint64(conc)), vegeta.MaxWorkers(uint64(conc)), vegeta.Connections(conc), vegeta.MaxConnections(conc))
	} else {
		opts = append(opts, vegeta.Connections(1000))
	}
	atk := vegeta.NewAttacker(opts...)
	var lat []time.Duration
	var r Result
	var first, last time.Time
	stop := context.AfterFunc(ctx, func() { atk.Stop() })
	defer stop()
	for res := range atk.Attack(tr, pacer, d, "") {
		r.Requests++
		if first.IsZero() || res.Timestamp.Before(first) {
			first = res.Timestamp
		}
		if end := res.Timestamp.Add(res.Latency); end.After(last) {
			last = end
		}
		if res.Error != "" || int(res.Code) != wantStatus {
			r.Errors++
			if r.Errors <= 3 {
				logf("  error: %d %s %.200s", res.Code, res.Error, res.Body)
			}
			continue
		}
		lat = append(lat, res.Latency)
	}
	slices.Sort(lat)
	q := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	r.P50, r.P99 = q(0.50), q(0.99)
	if el := last.Sub(first); el > 0 {
		r.RPS = float64(len(lat)) / el.Seconds()
	}
	return r
}

// closedLoop measures an endpoint at each concurrency: each connection
// sends its next request as soon as its answer arrives.
func (b *bencher) closedLoop(ctx context.Context, name string, tr targeter) error {
	attack(ctx, tr, vegeta.Rate{}, 10, b.o.warmup, http.StatusOK) // fills the caches, opens connections
	for _, c := range b.o.conc {
		if err := ctx.Err(); err != nil {
			return err
		}
		paired := name != Ceiling && name != Search && b.ceiling != nil
		var before Result
		if paired {
			before = attack(ctx, b.ceiling, vegeta.Rate{}, c, b.o.duration, http.StatusOK)
		}
		r := attack(ctx, tr, vegeta.Rate{}, c, b.o.duration, http.StatusOK)
		r.Scale, r.Dialect, r.Endpoint, r.Conc = b.scale, b.dialect, name, c
		if paired {
			after := attack(ctx, b.ceiling, vegeta.Rate{}, c, b.o.duration, http.StatusOK)
			r.CeilingRPS = (before.RPS + after.RPS) / 2
		}
		logf("%s %d× %-34s c=%-3d %8.0f req/s  p50 %7.2f ms  p99 %7.2f ms  errors %d  (ceiling beside it: %.0f req/s)", b.dialect, b.scale, name, c, r.RPS,
			float64(r.P50)/1e6, float64(r.P99)/1e6, r.Errors, r.CeilingRPS)
		b.results = append(b.results, r)
	}
	if name == Search {
		return nil
	}
	// The same connections paced below saturation: in a closed loop the
	// mean latency is connections / throughput (Little's law), so p99 at
	// 100 saturating connections measures the queue more than the server.
	r := attack(ctx, tr, vegeta.Rate{Freq: PacedRate, Per: time.Second}, CachedConc, b.o.duration, http.StatusOK)
	r.Scale, r.Dialect, r.Endpoint, r.Conc, r.Rate = b.scale, b.dialect, name, CachedConc, PacedRate
	logf("%s %d× %-34s c=%d paced at %d req/s: p50 %.2f ms  p99 %.2f ms  errors %d", b.dialect, b.scale, name, CachedConc, PacedRate,
		float64(r.P50)/1e6, float64(r.P99)/1e6, r.Errors)
	b.results = append(b.results, r)
	return nil
}

// openLoop sends rate requests per second whatever the answers' pace.
func (b *bencher) openLoop(ctx context.Context, name string, tr targeter, rate int) error {
	r := attack(ctx, tr, vegeta.Rate{Freq: rate, Per: time.Second}, 0, b.o.rateFor, http.StatusOK)
	r.Scale, r.Dialect, r.Endpoint, r.Rate = b.scale, b.dialect, name, rate
	logf("%s %d× %-34s %d req/s open loop: p50 %.2f ms  p99 %.2f ms  errors %d", b.dialect, b.scale, name, rate, float64(r.P50)/1e6, float64(r.P99)/1e6, r.Errors)
	b.results = append(b.results, r)
	return nil
}

// batchEvents is one widget batch (a page's session from load to contact):
// 10 events, of which the outcome lists 3 contact points, so 13 rows.
const (
	batchEvents = 10
	batchRows   = 13
	eventsBody  = `{"partner":%q,"entry":"logement","session":"bench-%016x","events":[
{"type":"loaded"},{"type":"search","query":"j'ai plus de sous pour le loyer","results":4},
{"type":"step","journey":"aides-logement","step":"besoin"},{"type":"step","journey":"aides-logement","step":"besoin","answered":true},
{"type":"step","journey":"aides-logement","step":"ou"},{"type":"step","journey":"aides-logement","step":"ou","answered":true},
{"type":"outcome","journey":"aides-logement","step":"caf-aide-logement","outcome":"6f1c7a52-3d0e-4b8e-9a43-2f5d0c9e7b11","contact_points":["6f1c7a52-3d0e-4b8e-9a43-2f5d0c9e7b12","6f1c7a52-3d0e-4b8e-9a43-2f5d0c9e7b13","6f1c7a52-3d0e-4b8e-9a43-2f5d0c9e7b14"]},
{"type":"contact","contact_point":"6f1c7a52-3d0e-4b8e-9a43-2f5d0c9e7b12","channel":"phone"},{"type":"feedback"},{"type":"exit"}]}`
	ingestConc = 10
)

// ingest posts event batches, as navigator.sendBeacon sends them, waits
// for the writer to drain its buffer, then counts the rows in the
// database: the figure is events persisted per second, not answers.
func (b *bencher) ingest(ctx context.Context, s *store.Store, srv *app.Server, target string, partners []string) error {
	db, err := s.SQLDB()
	if err != nil {
		return err
	}
	count := func() (int64, error) {
		var n int64
		err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM usage_events").Scan(&n)
		return n, err
	}
	var n atomic.Uint64
	hdr := http.Header{"Content-Type": {"text/plain;charset=UTF-8"}}
	tr := func(t *vegeta.Target) error {
		i := n.Add(1)
		t.Method, t.URL, t.Header = http.MethodPost, target+"/api/v1/public/events", hdr
		t.Body = fmt.Appendf(nil, eventsBody, partners[i%uint64(len(partners))], i)
		return nil
	}
	attack(ctx, tr, vegeta.Rate{}, ingestConc, b.o.warmup, http.StatusAccepted)
	if err := drain(ctx, srv); err != nil {
		return err
	}
	before, err := count()
	if err != nil {
		return err
	}
	start := time.Now()
	r := attack(ctx, tr, vegeta.Rate{}, ingestConc, b.o.eventsFor, http.StatusAccepted)
	if err := drain(ctx, srv); err != nil {
		return err
	}
	elapsed := time.Since(start)
	after, err := count()
	if err != nil {
		return err
	}
	accepted := r.Requests - r.Errors
	r.Rows = after - before
	if want := int64(accepted) * batchRows; r.Rows != want {
		logf("  %d rows written, %d expected", r.Rows, want)
		r.Errors++
	}
	r.EventsPerSec = float64(r.Rows) / batchRows * batchEvents / elapsed.Seconds()
	r.Scale, r.Dialect, r.Endpoint, r.Conc = b.scale, b.dialect, Events, ingestConc
	logf("%s %d× %-34s c=%d %8.0f batches/s  p99 %.2f ms; %d rows in %.1fs: %.0f events/s persisted", b.dialect, b.scale, Events, ingestConc,
		r.RPS, float64(r.P99)/1e6, r.Rows, elapsed.Seconds(), r.EventsPerSec)
	b.results = append(b.results, r)
	return nil
}

// drain waits until every accepted event is written.
func drain(ctx context.Context, srv *app.Server) error {
	deadline := time.Now().Add(5 * time.Minute)
	for srv.Impact.Pending() > 0 {
		if time.Now().After(deadline) {
			return fmt.Errorf("%d events still not written after 5 minutes", srv.Impact.Pending())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	return nil
}
