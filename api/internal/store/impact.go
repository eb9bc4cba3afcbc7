package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

var _ domain.ImpactStore = (*Store)(nil)

type usageEventRow struct {
	OrganisationID string
	Entry          string
	SessionID      string
	Day            string
	At             time.Time
	Type           string
	Journey        string
	Step           string
	OutcomeID      string
	ContactPointID string
	Channel        string
	Results        *int
	Answered       int
	Query          string
	PortalID       string
}

func (usageEventRow) TableName() string { return "usage_events" }

type feedbackRow struct {
	ID             string `gorm:"primaryKey"`
	OrganisationID string
	Entry          string
	OutcomeID      string
	Journey        string
	Step           string
	Query          string
	Useful         int
	Comment        string
	LookingFor     string
	Day            string
	CreatedAt      time.Time `gorm:"autoCreateTime:false"`
	PortalID       string
}

func (feedbackRow) TableName() string { return "feedback" }

type usageRollupRow struct {
	Day      string `gorm:"primaryKey"`
	RolledAt time.Time
}

func (usageRollupRow) TableName() string { return "usage_rollups" }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// InsertUsageEvents writes the events in one transaction. A day already
// rolled up that receives late rows is unmarked in the same transaction: its
// figures are read from the raw rows again until it is rolled up anew, so
// nothing accepted is left out of the figures.
func (s *Store) InsertUsageEvents(ctx context.Context, events []domain.UsageEvent) error {
	if len(events) == 0 {
		return nil
	}
	rows := make([]usageEventRow, len(events))
	var days []string
	for i, e := range events {
		rows[i] = usageEventRow{OrganisationID: e.OrganisationID, Entry: e.Entry, SessionID: e.SessionID, Day: e.Day, At: e.At.UTC(),
			Type: string(e.Type), Journey: e.Journey, Step: e.Step, OutcomeID: e.OutcomeID, ContactPointID: e.ContactPointID,
			Channel: e.Channel, Results: e.Results, Answered: boolInt(e.Answered), Query: e.Query, PortalID: e.PortalID}
		if !slices.Contains(days, e.Day) {
			days = append(days, e.Day)
		}
	}
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Rows per INSERT: 500 rows of 15 columns stay under PostgreSQL's
		// parameter limit; the pure-Go SQLite driver binds parameters in
		// quadratic time, so smaller statements are faster there.
		per := 500
		if s.dialect == SQLite {
			per = 40
		}
		if err := tx.CreateInBatches(rows, per).Error; err != nil {
			return err
		}
		return tx.Where("day IN ?", days).Delete(&usageRollupRow{}).Error
	})
	return translate(err, "Événements d'usage")
}

func (s *Store) CreateFeedback(ctx context.Context, f *domain.Feedback) error {
	if f.ID == "" {
		f.ID = domain.NewID()
	}
	if f.CreatedAt.IsZero() {
		f.CreatedAt = s.now()
	}
	f.CreatedAt = f.CreatedAt.UTC().Truncate(time.Microsecond)
	f.Day = domain.ParisDay(f.CreatedAt)
	if err := f.Validate(); err != nil {
		return err
	}
	row := feedbackRow{ID: f.ID, OrganisationID: f.OrganisationID, Entry: f.Entry, OutcomeID: f.OutcomeID, Journey: f.Journey,
		Step: f.Step, Query: f.Query, Useful: boolInt(f.Useful), Comment: f.Comment, LookingFor: f.LookingFor, Day: f.Day, CreatedAt: f.CreatedAt, PortalID: f.PortalID}
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		return tx.Where("day = ?", f.Day).Delete(&usageRollupRow{}).Error
	})
	return translate(err, "Avis")
}

func (s *Store) FindFeedback(ctx context.Context, organisationID string, f domain.FeedbackFilter) ([]*domain.Feedback, int, error) {
	q := s.r.WithContext(ctx).Model(&feedbackRow{}).Where("organisation_id = ?", organisationID)
	if f.Useful != nil {
		q = q.Where("useful = ?", boolInt(*f.Useful))
	}
	if f.From != "" {
		q = q.Where("day >= ?", f.From)
	}
	if f.To != "" {
		q = q.Where("day <= ?", f.To)
	}
	if f.Entry != "" {
		q = q.Where("entry = ?", f.Entry)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, translate(err, "Avis")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	var rows []feedbackRow
	if err := q.Order("created_at DESC, id").Offset(f.Offset).Limit(limit).Find(&rows).Error; err != nil {
		return nil, 0, translate(err, "Avis")
	}
	out := make([]*domain.Feedback, len(rows))
	for i, r := range rows {
		out[i] = &domain.Feedback{ID: r.ID, OrganisationID: r.OrganisationID, Entry: r.Entry, OutcomeID: r.OutcomeID, Journey: r.Journey,
			Step: r.Step, Query: r.Query, Useful: r.Useful == 1, Comment: r.Comment, LookingFor: r.LookingFor, CreatedAt: r.CreatedAt.UTC(), Day: r.Day, PortalID: r.PortalID}
	}
	return out, int(total), nil
}

// usageMetric is how one metric is computed from the raw rows: the rows
// of its table (alias e for usage_events, f for feedback) that meet cond,
// grouped by day, organisation, entry point, ref and detail, counted by
// value.
type usageMetric struct {
	name        string
	from        string
	alias       string
	cond        string
	ref, detail string
	value       string
}

const (
	countRows     = "COUNT(*)"
	countSessions = "COUNT(DISTINCT e.session_id)"
	usageEvents   = "usage_events e"
)

// usageMetrics are the definitions of the README's indicators. The same
// SQL computes the figures of open days and the aggregates of closed ones,
// so that rolling a day up never changes its figures.
var usageMetrics = []usageMetric{
	{name: domain.MetricLoads, cond: "e.type = 'loaded'", value: countSessions},
	{name: domain.MetricSearches, cond: "e.type = 'search'", value: countRows},
	{name: domain.MetricSearchesUnanswered, cond: "e.type = 'search' AND e.results = 0", value: countRows},
	{name: domain.MetricSearchQuery, cond: "e.type = 'search' AND e.query <> ''", ref: "e.query", value: countRows},
	{name: domain.MetricUnansweredQuery, cond: "e.type = 'search' AND e.query <> '' AND e.results = 0", ref: "e.query", value: countRows},
	{name: domain.MetricJourneyStarted, cond: "e.journey <> '' AND ((e.type = 'step' AND e.answered = 1) OR e.type = 'outcome')", ref: "e.journey", value: countSessions},
	{name: domain.MetricJourneyCompleted, cond: "e.journey <> '' AND e.type = 'outcome'", ref: "e.journey", value: countSessions},
	{name: domain.MetricStepReached, cond: "e.type = 'step' AND e.answered = 0", ref: "e.journey", detail: "e.step", value: countSessions},
	{name: domain.MetricStepAnswered, cond: "e.type = 'step' AND e.answered = 1", ref: "e.journey", detail: "e.step", value: countSessions},
	{name: domain.MetricOutcomeReached, cond: "e.type = 'outcome' AND e.journey <> ''", ref: "e.journey", detail: "e.step", value: countSessions},
	{name: domain.MetricOutcomeShown, cond: "e.type = 'outcome' AND e.outcome_id <> ''", ref: "e.outcome_id", value: countSessions},
	{name: domain.MetricContactShown, cond: "e.type = 'shown'", ref: "e.contact_point_id", value: countSessions},
	{name: domain.MetricContactUsed, cond: "e.type = 'contact' AND e.contact_point_id <> ''", ref: "e.contact_point_id", detail: "e.channel", value: countRows},
	{name: domain.MetricChannel, cond: "e.type = 'contact'", ref: "e.channel", value: countRows},
	{name: domain.MetricEmergency, cond: "e.type = 'emergency'", value: countRows},
	{name: domain.MetricEngaged, cond: "(e.type IN ('search', 'outcome', 'shown', 'contact', 'emergency') OR (e.type = 'step' AND e.answered = 1))", value: countSessions},
	{name: domain.MetricAnswered, cond: "e.type IN ('outcome', 'shown', 'contact', 'emergency')", value: countSessions},
	// A contact point counts when it still exists and is not one of the
	// partner's switchboards (its own contact points of granularity
	// "administration").
	{name: domain.MetricDiverted, from: "usage_events e JOIN contact_points cp ON cp.id = e.contact_point_id",
		cond: "e.type IN ('shown', 'contact') AND NOT (cp.organisation_id = e.organisation_id AND cp.granularity = 'administration')", value: countSessions},
	{name: domain.MetricFeedback, from: "feedback f", alias: "f", cond: "1 = 1", ref: "f.outcome_id", value: countRows},
	{name: domain.MetricFeedbackUseful, from: "feedback f", alias: "f", cond: "f.useful = 1", ref: "f.outcome_id", value: countRows},
}

// kAnonymousMetrics hold residents' words: their aggregates are deleted
// with the raw rows.
var kAnonymousMetrics = []string{domain.MetricSearchQuery, domain.MetricUnansweredQuery}

// usageFilter is the part of a query that selects rows: a period, an
// organisation and an entry point, and whether the rolled-up days are left
// out.
type usageFilter struct {
	from, to       string
	organisationID string
	entry          string
	portalID       string
	metrics        []string
	skipRolled     bool
}

func (f usageFilter) where(alias string) (string, []any) {
	var b strings.Builder
	args := []any{f.from, f.to}
	fmt.Fprintf(&b, "%[1]s.day BETWEEN ? AND ?", alias)
	if f.organisationID != "" {
		fmt.Fprintf(&b, " AND %s.organisation_id = ?", alias)
		args = append(args, f.organisationID)
	}
	if f.entry != "" {
		fmt.Fprintf(&b, " AND %s.entry = ?", alias)
		args = append(args, f.entry)
	}
	if f.portalID != "" {
		fmt.Fprintf(&b, " AND %s.portal_id = ?", alias)
		args = append(args, f.portalID)
	}
	if f.skipRolled {
		fmt.Fprintf(&b, " AND %s.day NOT IN (SELECT day FROM usage_rollups WHERE day BETWEEN ? AND ?)", alias)
		args = append(args, f.from, f.to)
	}
	return b.String(), args
}

// rawUsage returns the SELECT of the metrics over the raw rows, as
// (day, organisation_id, entry, portal_id, metric, ref, detail, value) rows.
func rawUsage(f usageFilter) (string, []any) {
	var parts []string
	var args []any
	for _, m := range usageMetrics {
		if f.metrics != nil && !slices.Contains(f.metrics, m.name) {
			continue
		}
		from, alias := cmp.Or(m.from, usageEvents), cmp.Or(m.alias, "e")
		ref, detail := cmp.Or(m.ref, "''"), cmp.Or(m.detail, "''")
		where, wargs := f.where(alias)
		group := fmt.Sprintf("%[1]s.day, %[1]s.organisation_id, %[1]s.entry, %[1]s.portal_id", alias)
		// PostgreSQL refuses constants in GROUP BY.
		for _, col := range []string{m.ref, m.detail} {
			if col != "" {
				group += ", " + col
			}
		}
		parts = append(parts, fmt.Sprintf("SELECT %[1]s.day, %[1]s.organisation_id, %[1]s.entry, %[1]s.portal_id, '%[2]s' AS metric, %[3]s AS ref, %[4]s AS detail, %[5]s AS value FROM %[6]s WHERE %[7]s AND %[8]s GROUP BY %[9]s",
			alias, m.name, ref, detail, m.value, from, where, m.cond, group))
		args = append(args, wargs...)
	}
	return strings.Join(parts, "\nUNION ALL\n"), args
}

func (s *Store) SumUsage(ctx context.Context, q domain.UsageQuery) ([]domain.UsageCount, error) {
	if !domain.ValidDay(q.From) || !domain.ValidDay(q.To) {
		return nil, fmt.Errorf("sum usage: bad period %q–%q", q.From, q.To)
	}
	f := usageFilter{from: q.From, to: q.To, organisationID: q.OrganisationID, entry: q.Entry, portalID: q.PortalID, metrics: q.Metrics, skipRolled: true}
	// The rolled-up days from their aggregates, the others from the raw
	// rows: one statement, so one snapshot of both.
	rolled, args := usageFilter{from: q.From, to: q.To, organisationID: q.OrganisationID, entry: q.Entry, portalID: q.PortalID}.where("d")
	rolled += " AND d.day IN (SELECT day FROM usage_rollups WHERE day BETWEEN ? AND ?)"
	args = append(args, q.From, q.To)
	if q.Metrics != nil {
		rolled += " AND d.metric IN ?"
		args = append(args, q.Metrics)
	}
	raw, rawArgs := rawUsage(f)
	union := "SELECT d.day, d.organisation_id, d.entry, d.portal_id, d.metric, d.ref, d.detail, d.value FROM usage_daily d WHERE " + rolled
	if raw != "" {
		union += "\nUNION ALL\n" + raw
		args = append(args, rawArgs...)
	}
	cols := []string{"metric"}
	for _, d := range q.By {
		switch d {
		case domain.ByDay, domain.ByOrganisation, domain.ByEntry, domain.ByPortal:
			cols = append(cols, string(d))
		case domain.ByRef:
			cols = append(cols, "ref", "detail")
		default:
			return nil, fmt.Errorf("sum usage: unknown dimension %q", d)
		}
	}
	group := strings.Join(cols, ", ")
	// SUM of BIGINT is NUMERIC on PostgreSQL: cast back.
	query := "SELECT " + group + ", CAST(SUM(value) AS BIGINT) AS value FROM (" + union + ") u GROUP BY " + group
	if q.MinValue > 0 {
		query += " HAVING SUM(value) >= ?"
		args = append(args, q.MinValue)
	}
	var out []domain.UsageCount
	if err := s.r.WithContext(ctx).Raw(query, args...).Scan(&out).Error; err != nil {
		return nil, translate(err, "Statistiques d'usage")
	}
	// Sorted here, not in SQL: both databases then agree on the order
	// whatever their collation.
	slices.SortFunc(out, func(a, b domain.UsageCount) int {
		return cmp.Or(cmp.Compare(a.Metric, b.Metric), cmp.Compare(a.Day, b.Day), cmp.Compare(a.OrganisationID, b.OrganisationID),
			cmp.Compare(a.Entry, b.Entry), cmp.Compare(a.PortalID, b.PortalID), cmp.Compare(a.Ref, b.Ref), cmp.Compare(a.Detail, b.Detail))
	})
	return out, nil
}

func (s *Store) RollUpUsage(ctx context.Context, last string) ([]string, error) {
	if !domain.ValidDay(last) {
		return nil, fmt.Errorf("roll up usage: bad day %q", last)
	}
	var days []string
	err := s.r.WithContext(ctx).Raw(`SELECT day FROM usage_events WHERE day <= ? AND day NOT IN (SELECT day FROM usage_rollups)
UNION SELECT day FROM feedback WHERE day <= ? AND day NOT IN (SELECT day FROM usage_rollups)`, last, last).Scan(&days).Error
	if err != nil {
		return nil, translate(err, "Agrégats d'usage")
	}
	slices.Sort(days)
	var done []string
	for _, day := range days {
		ok, err := s.rollUpDay(ctx, day)
		if err != nil {
			return done, err
		}
		if ok {
			done = append(done, day)
		}
	}
	return done, nil
}

// rollUpDay stores one day's aggregates. The day is claimed first, in the
// same transaction: a replica rolling the same day up at the same time
// waits for this one, then finds it done.
func (s *Store) rollUpDay(ctx context.Context, day string) (bool, error) {
	claimed := false
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&usageRollupRow{Day: day, RolledAt: s.now().UTC()})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		claimed = true
		if err := tx.Where("day = ?", day).Delete(&usageDailyRow{}).Error; err != nil {
			return err
		}
		raw, args := rawUsage(usageFilter{from: day, to: day})
		return tx.Exec("INSERT INTO usage_daily (day, organisation_id, entry, portal_id, metric, ref, detail, value) "+raw, args...).Error
	})
	if err != nil {
		return false, translate(err, "Agrégats d'usage du "+day)
	}
	return claimed, nil
}

type usageDailyRow struct {
	Day            string `gorm:"primaryKey"`
	OrganisationID string `gorm:"primaryKey"`
	Entry          string `gorm:"primaryKey"`
	PortalID       string `gorm:"primaryKey"`
	Metric         string `gorm:"primaryKey"`
	Ref            string `gorm:"primaryKey"`
	Detail         string `gorm:"primaryKey"`
	Value          int64
}

func (usageDailyRow) TableName() string { return "usage_daily" }

func (s *Store) PurgeUsage(ctx context.Context, before string) (int, error) {
	if !domain.ValidDay(before) {
		return 0, fmt.Errorf("purge usage: bad day %q", before)
	}
	n := 0
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		rolled := tx.Model(&usageRollupRow{}).Select("day")
		for _, del := range []*gorm.DB{
			tx.Where("day < ? AND day IN (?)", before, rolled).Delete(&usageEventRow{}),
			tx.Where("day < ? AND day IN (?)", before, rolled).Delete(&feedbackRow{}),
			tx.Where("day < ? AND metric IN ?", before, kAnonymousMetrics).Delete(&usageDailyRow{}),
		} {
			if del.Error != nil {
				return del.Error
			}
			n += int(del.RowsAffected)
		}
		return nil
	})
	if err != nil {
		return 0, translate(err, "Purge des événements d'usage")
	}
	return n, nil
}
