package importer

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/commons/data"
	"github.com/aiguillage/aiguillage/api/internal/domain"
)

func slot(day int, o, c string) domain.OpeningSlot {
	return domain.OpeningSlot{Day: day, Opens: o, Closes: c}
}

func weekdays(o, c string, ds ...int) []domain.OpeningSlot {
	var out []domain.OpeningSlot
	for _, d := range ds {
		out = append(out, slot(d, o, c))
	}
	return out
}

func TestParseOSMHours(t *testing.T) {
	tests := []struct {
		in     string
		weekly []domain.OpeningSlot
		notes  []string
		unread []string
	}{
		{in: "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00", weekly: []domain.OpeningSlot{
			slot(1, "09:00", "12:00"), slot(1, "14:00", "17:00"), slot(2, "09:00", "12:00"), slot(2, "14:00", "17:00"),
			slot(3, "09:00", "12:00"), slot(3, "14:00", "17:00"), slot(4, "09:00", "12:00"), slot(4, "14:00", "17:00"),
			slot(5, "09:00", "12:00"), slot(5, "14:00", "17:00"), slot(6, "09:00", "12:00")}},
		{in: "Mo-Fr 08:30-12:30; PH off", weekly: weekdays("08:30", "12:30", 1, 2, 3, 4, 5), notes: []string{"Fermé les jours fériés."}},
		// A later rule replaces the days it names; off closes them.
		{in: "Mo-Sa 09:00-18:00; We off; Sa 10:00-12:00", weekly: append(append(weekdays("09:00", "18:00", 1, 2, 4, 5), slot(6, "10:00", "12:00"))[:0:0],
			slot(1, "09:00", "18:00"), slot(2, "09:00", "18:00"), slot(4, "09:00", "18:00"), slot(5, "09:00", "18:00"), slot(6, "10:00", "12:00"))},
		// An additional rule after a comma adds.
		{in: "Mo-Fr 09:00-12:00, Sa 10:00-11:30", weekly: append(weekdays("09:00", "12:00", 1, 2, 3, 4, 5), slot(6, "10:00", "11:30"))},
		{in: "Mo,We 14:00-17:00 \"sur rendez-vous\"", weekly: weekdays("14:00", "17:00", 1, 3), notes: []string{"Lundi, mercredi : sur rendez-vous"}},
		{in: "Sa-Mo 10:00-24:00", weekly: weekdays("10:00", "24:00", 1, 6, 7)},
		{in: "24/7", weekly: domain.AlwaysOpen()},
		{in: "09:00-17:00", weekly: weekdays("09:00", "17:00", 1, 2, 3, 4, 5, 6, 7)},
		{in: "Mo 09:00-12:00,11:00-13:00", weekly: []domain.OpeningSlot{slot(1, "09:00", "13:00")}},
		{in: "mo-fr 9:00-12:00", weekly: weekdays("09:00", "12:00", 1, 2, 3, 4, 5)},
		// French, as some producers write it.
		{in: "lundi-vendredi 9h-12h", weekly: weekdays("09:00", "12:00", 1, 2, 3, 4, 5)},
		// What the plan cannot hold is returned as written.
		{in: "Mo-Fr 09:00-12:00; Jan-Jun Fr 14:00-16:00", weekly: weekdays("09:00", "12:00", 1, 2, 3, 4, 5), unread: []string{"Jan-Jun Fr 14:00-16:00"}},
		{in: "Fr 22:00-02:00", unread: []string{"Fr 22:00-02:00"}},
		{in: "Mo-Fr 09:00-12:00 || \"sur rendez-vous\"", unread: []string{"Mo-Fr 09:00-12:00 || \"sur rendez-vous\""}},
		{in: "Mo[1] 09:00-12:00; SH off", unread: []string{"Mo[1] 09:00-12:00", "SH off"}},
		{in: "  ;  "},
	}
	for _, tt := range tests {
		got := ParseOSMHours(tt.in)
		if !reflect.DeepEqual(got.Weekly, tt.weekly) || !reflect.DeepEqual(got.Notes, tt.notes) || !reflect.DeepEqual(got.Unread, tt.unread) {
			t.Errorf("ParseOSMHours(%q) = %+v\nwant weekly %v notes %q unread %q", tt.in, got, tt.weekly, tt.notes, tt.unread)
		}
	}
}

// readDI reads a data·inclusion document into its records.
func readDI(t *testing.T, doc []byte) []*DataInclusionRecord {
	t.Helper()
	var out []*DataInclusionRecord
	if err := ReadDataInclusion(context.Background(), bytes.NewReader(doc), func(r *DataInclusionRecord) error {
		out = append(out, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/datainclusion/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadDataInclusionMapping(t *testing.T) {
	recs := readDI(t, fixture(t, "dora_var.json"))
	// The CCAS is named by services: it completes them. The épicerie is
	// named by none: it is a contact point of its own.
	var keys []string
	for _, r := range recs {
		keys = append(keys, r.Key())
	}
	want := []string{"structure:dora:dora--epicerie-solidaire-seyne", "service:dora:dora--aide-alimentaire-urgence",
		"service:dora:dora--accompagnement-numerique", "service:dora:dora--service-incomplet"}
	if !slices.Equal(keys, want) {
		t.Fatalf("records = %q, want %q", keys, want)
	}
	if recs[0].Record != 2 || recs[1].Record != 3 || recs[3].Record != 5 {
		t.Errorf("positions %d %d %d", recs[0].Record, recs[1].Record, recs[3].Record)
	}

	// A service with OSM hours, completed by its structure.
	alim := recs[1]
	cp := alim.ContactPoint
	if len(alim.Errors) != 0 || len(alim.Warnings) != 0 {
		t.Errorf("errors %v warnings %v", alim.Errors, alim.Warnings)
	}
	if cp.Name != "Aide alimentaire d’urgence" || !strings.HasPrefix(cp.Description, "Proposé par CCAS de Toulon.\nBons alimentaires") {
		t.Errorf("name %q description %q", cp.Name, cp.Description)
	}
	wantChannels := []domain.Channel{
		{Kind: domain.ChannelPhone, Value: "+33 4 94 36 50 00"},
		{Kind: domain.ChannelEmail, Value: "ccas@mairie-toulon.fr"},
		{Kind: domain.ChannelWebsite, Value: "https://www.toulon.fr/ccas"},
		{Kind: domain.ChannelWebsite, Value: "https://dora.inclusion.beta.gouv.fr/services/aide-alimentaire-urgence", Label: "Fiche détaillée (dora)"},
		{Kind: domain.ChannelAddress, Value: "Place de l’Hôtel de Ville, Bâtiment B, rez-de-chaussée, 83000 Toulon"},
	}
	if !reflect.DeepEqual(cp.Channels, wantChannels) || !slices.Equal(alim.ChannelFields, []string{"telephone", "courriel", "page_web", "lien_source", "adresse"}) {
		t.Errorf("channels = %+v %q", cp.Channels, alim.ChannelFields)
	}
	if a := cp.Address; a == nil || a.CommuneCode != "83137" || a.PostalCode != "83000" || *a.Latitude != 43.1242 || len(a.Lines) != 2 {
		t.Errorf("address = %+v", a)
	}
	if len(cp.Hours.Weekly) != 11 || cp.Hours.Weekly[10] != slot(6, "09:00", "12:00") || cp.Hours.Note != "Fermé les jours fériés." {
		t.Errorf("hours = %+v", cp.Hours)
	}
	if cp.Coverage.Rule != domain.CoverageExplicit || !slices.Equal(cp.Coverage.Communes, []string{"83137", "83062"}) || alim.CoverageField != "zone_eligibilite" {
		t.Errorf("coverage = %+v", cp.Coverage)
	}
	if !slices.Equal(cp.Themes, []string{"alimentation", "aide-financiere", "rsa-prime-activite"}) {
		t.Errorf("themes = %q", cp.Themes)
	}
	if cp.Source.Kind != domain.SourceDataInclusion || cp.Source.ID != "dora--aide-alimentaire-urgence" || cp.Source.Dataset != "dora" ||
		cp.Source.UpdatedAt == nil || cp.Source.UpdatedAt.Format("2006-01-02") != "2025-03-14" {
		t.Errorf("source = %+v", cp.Source)
	}

	// A zone by département, an unknown thématique, hours partly unread.
	num := recs[2]
	cp = num.ContactPoint
	if !slices.Equal(cp.Coverage.Departements, []string{"83"}) || len(cp.Coverage.Communes) != 0 {
		t.Errorf("coverage = %+v", cp.Coverage)
	}
	if cp.Channels[0].Value != "04 94 36 50 10" || cp.Channels[2].Kind != domain.ChannelOnlineProcedure || num.ChannelFields[2] != "lien_mobilisation" {
		t.Errorf("channels = %+v", cp.Channels)
	}
	if !slices.Equal(cp.Themes, []string{"numerique", "aide-demarches"}) {
		t.Errorf("themes = %q", cp.Themes)
	}
	if !reflect.DeepEqual(cp.Hours.Weekly, weekdays("14:00", "17:00", 1, 3)) ||
		cp.Hours.Note != "Lundi, mercredi : sur rendez-vous Horaires : Jan-Jun Fr 09:00-12:00" {
		t.Errorf("hours = %+v", cp.Hours)
	}
	var warned []string
	for _, w := range num.Warnings {
		warned = append(warned, w.Field)
	}
	if !slices.Equal(warned, []string{"horaires_accueil", "thematiques"}) || !strings.Contains(num.Warnings[1].Message, "numerique--thematique-qui-nexiste-pas") {
		t.Errorf("warnings = %+v", num.Warnings)
	}

	// Invalid: rejected with a reason per field.
	bad := recs[3]
	var fields []string
	for _, e := range bad.Errors {
		fields = append(fields, e.Field)
	}
	slices.Sort(fields)
	if !slices.Equal(fields, []string{"latitude", "nom", "structure_id"}) {
		t.Errorf("errors = %+v", bad.Errors)
	}

	// A structure on its own: its own hours, no zone (left to the caller).
	ep := recs[0]
	if ep.Kind != DataInclusionStructure || ep.CoverageField != "" || ep.ContactPoint.Coverage.Rule != "" ||
		!reflect.DeepEqual(ep.ContactPoint.Hours.Weekly, weekdays("09:00", "12:00", 2, 4)) || ep.ContactPoint.Channels[0].Value != "04 94 06 12 34" {
		t.Errorf("structure = %+v %+v", ep, ep.ContactPoint)
	}
	if got := ep.Field("channels[0].value"); got != "telephone" {
		t.Errorf("Field = %q", got)
	}
	if got := alim.Field("coverage.communes[1]"); got != "zone_eligibilite" {
		t.Errorf("Field = %q", got)
	}
}

// Schema v0 (presentation_resume, zone_diffusion_*, prise_rdv) in JSON Lines.
func TestReadDataInclusionV0Lines(t *testing.T) {
	recs := readDI(t, fixture(t, "emplois_v0.jsonl"))
	if len(recs) != 2 {
		t.Fatalf("%d records", len(recs))
	}
	cp := recs[0].ContactPoint
	if cp.Description != "Chantier d'insertion en espaces verts.\nContrats de 4 à 24 mois, accompagnement socio-professionnel." ||
		!slices.Equal(cp.Coverage.EPCIs, []string{"248300543"}) || recs[0].CoverageField != "zone_diffusion_code" ||
		cp.Channels[1].Kind != domain.ChannelOnlineProcedure || cp.Channels[1].Label != "Prendre rendez-vous" ||
		!slices.Equal(cp.Themes, []string{"recherche-emploi", "jeunes-insertion"}) || len(cp.Hours.Weekly) != 9 {
		t.Errorf("v0 service = %+v", cp)
	}
	// At a distance only: no address channel, said in the hours note.
	cp = recs[1].ContactPoint
	if len(cp.Channels) != 1 || cp.Channels[0].Value != "04 94 00 00 01" || !slices.Equal(cp.Coverage.Departements, []string{"83"}) ||
		!strings.Contains(cp.Hours.Note, "Service à distance") {
		t.Errorf("remote service = %+v", cp)
	}
}

// The same records read the same from each shape the format allows.
func TestReadDataInclusionShapes(t *testing.T) {
	var doc struct {
		Structures []json.RawMessage `json:"structures"`
		Services   []json.RawMessage `json:"services"`
	}
	if err := json.Unmarshal(fixture(t, "dora_var.json"), &doc); err != nil {
		t.Fatal(err)
	}
	all := append(slices.Clone(doc.Structures), doc.Services...)
	list, _ := json.Marshal(all)
	var lines bytes.Buffer
	for _, r := range all {
		var b bytes.Buffer
		_ = json.Compact(&b, r)
		lines.Write(b.Bytes())
		lines.WriteString("\n")
	}
	// Services first, then structures: joined all the same.
	reversed, _ := json.Marshal(map[string]any{"meta": map[string]int{"total": 5}, "services": doc.Services, "structures": doc.Structures})
	items, _ := json.Marshal(map[string]any{"items": all, "total": len(all), "page": 1})
	base := readDI(t, fixture(t, "dora_var.json"))
	for name, b := range map[string][]byte{"list": list, "JSON Lines": lines.Bytes(), "services first": reversed, "API page": items} {
		got := readDI(t, b)
		if len(got) != len(base) {
			t.Errorf("%s: %d records", name, len(got))
			continue
		}
		for i := range got {
			if name == "services first" {
				continue // positions differ
			}
			if !reflect.DeepEqual(got[i], base[i]) {
				t.Errorf("%s: record %d = %+v\nwant %+v", name, i, got[i], base[i])
			}
		}
		if name == "services first" && (got[0].ContactPoint.Channels[0].Value != "+33 4 94 36 50 00" || got[3].Kind != DataInclusionStructure) {
			t.Errorf("services first: %+v", got[0].ContactPoint)
		}
	}
}

func TestReadDataInclusionRefused(t *testing.T) {
	for name, doc := range map[string]string{
		"empty":            "  ",
		"not JSON":         "Référence;Nom\n",
		"truncated":        `[{"source": "dora", "id": "x"`,
		"trailing garbage": `[] x`,
		"member not list":  `{"services": 3}`,
		"broken line":      "{\"source\": \"a\", \"id\": \"1\"}\n{\"source\": ",
	} {
		err := ReadDataInclusion(context.Background(), strings.NewReader(doc), func(*DataInclusionRecord) error { return nil })
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.EINVALID {
			t.Errorf("%s: error = %v", name, err)
		}
	}
	// A value that is not an object is a record rejected, not a broken file.
	recs := readDI(t, []byte(`[42, {"source": "dora", "id": "s", "nom": "Structure", "telephone": "3230"}]`))
	if len(recs) != 2 || recs[0].ContactPoint != nil || recs[0].Errors[0].Field != "enregistrement" || recs[1].ContactPoint.Name != "Structure" {
		t.Errorf("records = %+v", recs)
	}
	// A service whose structure the file lacks inherits nothing, and is told so.
	recs = readDI(t, []byte(`{"structures": [{"source": "dora", "id": "s1", "nom": "Structure", "telephone": "3230"}],
		"services": [{"source": "dora", "id": "v1", "structure_id": "s2", "nom": "Service", "courriel": "a@exemple.fr", "zone_eligibilite": ["france"]}]}`))
	if len(recs) != 2 || len(recs[1].Warnings) != 1 || recs[1].Warnings[0].Field != "structure_id" || !recs[1].ContactPoint.Coverage.National ||
		len(recs[1].ContactPoint.Channels) != 1 {
		t.Errorf("records = %+v %+v", recs[1], recs[1].ContactPoint)
	}
	// Cancelled.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	big := "[" + strings.Repeat(`{"source":"a","id":"1","nom":"n"},`, 600) + "1]"
	if err := ReadDataInclusion(ctx, strings.NewReader(big), func(*DataInclusionRecord) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestIsDataInclusion(t *testing.T) {
	v4, err := os.ReadFile("testdata/v4_api_export.json")
	if err != nil {
		t.Fatal(err)
	}
	sample, err := os.ReadFile("testdata/sample_record_donnees-locales-v4.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, tt := range map[string]struct {
		head []byte
		want bool
	}{
		"envelope":          {fixture(t, "dora_var.json"), true},
		"JSON Lines":        {fixture(t, "emplois_v0.jsonl"), true},
		"list of services":  {[]byte(`[{"source": "dora", "id": "dora--1", "structure_id": "dora--s", "nom": "N"}]`), true},
		"truncated head":    {[]byte(`[{"source": "dora", "id": "dora--1", "date_maj": "2025-01-01", "description": "Une longue descr`), true},
		"BOM":               {[]byte("\ufeff{\"services\": []}"), true},
		"annuaire API":      {v4, false},
		"annuaire sample":   {sample, false},
		"annuaire bulk":     {[]byte(`{"service": [{"id": "x", "nom": "Mairie"}]}`), false},
		"GeoJSON":           {[]byte(`{"type": "FeatureCollection", "features": []}`), false},
		"CSV":               {[]byte("Référence;Nom\nA;B\n"), false},
		"record without id": {[]byte(`[{"source": "dora", "nom": "N", "date_maj": "2025-01-01"}]`), false},
	} {
		if got := IsDataInclusion(tt.head); got != tt.want {
			t.Errorf("%s: IsDataInclusion = %v, want %v", name, got, tt.want)
		}
	}
}

// Every data·inclusion thématique and category maps to national themes
// that exist.
func TestDataInclusionThematiques(t *testing.T) {
	list, err := DataInclusionThematiques()
	if err != nil {
		t.Fatal(err)
	}
	f, err := data.FS.Open(data.Themes)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	national := map[string]bool{}
	for _, r := range rows[1:] {
		national[r[0]] = true
	}
	categories := 0
	for _, m := range list {
		if !strings.Contains(m.Thematique, "--") {
			categories++
		}
		if m.Label == "" || len(m.Themes) == 0 {
			t.Errorf("%s: no label or no theme", m.Thematique)
		}
		for _, th := range m.Themes {
			if !national[th] {
				t.Errorf("%s: %q is not a national theme", m.Thematique, th)
			}
		}
	}
	// v1.0.8 of the schema: 69 thématiques in 16 categories.
	if len(list) != 69+16 || categories != 16 {
		t.Errorf("%d rows, %d categories", len(list), categories)
	}
	if !bytes.Equal(DataInclusionThematiquesFile(), dataInclusionThematiquesCSV) {
		t.Error("file differs")
	}
}

// FuzzImportDataInclusion: whatever the bytes, ReadDataInclusion returns a
// validation error or records in increasing positions, each either a
// contact point or a reason; it never panics.
func FuzzImportDataInclusion(f *testing.F) {
	f.Add([]byte(`[{"source": "dora", "id": "1", "structure_id": "s", "nom": "Service", "telephone": "3230", "horaires_accueil": "Mo-Fr 09:00-12:00; PH off", "zone_eligibilite": ["83"]}]`))
	f.Add([]byte("{\"source\": \"a\", \"id\": \"1\", \"nom\": \"S\"}\n{\"source\": \"a\", \"id\": \"2\", \"structure_id\": \"1\", \"nom\": \"T\"}\n"))
	f.Add([]byte(`{"structures": [{"source": "a", "id": "s", "nom": "S", "latitude": 1}], "services": [null, 1, "x"]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		last := 0
		err := ReadDataInclusion(context.Background(), bytes.NewReader(doc), func(r *DataInclusionRecord) error {
			if r.Record <= last {
				t.Fatalf("record %d after %d", r.Record, last)
			}
			last = r.Record
			if r.ContactPoint == nil && len(r.Errors) == 0 {
				t.Fatal("neither a contact point nor a reason")
			}
			if r.ContactPoint != nil && len(r.ChannelFields) != len(r.ContactPoint.Channels) {
				t.Fatalf("%d channel fields for %d channels", len(r.ChannelFields), len(r.ContactPoint.Channels))
			}
			for _, e := range append(slices.Clone(r.Errors), r.Warnings...) {
				if e.Field == "" || e.Message == "" {
					t.Fatalf("empty field error %+v", e)
				}
			}
			return nil
		})
		var de *domain.Error
		if err != nil && (!errors.As(err, &de) || de.Code != domain.EINVALID) {
			t.Fatalf("error %v is not a validation error", err)
		}
	})
}
