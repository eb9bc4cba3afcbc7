package commons

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/commons/data"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/importer"
)

func themeSlugs(t *testing.T) map[string]*domain.Theme {
	t.Helper()
	themes, err := Themes()
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]*domain.Theme{}
	for _, th := range themes {
		m[th.Slug] = th
	}
	return m
}

func TestThemes(t *testing.T) {
	themes, err := Themes()
	if err != nil {
		t.Fatal(err)
	}
	top := 0
	for _, th := range themes {
		if th.ParentSlug == "" {
			top++
		}
		if len(th.Synonyms) == 0 || th.Description == "" {
			t.Errorf("%s: a theme needs a description and lay synonyms", th.Slug)
		}
	}
	if len(themes) < 40 || len(themes) > 85 || top < 11 || top > 20 {
		t.Errorf("%d themes, %d top-level", len(themes), top)
	}
	m := themeSlugs(t)
	for _, slug := range []string{"logement", "loyer-impaye-expulsion", "urgences", "violences-conjugales", "aide-demarches"} {
		if m[slug] == nil {
			t.Errorf("theme %s missing", slug)
		}
	}
	if got := m["loyer-impaye-expulsion"]; got.Label != "Loyer impayé, expulsion" || got.ParentSlug != "logement" {
		t.Errorf("loyer-impaye-expulsion = %+v", got)
	}

	for _, bad := range []string{
		"slug,label,description\nx,X,\n",                                    // no parent_slug / synonyms columns
		"slug,parent_slug,label,description,synonyms\nb,a,B,,\na,,A,,\n",    // child before parent
		"slug,parent_slug,label,description,synonyms\na,,A,,\na,,A bis,,\n", // duplicate
		"slug,parent_slug,label,description,synonyms\nA b,,A,,\n",           // invalid slug
		"slug,parent_slug,label,description,synonyms\na,,,,\n",              // no label
	} {
		if _, err := ParseThemes(strings.NewReader(bad)); err == nil {
			t.Errorf("ParseThemes accepted %q", bad)
		}
	}
}

func TestHelplines(t *testing.T) {
	cps, err := Helplines("org")
	if err != nil {
		t.Fatal(err)
	}
	byNumber := map[string]*domain.ContactPoint{}
	var ranks []int
	for _, cp := range cps {
		byNumber[cp.Source.ID] = cp
		if cp.Emergency {
			ranks = append(ranks, cp.EmergencyRank)
		} else if cp.EmergencyRank != 0 {
			t.Errorf("%s: rank %d without emergency", cp.Source.ID, cp.EmergencyRank)
		}
		if cp.ID != domain.StableID("helpline:"+cp.Source.ID) || cp.Source.Kind != domain.SourceHelplines ||
			!cp.Coverage.National || cp.Coverage.Rule != domain.CoverageExplicit || !cp.Hours.Indicative ||
			cp.Channels[0].Kind != domain.ChannelPhone || cp.Channels[0].Value != cp.Source.ID || cp.OrganisationID != "org" {
			t.Errorf("%s = %+v", cp.Source.ID, cp)
		}
		if err := cp.Validate(); err != nil {
			t.Errorf("%s: %v", cp.Source.ID, err)
		}
	}
	// Every emergency number has a rank, ranks are 1…n without gap, and
	// the order is the one documented in data/SOURCES.md.
	slices.Sort(ranks)
	for i, r := range ranks {
		if r != i+1 {
			t.Fatalf("emergency ranks = %v, want 1…%d", ranks, len(ranks))
		}
	}
	var order []string
	for _, cp := range cps {
		if cp.Emergency {
			order = append(order, cp.Source.ID)
		}
	}
	slices.SortFunc(order, func(a, b string) int { return byNumber[a].EmergencyRank - byNumber[b].EmergencyRank })
	if want := []string{"15", "17", "18", "112", "114", "115", "119", "3919", "3114", "196", "191"}; !slices.Equal(order, want) {
		t.Errorf("emergency order = %v, want %v", order, want)
	}

	if _, ok := byNumber["0800112112"]; ok {
		t.Error("0 800 112 112 is a call-back number, not a number to dial")
	}
	if !slices.ContainsFunc(byNumber["114"].Channels, func(c domain.Channel) bool { return c.Kind == domain.ChannelSMS && c.Value == "114" }) {
		t.Errorf("114 takes SMS: %+v", byNumber["114"].Channels)
	}
	if byNumber["3977"].Emergency || byNumber["3939"].Emergency {
		t.Error("3977 and 3939 are not emergency numbers")
	}
	// 3939: DILA hours (Mon & Thu 8:30–18:15, Tue & Wed 8:30–13:00, Fri 13:00–17:00).
	want3939 := []domain.OpeningSlot{
		{Day: 1, Opens: "08:30", Closes: "18:15"}, {Day: 2, Opens: "08:30", Closes: "13:00"}, {Day: 3, Opens: "08:30", Closes: "13:00"},
		{Day: 4, Opens: "08:30", Closes: "18:15"}, {Day: 5, Opens: "13:00", Closes: "17:00"},
	}
	if !reflect.DeepEqual(byNumber["3939"].Hours.Weekly, want3939) {
		t.Errorf("3939 hours = %+v", byNumber["3939"].Hours.Weekly)
	}
	if w := byNumber["15"].Hours.Weekly; len(w) != 7 || w[6] != (domain.OpeningSlot{Day: 7, Opens: "00:00", Closes: "24:00"}) {
		t.Errorf("15 hours = %+v", w)
	}
	if v := byNumber["15"].VerifiedAt; v == nil || !v.Equal(time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("15 verified = %v", v)
	}
	if byNumber["3230"].VerifiedAt != nil {
		t.Error("3230 was not checked against its source: VerifiedAt must be nil")
	}
	for _, n := range []string{"196", "191", "116117", "3018"} {
		if byNumber[n] == nil {
			t.Errorf("%s missing", n)
		}
	}
	if p := byNumber["0800059595"].Channels[0]; p.Label != "0 800 05 95 95" || p.CostNote != "gratuit" {
		t.Errorf("0800059595 phone = %+v", p)
	}
}

func TestHelplinesRejectBadLines(t *testing.T) {
	header := "number,display,name,purpose,emergency,emergency_rank,themes,hours_text,hours,cost,sms,chat_url,website,source_url,verified_at\n"
	for _, line := range []string{
		"15,15,SAMU,x,1,,urgences,,24/7,,0,,,,",                                        // emergency without rank
		"3939,3939,ASP,x,0,3,demarches,,,,0,,,,",                                       // rank without emergency
		"0 800,0 800,X,x,0,,demarches,,,,0,,,,",                                        // not digits
		"3939,3939,ASP,x,0,,demarches,,1-8 09:00-10:00,,0,,,,",                         // bad day
		"3939,3939,ASP,x,0,,demarches,,,,0,,,,26/11/2026",                              // bad date
		"3939,3939,ASP,x,0,,,,,,0,,,,",                                                 // no theme
		"3939,3939,ASP,x,0,,demarches,,,,0,pas une url,,,",                             // bad chat URL
		"3939,3939,ASP,x,2,,demarches,,,,0,,,,",                                        // bad flag
		"3939,3939,,x,0,,demarches,,,,0,,,,",                                           // no name
		"3939,3939,ASP,x,0,,demarches,,,,0,,,,\n3939,3939,ASP,x,0,,demarches,,,,0,,,,", // twice
	} {
		if _, err := ParseHelplines(strings.NewReader(header+line+"\n"), "org"); err == nil {
			t.Errorf("accepted %q", line)
		}
	}
}

func slot(day int, opens, closes string) domain.OpeningSlot {
	return domain.OpeningSlot{Day: day, Opens: opens, Closes: closes}
}

func TestParseHours(t *testing.T) {
	tests := []struct {
		spec string
		want []domain.OpeningSlot
	}{
		{"", nil},
		{"1-5 09:00-17:00", []domain.OpeningSlot{slot(1, "09:00", "17:00"), slot(2, "09:00", "17:00"), slot(3, "09:00", "17:00"), slot(4, "09:00", "17:00"), slot(5, "09:00", "17:00")}},
		{"6 09:00-12:00 14:00-17:30", []domain.OpeningSlot{slot(6, "09:00", "12:00"), slot(6, "14:00", "17:30")}},
		{"1,4 08:30-18:15; 2 08:30-13:00", []domain.OpeningSlot{slot(1, "08:30", "18:15"), slot(2, "08:30", "13:00"), slot(4, "08:30", "18:15")}},
		{"7 08:00-02:00", []domain.OpeningSlot{slot(1, "00:00", "02:00"), slot(7, "08:00", "24:00")}},
		{"1-2,5 20:00-24:00", []domain.OpeningSlot{slot(1, "20:00", "24:00"), slot(2, "20:00", "24:00"), slot(5, "20:00", "24:00")}},
		{"3 22:00-00:00", []domain.OpeningSlot{slot(3, "22:00", "24:00")}},
	}
	for _, tt := range tests {
		got, err := ParseHours(tt.spec)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseHours(%q) = %v, %v; want %v", tt.spec, got, err, tt.want)
		}
	}
	if got, _ := ParseHours("24/7"); !reflect.DeepEqual(got, domain.AlwaysOpen()) {
		t.Errorf("24/7 = %v", got)
	}
	for _, bad := range []string{"1-5", "0 09:00-10:00", "8 09:00-10:00", "5-1 09:00-10:00", "1 9:00-10:00", "1 09:00-25:00",
		"1 09:00", "1 10:00-10:00", "1 24:00-02:00", "lundi 09:00-10:00", "1 09:60-10:00", "1 +9:00-10:00", "1 09:00-10:00;"} {
		if got, err := ParseHours(bad); err == nil {
			t.Errorf("ParseHours(%q) = %v, want an error", bad, got)
		}
	}
}

// TestReferencedThemesExist checks that every theme named by the helplines,
// the pivot types and the demo entry points is in themes.csv, and that every
// helpline and every pivot type has one.
func TestReferencedThemesExist(t *testing.T) {
	themes := themeSlugs(t)
	cps, err := Helplines("org")
	if err != nil {
		t.Fatal(err)
	}
	for _, cp := range cps {
		if len(cp.Themes) == 0 {
			t.Errorf("helpline %s has no theme", cp.Source.ID)
		}
		for _, th := range cp.Themes {
			if themes[th] == nil {
				t.Errorf("helpline %s: unknown theme %q", cp.Source.ID, th)
			}
		}
	}
	for _, p := range importer.DefaultPivots().All() {
		if len(p.Themes) == 0 {
			t.Errorf("pivot %s has no theme", p.Code)
		}
		for _, th := range p.Themes {
			if themes[th] == nil {
				t.Errorf("pivot %s: unknown theme %q", p.Code, th)
			}
		}
	}
	demo, err := LoadDemoFile()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range demo.Partners {
		for _, e := range p.EntryPoints {
			for _, th := range e.Themes {
				if themes[th] == nil {
					t.Errorf("demo %s/%s: unknown theme %q", p.Slug, e.Slug, th)
				}
			}
		}
	}
}

// TestShippedPivotsAreReviewed checks that the pivot types of the embedded
// annuaire files are in pivot_types.csv, except the few bodies that serve
// no resident need (they get the nearest rule and no theme).
func TestShippedPivotsAreReviewed(t *testing.T) {
	notForResidents := []string{"drac", "drddi"}
	store := newMemStore()
	for _, name := range []string{data.Annuaire2017, data.Prefectures} {
		if _, err := importer.ImportFS(t.Context(), data.FS, name, importer.Options{Store: store, Communes: newFakeCommunes()}); err != nil {
			t.Fatal(err)
		}
	}
	pivots := importer.DefaultPivots()
	missing := map[string]bool{}
	for _, cp := range store.cps {
		if _, ok := pivots.Lookup(cp.Pivot); !ok && !slices.Contains(notForResidents, cp.Pivot) {
			missing[cp.Pivot] = true
		}
	}
	if len(missing) > 0 {
		t.Errorf("pivot types not reviewed in pivot_types.csv: %v", missing)
	}
	for _, code := range []string{"france_travail", "msap", "pole_emploi", "ccas", "point_justice", "fr_renov"} {
		if _, ok := pivots.Lookup(code); !ok {
			t.Errorf("pivot type %s missing", code)
		}
	}
}

func TestPivotTypes(t *testing.T) {
	pivots, err := PivotTypes()
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := pivots["caf"]; !ok || p.Scope != importer.ScopeDepartement || p.Label != "Caisse d'allocations familiales (CAF)" {
		t.Errorf("caf = %+v", p)
	}
	if len(pivots) != len(importer.DefaultPivots().All()) {
		t.Errorf("%d pivot types, the importer knows %d", len(pivots), len(importer.DefaultPivots().All()))
	}
}

func TestLoadCommons(t *testing.T) {
	store := newMemStore()
	first, err := LoadCommons(t.Context(), store, nil)
	if err != nil {
		t.Fatal(err)
	}
	themes, _ := Themes()
	helplines, _ := Helplines("")
	if len(store.fiches) < 3000 {
		t.Errorf("%d fiches loaded", len(store.fiches))
	}
	if first != (domain.ImportStats{Created: len(themes) + len(helplines) + len(store.fiches)}) {
		t.Errorf("first load = %+v", first)
	}
	org := store.orgs[domain.CommonsSlug]
	if org == nil || org.Kind != domain.KindCommons || org.Name != "Communs nationaux" {
		t.Fatalf("commons organisation = %+v", org)
	}
	for _, cp := range store.cps {
		if cp.OrganisationID != org.ID {
			t.Errorf("%s belongs to %s", cp.Name, cp.OrganisationID)
		}
	}
	for _, th := range store.themes {
		if th.OrganisationID != org.ID {
			t.Errorf("theme %s belongs to %s", th.Slug, th.OrganisationID)
		}
	}
	writes := store.orgWrites
	second, err := LoadCommons(t.Context(), store, nil)
	if err != nil {
		t.Fatal(err)
	}
	if second != (domain.ImportStats{Unchanged: first.Created}) || store.orgWrites != writes {
		t.Errorf("second load = %+v, %d organisation writes", second, store.orgWrites-writes)
	}
}

func TestLoadCommonsKeepsAnExistingOrganisationID(t *testing.T) {
	store := newMemStore()
	existing := Organisation()
	existing.ID = domain.NewID()
	if err := store.UpsertOrganisation(t.Context(), existing); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadCommons(t.Context(), store, nil); err != nil {
		t.Fatal(err)
	}
	for _, cp := range store.cps {
		if cp.OrganisationID != existing.ID {
			t.Fatalf("%s belongs to %s, want %s", cp.Name, cp.OrganisationID, existing.ID)
		}
	}
}

func TestLoadDemo(t *testing.T) {
	store := newMemStore()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	first, err := LoadDemo(t.Context(), store, newFakeCommunes(), logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first load: %+v\n%s", first, logs.String())
	if first.Updated != 0 || first.Unchanged != 0 || first.Skipped != 0 || first.Created < 6000 {
		t.Errorf("first load = %+v", first)
	}

	// The demo partners, with copies of their real offices.
	demo, err := LoadDemoFile()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range demo.Partners {
		org := store.orgs[p.Slug]
		if org == nil {
			t.Fatalf("partner %s not loaded", p.Slug)
		}
		cps, n, _ := store.FindContactPoints(t.Context(), domain.ContactPointFilter{OrganisationID: org.ID})
		if n != len(p.Offices)+len(p.AgentLines) {
			t.Errorf("%s has %d contact points, want %d", p.Slug, n, len(p.Offices)+len(p.AgentLines))
		}
		for _, cp := range cps {
			if cp.OverridesID != "" {
				// An agent line: the partner's adjustment of a national
				// office, reserved to agents as its line is.
				national := store.cps[cp.OverridesID]
				if national == nil || national.OrganisationID == org.ID || cp.Visibility.IsPublic() || len(cp.Channels) != 1 ||
					cp.Channels[0].Visibility.IsPublic() || (domain.Viewer{}).Visible(cp) != nil {
					t.Errorf("%s: agent line %+v", p.Slug, cp)
				}
				continue
			}
			original := store.cps[domain.StableID("annuaire:"+cp.Source.ID)]
			if original == nil || original.Name != cp.Name || !reflect.DeepEqual(original.Channels, cp.Channels) {
				t.Errorf("%s: %s is not a copy of the annuaire office", p.Slug, cp.Name)
			}
		}
	}
	var2 := store.orgs["var"]
	if len(var2.Territory) != 153 || var2.Kind != domain.KindDepartement || len(var2.EntryPoints) != 4 || var2.EntryPoints[1].Journey != "logement-loyer" {
		t.Errorf("var = %+v", var2)
	}
	if cg := store.cps[domain.StableID("demo:var:cg-83137-01")]; cg == nil || cg.Name != "Conseil départemental - Var" {
		t.Errorf("the Var's conseil départemental = %+v", cg)
	}
	// The Var's agents have a direct line to the CAF of Toulon.
	if l := store.cps[domain.StableID("demo:var:agent-line:caf-83137-01")]; l == nil || l.OverridesID != domain.StableID("annuaire:caf-83137-01") ||
		l.Visibility != domain.VisibilityOrganisationAgents || l.Channels[0].Label != "Ligne directe partenaires" {
		t.Errorf("the Var's agent line = %+v", l)
	}

	// Préfectures come from the 2022 file, France services from the 2024
	// list; the 2017 ones are left out.
	for _, cp := range store.cps {
		if (cp.Pivot == "prefecture" || cp.Pivot == "sous_pref" || cp.Pivot == "msap") &&
			strings.HasPrefix(cp.Source.Dataset, "etablissements-publics-v1_2017-12/") {
			t.Errorf("%s (%s) should be left out", cp.Name, cp.Source.Dataset)
		}
	}
	if store.cps[domain.StableID("annuaire:caf-83126-01")] == nil || store.cps[domain.StableID("helpline:3919")] == nil {
		t.Error("the commons directory lacks the CAF of La Seyne-sur-Mer or 3919")
	}

	// Idempotent: the second run changes nothing.
	writes := store.orgWrites
	second, err := LoadDemo(t.Context(), store, newFakeCommunes(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if second != (domain.ImportStats{Unchanged: first.Created}) || store.orgWrites != writes {
		t.Errorf("second load = %+v (first %+v), %d organisation writes", second, first, store.orgWrites-writes)
	}
}

func TestDemoFile(t *testing.T) {
	demo, err := LoadDemoFile()
	if err != nil {
		t.Fatal(err)
	}
	if len(demo.Partners) < 2 || len(demo.Partners) > 3 {
		t.Errorf("%d demo partners", len(demo.Partners))
	}
	for _, p := range demo.Partners {
		if err := p.Organisation().Validate(); err != nil {
			t.Errorf("%s: %v", p.Slug, err)
		}
		if !strings.Contains(p.Name, "démonstration") {
			t.Errorf("%s: the name must say it is a demonstration", p.Slug)
		}
	}
	raw, _ := data.FS.ReadFile(data.Demo)
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil || !strings.Contains(doc["_note"].(string), "illustrations") {
		t.Error("demo.json must say that demo partners are illustrations")
	}
}

func TestEmbeddedSize(t *testing.T) {
	entries, err := data.FS.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, e := range entries {
		info, _ := e.Info()
		total += info.Size()
	}
	t.Logf("embedded data: %d files, %d bytes", len(entries), total)
	if total > 3<<20 {
		t.Errorf("embedded data is %d bytes, budget 3 MiB", total)
	}
}
