package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

func mustImport(t *testing.T, r io.Reader, f Format, name string, opts Options) domain.ImportStats {
	t.Helper()
	st, err := Import(t.Context(), r, f, name, opts)
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	return st
}

func TestGeoJSONKnownAnswers(t *testing.T) {
	store := newMemStore()
	raw := extractEntry(t, "83/caf.json")
	st := mustImport(t, bytes.NewReader(raw), FormatV1GeoJSON, "etablissements-publics-v1_2017-12/83/caf.json", testOptions(store))

	var fc struct{ Features []json.RawMessage }
	if err := json.Unmarshal(raw, &fc); err != nil {
		t.Fatal(err)
	}
	if st.Created != len(fc.Features) || st.Skipped != 0 {
		t.Fatalf("stats = %+v, want %d created", st, len(fc.Features))
	}

	cp := store.get(t, "annuaire:caf-83126-01")
	if cp.Name != "Caisse d'allocations familiales (Caf) du Var - accueil de La Seyne-sur-Mer" || cp.Pivot != "caf" ||
		cp.OrganisationID != commonsID || cp.Granularity != domain.GranularityService {
		t.Errorf("identity: %+v", cp)
	}
	wantPhone := domain.Channel{Kind: domain.ChannelPhone, Value: "08 10 25 83 10",
		CostNote: "Numéro violet : service payant + prix d’un appel (dépend de votre opérateur, pour connaître le tarif écoutez le message en début d’appel)"}
	if cp.Channels[0] != wantPhone {
		t.Errorf("phone = %+v, want %+v", cp.Channels[0], wantPhone)
	}
	if slices.ContainsFunc(cp.Channels, func(c domain.Channel) bool { return c.Value == "04 98 07 31 69" }) {
		t.Error("the fax number must not be a channel")
	}
	wantCov := domain.Coverage{Rule: domain.CoverageExplicit, Departements: []string{"83"}, Inferred: true}
	if !reflect.DeepEqual(cp.Coverage, wantCov) {
		t.Errorf("coverage = %+v, want %+v", cp.Coverage, wantCov)
	}
	if want := []string{"allocations-familiales", "aide-au-logement", "rsa-prime-activite"}; !slices.Equal(cp.Themes, want) {
		t.Errorf("themes = %v, want %v", cp.Themes, want)
	}
	a := cp.Address
	if a == nil || !slices.Equal(a.Lines, []string{"Tour du Gère", "Tour Germinal A4", "98 avenue Louis-Pergaud"}) ||
		a.PostalCode != "83500" || a.City != "La Seyne-sur-Mer" || a.CommuneCode != "83126" || a.Accessibility != "ACC" ||
		a.Latitude == nil || *a.Latitude != 43.102976 || *a.Longitude != 5.878219 {
		t.Errorf("address = %+v", a)
	}
	if last := cp.Channels[len(cp.Channels)-1]; last.Kind != domain.ChannelAddress ||
		last.Value != "Tour du Gère, Tour Germinal A4, 98 avenue Louis-Pergaud, 83500 La Seyne-sur-Mer" {
		t.Errorf("address channel = %+v", last)
	}
	// lundi → vendredi, 08:30-12:00 and 13:15-17:00
	if len(cp.Hours.Weekly) != 10 || cp.Hours.Weekly[0] != (domain.OpeningSlot{Day: 1, Opens: "08:30", Closes: "12:00"}) ||
		cp.Hours.Weekly[9] != (domain.OpeningSlot{Day: 5, Opens: "13:15", Closes: "17:00"}) {
		t.Errorf("weekly = %+v", cp.Hours.Weekly)
	}
	if cp.Hours.Note != "Accueil téléphonique du lundi au vendredi de 9h à 16h30." {
		t.Errorf("note = %q", cp.Hours.Note)
	}
	day := time.Date(2017, 9, 11, 0, 0, 0, 0, time.UTC)
	if cp.Source.Kind != domain.SourceAnnuaire || cp.Source.ID != "caf-83126-01" ||
		cp.Source.Dataset != "etablissements-publics-v1_2017-12/83/caf.json" ||
		!cp.Source.UpdatedAt.Equal(day) || !cp.VerifiedAt.Equal(day) {
		t.Errorf("source = %+v, verified %v", cp.Source, cp.VerifiedAt)
	}
}

func TestGeoJSONPolymorphicFields(t *testing.T) {
	// Every shape FORMAT.md lists: Adresse object or array, Ligne string or
	// array, Téléphone string or {coût, $t}, PlageJ and PlageH object or
	// array, Accessibilité {type, $t}, CoordonnéesNum "" (seen once),
	// Localisation {} (seen twice), a web page in Email, a bare host in Url,
	// the stray quote of "'09:00:00", a 00:00-00:00 placeholder, a week range
	// that wraps around (samedi → lundi).
	doc := `{"type":"FeatureCollection","features":[
	{"type":"Feature","geometry":{"type":"Point","coordinates":[5.9,43.1]},"properties":{
	  "id":"mairie-83137-01","codeInsee":"83137","dateMiseAJour":"2016-01-02","pivotLocal":"mairie","Nom":"Mairie de Toulon",
	  "Adresse":{"type":"géopostale","Ligne":"Avenue de la République","CodePostal":"83000","NomCommune":"Toulon",
	    "Localisation":{"Latitude":{},"Longitude":{}},"Accessibilité":{"type":"DEM","$t":"Sonner à l'entrée"}},
	  "CoordonnéesNum":{"Téléphone":"04 94 36 30 00","Email":"http://toulon.fr/node/11990","Url":"www.toulon.fr","Sve":"https://www.service-public.fr"},
	  "Ouverture":{"PlageJ":[{"début":"lundi","fin":"vendredi","PlageH":{"début":"'08:00:00","fin":"12:00:00"}},
	    {"début":"samedi","fin":"lundi","PlageH":[{"début":"00:00:00","fin":"00:00:00"},{"début":"09:00:00","fin":"10:00:00"}],"Note":"Permanence"}]}}},
	{"type":"Feature","geometry":{"type":"Point","coordinates":[5.9,43.1]},"properties":{
	  "id":"maison_arret-83050-01","codeInsee":"83050","dateMiseAJour":"2016-01-02","pivotLocal":"maison_arret","Nom":"Maison d'arrêt",
	  "Adresse":[{"type":"postale","Ligne":["BP 1"],"CodePostal":"83001","NomCommune":"Draguignan"}],
	  "CoordonnéesNum":""}}
	]}`
	store := newMemStore()
	st := mustImport(t, strings.NewReader(doc), FormatV1GeoJSON, "83/test.json", testOptions(store))
	// The prison has no channel at all (postal address only): skipped.
	if st.Created != 1 || st.Skipped != 1 {
		t.Fatalf("stats = %+v", st)
	}
	cp := store.get(t, "annuaire:mairie-83137-01")
	want := []domain.Channel{
		{Kind: domain.ChannelPhone, Value: "04 94 36 30 00"},
		{Kind: domain.ChannelContactForm, Value: "http://toulon.fr/node/11990"},
		{Kind: domain.ChannelOnlineProcedure, Value: "https://www.service-public.fr"},
		{Kind: domain.ChannelWebsite, Value: "http://www.toulon.fr"},
		{Kind: domain.ChannelAddress, Value: "Avenue de la République, 83000 Toulon", AccessibilityNote: "Sonner à l'entrée"},
	}
	if !reflect.DeepEqual(cp.Channels, want) {
		t.Errorf("channels =\n%+v\nwant\n%+v", cp.Channels, want)
	}
	if a := cp.Address; a.Latitude == nil || *a.Latitude != 43.1 || *a.Longitude != 5.9 || a.Accessibility != "DEM" {
		t.Errorf("address = %+v (coordinates from the geometry expected)", a)
	}
	var got []string
	for _, s := range cp.Hours.Weekly {
		got = append(got, s.Opens+"-"+s.Closes+"@"+string(rune('0'+s.Day)))
	}
	wantSlots := []string{"08:00-12:00@1", "09:00-10:00@1", "08:00-12:00@2", "08:00-12:00@3", "08:00-12:00@4", "08:00-12:00@5", "09:00-10:00@6", "09:00-10:00@7"}
	if !slices.Equal(got, wantSlots) {
		t.Errorf("weekly = %v, want %v", got, wantSlots)
	}
	if cp.Hours.Note != "Du samedi au lundi : Permanence" {
		t.Errorf("note = %q", cp.Hours.Note)
	}
	if cp.Coverage.Rule != domain.CoverageNearest || !cp.Coverage.Inferred {
		t.Errorf("coverage = %+v", cp.Coverage)
	}
}

func TestV4SampleKnownAnswers(t *testing.T) {
	store := newMemStore()
	st, err := ImportFile(t.Context(), v4Sample, testOptions(store))
	if err != nil || st.Created != 1 {
		t.Fatalf("stats %+v, err %v", st, err)
	}
	cp := store.get(t, "annuaire:mairie-77188-01")
	if want := (domain.Coverage{Rule: domain.CoverageExplicit, Communes: []string{"77188"}}); !reflect.DeepEqual(cp.Coverage, want) {
		t.Errorf("coverage = %+v, want %+v", cp.Coverage, want)
	}
	wantWeekly := []domain.OpeningSlot{
		{Day: 2, Opens: "09:00", Closes: "12:00"}, {Day: 2, Opens: "18:00", Closes: "19:00"},
		{Day: 3, Opens: "09:00", Closes: "12:00"}, {Day: 5, Opens: "09:00", Closes: "12:00"},
	}
	if !reflect.DeepEqual(cp.Hours.Weekly, wantWeekly) {
		t.Errorf("weekly = %+v", cp.Hours.Weekly)
	}
	if cp.Hours.Note != "Mardi : Accueil ouvert uniquement hors vacances scolaires l'après-midi." {
		t.Errorf("note = %q", cp.Hours.Note)
	}
	wantChannels := []domain.Channel{
		{Kind: domain.ChannelPhone, Value: "01 64 38 30 52"},
		{Kind: domain.ChannelEmail, Value: "mairie-xxxxx@yyyy.fr"},
		{Kind: domain.ChannelWebsite, Value: "http://www.ville-fontaineleport.fr"},
		{Kind: domain.ChannelAddress, Value: "3 rue du Général-Roux, 77590 Fontaine-le-Port"},
	}
	if !reflect.DeepEqual(cp.Channels, wantChannels) {
		t.Errorf("channels = %+v", cp.Channels)
	}
	modified := time.Date(2023, 8, 9, 11, 30, 19, 0, time.UTC) // 13:30:19 in Paris
	if cp.Pivot != "mairie" || cp.Source.ID != "00007e4d-264c-43a0-b0b7-7f3b7dd995ab" ||
		cp.Source.Dataset != "sample_record_donnees-locales-v4.json" || !cp.Source.UpdatedAt.Equal(modified) ||
		cp.Address.Accessibility != "DEM" || cp.Address.CommuneCode != "77188" {
		t.Errorf("contact point = %+v", cp)
	}
}

func TestV4APIExportMatchesBulk(t *testing.T) {
	bulk, api := newMemStore(), newMemStore()
	if _, err := ImportFile(t.Context(), v4Sample, testOptions(bulk)); err != nil {
		t.Fatal(err)
	}
	st, err := ImportFile(t.Context(), v4APIExport, testOptions(api))
	if err != nil || st.Created != 2 {
		t.Fatalf("stats %+v, err %v", st, err)
	}
	a, b := *bulk.get(t, "annuaire:mairie-77188-01"), *api.get(t, "annuaire:mairie-77188-01")
	a.Source.Dataset, b.Source.Dataset = "", ""
	if content(&a) != content(&b) {
		t.Errorf("the API export and the bulk file disagree:\n%s\n%s", content(&a), content(&b))
	}

	// The variant has no ancien_code_pivot, lists no commune, and carries a
	// plain-string e-mail, an online procedure, a Lundi→Vendredi range and
	// HTML in its mission.
	v := api.get(t, "annuaire:00007e4d-264c-43a0-b0b7-7f3b7dd995ac")
	if v.Coverage.Rule != domain.CoverageNearest || !v.Coverage.Inferred {
		t.Errorf("coverage = %+v", v.Coverage)
	}
	if v.Description != "Accueil du public : état civil, élections.\n- urbanisme" {
		t.Errorf("description = %q", v.Description)
	}
	if !slices.Contains(v.Channels, domain.Channel{Kind: domain.ChannelOnlineProcedure, Value: "https://www.service-public.fr", Label: "Démarche en ligne"}) ||
		!slices.Contains(v.Channels, domain.Channel{Kind: domain.ChannelEmail, Value: "mairie-xxxxx@yyyy.fr"}) {
		t.Errorf("channels = %+v", v.Channels)
	}
	if len(v.Hours.Weekly) != 5 || v.Hours.Weekly[4] != (domain.OpeningSlot{Day: 5, Opens: "08:30", Closes: "12:00"}) {
		t.Errorf("weekly = %+v", v.Hours.Weekly)
	}
}

func TestV4APIRecordsPage(t *testing.T) {
	// One page of the records endpoint: {"total_count": n, "results": […]}.
	export := readFile(t, v4APIExport)
	page := `{"total_count": 2, "results": ` + string(export) + `}`
	store := newMemStore()
	if st := mustImport(t, strings.NewReader(page), FormatV4API, "page.json", testOptions(store)); st.Created != 2 {
		t.Fatalf("stats = %+v", st)
	}
}

func TestV4OneRecordUpdatesThe2017Office(t *testing.T) {
	// A v4 record carrying ancien_code_pivot replaces the 2017 office of the
	// same old identifier.
	store := newMemStore()
	old := `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[2.75,48.48]},
	"properties":{"id":"mairie-77188-01","codeInsee":"77188","dateMiseAJour":"2016-01-02","pivotLocal":"mairie","Nom":"Mairie",
	"CoordonnéesNum":{"Téléphone":"01 00 00 00 00"}}}]}`
	mustImport(t, strings.NewReader(old), FormatV1GeoJSON, "77/mairie.json", testOptions(store))
	st, err := ImportFile(t.Context(), v4Sample, testOptions(store))
	if err != nil || st.Updated != 1 || st.Created != 0 {
		t.Fatalf("stats %+v, err %v", st, err)
	}
	if got := store.get(t, "annuaire:mairie-77188-01").Name; got != "Mairie - Fontaine-le-Port" {
		t.Errorf("name = %q", got)
	}
}

func TestTSV(t *testing.T) {
	store := newMemStore()
	st, err := ImportFile(t.Context(), tsvFile, testOptions(store))
	if err != nil {
		t.Fatal(err)
	}
	if st.Created != 368 || st.Skipped != 0 {
		t.Fatalf("stats = %+v, want 368 created", st)
	}
	counts := map[domain.CoverageRule]int{}
	for _, cp := range store.cps {
		counts[cp.Coverage.Rule]++
		switch cp.Pivot {
		case "prefecture":
			if len(cp.Coverage.Departements) != 1 {
				t.Errorf("%s: coverage %+v", cp.Name, cp.Coverage)
			}
		case "prefecture_region":
			if len(cp.Coverage.Regions) != 1 {
				t.Errorf("%s: coverage %+v", cp.Name, cp.Coverage)
			}
		case "sous_pref":
			if cp.Coverage.Rule != domain.CoverageNearest {
				t.Errorf("%s: coverage %+v", cp.Name, cp.Coverage)
			}
		default:
			t.Errorf("%s: pivot %q", cp.Name, cp.Pivot)
		}
		if !cp.VerifiedAt.Equal(time.Date(2022, 10, 28, 0, 0, 0, 0, time.UTC)) || cp.Source.UpdatedAt != nil {
			t.Errorf("%s: verified %v, source %+v", cp.Name, cp.VerifiedAt, cp.Source)
		}
	}
	if counts[domain.CoverageNearest] != 244 || counts[domain.CoverageExplicit] != 124 {
		t.Errorf("rules = %v, want 244 nearest (sous_pref), 124 explicit (107 prefecture + 17 prefecture_region)", counts)
	}
	cp := store.get(t, "annuaire:0084a8ff-6c9b-48da-8a7a-3e7f891e7525")
	if cp.Name != "Sous-préfecture - Pontoise" || cp.Address.CommuneCode != "95500" || cp.Channels[0].Value != "01 34 20 95 95" {
		t.Errorf("Pontoise = %+v", cp)
	}
	// Saint-Barthélemy (97701) is unknown to most references: its
	// département is read from the code.
	cp = store.get(t, "annuaire:0041bcc7-48d3-42fd-92d4-990595e77fda")
	if !slices.Equal(cp.Coverage.Departements, []string{"977"}) {
		t.Errorf("Saint-Barthélemy coverage = %+v", cp.Coverage)
	}
}

func TestV1NationalCSV(t *testing.T) {
	store := newMemStore()
	st, err := ImportFile(t.Context(), nationalCSV, testOptions(store))
	if err != nil {
		t.Fatal(err)
	}
	// Two EPCI have neither phone, e-mail, website nor address line.
	if st.Created != 20784 || st.Skipped != 2 {
		t.Fatalf("stats = %+v", st)
	}
	cp := store.get(t, "annuaire:adil-01053-01")
	want := []domain.OpeningSlot{
		{Day: 1, Opens: "09:00", Closes: "18:00"}, {Day: 2, Opens: "09:00", Closes: "18:00"},
		{Day: 3, Opens: "09:00", Closes: "18:00"}, {Day: 4, Opens: "09:00", Closes: "18:00"},
		{Day: 5, Opens: "09:00", Closes: "17:00"},
	}
	if !reflect.DeepEqual(cp.Hours.Weekly, want) || !slices.Equal(cp.Coverage.Departements, []string{"01"}) {
		t.Errorf("adil-01053-01 = %+v", cp)
	}
	// A quoted multi-line address.
	cp = store.get(t, "annuaire:prefecture-12202-01")
	if !slices.Equal(cp.Address.Lines, []string{"Place Charles-de-Gaulle", "BP 715"}) {
		t.Errorf("lines = %q", cp.Address.Lines)
	}
}

func TestFranceServices(t *testing.T) {
	store := newMemStore()
	st, err := ImportFile(t.Context(), fsFile, testOptions(store))
	if err != nil {
		t.Fatal(err)
	}
	if st.Created != 2845 || st.Skipped != 0 {
		t.Fatalf("stats = %+v", st)
	}
	cp := store.get(t, "france-services:1")
	if cp.Pivot != "msap" || cp.Source.Kind != domain.SourceFranceServices || cp.Source.ID != "1" ||
		cp.Source.Dataset != "france-services_2024-08-01.csv" || cp.Coverage.Rule != domain.CoverageNearest {
		t.Errorf("france-services:1 = %+v", cp)
	}
	if !cp.VerifiedAt.Equal(time.Date(2024, 8, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("verified = %v", cp.VerifiedAt)
	}
	// h_lundi "13:30 - 17:00", h_mardi "09:00 - 12:00 / 13:30 - 17:00", …
	if w := cp.Hours.Weekly; len(w) != 9 || w[0] != (domain.OpeningSlot{Day: 1, Opens: "13:30", Closes: "17:00"}) ||
		w[8] != (domain.OpeningSlot{Day: 5, Opens: "13:30", Closes: "16:00"}) {
		t.Errorf("weekly = %+v", w)
	}
	bus := store.get(t, "france-services:3")
	if !strings.HasPrefix(bus.Description, "Bus France services") {
		t.Errorf("description = %q", bus.Description)
	}
}

// TestIdempotent imports each file twice: the second time nothing changes.
func TestIdempotent(t *testing.T) {
	for _, f := range []string{tarExtract, tsvFile, fsFile, nationalCSV, v4Sample, v4APIExport} {
		t.Run(filepath.Base(f), func(t *testing.T) {
			store := newMemStore()
			first, err := ImportFile(t.Context(), f, testOptions(store))
			if err != nil {
				t.Fatal(err)
			}
			second, err := ImportFile(t.Context(), f, testOptions(store))
			if err != nil {
				t.Fatal(err)
			}
			want := domain.ImportStats{Unchanged: first.Created, Skipped: first.Skipped}
			if second != want {
				t.Errorf("second import = %+v, want %+v (first %+v)", second, want, first)
			}
		})
	}
}

// TestSharedDirectory imports the 2017 extract as a directory of GeoJSON
// files when the project's reference data is present: same records, same
// dataset names as the shipped archive.
func TestSharedDirectory(t *testing.T) {
	dir := sharedAnnuair + "etablissements-publics-v1_2017-12"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("reference data folder absent")
	}
	store := newMemStore()
	st, err := ImportFile(t.Context(), dir, testOptions(store))
	if err != nil || st.Created != 3183 {
		t.Fatalf("stats %+v, err %v", st, err)
	}
	st, err = ImportFile(t.Context(), tarExtract, testOptions(store))
	if err != nil || st.Unchanged != 3183 {
		t.Fatalf("archive after directory: stats %+v, err %v", st, err)
	}
}

func TestBatches(t *testing.T) {
	store := newMemStore()
	opts := testOptions(store)
	opts.BatchSize = 7
	st, err := ImportFile(t.Context(), tsvFile, opts)
	if err != nil || st.Created != 368 {
		t.Fatalf("stats %+v, err %v", st, err)
	}
	if store.calls != (368+6)/7 {
		t.Errorf("%d store calls, want %d", store.calls, (368+6)/7)
	}
}

func TestSkipsInvalidAndDuplicateRecords(t *testing.T) {
	var logs bytes.Buffer
	opts := testOptions(newMemStore())
	opts.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	doc := `{"service":[
	 {"id":"a","nom":"Sans moyen de contact","pivot":[{"type_service_local":"caf","code_insee_commune":[]}],"code_insee_commune":"83137"},
	 {"id":"b","nom":"","telephone":[{"valeur":"01 02 03 04 05"}],"code_insee_commune":"83137","pivot":[{"type_service_local":"caf"}]},
	 {"id":"c","nom":"Commune inconnue","telephone":[{"valeur":"01 02 03 04 05"}],"code_insee_commune":"xx","pivot":[{"type_service_local":"mairie"}]},
	 {"nom":"Sans identifiant","telephone":[{"valeur":"01 02 03 04 05"}],"code_insee_commune":"83137","pivot":[{"type_service_local":"mairie"}]},
	 {"id":"d","nom":"Bon","telephone":[{"valeur":"01 02 03 04 05"}],"code_insee_commune":"83137","pivot":[{"type_service_local":"mairie"}]},
	 {"id":"d","nom":"Doublon","telephone":[{"valeur":"01 02 03 04 05"}],"code_insee_commune":"83137","pivot":[{"type_service_local":"mairie"}]},
	 "pas un objet",
	 {"id":"e","nom":"Région inconnue","telephone":[{"valeur":"01 02 03 04 05"}],"code_insee_commune":"98800","pivot":[{"type_service_local":"carsat"}]}
	]}`
	st := mustImport(t, strings.NewReader(doc), FormatV4Bulk, "test.json", opts)
	if st != (domain.ImportStats{Created: 1, Skipped: 7}) {
		t.Errorf("stats = %+v", st)
	}
	for _, id := range []string{"id=a", "id=b", "id=c", "id=d", "id=e", "already imported"} {
		if !strings.Contains(logs.String(), id) {
			t.Errorf("log lacks %q:\n%s", id, logs.String())
		}
	}
}

func TestKeep(t *testing.T) {
	store := newMemStore()
	opts := testOptions(store)
	opts.Keep = func(cp *domain.ContactPoint) bool { return cp.Pivot != "sous_pref" }
	st, err := ImportFile(t.Context(), tsvFile, opts)
	if err != nil || st != (domain.ImportStats{Created: 124}) {
		t.Fatalf("stats %+v, err %v", st, err)
	}
}

func TestMalformedFiles(t *testing.T) {
	tests := []struct {
		name, file, content string
		want                []string
	}{
		{"truncated JSON", "bulk.json", `{"service":[{"id":"a"`, []string{"bulk.json", "offset"}},
		{"bad JSON", "bulk.json", `{"service":[{"id":"a"},]}`, []string{"bulk.json", "offset"}},
		{"no service member", "bulk.json", `{"service_x":[]}`, []string{"bulk.json", "unrecognised JSON"}},
		{"service not an array", "bulk.json", `{"service":{}}`, []string{"bulk.json", "offset", "not an array"}},
		{"trailing garbage", "fc.json", `{"type":"FeatureCollection","features":[]} x`, []string{"fc.json", "offset"}},
		{"wrong CSV header", "x.csv", "id,nom\n1,2\n", []string{"x.csv", "unrecognised format"}},
		{"bad quote", "fs.csv", "id_fs,lib_fs,adresse,insee_com,code_postal,lib_com,telephone,h_lundi\n1,\"a\"b,,,,,,\n", []string{"fs.csv", "line 2"}},
		{"empty", "empty.json", "", []string{"empty.json", "empty"}},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, tt.file)
			if err := os.WriteFile(p, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := ImportFile(t.Context(), p, testOptions(newMemStore()))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}

	// A known format with a wrong header, through Import.
	_, err := Import(t.Context(), strings.NewReader("a\tb\n1\t2\n"), FormatV4TSV, "p.tsv", testOptions(newMemStore()))
	if err == nil || !strings.Contains(err.Error(), "p.tsv: line 1: wrong header") {
		t.Errorf("err = %v", err)
	}
}

func TestContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := ImportFile(ctx, tsvFile, testOptions(newMemStore()))
	if err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Errorf("err = %v", err)
	}
}

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		head string
		want Format
	}{
		{"\ufeff{\"_comment\": \"mentions \\\"service\\\"\", \"service\": [", FormatV4Bulk},
		{"  [{\"id\": \"x\"", FormatV4API},
		{`{"total_count": 3, "results": [`, FormatV4API},
		{`{"type": "FeatureCollection", "features": [`, FormatV1GeoJSON},
		{`{"features": [`, FormatV1GeoJSON},
		{"id\tnom\ttype_service_local\tcode_insee_commune\tsite_internet\ttelephone\ttelecopie\tadresse_courriel\tformulaire_contact\tcomplement1\tcomplement2\tnumero_voie\tservice_distribution\tcode_postal\tnom_commune\n", FormatV4TSV},
		{"id,pivot,code_insee,nom,adresse,code_postal,commune,latitude,longitude,telephone,email,url,horaires,date_mise_a_jour\r\n", FormatV1CSV},
		{`"id_fs","insee_dep","lib_fs","adresse","complement_adresse","insee_com","code_postal","lib_com","latitude","longitude","mail","telephone","h_lundi"`, FormatFranceServices},
	}
	for _, tt := range tests {
		got, err := DetectFormat("f", []byte(tt.head))
		if err != nil || got != tt.want {
			t.Errorf("DetectFormat(%.40q) = %q, %v; want %q", tt.head, got, err, tt.want)
		}
	}
	for _, head := range []string{"", "   ", `{"type": "Feature"}`, "a,b,c\n", "<html>"} {
		if f, err := DetectFormat("f", []byte(head)); err == nil {
			t.Errorf("DetectFormat(%q) = %q, want an error", head, f)
		}
	}
}

func TestClock(t *testing.T) {
	for in, want := range map[string]string{
		"09:00:00": "09:00", "'09:00:00": "09:00", "'08:3": "08:30", "9:30": "09:30", "9h30": "09:30", "9h": "09:00",
		"24:00:00": "24:00", " 13:30 ": "13:30", "25:00": "", "12:60": "", "ab:cd": "", "": "", "24:30": "", "123:00": "",
	} {
		got, ok := clock(in)
		if got != want || ok != (want != "") {
			t.Errorf("clock(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestDays(t *testing.T) {
	tests := []struct {
		from, to int
		want     []int
	}{
		{1, 5, []int{1, 2, 3, 4, 5}}, {2, 2, []int{2}}, {3, 0, []int{3}}, {6, 1, []int{6, 7, 1}}, {0, 3, nil}, {6, 5, []int{6, 7, 1, 2, 3, 4, 5}},
	}
	for _, tt := range tests {
		if got := days(tt.from, tt.to); !slices.Equal(got, tt.want) {
			t.Errorf("days(%d, %d) = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestTextHelpers(t *testing.T) {
	for in, want := range map[string]string{
		"www.caf.fr": "http://www.caf.fr", "https://a.fr/x y": "", "mailto:x@y.fr": "", "mairie-lecluse.fr": "http://mairie-lecluse.fr",
		"http://": "", "ftp://a.fr": "", "https://www.ameli.fr": "https://www.ameli.fr",
	} {
		if got, _ := webURL(in); got != want {
			t.Errorf("webURL(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"mailto: a@b.fr": "a@b.fr", "mailto: 0361473190": "", "a@b": "", "x@y.fr": "x@y.fr", "a@@b.fr": "", "http://x.fr/contact": "",
	} {
		if got, _ := email(in); got != want {
			t.Errorf("email(%q) = %q, want %q", in, got, want)
		}
	}
	if got := htmlToText("<p>Un&nbsp;: <b>deux</b></p><p></p><ul><li>trois</li><li>quatre</li></ul>"); got != "Un : deux\n- trois\n- quatre" {
		t.Errorf("htmlToText = %q", got)
	}
	if got := truncate(strings.Repeat("mot ", 600), 2000); len([]rune(got)) > 2000 || !strings.HasSuffix(got, "mot…") {
		t.Errorf("truncate = …%q", got[len(got)-10:])
	}
	if got := clean(" a \u00a0 b\n c "); got != "a b c" {
		t.Errorf("clean = %q", got)
	}
	if got := pivotFromID("accompagnement_personnes_agees-59350-01"); got != "accompagnement_personnes_agees" {
		t.Errorf("pivotFromID = %q", got)
	}
	if got := dateInName("dir/2026-11-20_003346-data.gouv_local.json"); got == nil || !got.Equal(time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("dateInName = %v", got)
	}
	if got := dateInName("liste-fs-20240801.csv"); got == nil || got.Format(time.DateOnly) != "2024-08-01" {
		t.Errorf("dateInName = %v", got)
	}
	if got := dateInName("83/caf.json"); got != nil {
		t.Errorf("dateInName = %v", got)
	}
}

func TestDefaultPivots(t *testing.T) {
	p := DefaultPivots()
	for code, want := range map[string]Scope{
		"caf": ScopeDepartement, "cpam": ScopeDepartement, "maison_handicapees": ScopeDepartement, "cg": ScopeDepartement,
		"adil": ScopeDepartement, "prefecture": ScopeDepartement, "carsat": ScopeRegion, "cr": ScopeRegion,
		"prefecture_region": ScopeRegion, "crous": ScopeRegion, "mairie": ScopeNearest, "sous_pref": ScopeNearest,
		"msap": ScopeNearest, "pole_emploi": ScopeNearest, "unknown_type": ScopeNearest,
	} {
		if got := p.Scope(code); got != want {
			t.Errorf("Scope(%s) = %s, want %s", code, got, want)
		}
	}
	if len(p.All()) < 100 {
		t.Errorf("%d pivot types", len(p.All()))
	}
	if p.Themes("unknown_type") != nil {
		t.Error("an unknown pivot type has no theme")
	}
	th := p.Themes("caf")
	th[0] = "changed"
	if p.Themes("caf")[0] == "changed" {
		t.Error("Themes must return a copy")
	}
	for _, bad := range []string{
		"code,label,scope\ncaf,CAF,departement\n",
		"code,label,scope,themes\ncaf,CAF,quartier,famille\n",
		"code,label,scope,themes\ncaf,CAF,departement,\n",
		"code,label,scope,themes\nCAF,CAF,departement,famille\n",
		"code,label,scope,themes\ncaf,CAF,departement,famille\ncaf,CAF,departement,famille\n",
		"code,label,scope,themes\ncaf,,departement,famille\n",
		"code,label,scope,themes\ncaf,CAF,departement,Famille\n",
	} {
		if _, err := ParsePivotTable(strings.NewReader(bad)); err == nil {
			t.Errorf("ParsePivotTable(%q) accepted", bad)
		}
	}
}

func TestNoCommunesReference(t *testing.T) {
	// Without a communes reference, départements come from the INSEE codes
	// and région-wide bodies cannot be placed.
	store := newMemStore()
	opts := testOptions(store)
	opts.Communes = nil
	st, err := ImportFile(t.Context(), tsvFile, opts)
	if err != nil || st.Created != 351 || st.Skipped != 17 {
		t.Fatalf("stats %+v, err %v (want the 17 prefecture_region skipped)", st, err)
	}
}
