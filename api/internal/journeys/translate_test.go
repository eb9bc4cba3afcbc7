package journeys

import (
	"bytes"
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// translated is realistic() with English complete and Arabic partial; the
// référent maintains English and Arabic.
func translated() *Journey {
	j := realistic()
	j.Languages = []string{"en", "ar"}
	j.I18n = map[string]JourneyText{
		"en": {Title: "I can no longer pay my rent", Description: "For tenants struggling with their rent."},
		"ar": {Title: "لم أعد أستطيع دفع إيجاري"},
	}
	for i := range j.Steps {
		s := &j.Steps[i]
		s.I18n = map[string]StepText{"en": {Text: "EN " + s.Text}}
		if s.Help != "" {
			s.I18n["en"] = StepText{Text: "EN " + s.Text, Help: "EN " + s.Help}
		}
		for k := range s.Options {
			s.Options[k].I18n = map[string]OptionText{"en": {Label: "EN " + s.Options[k].Label}}
		}
		if o := s.Outcome; o != nil {
			t := OutcomeText{Explanation: "EN " + o.Explanation}
			for _, d := range o.Documents {
				t.Documents = append(t.Documents, "EN "+d)
			}
			o.I18n = map[string]OutcomeText{"en": t}
		}
	}
	return j
}

func TestTranslatedRoundTrip(t *testing.T) {
	j := translated()
	out, err := j.MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !reflect.DeepEqual(back, j) {
		t.Fatalf("round trip differs:\n%+v\n%+v", back, j)
	}
	// A document without translations exports as before: no new key.
	plain, _ := realistic().MarshalIndent()
	if bytes.Contains(plain, []byte("i18n")) || bytes.Contains(plain, []byte("languages")) {
		t.Fatalf("untranslated export gained keys:\n%s", plain)
	}
}

func TestParseTranslations(t *testing.T) {
	tests := []struct {
		name      string
		input     string
		line, col int
		msg       string // "" = parses
	}{
		{name: "journey, step, option, outcome", input: `{"slug":"a","i18n":{"en":{"title":"A"},"de":{"title":"B"}},"languages":["en"],"steps":[{"id":"q","i18n":{"ar":{"text":"س","help":"م"}},"options":[{"label":"x","next":"y","i18n":{"en":{"label":"X"}}}]},{"id":"y","outcome":{"explanation":"e","i18n":{"uk":{"explanation":"е","documents":["д"]}}}}]}`},
		{name: "unknown field of a translation", input: `{"i18n":{"en":{"titre":"A"}}}`, line: 1, col: 16, msg: "champ inconnu « titre » d'une traduction"},
		{name: "field of another object in a translation", input: `{"steps":[{"i18n":{"en":{"label":"A"}}}]}`, line: 1, col: 26, msg: "« label » d'une traduction (champs possibles : text, help)"},
		{name: "duplicate language", input: `{"i18n":{"en":{},"en":{}}}`, line: 1, col: 18, msg: "langue « en » en double"},
		{name: "translation of the wrong type", input: `{"i18n":{"en":"A"}}`, msg: "un objet attendu", line: 1, col: 18},
		{name: "documents not a list", input: `{"steps":[{"outcome":{"i18n":{"en":{"documents":"x"}}}}]}`, msg: "une liste attendu", line: 1, col: 52},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.input))
			if tt.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			pe, ok := err.(*ParseError)
			if !ok || !strings.Contains(pe.Message, tt.msg) || pe.Line != tt.line || pe.Column != tt.col {
				t.Fatalf("got %v (%T), want %d:%d containing %q", err, err, tt.line, tt.col, tt.msg)
			}
		})
	}
}

func TestIn(t *testing.T) {
	j := translated()
	caf, _ := j.Step("caf")
	aides, _ := j.Step("aides")
	situation, _ := j.Step("situation")
	tests := []struct {
		name       string
		got        any
		french     bool
		want       any
		wantFrench bool
	}{}
	add := func(name string, got any, french bool, want any, wantFrench bool) {
		tests = append(tests, struct {
			name       string
			got        any
			french     bool
			want       any
			wantFrench bool
		}{name, got, french, want, wantFrench})
	}
	jt, f := j.In("fr")
	add("journey in French", jt, f, JourneyText{Title: j.Title, Description: j.Description}, false)
	jt, f = j.In("en")
	add("journey in English", jt, f, JourneyText{Title: "I can no longer pay my rent", Description: "For tenants struggling with their rent."}, false)
	jt, f = j.In("ar")
	add("journey in Arabic, description missing", jt, f, JourneyText{Title: "لم أعد أستطيع دفع إيجاري", Description: j.Description}, true)
	jt, f = j.In("fr-x-falc")
	add("journey in FALC falls back to French", jt, f, JourneyText{Title: j.Title, Description: j.Description}, true)
	st, f := situation.In("en")
	add("step with help", st, f, StepText{Text: "EN Où en êtes-vous ?", Help: "EN Choisissez ce qui vous ressemble le plus."}, false)
	st, f = aides.In("en")
	add("step without help", st, f, StepText{Text: "EN Touchez-vous déjà une aide au logement ?"}, false)
	st, f = aides.In("ar")
	add("step untranslated", st, f, StepText{Text: aides.Text}, true)
	ot, f := aides.Options[1].In("en")
	add("option", ot, f, OptionText{Label: "EN Non, ou je ne sais pas"}, false)
	ot, f = aides.Options[1].In("tr")
	add("option untranslated", ot, f, OptionText{Label: "Non, ou je ne sais pas"}, true)
	out, f := caf.Outcome.In("en")
	add("outcome", out, f, OutcomeText{Explanation: "EN " + caf.Outcome.Explanation, Documents: []string{"EN Votre bail", "EN Vos trois dernières quittances"}}, false)
	caf.Outcome.I18n["es"] = OutcomeText{Explanation: "La CAF"}
	out, f = caf.Outcome.In("es")
	add("outcome without its documents", out, f, OutcomeText{Explanation: "La CAF", Documents: caf.Outcome.Documents}, true)
	out, f = caf.Outcome.In("fr")
	add("outcome in French", out, f, OutcomeText{Explanation: caf.Outcome.Explanation, Documents: caf.Outcome.Documents}, false)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) || tt.french != tt.wantFrench {
				t.Fatalf("got %+v french=%v, want %+v french=%v", tt.got, tt.french, tt.want, tt.wantFrench)
			}
		})
	}
}

func TestTranslatedLanguages(t *testing.T) {
	if got := realistic().Translated(); !slices.Equal(got, []string{"fr"}) {
		t.Fatalf("untranslated: %v", got)
	}
	j := translated()
	step(j, "adil").Options = nil
	step(j, "caf").Outcome.I18n["fr-x-falc"] = OutcomeText{Documents: []string{"", "Tes quittances"}}
	j.I18n["tr"] = JourneyText{Title: " "} // blank: not a translation
	if got, want := j.Translated(), []string{"fr", "fr-x-falc", "en", "ar"}; !slices.Equal(got, want) {
		t.Fatalf("Translated() = %v, want %v", got, want)
	}
}

func TestWarnings(t *testing.T) {
	tests := []struct {
		name string
		edit func(j *Journey)
		want []Warning
	}{
		{name: "no target language", edit: func(j *Journey) { j.Languages = nil }},
		{name: "English complete, Arabic partial", edit: func(j *Journey) { j.Languages = []string{"en"} }},
		{name: "missing texts", edit: func(j *Journey) {
			j.Languages = []string{"en"}
			j.I18n = nil
			step(j, "situation").I18n["en"] = StepText{Text: "Where are you at?"}
			step(j, "aides").Options[0].I18n = nil
			step(j, "commune").I18n = nil
			step(j, "caf").Outcome.I18n["en"] = OutcomeText{Explanation: "The CAF", Documents: []string{"Your lease"}}
			step(j, "adil").Outcome.I18n["en"] = OutcomeText{Explanation: "The ADIL", Documents: []string{"Your lease"}}
			o := step(j, "sans-abri").Outcome
			o.Documents = []string{"Une pièce d'identité", "Un justificatif"}
			o.I18n["en"] = OutcomeText{Explanation: "115", Documents: []string{"An ID", " "}}
		}, want: []Warning{
			{Field: "title", Lang: "en", Message: "Traduction manquante (English) : titre du parcours"},
			{Field: "description", Lang: "en", Message: "Traduction manquante (English) : description du parcours"},
			{Step: "situation", Field: "help", Lang: "en", Message: "Traduction manquante (English) : texte d'aide"},
			{Step: "aides", Field: "options[0].label", Lang: "en", Message: "Traduction manquante (English) : libellé du choix « Oui »"},
			{Step: "commune", Field: "text", Lang: "en", Message: "Traduction manquante (English) : texte de l'étape de localisation"},
			{Step: "caf", Field: "outcome.documents", Lang: "en", Message: "Documents à prévoir (English) : 1 document au lieu de 2 documents en français"},
			{Step: "adil", Field: "outcome.documents", Lang: "en", Message: "Documents à prévoir (English) : 1 document au lieu de 0 document en français"},
			{Step: "sans-abri", Field: "outcome.documents[1]", Lang: "en", Message: "Traduction manquante (English) : document à prévoir « Un justificatif »"},
		}},
		{name: "FALC, duplicates and unknown targets ignored", edit: func(j *Journey) {
			j.Languages = []string{"fr-x-falc", "en", "fr-x-falc", "de", "fr"}
			j.Steps = j.Steps[:1]
			j.Steps[0].Options = j.Steps[0].Options[:1]
			j.Description = ""
		}, want: []Warning{
			{Field: "title", Lang: "fr-x-falc", Message: "Traduction manquante (Facile à lire (FALC)) : titre du parcours"},
			{Step: "situation", Field: "text", Lang: "fr-x-falc", Message: "Traduction manquante (Facile à lire (FALC)) : texte de la question"},
			{Step: "situation", Field: "help", Lang: "fr-x-falc", Message: "Traduction manquante (Facile à lire (FALC)) : texte d'aide"},
			{Step: "situation", Field: "options[0].label", Lang: "fr-x-falc", Message: "Traduction manquante (Facile à lire (FALC)) : libellé du choix « J'ai du retard dans mon loyer »"},
		}},
		{name: "outcome documents missing whole", edit: func(j *Journey) {
			j.Languages = []string{"en"}
			step(j, "caf").Outcome.I18n = nil
		}, want: []Warning{
			{Step: "caf", Field: "outcome.explanation", Lang: "en", Message: "Traduction manquante (English) : explication de l'issue"},
			{Step: "caf", Field: "outcome.documents", Lang: "en", Message: "Traduction manquante (English) : documents à prévoir"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := translated()
			tt.edit(j)
			got := Warnings(j)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got\n%+v\nwant\n%+v", got, tt.want)
			}
			// Warnings never block: the journey is still valid.
			if ps := Validate(context.Background(), j, options()); len(ps) > 0 && tt.name != "FALC, duplicates and unknown targets ignored" {
				t.Fatalf("problems: %+v", ps)
			}
		})
	}
}

func TestValidateTranslations(t *testing.T) {
	long := func(n int) string { return strings.Repeat("é", n) }
	tests := []struct {
		name  string
		edit  func(j *Journey)
		step  string
		field string
		msg   string // "" = no problem
	}{
		{name: "valid", edit: func(*Journey) {}},
		{name: "unknown target", edit: func(j *Journey) { j.Languages = []string{"en", "de"} }, field: "languages[1]", msg: "langue « de » inconnue : langues de traduction possibles : fr-x-falc, en, ar, uk, es, pt, tr"},
		{name: "French target", edit: func(j *Journey) { j.Languages = []string{"fr"} }, field: "languages[0]", msg: "le français est la langue des textes d'origine"},
		{name: "duplicate target", edit: func(j *Journey) { j.Languages = []string{"en", "en"} }, field: "languages[1]", msg: "en double"},
		{name: "unknown journey language", edit: func(j *Journey) { j.I18n["EN"] = JourneyText{Title: "x"} }, field: "i18n.EN", msg: "langue « EN » inconnue"},
		{name: "French translation", edit: func(j *Journey) { j.I18n["fr"] = JourneyText{Title: "x"} }, field: "i18n.fr", msg: "« fr » n'est pas une traduction"},
		{name: "unknown step language", edit: func(j *Journey) { step(j, "aides").I18n["pt-BR"] = StepText{Text: "x"} }, step: "aides", field: "i18n.pt-BR", msg: "inconnue"},
		{name: "unknown option language", edit: func(j *Journey) { step(j, "aides").Options[1].I18n["klingon"] = OptionText{Label: "x"} }, step: "aides", field: "options[1].i18n.klingon", msg: "inconnue"},
		{name: "unknown outcome language", edit: func(j *Journey) { step(j, "caf").Outcome.I18n["de"] = OutcomeText{} }, step: "caf", field: "outcome.i18n.de", msg: "inconnue"},
		{name: "title too long", edit: func(j *Journey) { j.I18n["ar"] = JourneyText{Title: long(101)} }, field: "i18n.ar.title", msg: "la traduction (العربية) du titre du parcours dépasse la longueur lisible : 101 caractères pour 100 au plus"},
		{name: "title at limit", edit: func(j *Journey) { j.I18n["ar"] = JourneyText{Title: long(100)} }},
		{name: "question too long", edit: func(j *Journey) { step(j, "aides").I18n["en"] = StepText{Text: long(151)} }, step: "aides", field: "i18n.en.text", msg: "151 caractères pour 150"},
		{name: "outcome title too long", edit: func(j *Journey) { step(j, "caf").I18n["en"] = StepText{Text: long(101)} }, step: "caf", field: "i18n.en.text", msg: "du titre de l'issue dépasse"},
		{name: "help too long", edit: func(j *Journey) { step(j, "aides").I18n["uk"] = StepText{Help: long(301)} }, step: "aides", field: "i18n.uk.help", msg: "301 caractères pour 300"},
		{name: "label too long", edit: func(j *Journey) { step(j, "aides").Options[0].I18n["en"] = OptionText{Label: long(81)} }, step: "aides", field: "options[0].i18n.en.label", msg: "du libellé du choix n° 1 dépasse"},
		{name: "explanation too long", edit: func(j *Journey) { step(j, "caf").Outcome.I18n["en"] = OutcomeText{Explanation: long(601)} }, step: "caf", field: "outcome.i18n.en.explanation", msg: "601 caractères pour 600"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := translated()
			tt.edit(j)
			ps := Validate(context.Background(), j, options())
			if tt.msg == "" {
				if len(ps) > 0 {
					t.Fatalf("unexpected problems: %+v", ps)
				}
				return
			}
			for _, p := range ps {
				if p.Step == tt.step && p.Field == tt.field && strings.Contains(p.Message, tt.msg) {
					return
				}
			}
			t.Fatalf("no problem %s/%s containing %q in %+v", tt.step, tt.field, tt.msg, ps)
		})
	}
}

func TestDiffTranslations(t *testing.T) {
	from := translated()
	to := translated()
	to.Languages = append(to.Languages, "uk")
	step(to, "aides").Options[0].I18n["en"] = OptionText{Label: "Yes"}
	step(to, "caf").Outcome.I18n["ar"] = OutcomeText{Explanation: "الكاف"}
	delete(to.I18n, "ar")
	got := Diff(from, to)
	var fields []string
	for _, c := range got {
		fields = append(fields, c.Step+"/"+c.Field)
	}
	if want := []string{"/i18n", "/languages", "aides/options", "caf/outcome.i18n"}; !slices.Equal(fields, want) {
		t.Fatalf("changes %v, want %v", fields, want)
	}
	// The change holds copies: editing the journey afterwards leaves it alone.
	step(to, "caf").Outcome.I18n["ar"] = OutcomeText{Explanation: "changé"}
	if got[3].To.(map[string]OutcomeText)["ar"].Explanation != "الكاف" {
		t.Fatal("change aliases the journey")
	}
}

func TestTexts(t *testing.T) {
	j := translated()
	j.Steps = j.Steps[:1]
	j.Steps[0].Options = j.Steps[0].Options[:1]
	j.Steps = append(j.Steps, Step{ID: "fin", Kind: KindOutcome, Text: "Fin", Outcome: &Outcome{Explanation: "E", Documents: []string{"A", "B"},
		I18n: map[string]OutcomeText{"en": {Documents: []string{"A (en)"}}}}})
	got := Texts(j, "en")
	want := []Text{
		{Field: "title", French: j.Title, Text: "I can no longer pay my rent"},
		{Field: "description", French: j.Description, Text: "For tenants struggling with their rent."},
		{Step: "situation", Field: "text", French: "Où en êtes-vous ?", Text: "EN Où en êtes-vous ?"},
		{Step: "situation", Field: "help", French: "Choisissez ce qui vous ressemble le plus.", Text: "EN Choisissez ce qui vous ressemble le plus."},
		{Step: "situation", Field: "options[0].label", French: "J'ai du retard dans mon loyer", Text: "EN J'ai du retard dans mon loyer"},
		{Step: "fin", Field: "text", French: "Fin"},
		{Step: "fin", Field: "outcome.explanation", French: "E"},
		{Step: "fin", Field: "outcome.documents[0]", French: "A", Text: "A (en)"},
		{Step: "fin", Field: "outcome.documents[1]", French: "B"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%+v\nwant\n%+v", got, want)
	}
	if n := len(Texts(j, "tr")); n != len(want) {
		t.Fatalf("untranslated language lists %d texts, want %d", n, len(want))
	}
}
