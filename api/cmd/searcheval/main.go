// Command searcheval measures the search on evaluation sets (make eval):
// the share of queries answered in the first result and in the first three,
// the mean reciprocal rank, the zero-result rate, the emergency recall and
// the false emergency rate, and lists the misses. In the same run it scores
// a baseline on the same data: PostgreSQL French full-text search
// (websearch_to_tsquery('french', unaccent(…)) ranked by ts_rank) over the
// service-public.fr fiches, each fiche resolved to contact points exactly as
// the search resolves it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"

	"github.com/jackc/pgx/v5"

	"github.com/aiguillage/aiguillage/api/internal/search"
	"github.com/aiguillage/aiguillage/api/internal/search/searchtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "searcheval:", err)
		os.Exit(1)
	}
}

// Targets of the development set (DESIGN.md).
const (
	targetTop3          = 0.90
	targetMRR           = 0.75
	targetZero          = 0.05
	targetFalseEmergent = 0.02
)

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("searcheval", flag.ContinueOnError)
	pgURL := fs.String("pg", envOr("AIGUILLAGE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test"), "PostgreSQL URL for the full-text baseline (\"skip\" to leave it out)")
	misses := fs.Bool("misses", true, "list the misses")
	check := fs.Bool("check", false, "exit with an error when the first set misses a target")
	one := fs.String("q", "", "show the results of one query (with -commune) instead of evaluating")
	commune := fs.String("commune", "", "commune of -q")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sets := fs.Args()
	if len(sets) == 0 && *one == "" {
		return fmt.Errorf("usage: searcheval [-pg URL] [-check] SET.tsv…")
	}
	dir, err := os.MkdirTemp("", "searcheval")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Fprintln(out, "Loading the commons, the fiches and the demo directory…")
	env, err := searchtest.Setup(ctx, searchtest.Options{Dir: dir})
	if err != nil {
		return err
	}
	defer env.Close()

	if *one != "" {
		return show(ctx, env, *one, *commune, out)
	}
	var baseline search.Answerer
	if *pgURL != "skip" {
		b, closeFn, err := newBaseline(ctx, *pgURL, env)
		if err != nil {
			return fmt.Errorf("PostgreSQL baseline (set -pg skip to leave it out): %w", err)
		}
		defer closeFn()
		baseline = b
	}

	var reports []*search.EvalReport
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "set\tengine\tqueries\ttop 1\ttop 3\tMRR\tzero results\temergency recall\tfalse emergencies\tms/query\t")
	for _, path := range sets {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		cases, err := search.ParseEvalSet(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		name := strings.TrimSuffix(path[strings.LastIndexByte(path, '/')+1:], ".tsv")
		engines := []struct {
			name   string
			answer search.Answerer
		}{{"aiguillage", env.Search.Answer("")}}
		if baseline != nil {
			engines = append(engines, struct {
				name   string
				answer search.Answerer
			}{"postgresql-fts", baseline})
		}
		for _, e := range engines {
			rep, err := search.Evaluate(ctx, name+" / "+e.name, cases, e.answer)
			if err != nil {
				return err
			}
			reports = append(reports, rep)
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%.3f\t%s\t%s\t%s\t%.2f\t\n", name, e.name, rep.Cases,
				pct(rep.Top1, rep.Cases), pct(rep.Top3, rep.Cases), rep.MRR(), pct(rep.ZeroResults, rep.Cases),
				pct(rep.EmergencyFlagged, rep.Emergencies), pct(rep.FalseEmergencies, rep.Ordinary),
				float64(rep.Elapsed.Microseconds())/1000/float64(max(1, rep.Cases)))
		}
	}
	tw.Flush()
	if *misses {
		for _, rep := range reports {
			if len(rep.Misses) == 0 || strings.HasSuffix(rep.Name, "postgresql-fts") {
				continue
			}
			fmt.Fprintf(out, "\nMisses of %s (%d):\n", rep.Name, len(rep.Misses))
			for _, m := range rep.Misses {
				fmt.Fprintln(out, "  "+m)
			}
		}
	}
	if *check && len(reports) > 0 {
		r := reports[0]
		var failed []string
		if r.Share(r.Top3) < targetTop3 {
			failed = append(failed, fmt.Sprintf("top 3 %.1f %% < %.0f %%", 100*r.Share(r.Top3), 100*targetTop3))
		}
		if r.MRR() < targetMRR {
			failed = append(failed, fmt.Sprintf("MRR %.3f < %.2f", r.MRR(), targetMRR))
		}
		if r.Share(r.ZeroResults) > targetZero {
			failed = append(failed, fmt.Sprintf("zero results %.1f %% > %.0f %%", 100*r.Share(r.ZeroResults), 100*targetZero))
		}
		if r.EmergencyFlagged < r.Emergencies {
			failed = append(failed, fmt.Sprintf("%d emergencies not flagged", r.Emergencies-r.EmergencyFlagged))
		}
		if r.Ordinary > 0 && float64(r.FalseEmergencies)/float64(r.Ordinary) > targetFalseEmergent {
			failed = append(failed, fmt.Sprintf("false emergencies %d/%d", r.FalseEmergencies, r.Ordinary))
		}
		if baseline != nil && len(reports) > 1 && reports[1].Top3 >= r.Top3 {
			failed = append(failed, "not ahead of the PostgreSQL baseline")
		}
		if len(failed) > 0 {
			return fmt.Errorf("%s misses its targets: %s", r.Name, strings.Join(failed, "; "))
		}
		fmt.Fprintf(out, "\n%s meets every target.\n", r.Name)
	}
	return nil
}

func pct(n, of int) string {
	if of == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f %%", 100*float64(n)/float64(of))
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// newBaseline loads the fiches into a temporary PostgreSQL table with a
// French tsvector of their title, description and subject, accents removed.
func newBaseline(ctx context.Context, url string, env *searchtest.Env) (search.Answerer, func(), error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, nil, err
	}
	closeFn := func() { _ = conn.Close(context.WithoutCancel(ctx)) }
	fail := func(err error) (search.Answerer, func(), error) { closeFn(); return nil, nil, err }
	if _, err := conn.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS unaccent`); err != nil {
		return fail(fmt.Errorf("unaccent extension: %w", err))
	}
	if _, err := conn.Exec(ctx, `CREATE TEMP TABLE eval_fiches (id text PRIMARY KEY, doc tsvector NOT NULL)`); err != nil {
		return fail(err)
	}
	fiches, err := env.Store.AllFiches(ctx)
	if err != nil {
		return fail(err)
	}
	b := &pgx.Batch{}
	for _, f := range fiches {
		b.Queue(`INSERT INTO eval_fiches VALUES ($1, to_tsvector('french', unaccent($2)))`, f.ID, f.Title+" "+f.Description+" "+f.Subject)
	}
	if err := conn.SendBatch(ctx, b).Close(); err != nil {
		return fail(fmt.Errorf("load the fiches: %w", err))
	}
	answer := func(ctx context.Context, c search.EvalCase) ([]search.Result, bool, error) {
		rows, err := conn.Query(ctx, `SELECT id FROM eval_fiches, websearch_to_tsquery('french', unaccent($1)) q
			WHERE doc @@ q ORDER BY ts_rank(doc, q) DESC, id LIMIT 10`, c.Query)
		if err != nil {
			return nil, false, err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return nil, false, err
		}
		res, err := env.Search.FicheResults(ids, c.Commune)
		return res, false, err
	}
	return answer, closeFn, nil
}

// show prints the results of one query with their contact points.
func show(ctx context.Context, env *searchtest.Env, q, commune string, out io.Writer) error {
	resp, err := env.Search.Search(ctx, search.Query{Text: q, Commune: commune, Limit: 10})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "emergency=%v %v\nunderstood: %q\n", resp.Emergency, resp.Categories, resp.Understood)
	for i, r := range resp.Results {
		fmt.Fprintf(out, "%d. [%s %s] %s (%.2f) pivots=%v needs_commune=%v\n", i+1, r.Kind, r.Ref, r.Title, r.Score, r.Pivots, r.NeedsCommune)
		for _, c := range r.Contacts {
			var phones []string
			for _, ch := range c.Channels {
				if ch.Kind == "phone" {
					phones = append(phones, ch.Value)
				}
			}
			fmt.Fprintf(out, "     - %s [%s] %v — %s\n", c.Name, c.ContactPoint.Pivot, phones, c.Reason)
		}
	}
	return nil
}
