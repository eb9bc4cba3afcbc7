package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/geo"
	"github.com/aiguillage/aiguillage/api/internal/importer"
	"github.com/aiguillage/aiguillage/api/internal/scalegen/annuairegen"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// annuaireFile writes a generated v4 bulk file of n offices.
func annuaireFile(t *testing.T, ref *geo.Reference, name string, opt annuairegen.Options) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := annuairegen.Write(f, ref, opt); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func importRun(t *testing.T, ctx context.Context, runs domain.ImportRunStore, s *store.Store, ref *geo.Reference, orgID, path string, full *bool) *domain.ImportRun {
	t.Helper()
	run, err := importer.ImportFileRun(ctx, path, importer.RunOptions{
		Options: importer.Options{Store: s, Communes: ref, OrganisationID: orgID, BatchSize: 50},
		Runs:    runs, Full: full,
	})
	if err != nil {
		t.Fatalf("import %s: %v", filepath.Base(path), err)
	}
	return run
}

// A full file imported, again, then in a later edition that leaves offices
// out, then as it was: created, all unchanged, withdrawn (hidden, journeys
// to review), reinstated.
func TestImportRunsWithdrawAndReinstate(t *testing.T) {
	ref, err := geo.Load()
	if err != nil {
		t.Fatal(err)
	}
	const n = 300
	first := annuaireFile(t, ref, "2026-11-01_data.gouv_local.json", annuairegen.Options{Services: n, Seed: 7})
	omit := func(i int) bool { return i%10 == 3 }
	next := annuaireFile(t, ref, "2026-11-02_data.gouv_local.json", annuairegen.Options{Services: n, Seed: 7, Revision: 1, Omit: omit})
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		org := seedOrg(t, s, "communs")
		partner := seedOrg(t, s, "var")

		r1 := importRun(t, ctx, s, s, ref, org.ID, first, nil)
		if r1.Status != domain.ImportCompleted || !r1.Full || r1.Stats.Created != n || r1.Stats.Withdrawn != 0 || r1.Checkpoint != n || r1.SHA256 == "" {
			t.Fatalf("first run %+v", r1)
		}

		r2 := importRun(t, ctx, s, s, ref, org.ID, first, nil)
		if r2.ID == r1.ID || r2.Stats != (domain.ImportStats{Unchanged: n}) {
			t.Fatalf("the same file again: %+v", r2.Stats)
		}

		// A journey of the partner names two offices the next edition leaves out.
		all, _, err := s.FindContactPoints(ctx, domain.ContactPointFilter{OrganisationID: org.ID, Sort: "name", Limit: 1000})
		if err != nil || len(all) != n {
			t.Fatalf("%d contact points, %v", len(all), err)
		}
		var gone []string
		var kept string
		for _, c := range all {
			// Source ids are the v4 UUIDs, whose last group is the record's position.
			var i int
			for _, ch := range c.Source.ID[len(c.Source.ID)-12:] {
				i = i*16 + int(hexDigit(ch))
			}
			if omit(i) {
				gone = append(gone, c.ID)
			} else if kept == "" {
				kept = c.ID
			}
		}
		if len(gone) != n/10 {
			t.Fatalf("%d offices to withdraw", len(gone))
		}
		named := gone[0]
		draft := `{"slug":"aides","title":"Aides","first_step":"fin","steps":[{"id":"fin","kind":"outcome","text":"Fin",` +
			`"outcome":{"explanation":"x","contact_points":["` + named + `","` + kept + `"]}}]}`
		if err := s.CreateJourney(ctx, &domain.JourneyRecord{OrganisationID: partner.ID, Slug: "aides", Title: "Aides", Draft: []byte(draft)},
			&domain.AuditEntry{OrganisationID: partner.ID, Action: "create", EntityType: "journey", EntityID: "aides"}); err != nil {
			t.Fatal(err)
		}
		if reviews, err := s.FindJourneysToReview(ctx, partner.ID); err != nil || len(reviews) != 0 {
			t.Fatalf("reviews before any withdrawal: %v, %v", reviews, err)
		}

		gen := s.Generation()
		r3 := importRun(t, ctx, s, s, ref, org.ID, next, nil)
		// Changed: records 0, 97, 194 and 291 (every 97th), none left out.
		want := domain.ImportStats{Updated: 4, Unchanged: n - n/10 - 4, Withdrawn: n / 10}
		if r3.Stats != want {
			t.Errorf("next edition: %+v, want %+v", r3.Stats, want)
		}
		slices.Sort(gone)
		if !slices.Equal(r3.WithdrawnIDs, gone) {
			t.Errorf("withdrawn ids %v, want %v", r3.WithdrawnIDs, gone)
		}
		if len(r3.Journeys) != 1 || r3.Journeys[0].Slug != "aides" || len(r3.Journeys[0].Outcomes) != 1 || r3.Journeys[0].Outcomes[0].ContactPointName == "" ||
			r3.Journeys[0].Outcomes[0] != (domain.ReviewOutcome{StepID: "fin", ContactPointID: named, ContactPointName: r3.Journeys[0].Outcomes[0].ContactPointName, Draft: true}) {
			t.Errorf("journeys to review: %+v", r3.Journeys)
		}
		if s.Generation() == gen {
			t.Error("withdrawals do not move the generation: caches would still show them")
		}
		visible, total, err := s.FindContactPoints(ctx, domain.ContactPointFilter{OrganisationID: org.ID, Limit: 1000})
		if err != nil || total != n-n/10 || slices.ContainsFunc(visible, func(c *domain.ContactPoint) bool { return c.Withdrawn() }) {
			t.Errorf("public list: %d (total %d), %v", len(visible), total, err)
		}
		withWithdrawn, _, _ := s.FindContactPoints(ctx, domain.ContactPointFilter{OrganisationID: org.ID, IncludeWithdrawn: true, Limit: 1000})
		if len(withWithdrawn) != n {
			t.Errorf("%d contact points with the withdrawn ones", len(withWithdrawn))
		}
		c, err := s.FindContactPointByID(ctx, named)
		if err != nil || c.WithdrawnAt == nil || c.Version != 2 {
			t.Errorf("withdrawn contact point: %+v, %v", c, err)
		}
		reviews, err := s.FindJourneysToReview(ctx, partner.ID)
		if err != nil || len(reviews) != 1 || reviews[0].Outcomes[0].ContactPointID != named || reviews[0].Outcomes[0].ContactPointName != c.Name {
			t.Errorf("journeys to review: %+v, %v", reviews, err)
		}

		// The first file again, said partial: it withdraws nothing (the
		// offices of the next edition all are in it), reinstates those it
		// lists, and keeps the 4 newer records of the next edition.
		partial := false
		r4 := importRun(t, ctx, s, s, ref, org.ID, first, &partial)
		if r4.Full || r4.Stats != (domain.ImportStats{Unchanged: n - n/10 - 4, Skipped: 4, Reinstated: n / 10}) {
			t.Errorf("partial run: full %v, %+v", r4.Full, r4.Stats)
		}
		if reviews, _ := s.FindJourneysToReview(ctx, partner.ID); len(reviews) != 0 {
			t.Errorf("journeys still to review once reinstated: %+v", reviews)
		}
		c, err = s.FindContactPointByID(ctx, named)
		if err != nil || c.WithdrawnAt != nil || c.Version != 3 {
			t.Errorf("reinstated contact point: %+v, %v", c, err)
		}
		runs, err := s.FindImportRuns(ctx, 10)
		if err != nil || len(runs) != 4 || runs[0].ID != r4.ID {
			t.Errorf("runs: %d, %v", len(runs), err)
		}
	})
}

func hexDigit(r rune) int {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0')
	case r >= 'a' && r <= 'f':
		return int(r-'a') + 10
	}
	return 0
}

// interrupting cancels the import's context after some batches; with
// killed, the run is not even marked failed (a process that died).
type interrupting struct {
	*store.Store
	after   int32
	batches atomic.Int32
	cancel  context.CancelFunc
	killed  bool
}

func (i *interrupting) CommitImportBatch(ctx context.Context, b domain.ImportBatch) (domain.ImportStats, error) {
	st, err := i.Store.CommitImportBatch(ctx, b)
	if i.batches.Add(1) == i.after {
		i.cancel()
	}
	return st, err
}

func (i *interrupting) FailImportRun(ctx context.Context, id, reason string) error {
	if i.killed {
		return nil
	}
	return i.Store.FailImportRun(ctx, id, reason)
}

// A run cancelled midway, then resumed with the same file, ends as one
// uninterrupted run: same counts, same contact points.
func TestImportRunResumes(t *testing.T) {
	ref, err := geo.Load()
	if err != nil {
		t.Fatal(err)
	}
	const n = 400
	old := annuaireFile(t, ref, "old.json", annuairegen.Options{Services: n, Seed: 3, Omit: func(i int) bool { return i >= 380 }})
	file := annuaireFile(t, ref, "new.json", annuairegen.Options{Services: n, Seed: 3, Revision: 2, Omit: func(i int) bool { return i < 20 }})
	for _, killed := range []bool{false, true} {
		name := "cancelled"
		if killed {
			name = "killed"
		}
		t.Run(name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				ctx := context.Background()
				org := seedOrg(t, s, "communs")
				reference := storetest.New(t, s.Dialect())
				refOrg := seedOrg(t, reference, "communs")
				importRun(t, ctx, reference, reference, ref, refOrg.ID, old, nil)
				whole := importRun(t, ctx, reference, reference, ref, refOrg.ID, file, nil)

				importRun(t, ctx, s, s, ref, org.ID, old, nil)
				cctx, cancel := context.WithCancel(ctx)
				defer cancel()
				cut := &interrupting{Store: s, after: 3, cancel: cancel, killed: killed}
				failed, err := importer.ImportFileRun(cctx, file, importer.RunOptions{
					Options: importer.Options{Store: s, Communes: ref, OrganisationID: org.ID, BatchSize: 50}, Runs: cut,
				})
				if !errors.Is(err, context.Canceled) || failed == nil || failed.Checkpoint != 150 {
					t.Fatalf("interrupted run: %+v, %v", failed, err)
				}
				stored, _ := s.FindImportRuns(ctx, 1)
				wantStatus := domain.ImportFailed
				if killed {
					wantStatus = domain.ImportRunning
				}
				if stored[0].Status != wantStatus || stored[0].Checkpoint != 150 || stored[0].Stats.Created+stored[0].Stats.Updated+stored[0].Stats.Unchanged == 0 {
					t.Fatalf("stored interrupted run: %+v", stored[0])
				}
				if c, _ := s.FindContactPointByID(ctx, domain.StableID("annuaire:mairie-"+firstCommune(ref)+"-00")); c != nil && c.Withdrawn() {
					t.Fatal("an interrupted run withdrew contact points")
				}

				resumed := importRun(t, ctx, s, s, ref, org.ID, file, nil)
				if resumed.ID != failed.ID || resumed.Resumed != 1 {
					t.Errorf("not resumed: %+v", resumed)
				}
				if resumed.Stats != whole.Stats || resumed.Checkpoint != whole.Checkpoint || !slices.Equal(resumed.WithdrawnIDs, whole.WithdrawnIDs) {
					t.Errorf("resumed run %+v (checkpoint %d), uninterrupted %+v (checkpoint %d)", resumed.Stats, resumed.Checkpoint, whole.Stats, whole.Checkpoint)
				}
				if got, want := snapshot(t, s, org.ID), snapshot(t, reference, refOrg.ID); !slices.Equal(got, want) {
					t.Errorf("resumed state differs from an uninterrupted import (%d vs %d contact points)", len(got), len(want))
				}
			})
		})
	}
}

func firstCommune(ref *geo.Reference) string {
	return ref.CommunesOfDepartement(ref.Departements()[0].Code)[0].Code
}

// snapshot lists the contact points of an organisation as their content
// and status, without timestamps.
func snapshot(t *testing.T, s *store.Store, orgID string) []string {
	t.Helper()
	cps, _, err := s.FindContactPoints(context.Background(), domain.ContactPointFilter{OrganisationID: orgID, IncludeWithdrawn: true, Sort: "name", Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, 0, len(cps))
	for _, c := range cps {
		out = append(out, c.ID+" "+c.Name+" "+c.Channels[0].Value+" "+string(rune('0'+c.Version))+" "+boolString(c.Withdrawn()))
	}
	slices.Sort(out)
	return out
}

func boolString(b bool) string {
	if b {
		return "withdrawn"
	}
	return "active"
}

// A file full by its format that lacks most of the source (a département's
// extract) withdraws nothing and says why; said --full, it withdraws.
func TestImportRunRefusesMassWithdrawal(t *testing.T) {
	ref, err := geo.Load()
	if err != nil {
		t.Fatal(err)
	}
	const n = 200
	all := annuaireFile(t, ref, "all.json", annuairegen.Options{Services: n, Seed: 11})
	part := annuaireFile(t, ref, "part.json", annuairegen.Options{Services: n, Seed: 11, Omit: func(i int) bool { return i >= 60 }})
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		org := seedOrg(t, s, "communs")
		importRun(t, ctx, s, s, ref, org.ID, all, nil)
		auto := importRun(t, ctx, s, s, ref, org.ID, part, nil)
		if auto.Status != domain.ImportCompleted || auto.Stats.Withdrawn != 0 || auto.Error == "" {
			t.Fatalf("auto-full partial file: %+v", auto)
		}
		full := true
		forced := importRun(t, ctx, s, s, ref, org.ID, part, &full)
		if forced.Stats.Withdrawn != n-60 || forced.Error != "" {
			t.Fatalf("--full: %+v", forced)
		}
	})
}

// A file smaller than one batch finishes before the writer may even have
// started: the run must still end (it once waited for a writer reading a
// channel already set to nil).
func TestImportRunOfATinyFileEnds(t *testing.T) {
	ref, err := geo.Load()
	if err != nil {
		t.Fatal(err)
	}
	tiny := annuaireFile(t, ref, "2026-11-03_data.gouv_local.json", annuairegen.Options{Services: 1, Seed: 3})
	s := storetest.New(t, store.SQLite)
	org := seedOrg(t, s, "communs")
	for i := range 30 {
		done := make(chan *domain.ImportRun, 1)
		go func() { done <- importRun(t, context.Background(), s, s, ref, org.ID, tiny, nil) }()
		select {
		case run := <-done:
			if run.Status != domain.ImportCompleted {
				t.Fatalf("run %d: %+v", i, run)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("run %d of a one-office file never ended", i)
		}
	}
}
