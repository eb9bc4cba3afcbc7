package store_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

const (
	impactDay1 = "2026-03-10"
	impactDay2 = "2026-03-11"
)

// impactFixture is two partners, a switchboard of the first one and a
// service of the second, and the events of four widget sessions over two
// days, with three feedbacks.
type impactFixture struct {
	a, b                *domain.Organisation
	switchboard, office string
	outcome             string
}

func intp(n int) *int { return &n }

func newImpactFixture(t *testing.T, s *store.Store) *impactFixture {
	t.Helper()
	ctx := context.Background()
	f := &impactFixture{a: seedOrg(t, s, "var"), b: seedOrg(t, s, "lille"), outcome: domain.NewID()}
	sw := office(f.a.ID, "var-standard", "cg", domain.Coverage{Rule: domain.CoverageExplicit, Departements: []string{"83"}}, "83137")
	sw.Granularity = domain.GranularityAdministration
	svc := office(f.b.ID, "lille-mairie", "mairie", domain.Coverage{Rule: domain.CoverageExplicit, Departements: []string{"59"}}, "59350")
	if _, err := s.UpsertContactPoints(ctx, []*domain.ContactPoint{sw, svc}); err != nil {
		t.Fatal(err)
	}
	f.switchboard, f.office = sw.ID, svc.ID
	at := func(day string) time.Time {
		d, _ := time.ParseInLocation(time.DateOnly, day, domain.Paris())
		return d.Add(10 * time.Hour)
	}
	ev := func(day string, org *domain.Organisation, entry, session string, typ domain.EventType, set func(*domain.UsageEvent)) domain.UsageEvent {
		e := domain.UsageEvent{OrganisationID: org.ID, Entry: entry, SessionID: session, Type: typ, At: at(day), Day: day}
		if set != nil {
			set(&e)
		}
		return e
	}
	step := func(journey, step string, answered bool) func(*domain.UsageEvent) {
		return func(e *domain.UsageEvent) { e.Journey, e.Step, e.Answered = journey, step, answered }
	}
	search := func(q string, results int) func(*domain.UsageEvent) {
		return func(e *domain.UsageEvent) { e.Query, e.Results = q, intp(results) }
	}
	events := []domain.UsageEvent{
		// Session 1: a journey to its outcome, which lists the partner's
		// switchboard; the resident calls it.
		ev(impactDay1, f.a, "social", "session-1-aaaaaaaaaa", domain.EventLoaded, nil),
		ev(impactDay1, f.a, "social", "session-1-aaaaaaaaaa", domain.EventSearch, search("loyer", 3)),
		ev(impactDay1, f.a, "social", "session-1-aaaaaaaaaa", domain.EventStep, step("aides", "besoin", false)),
		ev(impactDay1, f.a, "social", "session-1-aaaaaaaaaa", domain.EventStep, step("aides", "besoin", true)),
		ev(impactDay1, f.a, "social", "session-1-aaaaaaaaaa", domain.EventStep, step("aides", "commune", false)),
		ev(impactDay1, f.a, "social", "session-1-aaaaaaaaaa", domain.EventOutcome, func(e *domain.UsageEvent) {
			e.Journey, e.Step, e.OutcomeID = "aides", "mds", f.outcome
		}),
		ev(impactDay1, f.a, "social", "session-1-aaaaaaaaaa", domain.EventShown, func(e *domain.UsageEvent) { e.ContactPointID = f.switchboard }),
		ev(impactDay1, f.a, "social", "session-1-aaaaaaaaaa", domain.EventContact, func(e *domain.UsageEvent) {
			e.ContactPointID, e.Channel = f.switchboard, "phone"
		}),
		// Session 2: a search without result, one question shown, gone.
		ev(impactDay1, f.a, "social", "session-2-aaaaaaaaaa", domain.EventLoaded, nil),
		ev(impactDay1, f.a, "social", "session-2-aaaaaaaaaa", domain.EventSearch, search("aide piscine", 0)),
		ev(impactDay1, f.a, "social", "session-2-aaaaaaaaaa", domain.EventStep, step("aides", "besoin", false)),
		ev(impactDay1, f.a, "social", "session-2-aaaaaaaaaa", domain.EventExit, nil),
		// Session 3, next day, no entry point: a search result lists
		// another organisation's office; website used; emergency panel.
		ev(impactDay2, f.a, "", "session-3-aaaaaaaaaa", domain.EventLoaded, nil),
		ev(impactDay2, f.a, "", "session-3-aaaaaaaaaa", domain.EventSearch, search("loyer", 2)),
		ev(impactDay2, f.a, "", "session-3-aaaaaaaaaa", domain.EventOutcome, nil),
		ev(impactDay2, f.a, "", "session-3-aaaaaaaaaa", domain.EventShown, func(e *domain.UsageEvent) { e.ContactPointID = f.office }),
		ev(impactDay2, f.a, "", "session-3-aaaaaaaaaa", domain.EventContact, func(e *domain.UsageEvent) {
			e.ContactPointID, e.Channel = f.office, "website"
		}),
		ev(impactDay2, f.a, "", "session-3-aaaaaaaaaa", domain.EventEmergency, nil),
		// Session 4, the other partner: loaded twice (one session), one
		// search.
		ev(impactDay2, f.b, "", "session-4-aaaaaaaaaa", domain.EventLoaded, nil),
		ev(impactDay2, f.b, "", "session-4-aaaaaaaaaa", domain.EventLoaded, nil),
		ev(impactDay2, f.b, "", "session-4-aaaaaaaaaa", domain.EventSearch, search("loyer", 1)),
	}
	if err := s.InsertUsageEvents(ctx, events); err != nil {
		t.Fatal(err)
	}
	for _, fb := range []domain.Feedback{
		{OrganisationID: f.a.ID, Entry: "social", OutcomeID: f.outcome, Useful: true, CreatedAt: at(impactDay1)},
		{OrganisationID: f.a.ID, Entry: "social", OutcomeID: f.outcome, Useful: false, Comment: "Personne ne répond au [téléphone]", CreatedAt: at(impactDay1).Add(time.Hour)},
		{OrganisationID: f.a.ID, Useful: true, Query: "loyer", LookingFor: "une aide", CreatedAt: at(impactDay2)},
	} {
		if err := s.CreateFeedback(ctx, &fb); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// usage renders figures as "metric[ref/detail]@day:entry=value", sorted.
func usage(t *testing.T, s *store.Store, q domain.UsageQuery) string {
	t.Helper()
	rows, err := s.SumUsage(context.Background(), q)
	if err != nil {
		t.Fatalf("sum usage %+v: %v", q, err)
	}
	var out []string
	for _, r := range rows {
		k := r.Metric
		if r.Ref != "" || r.Detail != "" {
			k += "[" + r.Ref + "/" + r.Detail + "]"
		}
		if r.Day != "" {
			k += "@" + r.Day
		}
		if r.Entry != "" {
			k += ":" + r.Entry
		}
		out = append(out, fmt.Sprintf("%s=%d", k, r.Value))
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

// sorted sorts the figures of a string as usage does.
func sorted(s string) string {
	w := figures(s)
	slices.Sort(w)
	return strings.Join(w, " ")
}

// figures splits a figures string (spaces inside brackets belong to a
// search).
func figures(figures string) []string {
	var w []string
	depth, start := 0, 0
	for i, r := range figures + " " {
		switch {
		case r == '[':
			depth++
		case r == ']':
			depth--
		case r == ' ' && depth == 0:
			if i > start {
				w = append(w, figures[start:i])
			}
			start = i + 1
		}
	}
	return w
}

// TestUsageFiguresThroughRollupAndPurge computes the figures from the raw
// rows, rolls the days up, adds a late event, rolls up again and purges the
// raw rows: the figures never change, except the per-search ones, deleted
// with the raw rows.
func TestUsageFiguresThroughRollupAndPurge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newImpactFixture(t, s)
		sw, cp, o := f.switchboard, f.office, f.outcome
		all := domain.UsageQuery{From: impactDay1, To: impactDay2}
		partnerA := all
		partnerA.OrganisationID = f.a.ID
		byDay := partnerA
		byDay.Metrics, byDay.By = []string{domain.MetricLoads, domain.MetricSearches, domain.MetricEngaged, domain.MetricFeedback}, []domain.UsageDimension{domain.ByDay}
		byEntry := partnerA
		byEntry.Metrics, byEntry.By = []string{domain.MetricLoads, domain.MetricDiverted}, []domain.UsageDimension{domain.ByEntry}
		byRef := partnerA
		byRef.By = []domain.UsageDimension{domain.ByRef}
		oneEntry := byRef
		oneEntry.Entry, oneEntry.Metrics = "social", []string{domain.MetricLoads, domain.MetricStepReached, domain.MetricFeedback}
		national := all
		national.Metrics, national.By = []string{domain.MetricLoads, domain.MetricSearchQuery}, []domain.UsageDimension{domain.ByRef}
		kAnonymous := national
		kAnonymous.Metrics, kAnonymous.MinValue = []string{domain.MetricSearchQuery}, 3

		searchFigures := "search_query[aide piscine/]=1 search_query[loyer/]=2 unanswered_query[aide piscine/]=1 "
		tests := []struct {
			name string
			q    domain.UsageQuery
			want string
		}{
			{"partner totals", partnerA, "calls_diverted=1 channel=2 contact_shown=2 contact_used=2 emergency=1 feedback=3 feedback_useful=2 journey_completed=1 journey_started=1 " +
				"loads=3 outcome_reached=1 outcome_shown=1 search_query=3 searches=3 searches_unanswered=1 sessions_answered=2 sessions_engaged=3 " +
				"step_answered=1 step_reached=3 unanswered_query=1"},
			{"by day", byDay, "feedback@2026-03-10=2 feedback@2026-03-11=1 loads@2026-03-10=2 loads@2026-03-11=1 searches@2026-03-10=2 searches@2026-03-11=1 " +
				"sessions_engaged@2026-03-10=2 sessions_engaged@2026-03-11=1"},
			{"by entry point", byEntry, "calls_diverted=1 loads=1 loads:social=2"},
			{"by ref", byRef, "calls_diverted=1 channel[phone/]=1 channel[website/]=1 contact_shown[" + cp + "/]=1 contact_shown[" + sw + "/]=1 " +
				"contact_used[" + cp + "/website]=1 contact_used[" + sw + "/phone]=1 emergency=1 feedback=1 feedback[" + o + "/]=2 " +
				"feedback_useful=1 feedback_useful[" + o + "/]=1 journey_completed[aides/]=1 journey_started[aides/]=1 loads=3 " +
				"outcome_reached[aides/mds]=1 outcome_shown[" + o + "/]=1 " + searchFigures + "searches=3 searches_unanswered=1 " +
				"sessions_answered=2 sessions_engaged=3 step_answered[aides/besoin]=1 step_reached[aides/besoin]=2 step_reached[aides/commune]=1"},
			{"one entry point", oneEntry, "feedback[" + o + "/]=2 loads=2 step_reached[aides/besoin]=2 step_reached[aides/commune]=1"},
			{"national", national, "loads=4 search_query[aide piscine/]=1 search_query[loyer/]=3"},
			{"k-anonymous searches", kAnonymous, "search_query[loyer/]=3"},
		}
		check := func(stage string) {
			t.Helper()
			for _, tt := range tests {
				if got := usage(t, s, tt.q); got != sorted(tt.want) {
					t.Errorf("%s, %s:\n got  %s\n want %s", stage, tt.name, got, sorted(tt.want))
				}
			}
		}
		check("raw rows")

		days, err := s.RollUpUsage(ctx, impactDay2)
		if err != nil || !slices.Equal(days, []string{impactDay1, impactDay2}) {
			t.Fatalf("roll up = %v, %v", days, err)
		}
		if days, err := s.RollUpUsage(ctx, impactDay2); err != nil || len(days) != 0 {
			t.Fatalf("second roll up = %v, %v; want nothing left", days, err)
		}
		check("rolled up")

		// A late event on a rolled-up day is counted at once, and rolled
		// up again.
		late := domain.UsageEvent{OrganisationID: f.a.ID, Entry: "", SessionID: "session-5-aaaaaaaaaa", Type: domain.EventLoaded,
			At: time.Date(2026, 3, 10, 20, 0, 0, 0, time.UTC), Day: impactDay1}
		if err := s.InsertUsageEvents(ctx, []domain.UsageEvent{late}); err != nil {
			t.Fatal(err)
		}
		loads := domain.UsageQuery{From: impactDay1, To: impactDay2, OrganisationID: f.a.ID, Metrics: []string{domain.MetricLoads}, By: []domain.UsageDimension{domain.ByEntry}}
		if got := usage(t, s, loads); got != sorted("loads=2 loads:social=2") {
			t.Fatalf("late event: %s", got)
		}
		if days, err := s.RollUpUsage(ctx, impactDay2); err != nil || !slices.Equal(days, []string{impactDay1}) {
			t.Fatalf("roll up after a late event = %v, %v", days, err)
		}
		if got := usage(t, s, loads); got != sorted("loads=2 loads:social=2") {
			t.Fatalf("late event rolled up: %s", got)
		}

		// Purging the raw rows keeps every figure but the per-search ones.
		before := map[string]string{}
		for _, tt := range tests {
			var keep []string
			for _, w := range figures(usage(t, s, tt.q)) {
				if !strings.HasPrefix(w, domain.MetricSearchQuery) && !strings.HasPrefix(w, domain.MetricUnansweredQuery) {
					keep = append(keep, w)
				}
			}
			before[tt.name] = strings.Join(keep, " ")
		}
		if n, err := s.PurgeUsage(ctx, impactDay1); err != nil || n != 0 {
			t.Fatalf("purge before the first day = %d, %v", n, err)
		}
		n, err := s.PurgeUsage(ctx, "2026-03-12")
		if err != nil || n != 22+3+5 { // 22 events, 3 feedbacks, 5 per-search aggregates
			t.Fatalf("purge = %d, %v; want 30", n, err)
		}
		for _, tt := range tests {
			if got := usage(t, s, tt.q); got != before[tt.name] {
				t.Errorf("purged, %s:\n got  %s\n want %s", tt.name, got, before[tt.name])
			}
		}
		if list, total, err := s.FindFeedback(ctx, f.a.ID, domain.FeedbackFilter{}); err != nil || total != 0 || len(list) != 0 {
			t.Fatalf("feedback after purge: %d, %v", total, err)
		}
	})
}

// TestUsageRollupOnceAcrossReplicas rolls the same days up from several
// goroutines at once, as replicas would: each day is counted once.
func TestUsageRollupOnceAcrossReplicas(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newImpactFixture(t, s)
		var wg sync.WaitGroup
		var mu sync.Mutex
		rolled := map[string]int{}
		for range 4 {
			wg.Go(func() {
				days, err := s.RollUpUsage(context.Background(), impactDay2)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				defer mu.Unlock()
				for _, d := range days {
					rolled[d]++
				}
			})
		}
		wg.Wait()
		if !maps.Equal(rolled, map[string]int{impactDay1: 1, impactDay2: 1}) {
			t.Fatalf("days rolled up: %v; want each once", rolled)
		}
		q := domain.UsageQuery{From: impactDay1, To: impactDay2, OrganisationID: f.a.ID, Metrics: []string{domain.MetricLoads, domain.MetricSearches}}
		if got := usage(t, s, q); got != "loads=3 searches=3" {
			t.Fatalf("figures after concurrent roll-ups: %s", got)
		}
	})
}

func TestFeedbackStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newImpactFixture(t, s)
		yes, no := true, false
		tests := []struct {
			name   string
			filter domain.FeedbackFilter
			want   []bool // useful, newest first
			total  int
		}{
			{"all", domain.FeedbackFilter{}, []bool{true, false, true}, 3},
			{"useful", domain.FeedbackFilter{Useful: &yes}, []bool{true, true}, 2},
			{"not useful", domain.FeedbackFilter{Useful: &no}, []bool{false}, 1},
			{"from day 2", domain.FeedbackFilter{From: impactDay2}, []bool{true}, 1},
			{"to day 1", domain.FeedbackFilter{To: impactDay1}, []bool{false, true}, 2},
			{"entry point", domain.FeedbackFilter{Entry: "social"}, []bool{false, true}, 2},
			{"second page", domain.FeedbackFilter{Page: domain.Page{Offset: 1, Limit: 1}}, []bool{false}, 3},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				list, total, err := s.FindFeedback(ctx, f.a.ID, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				var got []bool
				for _, fb := range list {
					if fb.OrganisationID != f.a.ID || fb.Day == "" || fb.ID == "" {
						t.Errorf("feedback %+v", fb)
					}
					got = append(got, fb.Useful)
				}
				if !slices.Equal(got, tt.want) || total != tt.total {
					t.Fatalf("got %v (total %d), want %v (total %d)", got, total, tt.want, tt.total)
				}
			})
		}
		if _, total, _ := s.FindFeedback(ctx, f.b.ID, domain.FeedbackFilter{}); total != 0 {
			t.Fatalf("the other partner sees %d feedbacks", total)
		}
		for _, bad := range []domain.Feedback{
			{OrganisationID: f.a.ID, Comment: "appelez-moi au 06 12 34 56 78"},
			{OrganisationID: f.a.ID, LookingFor: "je m'appelle Jean Dupont"},
			{OrganisationID: f.a.ID, Query: "Carte Vitale"},
			{OrganisationID: f.a.ID, OutcomeID: "pas-un-uuid"},
			{OrganisationID: domain.NewID()},
		} {
			if err := s.CreateFeedback(ctx, &bad); domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("stored %+v: %v", bad, err)
			}
		}
	})
}
