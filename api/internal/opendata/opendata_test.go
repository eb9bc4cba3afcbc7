package opendata_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/aiguillage/aiguillage/api/internal/commons"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/geo"
	"github.com/aiguillage/aiguillage/api/internal/importer"
	"github.com/aiguillage/aiguillage/api/internal/journeys"
	"github.com/aiguillage/aiguillage/api/internal/opendata"
)

func ptr[T any](v T) *T { return &v }

var (
	orgID   = domain.StableID("org:test")
	created = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	updated = time.Date(2026, 11, 2, 14, 30, 0, 0, time.UTC)
)

// fixtures are contact points that exercise every mapping: an office with
// an address, hours, exceptions and themes; a national helpline; an
// office serving the nearest communes; a withdrawn one; a bare minimum.
func fixtures() []*domain.ContactPoint {
	mk := func(key string, c domain.ContactPoint) *domain.ContactPoint {
		c.ID, c.OrganisationID, c.Version, c.CreatedAt, c.UpdatedAt = domain.StableID(key), orgID, 3, created, updated
		if c.Coverage.Rule == "" {
			c.Coverage.Rule = domain.CoverageExplicit
		}
		return &c
	}
	return []*domain.ContactPoint{
		mk("mds", domain.ContactPoint{Name: "Maison départementale des solidarités de Toulon", Description: "Accueil, écoute et accompagnement social.",
			Pivot: "mds", Themes: []string{"logement", "loyer-impaye-expulsion", "aide-financiere"},
			Channels: []domain.Channel{
				{Kind: domain.ChannelPhone, Value: "04 94 12 34 56", CostNote: "appel non surtaxé"},
				{Kind: domain.ChannelPhone, Value: "3230"},
				{Kind: domain.ChannelEmail, Value: "mds-toulon@exemple.fr"},
				{Kind: domain.ChannelWebsite, Value: "https://www.exemple.fr/mds-toulon"},
				{Kind: domain.ChannelOnlineProcedure, Value: "https://www.exemple.fr/demande"},
				{Kind: domain.ChannelAddress, Value: "Immeuble Le Mayol, Rue Melpomène, 83000 Toulon"},
			},
			Address: &domain.Address{Lines: []string{"Immeuble Le Mayol", "Rue Melpomène"}, PostalCode: "83000", City: "Toulon", CommuneCode: "83137",
				Latitude: ptr(43.1242), Longitude: ptr(5.928), Accessibility: "ACC"},
			Hours: domain.OpeningHours{Weekly: []domain.OpeningSlot{
				{Day: 1, Opens: "08:30", Closes: "12:00"}, {Day: 1, Opens: "13:30", Closes: "17:00"},
				{Day: 2, Opens: "08:30", Closes: "12:00"}, {Day: 2, Opens: "13:30", Closes: "17:00"},
				{Day: 3, Opens: "08:30", Closes: "12:00"},
				{Day: 4, Opens: "08:30", Closes: "12:00"}, {Day: 4, Opens: "13:30", Closes: "17:00"},
				{Day: 5, Opens: "08:30", Closes: "12:00"}, {Day: 5, Opens: "13:30", Closes: "17:00"},
				{Day: 6, Opens: "09:00", Closes: "12:00"},
			}, Exceptions: []domain.OpeningException{{Date: "2026-12-24", Slots: []domain.OpeningSlot{{Day: 4, Opens: "09:00", Closes: "12:00"}}},
				{Date: "2026-12-26", Closed: true, Note: "Fermeture exceptionnelle"}},
				Note: "Sur rendez-vous le samedi."},
			Coverage:   domain.Coverage{Departements: []string{"83"}, Communes: []string{"83137", "83062"}},
			Source:     domain.Source{Kind: domain.SourceCSV, ID: "MDS-TOULON-01"},
			VerifiedAt: ptr(updated)}),
		mk("helpline", domain.ContactPoint{Name: "Violences Femmes Info", Description: "Écoute anonyme et gratuite, 24 h/24.", Granularity: domain.GranularityService,
			Themes:    []string{"violences-conjugales"},
			Channels:  []domain.Channel{{Kind: domain.ChannelPhone, Value: "3919", Label: "Écoute", CostNote: "gratuit"}, {Kind: domain.ChannelSMS, Value: "114"}, {Kind: domain.ChannelChat, Value: "https://arretonslesviolences.gouv.fr/"}},
			Hours:     domain.OpeningHours{Weekly: domain.AlwaysOpen(), Indicative: true},
			Coverage:  domain.Coverage{National: true},
			Emergency: true, EmergencyRank: 2,
			Source: domain.Source{Kind: domain.SourceHelplines, ID: "3919"}}),
		mk("caf", domain.ContactPoint{Name: "CAF du Var - accueil de La Seyne-sur-Mer.", Pivot: "caf", Themes: []string{"allocations-familiales", "theme-inconnu"},
			Channels: []domain.Channel{{Kind: domain.ChannelContactForm, Value: "https://www.caf.fr/contact"}},
			Address:  &domain.Address{Lines: []string{"Avenue Garibaldi"}, PostalCode: "83500", City: "La Seyne-sur-Mer", CommuneCode: "83126", Accessibility: "DEM"},
			Coverage: domain.Coverage{Rule: domain.CoverageNearest, Inferred: true},
			Source:   domain.Source{Kind: domain.SourceAnnuaire, ID: "caf-83126-01", Dataset: "annuaire 2017-12"}}),
		mk("withdrawn", domain.ContactPoint{Name: "Ancienne permanence", Channels: []domain.Channel{{Kind: domain.ChannelPhone, Value: "04 94 00 00 00"}},
			Coverage: domain.Coverage{Regions: []string{"93"}, EPCIs: []string{"200054807"}},
			Source:   domain.Source{Kind: domain.SourceAnnuaire, ID: "old-1"}, WithdrawnAt: ptr(updated)}),
		mk("bare", domain.ContactPoint{Name: "Ccas", Channels: []domain.Channel{{Kind: domain.ChannelPhone, Value: "04 94 00 00 01"}},
			Coverage: domain.Coverage{Communes: []string{"83137"}}, Source: domain.Source{Kind: domain.SourceManual}}),
	}
}

var communes = sync.OnceValues(geo.Load)

func dataset(t *testing.T) opendata.Dataset {
	t.Helper()
	ref, err := communes()
	if err != nil {
		t.Fatal(err)
	}
	themes, err := commons.Themes()
	if err != nil {
		t.Fatal(err)
	}
	commonsID := domain.StableID("org:commons")
	for _, th := range themes {
		th.OrganisationID = commonsID
	}
	return opendata.Dataset{Organisation: &domain.Organisation{ID: orgID, Slug: "departement-du-var", Name: "Département du Var", Kind: domain.KindDepartement},
		Themes: themes, Communes: ref, GeneratedAt: updated, PublicURL: "https://aiguillage.exemple.fr"}
}

func write(t *testing.T, f opendata.Format, d opendata.Dataset, cps []*domain.ContactPoint) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := opendata.WriteContactPoints(context.Background(), &b, f, d, opendata.SlicePages(cps, 2)); err != nil {
		t.Fatalf("write %s: %v", f, err)
	}
	return b.Bytes()
}

// compile loads a JSON Schema of testdata (or one of its definitions,
// after "#"), asserting formats.
func compile(t *testing.T, path string) *jsonschema.Schema {
	t.Helper()
	path, fragment, _ := strings.Cut(path, "#")
	f, err := os.Open(filepath.Join("testdata", path))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	url := "file:///" + filepath.ToSlash(path)
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	if fragment != "" {
		url += "#" + fragment
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compile %s: %v", path, err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, what string, raw json.RawMessage) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(inst); err != nil {
		t.Errorf("%s does not validate: %v\n%s", what, err, raw)
	}
}

// The HSDS export validates against the HSDS 3.0 JSON schema.
func TestHSDSValidatesAgainstTheSchema(t *testing.T) {
	schema := compile(t, "hsds-3.0/service_with_definitions.json")
	d := dataset(t)
	out := write(t, opendata.HSDS, d, fixtures())
	var file struct {
		Version      string            `json:"version"`
		Organization json.RawMessage   `json:"organization"`
		Taxonomies   []json.RawMessage `json:"taxonomies"`
		Contents     []json.RawMessage `json:"contents"`
		TotalItems   int               `json:"total_items"`
		Empty        bool              `json:"empty"`
	}
	if err := json.Unmarshal(out, &file); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if file.Version != "3.0" || file.TotalItems != 5 || len(file.Contents) != 5 || file.Empty {
		t.Fatalf("file: version %q, total %d, %d services", file.Version, file.TotalItems, len(file.Contents))
	}
	for i, raw := range file.Contents {
		validate(t, schema, fmt.Sprintf("service %d", i), raw)
	}
	// The organisation and the taxonomies, described once at the head.
	validate(t, compile(t, "hsds-3.0/service_with_definitions.json#/definitions/organization"), "organization", file.Organization)
	taxonomy := compile(t, "hsds-3.0/service_with_definitions.json#/definitions/taxonomy")
	if len(file.Taxonomies) != 2 {
		t.Fatalf("%d taxonomies", len(file.Taxonomies))
	}
	for i, raw := range file.Taxonomies {
		validate(t, taxonomy, fmt.Sprintf("taxonomy %d", i), raw)
	}
	// A broken service is caught: the test can fail.
	if err := schema.Validate(map[string]any{"id": "pas-un-uuid", "name": "x", "status": "ouvert"}); err == nil {
		t.Fatal("the schema accepts an invalid service")
	}

	var mds struct {
		ID        string `json:"id"`
		Status    string `json:"status"`
		Email     string `json:"email"`
		Schedules []struct {
			Byday    string `json:"byday"`
			OpensAt  string `json:"opens_at"`
			ClosesAt string `json:"closes_at"`
			Freq     string `json:"freq"`
		} `json:"schedules"`
		ServiceAreas []struct{ Name, URI string } `json:"service_areas"`
		Phones       []struct{ Number, Type string }
		Attributes   []struct {
			TaxonomyTerm struct {
				Code, Name, Taxonomy string
				ParentID             string `json:"parent_id"`
			} `json:"taxonomy_term"`
		} `json:"attributes"`
		ServiceAtLocations []struct {
			Location struct {
				Addresses []struct {
					Address1      string `json:"address_1"`
					StateProvince string `json:"state_province"`
				}
			}
		} `json:"service_at_locations"`
	}
	if err := json.Unmarshal(file.Contents[slices.IndexFunc(fixtures(), func(c *domain.ContactPoint) bool { return c.Source.ID == "MDS-TOULON-01" })], &mds); err != nil {
		t.Fatal(err)
	}
	var sched []string
	for _, s := range mds.Schedules {
		if s.Freq == "WEEKLY" {
			sched = append(sched, s.Byday+" "+s.OpensAt+"-"+s.ClosesAt)
		}
	}
	want := []string{"MO,TU,WE,TH,FR 08:30-12:00", "MO,TU,TH,FR 13:30-17:00", "SA 09:00-12:00"}
	if !reflect.DeepEqual(sched, want) {
		t.Errorf("schedules %q, want %q", sched, want)
	}
	var areas []string
	for _, a := range mds.ServiceAreas {
		areas = append(areas, a.Name)
	}
	if !reflect.DeepEqual(areas, []string{"Var", "Toulon", "La Garde"}) {
		t.Errorf("service areas %q", areas)
	}
	var terms []string
	for _, a := range mds.Attributes {
		terms = append(terms, a.TaxonomyTerm.Code)
	}
	if !slices.Contains(terms, "loyer-impaye-expulsion") || !slices.Contains(terms, "logement-hebergement--reduire-les-impayes-de-loyer") {
		t.Errorf("taxonomy terms %q", terms)
	}
	if a := mds.ServiceAtLocations[0].Location.Addresses; len(a) != 1 || a[0].Address1 != "Immeuble Le Mayol" || a[0].StateProvince != "Var" {
		t.Errorf("address %+v", a)
	}
	// Identifiers are stable: the same data gives the same file.
	if again := write(t, opendata.HSDS, d, fixtures()); !bytes.Equal(again, out) {
		t.Error("two exports of the same data differ")
	}
}

// The data·inclusion export validates against the schema's structure and
// service JSON Schemas, and leaves out withdrawn contact points.
func TestDataInclusionValidatesAgainstTheSchema(t *testing.T) {
	structure := compile(t, "data-inclusion-1.0.8/structure.json")
	service := compile(t, "data-inclusion-1.0.8/service.json")
	out := write(t, opendata.DataInclusion, dataset(t), fixtures())
	var file struct {
		SchemaVersion string            `json:"schema_version"`
		Structures    []json.RawMessage `json:"structures"`
		Services      []json.RawMessage `json:"services"`
	}
	if err := json.Unmarshal(out, &file); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if file.SchemaVersion != "1.0.8" || len(file.Structures) != 4 || len(file.Services) != 4 {
		t.Fatalf("%s: %d structures, %d services (want 4: the withdrawn one left out)", file.SchemaVersion, len(file.Structures), len(file.Services))
	}
	for i := range file.Structures {
		validate(t, structure, fmt.Sprintf("structure %d", i), file.Structures[i])
		validate(t, service, fmt.Sprintf("service %d", i), file.Services[i])
	}
	var s struct {
		Thematiques       []string `json:"thematiques"`
		HorairesAccueil   string   `json:"horaires_accueil"`
		ZoneEligibilite   []string `json:"zone_eligibilite"`
		ModesMobilisation []string `json:"modes_mobilisation"`
	}
	if err := json.Unmarshal(file.Services[0], &s); err != nil {
		t.Fatal(err)
	}
	first := fixtures()[0]
	if want := opendata.Thematiques(first.Themes); !reflect.DeepEqual(s.Thematiques, want) || len(want) == 0 {
		t.Errorf("thématiques %q, want %q", s.Thematiques, want)
	}
	if want := "Mo-Tu 08:30-12:00,13:30-17:00; We 08:30-12:00; Th-Fr 08:30-12:00,13:30-17:00; Sa 09:00-12:00; 2026 Dec 24 09:00-12:00; 2026 Dec 26 off"; s.HorairesAccueil != want {
		t.Errorf("horaires %q\nwant      %q", s.HorairesAccueil, want)
	}
	if !reflect.DeepEqual(s.ZoneEligibilite, []string{"83", "83137", "83062"}) {
		t.Errorf("zone %q", s.ZoneEligibilite)
	}
}

// Every theme the data·inclusion mapping names is a national theme.
func TestThemeMappingNamesNationalThemes(t *testing.T) {
	themes, err := commons.Themes()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, th := range themes {
		known[th.Slug] = true
	}
	for theme, values := range opendata.ThemeMapping() {
		if !known[theme] {
			t.Errorf("themes_data-inclusion.csv: %q is not a national theme", theme)
		}
		for _, v := range values {
			if _, ok := opendata.LookupThematique(v); !ok {
				t.Errorf("%s → unknown thématique %q", theme, v)
			}
		}
	}
}

// A theme exported as a data·inclusion thématique comes back as itself
// through the data·inclusion import, except where the thématiques are
// coarser than our themes (listed: the import lands on the neighbouring
// themes named there).
func TestThemeMappingRoundTrips(t *testing.T) {
	lossy := map[string]bool{
		"aide-aux-victimes":   true, // accès aux droits → acces-au-droit, renseignement-administratif
		"medecin-de-garde":    true, // accès aux soins → assurance-maladie, complementaire-sante
		"chomage":             true, // recherche d'emploi → recherche-emploi
		"detention-probation": true, // problématique judiciaire → tribunal, acces-au-droit
	}
	list, err := importer.DataInclusionThematiques()
	if err != nil {
		t.Fatal(err)
	}
	back := map[string][]string{}
	for _, th := range list {
		back[th.Thematique] = th.Themes
	}
	for theme, values := range opendata.ThemeMapping() {
		for _, v := range values {
			if slices.Contains(back[v], theme) == lossy[theme] {
				t.Errorf("%s → %s → %v (listed as lossy: %v)", theme, v, back[v], lossy[theme])
			}
		}
	}
}

// The CSV export has the template's columns and reads back, through the
// importer, as the contact points it was written from.
func TestCSVReadsBackThroughTheImporter(t *testing.T) {
	cps := fixtures()
	out := write(t, opendata.CSV, dataset(t), cps)
	if !bytes.HasPrefix(out, []byte("\ufeffRéférence;Nom;Type;")) {
		t.Fatalf("header: %q", out[:min(len(out), 80)])
	}
	f, err := importer.ReadPartnerCSV(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Ignored) > 0 || len(f.Columns) != len(importer.PartnerColumns) || len(f.Rows) != len(cps) {
		t.Fatalf("columns %v, ignored %v, %d rows", f.Columns, f.Ignored, len(f.Rows))
	}
	for i, r := range f.Rows {
		c := cps[i]
		if len(r.Errors) > 0 {
			t.Errorf("row %d: %+v", r.Row, r.Errors)
		}
		if r.Reference != opendata.Reference(c) || r.Name != c.Name || r.Pivot != c.Pivot || !slices.Equal(r.Themes, c.Themes) {
			t.Errorf("row %d: %q %q %q %q", r.Row, r.Reference, r.Name, r.Pivot, r.Themes)
		}
		if !reflect.DeepEqual(r.Weekly, c.Hours.Weekly) && !(len(r.Weekly) == 0 && len(c.Hours.Weekly) == 0) {
			t.Errorf("row %d: hours %v, want %v", r.Row, r.Weekly, c.Hours.Weekly)
		}
		var got []string
		for _, ch := range r.Channels {
			got = append(got, string(ch.Channel.Kind)+":"+ch.Channel.Value)
		}
		var want []string
		for _, kind := range []domain.ChannelKind{domain.ChannelPhone, domain.ChannelEmail, domain.ChannelWebsite, domain.ChannelOnlineProcedure} {
			for _, ch := range c.Channels {
				if ch.Kind == kind {
					want = append(want, string(kind)+":"+ch.Value)
				}
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("row %d: channels %q, want %q", r.Row, got, want)
		}
		if a := c.Address; a != nil {
			if !slices.Equal(r.AddressLines, a.Lines) || r.PostalCode != a.PostalCode || r.City != a.City || r.CommuneCode != a.CommuneCode ||
				r.Accessibility != a.Accessibility || !reflect.DeepEqual(r.Latitude, a.Latitude) || !reflect.DeepEqual(r.Longitude, a.Longitude) {
				t.Errorf("row %d: address %+v", r.Row, r)
			}
		}
		if !slices.Equal(r.Departements, c.Coverage.Departements) || !slices.Equal(r.Communes, c.Coverage.Communes) || r.HoursNote != c.Hours.Note {
			t.Errorf("row %d: coverage %v %v, note %q", r.Row, r.Departements, r.Communes, r.HoursNote)
		}
	}
	if !strings.Contains(string(out), "MDS-TOULON-01;") {
		t.Error("an imported contact point keeps its reference")
	}
}

func TestWeeklyHoursReadBack(t *testing.T) {
	for _, slots := range [][]domain.OpeningSlot{
		domain.AlwaysOpen(),
		{{Day: 1, Opens: "09:00", Closes: "12:00"}, {Day: 3, Opens: "09:00", Closes: "12:00"}, {Day: 7, Opens: "10:00", Closes: "24:00"}},
		nil,
	} {
		s := opendata.WeeklyHours(slots)
		got, err := importer.ParseWeeklyHours(s)
		if err != nil || !reflect.DeepEqual(got, slots) && len(slots) > 0 {
			t.Errorf("%q → %v, %v; want %v", s, got, err, slots)
		}
	}
}

// The JSON export is our contact point shape with the file's metadata;
// the licence is stated when set.
func TestJSONExport(t *testing.T) {
	d := dataset(t)
	d.Licence, d.Sources, d.SkipWithdrawn = &opendata.OpenLicence, opendata.CommonsSources, true
	out := write(t, opendata.JSON, d, fixtures())
	var file opendata.ContactPointsFile
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&file); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if file.Format != opendata.ContactPointsFormat || file.Total != 4 || len(file.ContactPoints) != 4 || file.Licence == nil ||
		file.Licence.URL != "https://www.etalab.gouv.fr/licence-ouverte-open-licence/" || len(file.Sources) == 0 {
		t.Fatalf("file %+v", file)
	}
	if got, want := file.ContactPoints[0], opendata.Record(fixtures()[0]); !reflect.DeepEqual(got, want) {
		t.Errorf("record\n got %+v\nwant %+v", got, want)
	}
	// An empty directory is a valid file.
	out = write(t, opendata.JSON, d, nil)
	if err := json.Unmarshal(out, &file); err != nil || file.Total != 0 || len(file.ContactPoints) != 0 {
		t.Fatalf("empty: %v %s", err, out)
	}
}

// The writers stream: bytes go out before the last page is read, and a
// failing page stops the export with its error.
func TestWritersStream(t *testing.T) {
	const pages, size = 12, 100
	base := fixtures()[0]
	d := dataset(t)
	boom := errors.New("boom")
	for _, f := range opendata.ContactPointFormats {
		t.Run(string(f), func(t *testing.T) {
			var out countingWriter
			var writtenBeforeLast int
			gen := func(fail bool) opendata.Pages {
				return func(ctx context.Context, fn func([]*domain.ContactPoint) error) error {
					for p := range pages {
						if p == pages-1 {
							writtenBeforeLast = out.n
							if fail {
								return boom
							}
						}
						page := make([]*domain.ContactPoint, size)
						for i := range page {
							c := *base
							c.ID = domain.StableID(fmt.Sprint(p, i))
							page[i] = &c
						}
						if err := fn(page); err != nil {
							return err
						}
					}
					return nil
				}
			}
			if err := opendata.WriteContactPoints(context.Background(), &out, f, d, gen(false)); err != nil {
				t.Fatal(err)
			}
			if writtenBeforeLast == 0 || writtenBeforeLast >= out.n {
				t.Errorf("%d bytes written before the last page, %d in all", writtenBeforeLast, out.n)
			}
			if err := opendata.WriteContactPoints(context.Background(), io.Discard, f, d, gen(true)); !errors.Is(err, boom) {
				t.Errorf("failing page: %v", err)
			}
		})
	}
}

type countingWriter struct{ n int }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

func TestJourneysExport(t *testing.T) {
	j := &journeys.Journey{Slug: "logement", Title: "Un problème de logement", FirstStep: "q1", Steps: []journeys.Step{
		{ID: "q1", Kind: journeys.KindQuestion, Text: "Que se passe-t-il ?", Options: []journeys.Option{{Label: "Loyer impayé", Next: "lieu"}, {Label: "=Autre", Next: "fin"}}},
		{ID: "lieu", Kind: journeys.KindLocation, Text: "Où habitez-vous ?", Next: "fin"},
		{ID: "fin", Kind: journeys.KindOutcome, Text: "Contactez la MDS", Outcome: &journeys.Outcome{Explanation: "Elle vous aide.", Pivots: []string{"mds"}}},
	}}
	file := opendata.JourneysFile{Organisation: opendata.Organisation{Slug: "departement-du-var"}, GeneratedAt: updated,
		Journeys: []opendata.JourneyExport{{Slug: "logement", Title: j.Title, DraftVersion: 4, PublishedVersion: 2, Published: j, Draft: j}}}
	var b bytes.Buffer
	if err := opendata.WriteJourneys(&b, opendata.CSV, file); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\r\n")
	// Header, then (2 options + location + outcome) for each of 2 versions.
	if len(lines) != 1+2*4 || !strings.Contains(lines[1], "logement;Un problème de logement;publiée (v2);q1;question;oui;Que se passe-t-il ?;;Loyer impayé;lieu") ||
		!strings.Contains(b.String(), "'=Autre") || !strings.Contains(lines[8], "brouillon (v4);fin;outcome;non;Contactez la MDS;;;;Elle vous aide.;;;mds;non") {
		t.Fatalf("CSV:\n%s", b.String())
	}
	b.Reset()
	if err := opendata.WriteJourneys(&b, opendata.JSON, file); err != nil {
		t.Fatal(err)
	}
	var back opendata.JourneysFile
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || back.Format != opendata.JourneysFormat || len(back.Journeys) != 1 ||
		!reflect.DeepEqual(back.Journeys[0].Published, j) {
		t.Fatalf("JSON %v: %s", err, b.String())
	}
}
