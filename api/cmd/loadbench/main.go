// Command loadbench measures the public API under load and writes
// bench/REPORT.md: a bare Echo handler (the ceiling) and the real server,
// built as `aiguillage serve` builds it, on SQLite and PostgreSQL loaded
// with the national commons, the demo, the whole national annuaire extract
// and the synthetic national dataset (api/internal/scalegen), driven by
// vegeta in the same process on loopback. `make bench` runs it.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	neturl "net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/app"
	"github.com/aiguillage/aiguillage/api/internal/benchenv"
	"github.com/aiguillage/aiguillage/api/internal/config"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/geo"
	"github.com/aiguillage/aiguillage/api/internal/importer"
	"github.com/aiguillage/aiguillage/api/internal/scalegen"
	"github.com/aiguillage/aiguillage/api/internal/search/searchtest"
	"github.com/aiguillage/aiguillage/api/internal/store"
)

type options struct {
	scales     []int
	dialects   []string
	conc       []int
	duration   time.Duration
	warmup     time.Duration
	rateFor    time.Duration
	eventsFor  time.Duration
	pgURL      string
	workDir    string
	out        string
	recorded   string
	command    string
	cpuProfile string
	reuse      bool
	rollUp     bool
}

func main() {
	var o options
	scales := flag.String("scales", benchenv.Or("BENCH_SCALES", "1"), "data scales to run, comma-separated (1 = 10,000 contact points, 50 partners, 1,000,000 events; env BENCH_SCALES)")
	dialects := flag.String("dialects", benchenv.Or("BENCH_DIALECTS", "sqlite,postgres"), "databases, comma-separated (env BENCH_DIALECTS)")
	conc := flag.String("conc", "1,10,100", "closed-loop connection counts")
	flag.DurationVar(&o.duration, "duration", envDuration("BENCH_DURATION", 3*time.Second), "each closed-loop step (env BENCH_DURATION; longer for steadier figures)")
	flag.DurationVar(&o.warmup, "warmup", time.Second, "warm-up before each endpoint")
	flag.DurationVar(&o.rateFor, "rate-duration", envDuration("BENCH_RATE_DURATION", 5*time.Second), "the open-loop search step at 200 req/s")
	flag.DurationVar(&o.eventsFor, "events-duration", envDuration("BENCH_EVENTS_DURATION", 5*time.Second), "the event ingestion step")
	flag.StringVar(&o.pgURL, "pg", benchenv.Or("AIGUILLAGE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"), "PostgreSQL server (a database bench_<scale>x is created on it, then dropped)")
	flag.StringVar(&o.workDir, "work", "", "folder for the SQLite files (default: a temporary folder, removed)")
	flag.StringVar(&o.out, "out", "bench/REPORT.md", "report file")
	flag.StringVar(&o.recorded, "recorded", "bench/results-10x.json", "results of the opt-in 10× run: written when the run includes scale 10, shown in the scale table otherwise")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the measurements (data loading left out)")
	flag.BoolVar(&o.rollUp, "rollup", false, "roll the generated history up before measuring (396 days at once: minutes at 1×, much longer at 10×)")
	flag.BoolVar(&o.reuse, "reuse", false, "keep the databases (with -work for SQLite) and reuse those already filled: for profiling, not for the report")
	flag.Parse()
	var err error
	if o.scales, err = ints(*scales); err != nil {
		fatal(err)
	}
	if o.conc, err = ints(*conc); err != nil {
		fatal(err)
	}
	o.dialects = strings.Split(*dialects, ",")
	o.command = "make bench"
	if s := os.Getenv("BENCH_SCALES"); s != "" && s != "1" {
		o.command = "make bench BENCH_SCALES=" + s
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "loadbench:", err)
	os.Exit(1)
}

func envDuration(k string, def time.Duration) time.Duration {
	if v := os.Getenv(k); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
		fatal(fmt.Errorf("%s: %q is not a duration", k, v))
	}
	return def
}

func ints(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%q: want positive integers separated by commas", s)
		}
		out = append(out, n)
	}
	return out, nil
}

func logf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, a...)...)
}

func run(ctx context.Context, o options) error {
	began := time.Now()
	defer stopCPUProfile()
	if o.workDir == "" {
		dir, err := os.MkdirTemp("", "loadbench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		o.workDir = dir
	}
	ceiling, stopCeiling, err := startCeiling()
	if err != nil {
		return err
	}
	defer stopCeiling()
	ref, err := geo.Load()
	if err != nil {
		return err
	}
	meta := Meta{Date: time.Now().UTC().Format("2006-01-02 15:04 MST"), Machine: benchenv.Machine(), GoVersion: runtime.Version(), Commit: benchenv.Commit(), Command: o.command}
	meta.Data = append(meta.Data, "national commons (themes, pivot types, helplines, emergency numbers, 3,213 service-public.fr fiches) and the demo partners with their published journeys",
		fmt.Sprintf("the whole national annuaire extract the search benchmark uses (`%s`, 20,786 offices)", filepath.Base(searchtest.NationalFile)))
	meta.Notes = notes
	var results []Result
	for _, scale := range o.scales {
		for _, d := range o.dialects {
			rs, data, err := benchOne(ctx, o, ref, ceiling, scale, strings.TrimSpace(d))
			if err != nil {
				return fmt.Errorf("%s %d×: %w", d, scale, err)
			}
			results = append(results, rs...)
			meta.Data = append(meta.Data, data)
		}
	}
	meta.Duration = time.Since(began)
	var at10 []Result
	for _, r := range results {
		if r.Scale != 1 {
			at10 = append(at10, r)
		}
	}
	if len(at10) > 0 && o.recorded != "" {
		b, _ := json.MarshalIndent(struct {
			Date, Commit, Command string
			Results               []Result
		}{meta.Date, meta.Commit, o.command, at10}, "", "  ")
		if err := os.WriteFile(o.recorded, append(b, '\n'), 0o644); err != nil {
			return err
		}
	} else if o.recorded != "" {
		if b, err := os.ReadFile(o.recorded); err == nil {
			var rec struct {
				Date, Commit, Command string
				Results               []Result
			}
			if err := json.Unmarshal(b, &rec); err != nil {
				return fmt.Errorf("%s: %w", o.recorded, err)
			}
			meta.Recorded = rec.Results
			whole := ""
			if _, err := os.Stat(filepath.Join(filepath.Dir(o.out), "REPORT-1x-10x.md")); err == nil {
				whole = "; its whole report is [REPORT-1x-10x.md](REPORT-1x-10x.md)"
			}
			meta.RecordedNote = fmt.Sprintf("The 10× columns come from `%s`, recorded on %s at commit %s on the same machine (in `%s`; the 10× run is opt-in: it generates 10,000,000 events per database%s); the 1× columns are this run's.",
				rec.Command, rec.Date, rec.Commit, o.recorded, whole)
		}
	}
	f, err := os.Create(o.out)
	if err != nil {
		return err
	}
	if err := WriteReport(io.MultiWriter(f, os.Stdout), meta, results); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// notes explain how to read the report.
var notes = []string{
	"Closed loop at 100 connections: by Little's law the mean latency is connections ÷ throughput, so at 100 saturating connections p99 measures the queue in front of a saturated 2-core machine (the ceiling's own p99 is in the same table) more than the server's work. The paced rows keep the same 100 connections below saturation (1,000 req/s) and show the latency of the server itself.",
	"The load generator, the ceiling and the server share the machine's CPUs: absolute figures are lower than with a separate client machine; the ratios to the ceiling, measured minutes apart in the same process, are the comparable figures. Other work running on the machine at the same time lowers every figure.",
	"Event ingestion: 10 connections post batches of 10 events (a widget session from load to contact; its outcome lists 3 contact points, stored as 3 more `shown` rows: 13 rows a batch; the widget sends up to 50 events a batch); the server answers 202 before writing, so the figure is rows counted in the database after the background writer drained its buffer, over the whole posting and writing time.",
	"The generated usage history is not rolled up before measuring and the usage maintenance is not started (`app.WithoutMaintenance`): rolling 396 days up at once takes minutes at 1× and would run during the measurements (in production the maintenance rolls up one closed day a day). `go run ./api/cmd/scalegen -db URL -scale N` generates the same data and rolls it up.",
	"Search is measured with the queries of `api/internal/search/testdata/dev.tsv` and their communes, in turn; it is not cached (every query is resolved against the index and the directory).",
}

// startCeiling serves fixed bytes from a bare Echo handler.
func startCeiling() (string, func(), error) {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	body := []byte(`{"slug":"var","name":"Département du Var","kind":"departement"}`)
	e.GET("/", func(c echo.Context) error { return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, body) })
	return serveOn(e)
}

func serveOn(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 32 << 10}
	go func() { _ = hs.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = hs.Shutdown(ctx)
	}, nil
}

// benchOne prepares one database at one scale, starts the real server on
// it and measures every endpoint.
func benchOne(ctx context.Context, o options, ref *geo.Reference, ceiling string, scale int, dialect string) ([]Result, string, error) {
	var url string
	switch dialect {
	case "sqlite":
		url = "sqlite:" + filepath.Join(o.workDir, fmt.Sprintf("bench-%dx.db", scale))
	case "postgres":
		u, drop, err := createPostgres(ctx, o.pgURL, fmt.Sprintf("bench_%dx", scale), o.reuse)
		if err != nil {
			return nil, "", err
		}
		if !o.reuse {
			defer drop()
		}
		url = u
	default:
		return nil, "", fmt.Errorf("unknown database %q (sqlite, postgres)", dialect)
	}
	quiet := slog.New(slog.DiscardHandler)
	env := map[string]string{
		"AIGUILLAGE_DATABASE_URL":      url,
		"AIGUILLAGE_PUBLIC_READ_RATE":  "0",
		"AIGUILLAGE_PUBLIC_WRITE_RATE": "0",
		// Events are limited per client address; the benchmark posts
		// from one.
		"AIGUILLAGE_PUBLIC_EVENTS_RATE": "0",
		"AIGUILLAGE_EVENTS_BUFFER":      "10000000",
	}
	// Other settings (pool sizes…) from the environment, as `serve`.
	cfg, err := config.Load(func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return os.Getenv(k)
	})
	if err != nil {
		return nil, "", err
	}
	s, err := store.Open(ctx, url, store.Options{Logger: quiet, Pool: cfg.DBPool})
	if err != nil {
		return nil, "", err
	}
	defer s.Close()
	var data string
	if _, err := s.FindOrganisationBySlug(ctx, scalegen.PartnerSlug(0)); o.reuse && err == nil {
		data = fmt.Sprintf("%s, %d×: reused from an earlier run (-reuse)", dialect, scale)
	} else if data, err = load(ctx, cfg, quiet, s, ref, scale, dialect, o.rollUp); err != nil {
		return nil, "", err
	}

	// The application logs one line per request, as in production; to a
	// discarding JSON handler, so that formatting is measured.
	log := slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: cfg.LogLevel}))
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Without the usage maintenance: it would roll the generated history
	// up while the endpoints are measured (in production it rolls up one
	// closed day a day).
	srv, err := app.NewServer(sctx, cfg, log, s, ref, app.WithoutMaintenance())
	if err != nil {
		return nil, "", err
	}
	target, stopServer, err := serveOn(srv.Handler)
	if err != nil {
		return nil, "", err
	}
	defer stopServer()

	if err := startCPUProfile(o.cpuProfile); err != nil {
		return nil, "", err
	}
	var partners []string
	for i := range scalegen.Partners(float64(scale)) {
		partners = append(partners, scalegen.PartnerSlug(i))
	}
	queries, err := searchQueries()
	if err != nil {
		return nil, "", err
	}
	b := &bencher{o: o, scale: scale, dialect: dialect, ceiling: fixed(ceiling + "/")}
	endpoints := []struct {
		name string
		tr   targeter
	}{
		{Ceiling, fixed(ceiling + "/")},
		{Journey, rotate(target, partners, func(p string) string { return "/api/v1/public/organisations/" + p + "/journeys/" + scalegen.EntrySlug })},
		{OrgConf, rotate(target, partners, func(p string) string { return "/api/v1/public/organisations/" + p })},
		{Communes, rotate(target, communePrefixes, func(q string) string { return "/api/v1/public/communes?q=" + neturl.QueryEscape(q) })},
		{Search, rotate(target, queries, func(q string) string { return "/api/v1/public/search?" + q })},
	}
	for _, e := range endpoints {
		if err := b.closedLoop(ctx, e.name, e.tr); err != nil {
			return nil, "", err
		}
	}
	if err := b.openLoop(ctx, Search, rotate(target, queries, func(q string) string { return "/api/v1/public/search?" + q }), SearchRate); err != nil {
		return nil, "", err
	}
	if err := b.ingest(ctx, s, srv, target, partners); err != nil {
		return nil, "", err
	}
	cancel()
	if err := srv.Close(context.Background()); err != nil {
		return nil, "", err
	}
	return b.results, data, nil
}

// load fills the database: commons, demo and its journeys, the national
// annuaire extract, then the synthetic dataset at this scale.
func load(ctx context.Context, cfg *config.Config, quiet *slog.Logger, s *store.Store, ref *geo.Reference, scale int, dialect string, rollUp bool) (string, error) {
	logf("%s %d×: loading data", dialect, scale)
	start := time.Now()
	if _, err := s.Migrate(ctx); err != nil {
		return "", err
	}
	if err := app.LoadDemo(ctx, cfg, quiet, s, ref); err != nil {
		return "", err
	}
	org, err := s.FindOrganisationBySlug(ctx, domain.CommonsSlug)
	if err != nil {
		return "", err
	}
	if _, err := importer.ImportFS(ctx, searchtest.National, searchtest.NationalFile, importer.Options{Store: s, Communes: ref, OrganisationID: org.ID, Logger: quiet}); err != nil {
		return "", fmt.Errorf("import the national annuaire: %w", err)
	}
	base := time.Since(start)
	st, err := scalegen.Generate(ctx, s, ref, scalegen.Options{Scale: float64(scale), Seed: 1, Logger: quiet, NoRollUp: !rollUp})
	if err != nil {
		return "", err
	}
	rolled := "not rolled up (-rollup to roll them up)"
	if rollUp {
		rolled = fmt.Sprintf("%d days rolled up in %s", st.DaysRolledUp, st.RollUpTime.Round(time.Second))
	}
	data := fmt.Sprintf("%s, %d×: %d partners with a published journey, %d synthetic contact points, %d usage events over 13 months, %s; "+
		"commons, demo and annuaire loaded in %s, synthetic directory generated in %s, events in %s",
		dialect, scale, st.Partners, st.ContactPoints, st.Events, rolled, base.Round(time.Second),
		(st.PartnersTime + st.ContactPointsTime).Round(time.Second), st.EventsTime.Round(time.Second))
	logf("%s", data)
	return data, nil
}

// createPostgres creates (or, reusing, keeps) the database name on the
// server of server (any database of it), and returns its URL and a function
// dropping it.
func createPostgres(ctx context.Context, server, name string, reuse bool) (string, func(), error) {
	u, err := neturl.Parse(server)
	if err != nil {
		return "", nil, fmt.Errorf("PostgreSQL URL: %w", err)
	}
	u.Path = "/postgres"
	s, err := store.Open(ctx, u.String(), store.Options{})
	if err != nil {
		return "", nil, fmt.Errorf("PostgreSQL at %s: %w", u.Redacted(), err)
	}
	db, err := s.SQLDB()
	if err != nil {
		return "", nil, err
	}
	var exists bool
	if err := db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", nil, err
	}
	if exists && !reuse {
		if _, err := db.ExecContext(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			return "", nil, err
		}
	}
	if !exists || !reuse {
		if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
			return "", nil, err
		}
	}
	u.Path = "/" + name
	return u.String(), func() {
		_, _ = db.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		_ = s.Close()
	}, nil
}
