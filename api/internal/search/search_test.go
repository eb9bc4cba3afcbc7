package search_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/search"
	"github.com/aiguillage/aiguillage/api/internal/search/searchtest"
	"github.com/aiguillage/aiguillage/api/internal/store"
)

// env is shared by the tests of this package: building it loads the demo
// directory and the fiches (a few seconds).
var (
	envOnce sync.Once
	envVal  *searchtest.Env
	envErr  error
)

func setup(t testing.TB) *searchtest.Env {
	t.Helper()
	envOnce.Do(func() {
		dir, err := os.MkdirTemp("", "searchtest")
		if err != nil {
			envErr = err
			return
		}
		envVal, envErr = searchtest.Setup(context.Background(), searchtest.Options{Dir: dir})
	})
	if envErr != nil {
		t.Fatal(envErr)
	}
	return envVal
}

func TestMain(m *testing.M) {
	code := m.Run()
	if envVal != nil {
		envVal.Close()
	}
	os.Exit(code)
}

func evalSet(t testing.TB, name string) []search.EvalCase {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cases, err := search.ParseEvalSet(f)
	if err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestEvaluationTargets holds the search to the product's targets on the
// development set and to slightly lower ones on the team's own set.
func TestEvaluationTargets(t *testing.T) {
	env := setup(t)
	for _, tt := range []struct {
		set        string
		top3, mrr  float64
		falseAlarm float64
	}{
		{"dev.tsv", 0.90, 0.75, 0.02},
		{"extra.tsv", 0.80, 0.65, 0.02},
	} {
		t.Run(tt.set, func(t *testing.T) {
			rep, err := search.Evaluate(context.Background(), tt.set, evalSet(t, tt.set), env.Search.Answer(""))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("top1 %.1f %%, top3 %.1f %%, MRR %.3f, zero %d, emergencies %d/%d, false %d/%d",
				100*rep.Share(rep.Top1), 100*rep.Share(rep.Top3), rep.MRR(), rep.ZeroResults, rep.EmergencyFlagged, rep.Emergencies, rep.FalseEmergencies, rep.Ordinary)
			ok := rep.Share(rep.Top3) >= tt.top3 && rep.MRR() >= tt.mrr && rep.EmergencyFlagged == rep.Emergencies &&
				float64(rep.FalseEmergencies) <= tt.falseAlarm*float64(rep.Ordinary) && rep.Share(rep.ZeroResults) <= 0.05
			if !ok {
				t.Errorf("below target (top3 ≥ %.0f %%, MRR ≥ %.2f, every emergency flagged, ≤ %.0f %% false emergencies, ≤ 5 %% zero results); misses:\n%s",
					100*tt.top3, tt.mrr, 100*tt.falseAlarm, strings.Join(rep.Misses, "\n"))
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	env := setup(t)
	ctx := context.Background()
	tests := []struct {
		name string
		q    search.Query
		code string // "" when an answer is expected
	}{
		{"empty", search.Query{Text: ""}, domain.EINVALID},
		{"blank", search.Query{Text: "  \t "}, domain.EINVALID},
		{"punctuation only", search.Query{Text: "?!…"}, domain.EINVALID},
		{"too long", search.Query{Text: strings.Repeat("loyer ", 400)}, domain.EINVALID},
		{"control characters", search.Query{Text: "loyer\x00\x07\x1b[31m impayé"}, ""},
		{"invalid utf-8", search.Query{Text: "loy\xffer"}, ""},
		{"unknown commune", search.Query{Text: "caf", Commune: "99999"}, domain.EINVALID},
		{"malformed commune", search.Query{Text: "caf", Commune: "abc"}, domain.EINVALID},
		{"unknown partner", search.Query{Text: "caf", Partner: "nobody"}, domain.ENOTFOUND},
		{"unknown entry", search.Query{Text: "caf", Partner: "var", Entry: "nowhere"}, domain.ENOTFOUND},
		{"entry without partner", search.Query{Text: "caf", Entry: "x"}, domain.EINVALID},
		{"limit too high", search.Query{Text: "caf", Limit: 500}, domain.EINVALID},
		{"gibberish", search.Query{Text: "zzqxw vvkpl"}, ""},
		{"many words", search.Query{Text: strings.Repeat("caf loyer ", 49)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := env.Search.Search(ctx, tt.q)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if resp == nil {
					t.Fatal("nil response")
				}
				return
			}
			if got := domain.ErrorCode(err); got != tt.code {
				t.Fatalf("error code = %q (%v), want %q", got, err, tt.code)
			}
		})
	}
}

func TestResultsAreLocal(t *testing.T) {
	env := setup(t)
	resp, err := env.Search.Search(context.Background(), search.Query{Text: "allocations familiales", Commune: "59350"})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Results) == 0 {
		t.Fatal("no result")
	}
	var local bool
	for _, r := range resp.Results {
		for _, c := range r.Contacts {
			if c.ContactPoint.Pivot == "caf" {
				local = true
				if c.Address != nil && c.Address.CommuneCode[:2] != "59" {
					t.Errorf("a CAF outside the Nord was proposed for Lille: %s (%s)", c.Name, c.Address.CommuneCode)
				}
			}
		}
	}
	if !local {
		t.Error("no local CAF office for Lille")
	}
	// Without a commune, local offices wait for it.
	resp, err = env.Search.Search(context.Background(), search.Query{Text: "allocations familiales"})
	if err != nil {
		t.Fatal(err)
	}
	var needs bool
	for _, r := range resp.Results {
		needs = needs || r.NeedsCommune
		for _, c := range r.Contacts {
			if c.Coverage.Rule == domain.CoverageNearest {
				t.Errorf("a local office without commune: %s", c.Name)
			}
		}
	}
	if !needs {
		t.Error("no result asks for the commune")
	}
}

func TestEmergencyFirst(t *testing.T) {
	env := setup(t)
	resp, err := env.Search.Search(context.Background(), search.Query{Text: "mon mari me frappe", Commune: "83137"})
	if err != nil {
		t.Fatal(err)
	}
	if !resp.Emergency || len(resp.Results) == 0 || resp.Results[0].Kind != search.KindEmergency {
		t.Fatalf("emergency = %v, first result %+v", resp.Emergency, resp.Results)
	}
	var numbers []string
	for _, c := range resp.Results[0].Contacts {
		numbers = append(numbers, c.Channels[0].Value)
	}
	if len(numbers) == 0 {
		t.Fatal("the emergency result has no number")
	}
	resp, err = env.Search.Search(context.Background(), search.Query{Text: "carte grise", Commune: "83137"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Emergency {
		t.Errorf("carte grise flagged as an emergency: %+v", resp.Categories)
	}
}

// TestRefresh: the index follows writes without a restart, those of this
// process at once and those of another replica (another store on the same
// database) through the change stamp.
func TestRefresh(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	env, err := searchtest.Setup(ctx, searchtest.Options{Dir: dir, StampEvery: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	go func() { env.Search.Run(runCtx); close(done) }()
	defer func() { cancel(); <-done }()

	found := func(word string) bool {
		resp, err := env.Search.Search(ctx, search.Query{Text: word, Partner: "var", Commune: "83137"})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range resp.Results {
			if r.Kind == search.KindTheme && strings.Contains(r.Title, "Zorbiplouf") {
				return true
			}
		}
		return false
	}
	waitFor := func(word string) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if found(word) {
				return
			}
		}
		t.Fatalf("%q never found", word)
	}
	if found("zorbiplouf") {
		t.Fatal("found before it exists")
	}
	org, err := env.Store.FindOrganisationBySlug(ctx, "var")
	if err != nil {
		t.Fatal(err)
	}
	// A theme of the partner whose contact point serves the commune.
	if _, err := env.Store.UpsertThemes(ctx, []*domain.Theme{{Slug: "zorbiplouf", Label: "Zorbiplouf municipal", OrganisationID: org.ID, Synonyms: []string{"grobidule"}}}); err != nil {
		t.Fatal(err)
	}
	cp := &domain.ContactPoint{ID: domain.StableID("test:zorbiplouf"), OrganisationID: org.ID, Name: "Guichet Zorbiplouf", Themes: []string{"zorbiplouf"},
		Channels: []domain.Channel{{Kind: domain.ChannelPhone, Value: "04 94 00 00 00"}}, Coverage: domain.Coverage{Rule: domain.CoverageExplicit, Departements: []string{"83"}},
		Source: domain.Source{Kind: domain.SourceManual}}
	if _, err := env.Store.UpsertContactPoints(ctx, []*domain.ContactPoint{cp}); err != nil {
		t.Fatal(err)
	}
	waitFor("zorbiplouf")
	waitFor("grobidule")

	// Another replica writes: only the change stamp tells.
	other, err := store.Open(ctx, "sqlite://"+filepath.Join(dir, "search.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.UpsertThemes(ctx, []*domain.Theme{{Slug: "zorbiplouf", Label: "Zorbiplouf municipal", OrganisationID: org.ID, Synonyms: []string{"grobidule", "tagazok"}}}); err != nil {
		t.Fatal(err)
	}
	waitFor("tagazok")
}
