package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/directory"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/geo"
	"github.com/aiguillage/aiguillage/api/internal/orientation"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// recorder keeps the statements a store runs (store.Trace).
type recorder struct {
	mu   sync.Mutex
	on   bool
	seen []store.Statement
}

func (r *recorder) record(st store.Statement) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.on {
		r.seen = append(r.seen, st)
	}
}

// during returns the statements fn made the store run.
func (r *recorder) during(t testing.TB, fn func() error) []store.Statement {
	t.Helper()
	r.mu.Lock()
	r.on, r.seen = true, nil
	r.mu.Unlock()
	err := fn()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.on = false
	if err != nil {
		t.Fatal(err)
	}
	return r.seen
}

// indexedTables are the tables public reads must reach through an index.
var indexedTables = map[string]bool{
	"organisations": true, "entry_points": true, "themes": true, "contact_points": true,
	"contact_point_coverage": true, "journeys": true, "journey_versions": true, "journey_outcomes": true, "logos": true,
}

// TestPublicQueriesUseIndexes loads a realistic volume into PostgreSQL
// (2 000 partners, 30 000 contact points with their coverage, 20 000
// themes, 2 000 journeys), runs every read of the public endpoints through
// the services that serve them, and EXPLAINs each statement exactly as the
// store sent it: none may scan a whole table.
func TestPublicQueriesUseIndexes(t *testing.T) {
	storetest.RequirePostgres(t)
	ctx := context.Background()
	s := storetest.New(t, store.Postgres)
	ref, err := geo.Load()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	commons := seedOrg(t, s, domain.CommonsSlug)
	org := seedOrg(t, s, "var")
	org.EntryPoints[0].Journey = "logement"
	if err := s.UpsertOrganisation(ctx, org); err != nil {
		t.Fatal(err)
	}
	fixed := office(org.ID, "var-accueil", "ccas", domain.Coverage{Rule: domain.CoverageExplicit, Communes: []string{"83137"}}, "83137")
	if _, err := s.UpsertContactPoints(ctx, []*domain.ContactPoint{fixed}); err != nil {
		t.Fatal(err)
	}
	journey := fmt.Sprintf(`{"slug":"logement","title":"Logement","first_step":"q","steps":[
		{"id":"q","kind":"question","text":"Votre besoin ?","options":[{"label":"Loyer","next":"o"}]},
		{"id":"o","kind":"outcome","text":"Votre CAF","outcome":{"explanation":"La CAF verse les aides au logement.","pivots":["caf","mairie"],"contact_points":[%q]}}]}`, fixed.ID)
	outcomeID := orientation.OutcomeID(org.ID, "logement", "o")
	for _, q := range []string{
		// Partners, each with an entry point, 10 themes and a journey
		// published three times with three outcomes.
		`INSERT INTO organisations (id, slug, name, kind, created_at, updated_at)
		 SELECT 'org-' || i, 'partenaire-' || i, 'Partenaire ' || i, 'commune', now(), now() FROM generate_series(1, 2000) i`,
		`INSERT INTO entry_points (organisation_id, slug, position, name, journey)
		 SELECT 'org-' || i, 'social', 0, 'Social', 'parcours' FROM generate_series(1, 2000) i`,
		`INSERT INTO themes (organisation_id, slug, label, content_hash, created_at, updated_at)
		 SELECT 'org-' || i, 'theme-' || k, 'Thème ' || k, md5(i || '-' || k), now(), now() FROM generate_series(1, 2000) i, generate_series(1, 10) k`,
		`INSERT INTO logos (organisation_id, content_type, data, sha256, updated_at)
		 SELECT 'org-' || i, 'image/png', '\x89504e47'::bytea, md5('l' || i), now() FROM generate_series(1, 2000) i`,
		`INSERT INTO journeys (organisation_id, slug, title, draft, draft_version, published_version, created_at, updated_at)
		 SELECT 'org-' || i, 'parcours', 'Parcours', '{}', 3, 3, now(), now() FROM generate_series(1, 2000) i`,
		`INSERT INTO journey_versions (organisation_id, slug, number, content, author, created_at)
		 SELECT 'org-' || i, 'parcours', n, '{}', 'x', now() FROM generate_series(1, 2000) i, generate_series(1, 3) n`,
		`INSERT INTO journey_outcomes (id, organisation_id, slug, step_id)
		 SELECT md5('outcome-' || i || '-' || k), 'org-' || i, 'parcours', 'issue-' || k FROM generate_series(1, 2000) i, generate_series(1, 3) k`,
		// The national directory: 30 000 offices of 30 kinds, most under
		// the nearest-in-département rule, the others covering a
		// département, a région or the whole country; some partners'
		// local overrides.
		`INSERT INTO contact_points (id, organisation_id, name, pivot, themes, source_kind, content_hash, created_at, updated_at,
		     emergency, emergency_rank, commune_code, latitude, longitude, coverage, overrides_id)
		 SELECT md5('cp-' || i), ?, 'Office ' || i,
		     (ARRAY['caf','cpam','mairie','prefecture','pole_emploi','msap','maison_handicapees','ccas','tribunal','urssaf',
		            'sip','sie','cicas','carsat','msa','cdas','pmi','mission_locale','adil','cidff','centre_social','gendarmerie',
		            'commissariat_police','sous_pref','cci','cma','dd_fip','epci','crous','banque_de_france'])[1 + i % 30],
		     '["theme-' || (i % 50) || '"]', 'annuaire', md5('h' || i), now(), now(),
		     i % 3000 = 0, i % 3000, lpad((1 + i % 95)::text, 2, '0') || '001', 43.1, 5.9,
		     CASE WHEN i % 10 = 0 THEN '{"departements":["83"]}' ELSE '{"rule":"nearest"}' END, ''
		 FROM generate_series(1, 30000) i`,
		`INSERT INTO contact_point_coverage (contact_point_id, level, code)
		 SELECT md5('cp-' || i),
		     CASE WHEN i % 100 = 0 THEN 'national' WHEN i % 50 = 0 THEN 'region' WHEN i % 10 = 0 THEN 'departement' ELSE 'nearest' END,
		     CASE WHEN i % 100 = 0 THEN '' WHEN i % 50 = 0 THEN (11 + i % 80)::text ELSE lpad((1 + i % 95)::text, 2, '0') END
		 FROM generate_series(1, 30000) i`,
		`INSERT INTO contact_points (id, organisation_id, name, source_kind, content_hash, created_at, updated_at, overrides_id)
		 SELECT md5('ov-' || i), 'org-' || (1 + i % 2000), 'Surcharge ' || i, 'manual', md5('o' || i), now(), now(), md5('cp-' || i)
		 FROM generate_series(1, 3000) i`,
	} {
		if strings.Contains(q, "?") {
			storetest.MustExec(t, s, strings.Replace(q, "?", "$1", 1), commons.ID)
		} else {
			storetest.MustExec(t, s, q)
		}
	}
	storetest.MustExec(t, s, `INSERT INTO journeys (organisation_id, slug, title, draft, draft_version, published_version, created_at, updated_at)
		VALUES ($1, 'logement', 'Logement', $2, 1, 1, now(), now())`, org.ID, journey)
	storetest.MustExec(t, s, `INSERT INTO journey_versions (organisation_id, slug, number, content, author, created_at)
		VALUES ($1, 'logement', 1, $2, 'x', now())`, org.ID, journey)
	storetest.MustExec(t, s, `INSERT INTO journey_outcomes (id, organisation_id, slug, step_id) VALUES ($1, $2, 'logement', 'o')`, outcomeID, org.ID)
	storetest.MustExec(t, s, "INSERT INTO logos (organisation_id, content_type, data, sha256, updated_at) VALUES ($1, 'image/png', '\\x89504e47'::bytea, 'x', now())", org.ID)
	storetest.MustExec(t, s, "ANALYZE")
	t.Logf("loaded in %s", time.Since(start).Round(time.Millisecond))

	rec := &recorder{}
	if err := s.Trace(rec.record); err != nil {
		t.Fatal(err)
	}
	known := func(string) bool { return true }
	dir := directory.New(s, ref, known)
	journeys := orientation.New(s, dir, nil, ref, known, time.Now)
	yes := func(_ any, err error) error { return err }
	reads := []struct {
		name string
		fn   func() error
	}{
		{"organisation config", func() error { return yes(dir.Organisation(ctx, "var")) }},
		{"themes", func() error { _, _, err := dir.Themes(ctx, "var"); return err }},
		{"contact point", func() error { return yes(dir.ContactPoint(ctx, fixed.ID)) }},
		{"contact points by kind for a commune", func() error {
			return yes(dir.FindContactPoints(ctx, directory.LocalQuery{Pivot: "caf", Commune: "83137", Limit: 20}))
		}},
		{"contact points by theme for a commune", func() error {
			return yes(dir.FindContactPoints(ctx, directory.LocalQuery{Theme: "theme-7", Commune: "59350", Limit: 20}))
		}},
		{"contact points by kind, nationwide", func() error {
			return yes(dir.FindContactPoints(ctx, directory.LocalQuery{Pivot: "cpam", Limit: 20, Offset: 40}))
		}},
		{"contact points by theme, nationwide", func() error {
			return yes(dir.FindContactPoints(ctx, directory.LocalQuery{Theme: "theme-7", Limit: 20}))
		}},
		{"emergency numbers", func() error { _, _, err := dir.Emergency(ctx, ""); return err }},
		{"emergency numbers for a commune", func() error { _, _, err := dir.Emergency(ctx, "83137"); return err }},
		{"published journey", func() error { return yes(journeys.PublishedJourney(ctx, "var", "social")) }},
		{"outcome for a commune", func() error { return yes(journeys.Outcome(ctx, outcomeID, "83137")) }},
		{"logo", func() error { return yes(s.FindLogo(ctx, org.ID)) }},
	}
	db, err := s.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reads {
		t.Run(r.name, func(t *testing.T) {
			stmts := rec.during(t, r.fn)
			if len(stmts) == 0 {
				t.Fatal("no statement recorded")
			}
			for _, st := range stmts {
				var raw string
				if err := db.QueryRowContext(ctx, "EXPLAIN (FORMAT JSON) "+st.SQL, st.Vars...).Scan(&raw); err != nil {
					t.Fatalf("EXPLAIN %s: %v", st.SQL, err)
				}
				var plan []struct{ Plan planNode }
				if err := json.Unmarshal([]byte(raw), &plan); err != nil {
					t.Fatal(err)
				}
				scans := plan[0].Plan.scans()
				t.Logf("%s\n    → %s", st.SQL, strings.Join(scans, "; "))
				for _, sc := range scans {
					if table, ok := strings.CutPrefix(sc, "Seq Scan on "); ok && indexedTables[table] {
						t.Errorf("sequential scan of %s for %s", table, st.SQL)
					}
				}
			}
		})
	}
}

// planNode is a node of EXPLAIN (FORMAT JSON).
type planNode struct {
	NodeType  string     `json:"Node Type"`
	Relation  string     `json:"Relation Name"`
	IndexName string     `json:"Index Name"`
	Plans     []planNode `json:"Plans"`
}

// scans lists the table accesses of the plan: "Seq Scan on t",
// "Index Scan on t using i"…
func (n planNode) scans() []string {
	var out []string
	if n.Relation != "" {
		s := n.NodeType + " on " + n.Relation
		if n.IndexName != "" {
			s += " using " + n.IndexName
		}
		out = append(out, s)
	} else if n.IndexName != "" {
		out = append(out, n.NodeType+" using "+n.IndexName)
	}
	for _, c := range n.Plans {
		out = append(out, c.scans()...)
	}
	return out
}
