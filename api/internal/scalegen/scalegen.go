// Package scalegen fills a database with a synthetic national dataset for
// the load benchmark: partner organisations with a territory, entry points
// and a published journey each, contact points spread over the real
// communes, and usage events over 13 months (rolled up as the maintenance
// would). The data is deterministic for a given seed and scale.
package scalegen

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/aiguillage/aiguillage/api/internal/admin"
	"github.com/aiguillage/aiguillage/api/internal/commons"
	"github.com/aiguillage/aiguillage/api/internal/directory"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/geo"
	"github.com/aiguillage/aiguillage/api/internal/orientation"
	"github.com/aiguillage/aiguillage/api/internal/store"
)

// Per scale factor 1.
const (
	ContactPointsPerScale = 10_000
	PartnersPerScale      = 50
	EventsPerScale        = 1_000_000
)

// Options size the dataset. Zero counts come from Scale.
type Options struct {
	// Scale multiplies the 1× sizes (10,000 contact points, 50 partners,
	// 1,000,000 events).
	Scale                           float64
	Partners, ContactPoints, Events int
	// Seed makes the data reproducible.
	Seed uint64
	// Now ends the 13 months of events (default: now, truncated to the day).
	Now time.Time
	// NoRollUp leaves the closed days raw instead of rolling them up.
	NoRollUp bool
	Logger   *slog.Logger
}

// Stats is what was generated and how long each part took.
type Stats struct {
	Partners, ContactPoints, Journeys, Events, DaysRolledUp int
	PartnersTime, ContactPointsTime, EventsTime, RollUpTime time.Duration
}

// Total is the whole generation time.
func (s Stats) Total() time.Duration {
	return s.PartnersTime + s.ContactPointsTime + s.EventsTime + s.RollUpTime
}

// PartnerSlug is the slug of the i-th generated partner (from 0).
func PartnerSlug(i int) string { return fmt.Sprintf("partenaire-%04d", i+1) }

// JourneySlug and EntrySlug name every partner's journey and its entry point.
const (
	JourneySlug = "aides-logement"
	EntrySlug   = "logement"
)

func (o *Options) sizes() {
	if o.Scale <= 0 {
		o.Scale = 1
	}
	if o.Partners == 0 {
		o.Partners = max(1, int(o.Scale*PartnersPerScale))
	}
	if o.ContactPoints == 0 {
		o.ContactPoints = int(o.Scale * ContactPointsPerScale)
	}
	if o.Events == 0 {
		o.Events = int(o.Scale * EventsPerScale)
	}
	if o.Now.IsZero() {
		o.Now = time.Now().UTC().Truncate(24 * time.Hour)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// Generate loads the national commons (needed for the journeys' helplines
// and themes) and adds the synthetic dataset. Run it on a migrated store;
// run twice on the same store it fails (the partners exist).
func Generate(ctx context.Context, s *store.Store, ref *geo.Reference, opt Options) (Stats, error) {
	opt.sizes()
	var st Stats
	rng := rand.New(rand.NewPCG(opt.Seed, 0x5ca1e))
	newID := ids(rng)
	start := time.Now()
	if _, err := commons.LoadCommons(ctx, s, opt.Logger); err != nil {
		return st, fmt.Errorf("load the national commons: %w", err)
	}
	commonsOrg, err := s.FindOrganisationBySlug(ctx, domain.CommonsSlug)
	if err != nil {
		return st, err
	}
	deps := ref.Departements()
	partners := make([]*domain.Organisation, opt.Partners)
	for i := range partners {
		d := deps[i%len(deps)]
		var territory []string
		for _, c := range ref.CommunesOfDepartement(d.Code) {
			territory = append(territory, c.Code)
		}
		partners[i] = &domain.Organisation{
			ID: newID(), Slug: PartnerSlug(i), Name: fmt.Sprintf("%s — partenaire %d", d.Name, i+1),
			Kind: domain.KindDepartement, Territory: territory,
			EntryPoints: []domain.EntryPoint{
				{Slug: EntrySlug, Name: "Logement", Themes: []string{"logement", "aide-au-logement"}},
				{Slug: "social", Name: "Action sociale", Themes: []string{"argent", "famille"}},
			},
		}
		if err := s.UpsertOrganisation(ctx, partners[i]); err != nil {
			return st, fmt.Errorf("partner %s: %w", partners[i].Slug, err)
		}
	}
	st.Partners = len(partners)
	st.PartnersTime = time.Since(start)

	start = time.Now()
	cpIDs, err := contactPoints(ctx, s, ref, rng, newID, commonsOrg.ID, partners, opt.ContactPoints)
	if err != nil {
		return st, err
	}
	st.ContactPoints = len(cpIDs)
	if st.Journeys, err = journeys(ctx, s, ref, partners); err != nil {
		return st, err
	}
	st.ContactPointsTime = time.Since(start)
	opt.Logger.Info("scale: directory", "partners", st.Partners, "contact_points", st.ContactPoints, "took", st.PartnersTime+st.ContactPointsTime)

	start = time.Now()
	if st.Events, err = events(ctx, s, rng, newID(), partners, cpIDs, opt); err != nil {
		return st, err
	}
	st.EventsTime = time.Since(start)
	opt.Logger.Info("scale: events", "events", st.Events, "took", st.EventsTime)
	if !opt.NoRollUp {
		start = time.Now()
		days, err := s.RollUpUsage(ctx, domain.ParisDay(opt.Now.AddDate(0, 0, -1)))
		if err != nil {
			return st, fmt.Errorf("roll up: %w", err)
		}
		st.DaysRolledUp = len(days)
		st.RollUpTime = time.Since(start)
		opt.Logger.Info("scale: roll-up", "days", len(days), "took", st.RollUpTime)
	}
	return st, nil
}

// ids returns a generator of version 4 UUIDs drawn from rng, so that the
// same seed gives the same identifiers.
func ids(rng *rand.Rand) func() string {
	return func() string {
		var b [16]byte
		binary.LittleEndian.PutUint64(b[:8], rng.Uint64())
		binary.LittleEndian.PutUint64(b[8:], rng.Uint64())
		b[6] = b[6]&0x0f | 0x40
		b[8] = b[8]&0x3f | 0x80
		return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
	}
}

// kinds of generated contact points: annuaire pivot, name pattern, themes,
// whether a partner (rather than the commons) holds it.
var kinds = []struct {
	pivot, name string
	themes      []string
	partner     bool
}{
	{"mairie", "Mairie de %s", []string{"etat-civil", "identite-passeport", "vie-locale"}, false},
	{"ccas", "CCAS de %s", []string{"aide-financiere", "personnes-agees"}, true},
	{"caf", "CAF — accueil de %s", []string{"allocations-familiales", "aide-au-logement", "rsa-prime-activite"}, false},
	{"cpam", "CPAM — accueil de %s", []string{"assurance-maladie", "complementaire-sante"}, false},
	{"france_travail", "France Travail %s", []string{"chomage", "recherche-emploi"}, false},
	{"msap", "France services de %s", []string{"aide-demarches", "numerique"}, false},
	{"mission_locale", "Mission locale de %s", []string{"jeunes-insertion", "formation"}, true},
	{"cdas", "Espace des solidarités de %s", []string{"famille", "aide-financiere", "logement"}, true},
	{"centre_social", "Centre social de %s", []string{"famille", "vie-locale"}, true},
	{"point_justice", "Point-justice de %s", []string{"acces-au-droit", "justice"}, false},
}

var streets = []string{"place de la Mairie", "rue de la République", "avenue Jean-Jaurès", "rue Victor-Hugo", "boulevard Gambetta", "rue Pasteur", "place du Marché", "rue de la Gare"}

// contactPoints writes n contact points over the communes, weighted by
// population, in batches, and returns their ids.
func contactPoints(ctx context.Context, s *store.Store, ref *geo.Reference, rng *rand.Rand, newID func() string, commonsID string, partners []*domain.Organisation, n int) ([]string, error) {
	var communes []*domain.Commune
	var cum []int
	total := 0
	for _, d := range ref.Departements() {
		for _, c := range ref.CommunesOfDepartement(d.Code) {
			communes = append(communes, c)
			total += max(c.Population, 50)
			cum = append(cum, total)
		}
	}
	byDep := map[string]*domain.Organisation{}
	for _, p := range partners {
		if c, ok := ref.Commune(p.Territory[0]); ok {
			if _, seen := byDep[c.Departement]; !seen {
				byDep[c.Departement] = p
			}
		}
	}
	verified := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	ids := make([]string, 0, n)
	batch := make([]*domain.ContactPoint, 0, 1000)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if _, err := s.UpsertContactPoints(ctx, batch); err != nil {
			return fmt.Errorf("contact points: %w", err)
		}
		batch = batch[:0]
		return nil
	}
	for i := range n {
		x := rng.IntN(total)
		lo, hi := 0, len(cum)
		for lo < hi {
			m := (lo + hi) / 2
			if cum[m] <= x {
				lo = m + 1
			} else {
				hi = m
			}
		}
		c := communes[lo]
		k := kinds[rng.IntN(len(kinds))]
		org := commonsID
		if p, ok := byDep[c.Departement]; ok && k.partner {
			org = p.ID
		}
		postal := ""
		if len(c.PostalCodes) > 0 {
			postal = c.PostalCodes[0]
		}
		id := newID()
		lat, lon := c.Latitude, c.Longitude
		cp := &domain.ContactPoint{
			ID: id, OrganisationID: org, Name: fmt.Sprintf(k.name, c.Name), Granularity: domain.GranularityService, Pivot: k.pivot,
			Description: fmt.Sprintf("Accueil du public à %s (données synthétiques du banc d'essai).", c.Name),
			Themes:      k.themes,
			Channels: []domain.Channel{
				{Kind: domain.ChannelPhone, Value: fmt.Sprintf("0%d %02d %02d %02d %02d", 1+rng.IntN(5), rng.IntN(100), rng.IntN(100), rng.IntN(100), rng.IntN(100))},
				{Kind: domain.ChannelEmail, Value: fmt.Sprintf("accueil-%d@exemple.fr", i+1)},
				{Kind: domain.ChannelAddress, Value: fmt.Sprintf("%d %s, %s %s", 1+rng.IntN(60), streets[rng.IntN(len(streets))], postal, c.Name)},
			},
			Address: &domain.Address{Lines: []string{fmt.Sprintf("%d %s", 1+rng.IntN(60), streets[rng.IntN(len(streets))])}, PostalCode: postal, City: c.Name, CommuneCode: c.Code},
			Hours:   hours(rng),
			Source:  domain.Source{Kind: domain.SourceCSV, ID: fmt.Sprintf("scale-%d", i+1), Dataset: "scalegen"},
		}
		if c.HasLocation {
			cp.Address.Latitude, cp.Address.Longitude = &lat, &lon
		}
		switch rng.IntN(3) {
		case 0:
			cp.Coverage = domain.Coverage{Rule: domain.CoverageExplicit, Communes: []string{c.Code}}
		case 1:
			cp.Coverage = domain.Coverage{Rule: domain.CoverageExplicit, Departements: []string{c.Departement}}
		default:
			cp.Coverage = domain.Coverage{Rule: domain.CoverageNearest, Inferred: true}
		}
		cp.VerifiedAt = &verified
		ids = append(ids, id)
		if batch = append(batch, cp); len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	return ids, flush()
}

func hours(rng *rand.Rand) domain.OpeningHours {
	var h domain.OpeningHours
	afternoon := rng.IntN(2) == 0
	for day := 1; day <= 5; day++ {
		h.Weekly = append(h.Weekly, domain.OpeningSlot{Day: day, Opens: "08:30", Closes: "12:00"})
		if afternoon && day != 3 {
			h.Weekly = append(h.Weekly, domain.OpeningSlot{Day: day, Opens: "13:30", Closes: "17:00"})
		}
	}
	if rng.IntN(4) == 0 {
		h.Weekly = append(h.Weekly, domain.OpeningSlot{Day: 6, Opens: "09:00", Closes: "12:00"})
	}
	return h
}

// journey is every partner's published journey: a question, the commune,
// then outcomes naming national helplines and the local CAF.
const journey = `{
  "slug": "aides-logement", "title": "Logement : payer le loyer",
  "description": "Vous avez du mal à payer votre loyer, ou vous n'avez pas d'endroit où dormir ce soir.",
  "themes": ["logement", "aide-au-logement"], "first_step": "besoin",
  "steps": [
    {"id": "besoin", "kind": "question", "text": "Quelle est votre situation ?", "help": "Choisissez ce qui ressemble le plus à votre situation.",
     "options": [{"label": "Je n'ai pas d'endroit où dormir ce soir", "next": "urgence-115"}, {"label": "J'ai du mal à payer mon loyer", "next": "ou"}]},
    {"id": "urgence-115", "kind": "outcome", "text": "Appelez le 115 pour être hébergé cette nuit",
     "outcome": {"explanation": "Le 115 est le numéro de l'hébergement d'urgence, gratuit, jour et nuit.", "documents": [], "contact_points": ["helpline:115"], "pivots": [], "emergency": true}},
    {"id": "ou", "kind": "location", "text": "Dans quelle commune habitez-vous ?", "next": "caf-aide-logement"},
    {"id": "caf-aide-logement", "kind": "outcome", "text": "Demandez l'aide au logement (APL) à la CAF",
     "outcome": {"explanation": "L'aide au logement paie une partie de votre loyer. Faites la demande sur caf.fr, ou appelez le 3230.", "documents": ["Bail et montant du loyer"], "contact_points": ["helpline:3230"], "pivots": [], "emergency": false}}
  ]}`

// journeys publishes the journey of every partner, as `aiguillage demo`
// publishes the demo journeys.
func journeys(ctx context.Context, s *store.Store, ref *geo.Reference, partners []*domain.Organisation) (int, error) {
	pivots, err := commons.PivotTypes()
	if err != nil {
		return 0, err
	}
	known := func(code string) bool { _, ok := pivots[code]; return ok }
	adm := admin.New(s, ref, known, time.Now)
	svc := orientation.New(s, directory.New(s, ref, known), adm, ref, known, time.Now)
	for _, p := range partners {
		if _, err := svc.Seed(ctx, orientation.SeedFile{Partner: p.Slug, EntryPoints: []string{EntrySlug}, Journey: json.RawMessage(journey)}, "scalegen@aiguillage.fr"); err != nil {
			return 0, fmt.Errorf("journey of %s: %w", p.Slug, err)
		}
	}
	return len(partners), nil
}

// eventColumns are the usage_events columns the generator fills.
var eventColumns = []string{"organisation_id", "entry", "session_id", "day", "at", "type", "journey", "step", "outcome_id", "contact_point_id", "channel", "results", "answered", "query"}

var queries = []string{"loyer impayé", "aide au logement", "apl", "je n'ai plus de logement", "expulsion", "caf", "facture électricité", "hébergement d'urgence"}

// events writes n usage events: widget sessions (loaded, search, steps,
// outcome, shown contact points, contact, exit) spread over 13 months.
func events(ctx context.Context, s *store.Store, rng *rand.Rand, outcome string, partners []*domain.Organisation, cpIDs []string, opt Options) (int, error) {
	w, err := newEventWriter(ctx, s)
	if err != nil {
		return 0, err
	}
	// 13 months, less a day: the maintenance purges what is older.
	first := opt.Now.AddDate(0, -13, 1)
	span := opt.Now.Sub(first)
	written := 0
	row := func(p *domain.Organisation, session string, at time.Time, typ domain.EventType, journey, step, outcome, cp, channel string, results any, answered int, query string) error {
		written++
		return w.add([]any{p.ID, EntrySlug, session, domain.ParisDay(at), at, string(typ), journey, step, outcome, cp, channel, results, answered, query})
	}
	for sess := 0; written < opt.Events; sess++ {
		p := partners[rng.IntN(len(partners))]
		session := fmt.Sprintf("scale-%016x", rng.Uint64())
		at := first.Add(time.Duration(rng.Int64N(int64(span)))).UTC().Truncate(time.Microsecond)
		tick := func() time.Time { at = at.Add(time.Duration(2+rng.IntN(30)) * time.Second); return at }
		steps := []func() error{
			func() error { return row(p, session, tick(), domain.EventLoaded, "", "", "", "", "", nil, 0, "") },
			func() error {
				return row(p, session, tick(), domain.EventSearch, "", "", "", "", "", rng.IntN(8), 0, queries[rng.IntN(len(queries))])
			},
			func() error {
				return row(p, session, tick(), domain.EventStep, JourneySlug, "besoin", "", "", "", nil, 0, "")
			},
			func() error {
				return row(p, session, tick(), domain.EventStep, JourneySlug, "besoin", "", "", "", nil, 1, "")
			},
			func() error {
				return row(p, session, tick(), domain.EventOutcome, JourneySlug, "caf-aide-logement", outcome, "", "", nil, 0, "")
			},
			func() error {
				return row(p, session, at, domain.EventShown, JourneySlug, "caf-aide-logement", outcome, cpIDs[rng.IntN(len(cpIDs))], "", nil, 0, "")
			},
			func() error {
				return row(p, session, tick(), domain.EventContact, "", "", "", cpIDs[rng.IntN(len(cpIDs))], "phone", nil, 0, "")
			},
			func() error { return row(p, session, tick(), domain.EventExit, "", "", "", "", "", nil, 0, "") },
		}
		// Most sessions stop early, as residents do.
		n := 1 + rng.IntN(len(steps))
		for _, st := range steps[:n] {
			if written >= opt.Events {
				break
			}
			if err := st(); err != nil {
				return written, err
			}
		}
	}
	return written, w.close()
}

// eventWriter batches rows: COPY on PostgreSQL, multi-row INSERTs in
// large transactions on SQLite.
type eventWriter struct {
	ctx  context.Context
	s    *store.Store
	db   *sql.DB
	rows [][]any
}

const eventChunk = 50_000

func newEventWriter(ctx context.Context, s *store.Store) (*eventWriter, error) {
	db, err := s.SQLDB()
	if err != nil {
		return nil, err
	}
	return &eventWriter{ctx: ctx, s: s, db: db, rows: make([][]any, 0, eventChunk)}, nil
}

func (w *eventWriter) add(r []any) error {
	w.rows = append(w.rows, r)
	if len(w.rows) == eventChunk {
		return w.flush()
	}
	return nil
}

func (w *eventWriter) close() error { return w.flush() }

func (w *eventWriter) flush() error {
	if len(w.rows) == 0 {
		return nil
	}
	var err error
	if w.s.Dialect() == store.Postgres {
		err = w.copy()
	} else {
		err = w.insert()
	}
	w.rows = w.rows[:0]
	if err != nil {
		return fmt.Errorf("usage events: %w", err)
	}
	return nil
}

func (w *eventWriter) copy() error {
	conn, err := w.db.Conn(w.ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("not a pgx connection: %T", dc)
		}
		_, err := c.Conn().CopyFrom(w.ctx, pgx.Identifier{"usage_events"}, eventColumns, pgx.CopyFromRows(w.rows))
		return err
	})
}

// sqlitePerStatement rows per INSERT: the pure-Go driver binds parameters
// in quadratic time, so small statements are faster.
const sqlitePerStatement = 10

func (w *eventWriter) insert() error {
	tx, err := w.db.BeginTx(w.ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(eventColumns)), ",") + ")"
	full := "INSERT INTO usage_events (" + strings.Join(eventColumns, ",") + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+",", sqlitePerStatement), ",")
	stmt, err := tx.PrepareContext(w.ctx, full)
	if err != nil {
		return err
	}
	defer stmt.Close()
	args := make([]any, 0, sqlitePerStatement*len(eventColumns))
	rows := w.rows
	for len(rows) >= sqlitePerStatement {
		args = args[:0]
		for _, r := range rows[:sqlitePerStatement] {
			args = append(args, r...)
		}
		if _, err := stmt.ExecContext(w.ctx, args...); err != nil {
			return err
		}
		rows = rows[sqlitePerStatement:]
	}
	if len(rows) > 0 {
		args = args[:0]
		for _, r := range rows {
			args = append(args, r...)
		}
		q := "INSERT INTO usage_events (" + strings.Join(eventColumns, ",") + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+",", len(rows)), ",")
		if _, err := tx.ExecContext(w.ctx, q, args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Partners is the number of partners generated at a scale.
func Partners(scale float64) int {
	o := Options{Scale: scale}
	o.sizes()
	return o.Partners
}
