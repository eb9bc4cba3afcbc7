package commons_test

import (
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/commons"
	"github.com/aiguillage/aiguillage/api/internal/i18n"
)

// minPivots are the kinds of office residents meet most: each must be
// translated into every language.
var minPivots = []string{"caf", "cpam", "mairie", "prefecture", "sous_pref", "pole_emploi", "france_travail", "msap",
	"maison_handicapees", "ccas", "sip", "cg", "clic", "pmi", "adil", "mission_locale", "gendarmerie", "commissariat_police",
	"carsat", "msa", "urssaf", "cij", "crous", "mjd", "cidf", "bav"}

// TestTranslationsComplete checks that every national theme and helpline,
// and every common kind of office, has a text in every shipped language
// (none is allowed to be missing), and that themes carry synonyms in every
// language but FALC (FALC is French: the French synonyms already apply).
func TestTranslationsComplete(t *testing.T) {
	tr, err := commons.LoadTranslations()
	if err != nil {
		t.Fatal(err)
	}
	themes, err := commons.Themes()
	if err != nil {
		t.Fatal(err)
	}
	helplines, err := commons.Helplines("")
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Translations() {
		for _, th := range themes {
			tt, ok := tr.Theme(th.Slug, lang)
			if !ok {
				t.Errorf("theme %s: no %s translation", th.Slug, lang)
				continue
			}
			if tt.Description == "" {
				t.Errorf("theme %s in %s: no description", th.Slug, lang)
			}
			if lang != i18n.FALC && len(tt.Synonyms) < 6 {
				t.Errorf("theme %s in %s: %d synonyms, want at least 6", th.Slug, lang, len(tt.Synonyms))
			}
		}
		for _, h := range helplines {
			ht, ok := tr.Helpline(h.Source.ID, lang)
			if !ok || ht.Purpose == "" || ht.HoursText == "" {
				t.Errorf("helpline %s: no complete %s translation (%+v)", h.Source.ID, lang, ht)
			}
		}
		for _, code := range minPivots {
			if _, ok := tr.PivotLabel(code, lang); !ok {
				t.Errorf("pivot %s: no %s label", code, lang)
			}
		}
	}
	if _, ok := tr.Theme("logement", i18n.French); ok {
		t.Error("French must not be a translation")
	}
}

func TestParseTranslationsErrors(t *testing.T) {
	known := commons.Known{Themes: map[string]bool{"logement": true}, Helplines: map[string]bool{"3646": true}, Pivots: map[string]bool{"caf": true}}
	const (
		themesOK    = "slug,lang,label,description,synonyms\nlogement,en,Housing,Find a home.,rent|flat\n"
		helplinesOK = "number,lang,name,purpose,hours_text\n3646,en,Health insurance,Reimbursements.,Mon-Fri\n"
		pivotsOK    = "code,lang,label\ncaf,en,Family allowances fund\n"
	)
	tests := []struct {
		name                      string
		themes, helplines, pivots string
		wantErr                   string
	}{
		{"valid", themesOK, helplinesOK, pivotsOK, ""},
		{"unknown slug", "slug,lang,label,description,synonyms\nlogement,en,Housing,,\nlodging,en,Housing,,\n", helplinesOK, pivotsOK, `translations/themes.csv:3: unknown slug "lodging"`},
		{"unknown language", "slug,lang,label,description,synonyms\nlogement,de,Wohnung,,\n", helplinesOK, pivotsOK, `translations/themes.csv:2: slug logement: language "de"`},
		{"French is not a translation", "slug,lang,label,description,synonyms\nlogement,fr,Logement,,\n", helplinesOK, pivotsOK, `language "fr"`},
		{"twice", "slug,lang,label,description,synonyms\nlogement,en,Housing,,\nlogement,en,Home,,\n", helplinesOK, pivotsOK, "themes.csv:3: logement in en is listed twice"},
		{"empty label", "slug,lang,label,description,synonyms\nlogement,uk,,,\n", helplinesOK, pivotsOK, "themes.csv:2: label is empty"},
		{"unknown number", themesOK, "number,lang,name,purpose,hours_text\n3647,en,X,Y,Z\n", pivotsOK, `translations/helplines.csv:2: unknown number "3647"`},
		{"unknown pivot", themesOK, helplinesOK, "code,lang,label\ncafe,en,Cafe\n", `translations/pivot_types.csv:2: unknown code "cafe"`},
		{"missing column", "slug,lang,label\nlogement,en,Housing\n", helplinesOK, pivotsOK, `missing column "description"`},
		{"too long", "slug,lang,label,description,synonyms\nlogement,en," + strings.Repeat("a", 121) + ",,\n", helplinesOK, pivotsOK, "label is 121 characters long"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := commons.ParseTranslations(known, strings.NewReader(tc.themes), strings.NewReader(tc.helplines), strings.NewReader(tc.pivots))
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if th, ok := tr.Theme("logement", "en"); !ok || th.Label != "Housing" || len(th.Synonyms) != 2 {
					t.Errorf("theme = %+v, %v", th, ok)
				}
				if _, ok := tr.Theme("logement", "es"); ok {
					t.Error("a missing translation must report false")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}
