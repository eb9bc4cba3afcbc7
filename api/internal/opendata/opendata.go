// Package opendata writes an organisation's directory and journeys in open
// formats: the CSV of the import template (so an export can be edited and
// imported again), our own JSON, Open Referral HSDS 3.0 and the
// data·inclusion schema v1. Writers stream: they read the contact points
// one page at a time (Pages) and hold no more than a page in memory,
// however large the directory. It imports neither Echo nor GORM.
package opendata

import (
	"bufio"
	"context"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// Format is an export format.
type Format string

// The formats of the exports.
const (
	// CSV is the contact point import template (importer.PartnerColumns)
	// for contact points; one row per step or option for journeys.
	CSV Format = "csv"
	// JSON is our own shape (ContactPointsFile, JourneysFile).
	JSON Format = "json"
	// HSDS is Open Referral HSDS 3.0: services with their definitions.
	HSDS Format = "hsds"
	// DataInclusion is the data·inclusion schema v1: structures and services.
	DataInclusion Format = "data-inclusion"
)

// ContactPointFormats and JourneyFormats list the formats of each export.
var (
	ContactPointFormats = []Format{CSV, JSON, HSDS, DataInclusion}
	JourneyFormats      = []Format{JSON, CSV}
)

// Licence is the licence a file is published under.
type Licence struct {
	Name string `json:"name"`
	URL  string `json:"url"`
	// SPDX is the licence's SPDX identifier.
	SPDX string `json:"spdx,omitempty"`
}

// OpenLicence is Etalab's Licence Ouverte 2.0, the licence of the open
// data dump of the national commons.
var OpenLicence = Licence{Name: "Licence Ouverte / Open Licence 2.0", URL: "https://www.etalab.gouv.fr/licence-ouverte-open-licence/", SPDX: "etalab-2.0"}

// Source credits a dataset the published data comes from.
type Source struct {
	Name    string `json:"name"`
	URL     string `json:"url"`
	Licence string `json:"licence,omitempty"`
}

// CommonsSources are the datasets the national commons are built from.
var CommonsSources = []Source{
	{Name: "Annuaire de l'administration – Base de données locales (service-public.fr), Direction de l'information légale et administrative (DILA)",
		URL: "https://www.data.gouv.fr/fr/datasets/service-public-fr-annuaire-de-l-administration-base-de-donnees-locales/", Licence: "Licence Ouverte 2.0"},
	{Name: "Liste des structures France services, Agence nationale de la cohésion des territoires (ANCT)",
		URL: "https://www.data.gouv.fr/fr/datasets/liste-des-structures-france-services/", Licence: "Licence Ouverte 2.0"},
	{Name: "Numéros d'urgence et lignes d'écoute nationales : pages officielles de chaque service (service-public.fr, ministères, organismes)",
		URL: "https://www.service-public.fr/particuliers/vosdroits/F33954"},
	{Name: "Découpage administratif (communes, départements, régions), Etalab d'après le Code officiel géographique de l'INSEE",
		URL: "https://github.com/etalab/decoupage-administratif", Licence: "Licence Ouverte 2.0"},
}

// Dataset is what an export describes, besides its contact points.
type Dataset struct {
	Organisation *domain.Organisation
	// Themes are the themes the contact points may carry (national and the
	// organisation's own), for their labels.
	Themes []*domain.Theme
	// Communes names communes, départements and régions (nil: codes only).
	Communes    domain.Communes
	GeneratedAt time.Time
	// PublicURL is the site's address, for links (may be empty).
	PublicURL string
	// Licence and Sources are stated in the file when set (the open data dump).
	Licence *Licence
	Sources []Source
	// SkipWithdrawn leaves out the contact points their source withdrew
	// (the open data dump shows what residents are shown).
	SkipWithdrawn bool
	// IncludeAgentOnly keeps the contact points and channels reserved to
	// agents in the formats of our own (JSON, with their visibility, and
	// CSV, the import template: a file exported then imported again
	// changes nothing): the partner's own exports. Without it, and always
	// in HSDS and data·inclusion (formats made to be shared), there are
	// none: the open data dump never holds any.
	IncludeAgentOnly bool
}

// Pages calls fn with every contact point of the export, one page at a
// time, in a stable order. A writer may read the pages more than once
// (data·inclusion lists structures, then services).
type Pages func(ctx context.Context, fn func(page []*domain.ContactPoint) error) error

// WriteContactPoints writes the contact points in the format.
func WriteContactPoints(ctx context.Context, w io.Writer, f Format, d Dataset, pages Pages) error {
	if d.SkipWithdrawn {
		pages = withoutWithdrawn(pages)
	}
	if !d.IncludeAgentOnly || (f != JSON && f != CSV) {
		pages = publicOnly(pages)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	switch f {
	case CSV:
		err = writeCSV(ctx, bw, pages)
	case JSON:
		err = writeJSON(ctx, bw, d, pages)
	case HSDS:
		err = writeHSDS(ctx, bw, d, pages)
	case DataInclusion:
		err = writeDataInclusion(ctx, bw, d, pages)
	default:
		return fmt.Errorf("opendata: unknown contact point format %q", f)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// publicOnly leaves out the contact points reserved to agents, and the
// channels reserved to agents of the others.
func publicOnly(pages Pages) Pages {
	public := domain.Viewer{}
	return func(ctx context.Context, fn func([]*domain.ContactPoint) error) error {
		return pages(ctx, func(page []*domain.ContactPoint) error {
			kept := page[:0:0]
			for _, c := range page {
				if c = public.Visible(c); c != nil {
					kept = append(kept, c)
				}
			}
			if len(kept) == 0 {
				return nil
			}
			return fn(kept)
		})
	}
}

func withoutWithdrawn(pages Pages) Pages {
	return func(ctx context.Context, fn func([]*domain.ContactPoint) error) error {
		return pages(ctx, func(page []*domain.ContactPoint) error {
			kept := page[:0:0]
			for _, c := range page {
				if c.WithdrawnAt == nil {
					kept = append(kept, c)
				}
			}
			if len(kept) == 0 {
				return nil
			}
			return fn(kept)
		})
	}
}

// SlicePages serves contact points already in memory, by pages of n.
func SlicePages(cps []*domain.ContactPoint, n int) Pages {
	return func(ctx context.Context, fn func([]*domain.ContactPoint) error) error {
		for i := 0; i < len(cps); i += n {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(cps[i:min(i+n, len(cps))]); err != nil {
				return err
			}
		}
		return nil
	}
}

// ---- mapping data ----

//go:embed data/*.csv
var dataFS embed.FS

// Thematique is a data·inclusion thématique.
type Thematique struct {
	Value, Label, CategoryLabel string
}

var (
	thematiques     map[string]Thematique // by value
	themeThematique map[string][]string   // our theme slug → thématique values
	pivotReseau     map[string]string     // annuaire pivot → réseau porteur
)

func init() {
	thematiques = map[string]Thematique{}
	for _, r := range mustTable("data/data-inclusion_thematiques_v1.csv", "categorie_label", "thematique", "thematique_label") {
		thematiques[r[1]] = Thematique{Value: r[1], Label: r[2], CategoryLabel: r[0]}
	}
	themeThematique = map[string][]string{}
	for _, r := range mustTable("data/themes_data-inclusion.csv", "theme", "thematique") {
		if _, ok := thematiques[r[1]]; !ok {
			panic("opendata: themes_data-inclusion.csv names an unknown thématique: " + r[1])
		}
		themeThematique[r[0]] = append(themeThematique[r[0]], r[1])
	}
	pivotReseau = map[string]string{}
	for _, r := range mustTable("data/pivots_reseaux-porteurs.csv", "pivot", "reseau_porteur") {
		pivotReseau[r[0]] = r[1]
	}
}

// mustTable reads the named columns of an embedded CSV file (the program's
// own data: a fault is a bug, found by any test).
func mustTable(name string, cols ...string) [][]string {
	f, err := dataFS.Open(name)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) == 0 {
		panic(fmt.Sprintf("opendata: read %s: %v", name, err))
	}
	idx := make([]int, len(cols))
	for i, c := range cols {
		idx[i] = -1
		for j, h := range recs[0] {
			if strings.TrimSpace(h) == c {
				idx[i] = j
			}
		}
		if idx[i] < 0 {
			panic(fmt.Sprintf("opendata: %s has no column %s", name, c))
		}
	}
	out := make([][]string, 0, len(recs)-1)
	for _, rec := range recs[1:] {
		row := make([]string, len(cols))
		for i, j := range idx {
			if j < len(rec) {
				row[i] = strings.TrimSpace(rec[j])
			}
		}
		out = append(out, row)
	}
	return out
}

// Thematiques returns the data·inclusion thématiques of our themes, in
// order and without repeats (themes with no mapping add none).
func Thematiques(themes []string) []string {
	var out []string
	for _, t := range themes {
		for _, v := range themeThematique[t] {
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	return out
}

// ReseauPorteur returns the data·inclusion réseau porteur of an annuaire
// kind of office, if one is known.
func ReseauPorteur(pivot string) (string, bool) {
	r, ok := pivotReseau[pivot]
	return r, ok
}

// ThemeMapping returns the mapping of our themes to data·inclusion
// thématiques, for tests and documentation.
func ThemeMapping() map[string][]string {
	out := make(map[string][]string, len(themeThematique))
	for k, v := range themeThematique {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// LookupThematique returns a data·inclusion thématique by value.
func LookupThematique(value string) (Thematique, bool) {
	t, ok := thematiques[value]
	return t, ok
}

// channels returns the values of the contact point's channels of a kind, in order.
func channels(c *domain.ContactPoint, kind domain.ChannelKind) []string {
	var out []string
	for _, ch := range c.Channels {
		if ch.Kind == kind && strings.TrimSpace(ch.Value) != "" {
			out = append(out, strings.TrimSpace(ch.Value))
		}
	}
	return out
}

func first(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}
