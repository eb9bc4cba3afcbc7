package impact

import (
	"bytes"
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/journeys"
	"github.com/aiguillage/aiguillage/api/internal/orientation"
)

// DefaultPeriodDays is the period of statistics asked for without dates.
const DefaultPeriodDays = 30

// StatsQuery asks for the statistics of a period: national (Partner "")
// or one partner's, optionally one of its entry points.
type StatsQuery struct {
	Partner string
	Entry   string
	Period
}

// Totals are the indicators of a period, a day, a partner or an entry
// point. The README defines each.
type Totals struct {
	Loads              int64
	Searches           int64
	SearchesUnanswered int64
	JourneysStarted    int64
	JourneysCompleted  int64
	EmergencyOpenings  int64
	ContactClicks      int64
	Feedback           int64
	FeedbackUseful     int64
	SessionsEngaged    int64
	SessionsAnswered   int64
	CallsDiverted      int64
}

// scalarMetrics make up Totals.
var scalarMetrics = []string{domain.MetricLoads, domain.MetricSearches, domain.MetricSearchesUnanswered, domain.MetricJourneyStarted,
	domain.MetricJourneyCompleted, domain.MetricEmergency, domain.MetricChannel, domain.MetricFeedback, domain.MetricFeedbackUseful,
	domain.MetricEngaged, domain.MetricAnswered, domain.MetricDiverted}

func (t *Totals) add(metric string, v int64) {
	switch metric {
	case domain.MetricLoads:
		t.Loads += v
	case domain.MetricSearches:
		t.Searches += v
	case domain.MetricSearchesUnanswered:
		t.SearchesUnanswered += v
	case domain.MetricJourneyStarted:
		t.JourneysStarted += v
	case domain.MetricJourneyCompleted:
		t.JourneysCompleted += v
	case domain.MetricEmergency:
		t.EmergencyOpenings += v
	case domain.MetricChannel:
		t.ContactClicks += v
	case domain.MetricFeedback:
		t.Feedback += v
	case domain.MetricFeedbackUseful:
		t.FeedbackUseful += v
	case domain.MetricEngaged:
		t.SessionsEngaged += v
	case domain.MetricAnswered:
		t.SessionsAnswered += v
	case domain.MetricDiverted:
		t.CallsDiverted += v
	}
}

// Rate returns part/whole, and false when whole is zero.
func Rate(part, whole int64) (float64, bool) {
	if whole <= 0 {
		return 0, false
	}
	return float64(part) / float64(whole), true
}

// DayTotals are the indicators of one day.
type DayTotals struct {
	Day string
	Totals
}

// Count is a number of times something was seen.
type Count struct {
	Key   string
	Count int64
}

// ContactPointStats say how often a contact point was shown in an answer
// and used.
type ContactPointStats struct {
	ID string
	// Name is "" when the contact point no longer exists.
	Name string
	// Switchboard is true for a switchboard of the partner (its own
	// contact points of granularity "administration"): not counted in the
	// calls diverted.
	Switchboard bool
	Shown       int64
	Clicks      int64
}

// GroupStats are the indicators of a partner or an entry point.
type GroupStats struct {
	Slug string
	Name string
	Totals
}

// JourneyStats are the per-path analytics of one journey.
type JourneyStats struct {
	Slug  string
	Title string
	// Started and Completed: sessions that started it, that reached one of
	// its outcomes through it.
	Started   int64
	Completed int64
	// Steps in the order of the published journey, then the steps seen in
	// the figures that it no longer has.
	Steps []StepStats
}

// StepStats are the figures of one step of a journey.
type StepStats struct {
	ID   string
	Kind string
	Text string
	// Reached: sessions shown the step (for an outcome: that reached it
	// through the journey); Answered: sessions that answered it.
	Reached  int64
	Answered int64
	// OutcomeID, Feedback and FeedbackUseful: for an outcome step, its
	// public id and the feedback about it.
	OutcomeID      string
	Feedback       int64
	FeedbackUseful int64
}

// Stats are the statistics of a period.
type Stats struct {
	// Partner is nil for the national statistics.
	Partner *domain.Organisation
	Entry   string
	Period
	Totals Totals
	// Daily holds every day of the period.
	Daily []DayTotals
	// Channels holds every kind of channel, in domain.EventChannels order.
	Channels []Count
	// ContactPoints are the most shown or used, at most maxContactPoints.
	ContactPoints []ContactPointStats
	// TopSearches and UnansweredSearches are seen at least
	// domain.KAnonymity times in the period, most frequent first.
	TopSearches        []Count
	UnansweredSearches []Count
	// Partners (national statistics) and EntryPoints (a partner's,
	// without entry filter).
	Partners    []GroupStats
	EntryPoints []GroupStats
	// Journeys (a partner's statistics).
	Journeys []JourneyStats
}

const (
	maxContactPoints = 20
	maxSearches      = 20
)

// Stats computes the statistics of a period.
func (s *Service) Stats(ctx context.Context, q StatsQuery) (*Stats, error) {
	st := &Stats{Entry: q.Entry, Period: q.Period}
	uq := domain.UsageQuery{From: q.From, To: q.To}
	if q.Partner != "" {
		if !domain.ValidSlug(q.Partner) {
			return nil, notFoundPartner(q.Partner)
		}
		org, err := s.store.FindOrganisationBySlug(ctx, q.Partner)
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return nil, notFoundPartner(q.Partner)
		}
		if err != nil {
			return nil, err
		}
		if q.Entry != "" && !slices.ContainsFunc(org.EntryPoints, func(e domain.EntryPoint) bool { return e.Slug == q.Entry }) {
			return nil, domain.Errorf(domain.ENOTFOUND, "%s n'a pas de point d'entrée %q.", org.Name, q.Entry)
		}
		st.Partner, uq.OrganisationID, uq.Entry = org, org.ID, q.Entry
	}

	daily, err := s.sum(ctx, uq, scalarMetrics, 0, domain.ByDay)
	if err != nil {
		return nil, err
	}
	byDay := map[string]*Totals{}
	for _, c := range daily {
		t := byDay[c.Day]
		if t == nil {
			t = &Totals{}
			byDay[c.Day] = t
		}
		t.add(c.Metric, c.Value)
		st.Totals.add(c.Metric, c.Value)
	}
	start, _ := time.Parse(time.DateOnly, q.From)
	end, _ := time.Parse(time.DateOnly, q.To)
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		day := DayTotals{Day: d.Format(time.DateOnly)}
		if t := byDay[day.Day]; t != nil {
			day.Totals = *t
		}
		st.Daily = append(st.Daily, day)
	}

	refs, err := s.sum(ctx, uq, []string{domain.MetricChannel, domain.MetricContactShown, domain.MetricContactUsed, domain.MetricJourneyStarted,
		domain.MetricJourneyCompleted, domain.MetricStepReached, domain.MetricStepAnswered, domain.MetricOutcomeReached,
		domain.MetricFeedback, domain.MetricFeedbackUseful}, 0, domain.ByRef)
	if err != nil {
		return nil, err
	}
	byRef := map[string]map[[2]string]int64{}
	for _, c := range refs {
		if byRef[c.Metric] == nil {
			byRef[c.Metric] = map[[2]string]int64{}
		}
		byRef[c.Metric][[2]string{c.Ref, c.Detail}] += c.Value
	}
	for _, ch := range domain.EventChannels {
		st.Channels = append(st.Channels, Count{Key: ch, Count: byRef[domain.MetricChannel][[2]string{ch, ""}]})
	}
	if st.ContactPoints, err = s.contactPoints(ctx, st.Partner, byRef); err != nil {
		return nil, err
	}

	searches, err := s.sum(ctx, uq, []string{domain.MetricSearchQuery, domain.MetricUnansweredQuery}, domain.KAnonymity, domain.ByRef)
	if err != nil {
		return nil, err
	}
	for _, c := range searches {
		if c.Metric == domain.MetricSearchQuery {
			st.TopSearches = append(st.TopSearches, Count{Key: c.Ref, Count: c.Value})
		} else {
			st.UnansweredSearches = append(st.UnansweredSearches, Count{Key: c.Ref, Count: c.Value})
		}
	}
	st.TopSearches, st.UnansweredSearches = topCounts(st.TopSearches, maxSearches), topCounts(st.UnansweredSearches, maxSearches)

	switch {
	case st.Partner == nil:
		if st.Partners, err = s.partnerStats(ctx, uq); err != nil {
			return nil, err
		}
	default:
		if q.Entry == "" {
			if st.EntryPoints, err = s.entryStats(ctx, uq, st.Partner); err != nil {
				return nil, err
			}
		}
		if st.Journeys, err = s.journeyStats(ctx, st.Partner, byRef); err != nil {
			return nil, err
		}
	}
	return st, nil
}

func (s *Service) sum(ctx context.Context, q domain.UsageQuery, metrics []string, min int64, by ...domain.UsageDimension) ([]domain.UsageCount, error) {
	q.Metrics, q.MinValue, q.By = metrics, min, by
	return s.store.SumUsage(ctx, q)
}

func topCounts(cs []Count, n int) []Count {
	slices.SortFunc(cs, func(a, b Count) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Key, b.Key)) })
	if len(cs) > n {
		cs = cs[:n]
	}
	return cs
}

func (s *Service) contactPoints(ctx context.Context, org *domain.Organisation, byRef map[string]map[[2]string]int64) ([]ContactPointStats, error) {
	all := map[string]*ContactPointStats{}
	get := func(id string) *ContactPointStats {
		c := all[id]
		if c == nil {
			c = &ContactPointStats{ID: id}
			all[id] = c
		}
		return c
	}
	for k, v := range byRef[domain.MetricContactShown] {
		get(k[0]).Shown += v
	}
	for k, v := range byRef[domain.MetricContactUsed] {
		get(k[0]).Clicks += v
	}
	list := make([]ContactPointStats, 0, len(all))
	for _, c := range all {
		list = append(list, *c)
	}
	slices.SortFunc(list, func(a, b ContactPointStats) int {
		return cmp.Or(cmp.Compare(b.Shown+b.Clicks, a.Shown+a.Clicks), cmp.Compare(b.Clicks, a.Clicks), cmp.Compare(a.ID, b.ID))
	})
	if len(list) > maxContactPoints {
		list = list[:maxContactPoints]
	}
	ids := make([]string, len(list))
	for i := range list {
		ids[i] = list[i].ID
	}
	cps, err := s.store.FindContactPointsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	kept := list[:0]
	for i := range list {
		cp, ok := cps[list[i].ID]
		if ok && !cp.Visibility.IsPublic() {
			continue // reserved to agents: not in the open statistics
		}
		if ok {
			list[i].Name = cp.Name
			list[i].Switchboard = org != nil && cp.OrganisationID == org.ID && cp.Granularity == domain.GranularityAdministration
		}
		kept = append(kept, list[i])
	}
	return kept, nil
}

func (s *Service) partnerStats(ctx context.Context, q domain.UsageQuery) ([]GroupStats, error) {
	counts, err := s.sum(ctx, q, scalarMetrics, 0, domain.ByOrganisation)
	if err != nil {
		return nil, err
	}
	totals := map[string]*Totals{}
	var ids []string
	for _, c := range counts {
		t := totals[c.OrganisationID]
		if t == nil {
			t = &Totals{}
			totals[c.OrganisationID] = t
			ids = append(ids, c.OrganisationID)
		}
		t.add(c.Metric, c.Value)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	// Partners deleted since count in the totals, not in this list.
	orgs, _, err := s.store.FindOrganisations(ctx, ids, domain.Page{Limit: len(ids)})
	if err != nil {
		return nil, err
	}
	out := make([]GroupStats, 0, len(orgs))
	for _, o := range orgs {
		if t := totals[o.ID]; t != nil {
			out = append(out, GroupStats{Slug: o.Slug, Name: o.Name, Totals: *t})
		}
	}
	slices.SortFunc(out, func(a, b GroupStats) int { return cmp.Or(cmp.Compare(b.Loads, a.Loads), cmp.Compare(a.Slug, b.Slug)) })
	return out, nil
}

func (s *Service) entryStats(ctx context.Context, q domain.UsageQuery, org *domain.Organisation) ([]GroupStats, error) {
	counts, err := s.sum(ctx, q, scalarMetrics, 0, domain.ByEntry)
	if err != nil {
		return nil, err
	}
	totals := map[string]*Totals{}
	for _, c := range counts {
		t := totals[c.Entry]
		if t == nil {
			t = &Totals{}
			totals[c.Entry] = t
		}
		t.add(c.Metric, c.Value)
	}
	var out []GroupStats
	for _, e := range org.EntryPoints {
		g := GroupStats{Slug: e.Slug, Name: e.Name}
		if t := totals[e.Slug]; t != nil {
			g.Totals = *t
			delete(totals, e.Slug)
		}
		out = append(out, g)
	}
	// The widget without entry point, and entry points removed since.
	rest := make([]string, 0, len(totals))
	for slug := range totals {
		rest = append(rest, slug)
	}
	slices.Sort(rest)
	for _, slug := range rest {
		out = append(out, GroupStats{Slug: slug, Totals: *totals[slug]})
	}
	return out, nil
}

func (s *Service) journeyStats(ctx context.Context, org *domain.Organisation, byRef map[string]map[[2]string]int64) ([]JourneyStats, error) {
	recs, err := s.store.FindJourneys(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []JourneyStats
	for _, r := range recs {
		if r.PublishedVersion == 0 {
			continue
		}
		v, err := s.store.FindJourneyVersion(ctx, org.ID, r.Slug, r.PublishedVersion)
		if err != nil {
			return nil, err
		}
		j, err := journeys.Parse(bytes.NewReader(v.Content))
		if err != nil {
			s.log.WarnContext(ctx, "published journey unreadable", "organisation", org.Slug, "journey", r.Slug, "error", err)
			j = &journeys.Journey{Slug: r.Slug, Title: r.Title}
		}
		seen[r.Slug] = true
		out = append(out, journeyFigures(org.ID, r.Slug, j, byRef))
	}
	// Journeys in the figures that are no longer published.
	var gone []string
	for _, m := range []string{domain.MetricJourneyStarted, domain.MetricStepReached} {
		for k := range byRef[m] {
			if !seen[k[0]] {
				seen[k[0]] = true
				gone = append(gone, k[0])
			}
		}
	}
	slices.Sort(gone)
	for _, slug := range gone {
		out = append(out, journeyFigures(org.ID, slug, &journeys.Journey{Slug: slug}, byRef))
	}
	slices.SortStableFunc(out, func(a, b JourneyStats) int { return cmp.Compare(b.Started, a.Started) })
	return out, nil
}

func journeyFigures(orgID, slug string, j *journeys.Journey, byRef map[string]map[[2]string]int64) JourneyStats {
	js := JourneyStats{Slug: slug, Title: j.Title,
		Started: byRef[domain.MetricJourneyStarted][[2]string{slug, ""}], Completed: byRef[domain.MetricJourneyCompleted][[2]string{slug, ""}]}
	listed := map[string]bool{}
	step := func(id, kind, text string) StepStats {
		k := [2]string{slug, id}
		st := StepStats{ID: id, Kind: kind, Text: text, Reached: byRef[domain.MetricStepReached][k], Answered: byRef[domain.MetricStepAnswered][k]}
		if kind == string(journeys.KindOutcome) || (kind == "" && byRef[domain.MetricOutcomeReached][k] > 0) {
			st.Reached, st.Answered = byRef[domain.MetricOutcomeReached][k], 0
			st.OutcomeID = orientation.OutcomeID(orgID, slug, id)
			st.Feedback = byRef[domain.MetricFeedback][[2]string{st.OutcomeID, ""}]
			st.FeedbackUseful = byRef[domain.MetricFeedbackUseful][[2]string{st.OutcomeID, ""}]
		}
		listed[id] = true
		return st
	}
	for _, s := range j.Steps {
		js.Steps = append(js.Steps, step(s.ID, string(s.Kind), s.Text))
	}
	var gone []string
	for _, m := range []string{domain.MetricStepReached, domain.MetricStepAnswered, domain.MetricOutcomeReached} {
		for k := range byRef[m] {
			if k[0] == slug && !listed[k[1]] && !slices.Contains(gone, k[1]) {
				gone = append(gone, k[1])
			}
		}
	}
	slices.Sort(gone)
	for _, id := range gone {
		js.Steps = append(js.Steps, step(id, "", ""))
	}
	return js
}

// PortalUsage sums the indicators of a period by third-party portal; the
// usage that came without an API key is under "". Only counts: no search
// text, nothing about a resident.
func (s *Service) PortalUsage(ctx context.Context, p Period) (map[string]*Totals, error) {
	counts, err := s.sum(ctx, domain.UsageQuery{From: p.From, To: p.To}, scalarMetrics, 0, domain.ByPortal)
	if err != nil {
		return nil, err
	}
	out := map[string]*Totals{}
	for _, c := range counts {
		t := out[c.PortalID]
		if t == nil {
			t = &Totals{}
			out[c.PortalID] = t
		}
		t.add(c.Metric, c.Value)
	}
	return out, nil
}
