package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Communes of the load: the demo partners' (Var, Lille) and big cities.
var communes = []string{"83137", "83069", "83126", "59350", "62041", "75056", "13055", "69123", "31555", "06088",
	"44109", "67482", "34172", "33063", "35238", "51454", "42218", "38185", "21231", "49007"}

var communeNames = []string{"toulon", "hyeres", "lille", "arras", "paris", "marseille", "lyon", "toulouse", "nice", "nantes",
	"stras", "montpel", "bordeaux", "rennes", "reims", "saint-e", "grenoble", "dijon", "angers", "la seyne"}

var pivots = []string{"caf", "cpam", "mairie", "france_travail", "cdad"}

var queries = []string{"loyer", "aide au logement", "apl", "carte grise", "passeport", "perte d'emploi", "rsa",
	"allocations familiales", "impots", "retraite", "handicap", "carte vitale", "violences conjugales", "expulsion",
	"surendettement", "chomage", "acte de naissance", "permis de conduire", "carte d'identite", "garde d'enfant",
	"prime d'activite", "aide juridictionnelle", "logement social", "facture d'electricite", "titre de sejour",
	"bourse scolaire", "je ne peux plus payer mon loyer", "mon proprietaire ne rend pas la caution", "xyzzy plugh", "qwertz azerty"}

// targets rotates over the public requests of the load, by weight.
type targets struct {
	reads, searches []string
	base            string
	n               atomic.Uint64
}

// The weights, out of 200 requests: reads, searches, event batches, feedback.
const (
	wReads, wSearches, wEvents, wFeedback = 120, 40, 34, 6
	cycle                                 = wReads + wSearches + wEvents + wFeedback
)

func newTargets(base string) *targets {
	t := &targets{base: base}
	for _, p := range []string{"/api/v1/public/organisations/var", "/api/v1/public/organisations/lille",
		"/api/v1/public/organisations/var/themes", "/api/v1/public/organisations/lille/themes",
		"/api/v1/public/organisations/var/journeys/logement", "/api/v1/public/organisations/var/journeys/social",
		"/api/v1/public/organisations/var/journeys/autonomie", "/api/v1/public/organisations/lille/journeys/demarches",
		"/api/v1/public/pivots"} {
		t.reads = append(t.reads, base+p)
	}
	for i, c := range communes {
		t.reads = append(t.reads,
			base+"/api/v1/public/emergency?commune="+c,
			base+"/api/v1/public/communes?q="+url.QueryEscape(communeNames[i]))
		for _, p := range pivots {
			t.reads = append(t.reads, base+"/api/v1/public/contact-points?pivot="+p+"&commune="+c)
		}
	}
	for i, q := range queries {
		c := communes[i%len(communes)]
		t.searches = append(t.searches,
			base+"/api/v1/public/search?q="+url.QueryEscape(q)+"&commune="+c,
			base+"/api/v1/public/search?q="+url.QueryEscape(q)+"&commune="+c+"&partner=var&entry=logement")
	}
	return t
}

// check asks each read and search once and returns those not answered 200.
func (t *targets) check(c *http.Client) []string {
	var bad []string
	for _, u := range append(append([]string{}, t.reads...), t.searches...) {
		res, err := c.Get(u)
		if err != nil {
			bad = append(bad, u+": "+err.Error())
			continue
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			bad = append(bad, fmt.Sprintf("%s: %d %.200s", u, res.StatusCode, b))
		}
	}
	return bad
}

func (t *targets) next(tg *vegeta.Target) error {
	n := t.n.Add(1) - 1
	i := n % cycle
	*tg = vegeta.Target{Method: http.MethodGet}
	switch {
	case i < wReads:
		tg.URL = t.reads[(n*7919)%uint64(len(t.reads))] // spread over the list
	case i < wReads+wSearches:
		tg.URL = t.searches[(n*104729)%uint64(len(t.searches))]
	case i < wReads+wSearches+wEvents:
		tg.Method, tg.URL = http.MethodPost, t.base+"/api/v1/public/events"
		tg.Header = http.Header{"Content-Type": {"application/json"}}
		q := queries[n%uint64(len(queries))]
		tg.Body = fmt.Appendf(nil, `{"partner":"var","entry":"logement","session":"soaksession%08d","events":[{"type":"loaded"},{"type":"search","query":%q,"results":3},{"type":"exit"}]}`, n%1000, q)
	default:
		tg.Method, tg.URL = http.MethodPost, t.base+"/api/v1/public/feedback"
		tg.Header = http.Header{"Content-Type": {"application/json"}}
		tg.Body = fmt.Appendf(nil, `{"partner":"var","entry":"logement","useful":%t,"query":%q,"comment":"Réponse numéro %d, merci."}`, n%2 == 0, queries[n%uint64(len(queries))], n)
	}
	return nil
}

func kindOf(r *vegeta.Result) string {
	switch {
	case strings.HasSuffix(r.URL, "/events"):
		return "usage events"
	case strings.HasSuffix(r.URL, "/feedback"):
		return "feedback"
	case strings.Contains(r.URL, "/public/search"):
		return "search"
	}
	return "public read"
}

// adminLoop is a référent at work: every every, a theme is created, then
// deleted the next time; the access token is renewed by logging in again
// every 5 minutes (it lives 10).
func adminLoop(ctx context.Context, base string, every time.Duration, record func(*vegeta.Result)) {
	c := &http.Client{Timeout: 30 * time.Second}
	defer c.CloseIdleConnections()
	do := func(method, u, token, body string) (int, []byte) {
		start := time.Now()
		req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), method, u, strings.NewReader(body))
		res := &vegeta.Result{Attack: "soak", Timestamp: start, Method: method, URL: u}
		defer func() { record(res) }()
		if err != nil {
			res.Error = err.Error()
			return 0, nil
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		r, err := c.Do(req)
		res.Latency = time.Since(start)
		if err != nil {
			res.Error = err.Error()
			return 0, nil
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		res.Code, res.Body = uint16(r.StatusCode), b
		if r.StatusCode >= 300 {
			res.Error = http.StatusText(r.StatusCode)
		}
		return r.StatusCode, b
	}
	var token string
	var loggedIn time.Time
	tick := time.NewTicker(every)
	defer tick.Stop()
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if token == "" || time.Since(loggedIn) > 5*time.Minute {
			code, b := do(http.MethodPost, base+"/api/v1/auth/login", "", `{"email":"admin@var.demo.aiguillage.fr","password":"demo-var-admin-2026"}`)
			var tok struct {
				AccessToken string `json:"access_token"`
			}
			if code != http.StatusOK || json.Unmarshal(b, &tok) != nil {
				continue
			}
			token, loggedIn = tok.AccessToken, time.Now()
		}
		slug := fmt.Sprintf("soak-%d", n/2)
		if n%2 == 0 {
			do(http.MethodPost, base+"/api/v1/admin/organisations/var/themes", token, fmt.Sprintf(`{"slug":%q,"label":"Thème d'endurance %d"}`, slug, n/2))
		} else {
			do(http.MethodDelete, base+"/api/v1/admin/organisations/var/themes/"+slug, token, "")
		}
	}
}

// tally counts the results by kind and by minute.
type tally struct {
	start        time.Time
	byKind       map[string]*vegeta.Metrics
	byMinute     map[int]*vegeta.Metrics
	sampleErrors int
	firstErrors  []string
}

func newTally(start time.Time) *tally {
	return &tally{start: start, byKind: map[string]*vegeta.Metrics{}, byMinute: map[int]*vegeta.Metrics{}}
}

func (t *tally) add(r *vegeta.Result, kind string) {
	ok := r.Error == "" && r.Code >= 200 && r.Code < 300
	if !ok {
		if r.Error == "" {
			r.Error = fmt.Sprintf("status %d", r.Code)
		}
		if len(t.firstErrors) < 5 {
			t.firstErrors = append(t.firstErrors, fmt.Sprintf("%s %s: %d %s %.200s", r.Method, r.URL, r.Code, r.Error, bytes.TrimSpace(r.Body)))
		}
	}
	for _, m := range []map[string]*vegeta.Metrics{t.byKind} {
		if m[kind] == nil {
			m[kind] = &vegeta.Metrics{}
		}
		m[kind].Add(r)
	}
	min := int(r.Timestamp.Sub(t.start) / time.Minute)
	if t.byMinute[min] == nil {
		t.byMinute[min] = &vegeta.Metrics{}
	}
	t.byMinute[min].Add(r)
}

// KindStat sums up one kind of request.
type KindStat struct {
	Kind             string
	Requests, Errors uint64
	P50, P99, Max    time.Duration
}

// MinuteStat sums up one minute of load.
type MinuteStat struct {
	Minute           int
	Requests, Errors uint64
	P50, P99         time.Duration
}

func stat(m *vegeta.Metrics) (req, errs uint64, p50, p99, max time.Duration) {
	m.Close()
	ok := uint64(0)
	for code, n := range m.StatusCodes {
		if c := code; len(c) == 3 && c[0] == '2' {
			ok += uint64(n)
		}
	}
	return m.Requests, m.Requests - ok, m.Latencies.P50, m.Latencies.P99, m.Latencies.Max
}

func (t *tally) kinds() []KindStat {
	var out []KindStat
	for k, m := range t.byKind {
		s := KindStat{Kind: k}
		s.Requests, s.Errors, s.P50, s.P99, s.Max = stat(m)
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Requests > out[j].Requests })
	return out
}

func (t *tally) minutes() []MinuteStat {
	var out []MinuteStat
	for n, m := range t.byMinute {
		s := MinuteStat{Minute: n}
		s.Requests, s.Errors, s.P50, s.P99, _ = stat(m)
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Minute < out[j].Minute })
	return out
}
