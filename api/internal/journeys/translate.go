package journeys

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aiguillage/aiguillage/api/internal/i18n"
)

// pick returns what a resident reading lang sees of a French text fr whose
// translation is tr: the translation when there is one, else the French
// original, and whether it is the original for want of a translation. An
// empty French text stays empty: there is nothing to translate.
func pick(lang, fr, tr string) (string, bool) {
	if lang == i18n.French || blank(fr) {
		return fr, false
	}
	if !blank(tr) {
		return tr, false
	}
	return fr, true
}

// In returns the journey's title and description in lang (a code of the
// i18n package), and whether one of them is the French original for want
// of a translation.
func (j *Journey) In(lang string) (JourneyText, bool) {
	t := j.I18n[lang]
	title, a := pick(lang, j.Title, t.Title)
	desc, b := pick(lang, j.Description, t.Description)
	return JourneyText{Title: title, Description: desc}, a || b
}

// In returns the step's text and help in lang, and whether one of them is
// the French original for want of a translation.
func (s *Step) In(lang string) (StepText, bool) {
	t := s.I18n[lang]
	text, a := pick(lang, s.Text, t.Text)
	help, b := pick(lang, s.Help, t.Help)
	return StepText{Text: text, Help: help}, a || b
}

// In returns the option's label in lang, and whether it is the French
// original for want of a translation.
func (o *Option) In(lang string) (OptionText, bool) {
	label, french := pick(lang, o.Label, o.I18n[lang].Label)
	return OptionText{Label: label}, french
}

// In returns the outcome's explanation and documents in lang, and whether
// one of them is the French original for want of a translation. A
// translated documents list replaces the French one whole.
func (o *Outcome) In(lang string) (OutcomeText, bool) {
	t := o.I18n[lang]
	expl, french := pick(lang, o.Explanation, t.Explanation)
	docs := o.Documents
	if lang != i18n.French && len(o.Documents) > 0 {
		if slices.ContainsFunc(t.Documents, func(d string) bool { return !blank(d) }) {
			docs = t.Documents
		} else {
			french = true
		}
	}
	return OutcomeText{Explanation: expl, Documents: docs}, french
}

// Translated returns the languages a resident can read the journey in:
// French, then, in the order of i18n.Languages, every shipped language
// with at least one translated text.
func (j *Journey) Translated() []string {
	has := map[string]bool{}
	note := func(lang string, texts ...string) {
		for _, t := range texts {
			if !blank(t) {
				has[lang] = true
				return
			}
		}
	}
	for l, t := range j.I18n {
		note(l, t.Title, t.Description)
	}
	for _, s := range j.Steps {
		for l, t := range s.I18n {
			note(l, t.Text, t.Help)
		}
		for _, o := range s.Options {
			for l, t := range o.I18n {
				note(l, t.Label)
			}
		}
		if s.Outcome != nil {
			for l, t := range s.Outcome.I18n {
				note(l, append([]string{t.Explanation}, t.Documents...)...)
			}
		}
	}
	out := []string{i18n.French}
	for _, l := range i18n.Translations() {
		if has[l] {
			out = append(out, l)
		}
	}
	return out
}

// Warning is a translation a référent maintains (a language of
// Journey.Languages) that lacks a text: it never stops a publication
// (residents read the French original instead). Step and Field locate the
// French text as in Problem; Lang is the language; Message is French.
type Warning struct {
	Step    string `json:"step,omitempty"`
	Field   string `json:"field,omitempty"`
	Lang    string `json:"lang"`
	Message string `json:"message"`
}

// languageName is the name of a shipped language in itself.
func languageName(code string) string {
	for _, l := range i18n.Languages() {
		if l.Code == code {
			return l.Name
		}
	}
	return code
}

// targets returns the journey's target languages that are shipped
// translation languages, once each, in the journey's order.
func (j *Journey) targets() []string {
	var out []string
	for _, l := range j.Languages {
		if l != i18n.French && i18n.Supported(l) && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// Warnings returns the translations missing in the journey's target
// languages (Journey.Languages), language by language in that order, then
// in document order: every non-empty French text without its translation,
// and each outcome whose translated documents list is not as long as the
// French one.
func Warnings(j *Journey) []Warning {
	if j == nil {
		return nil
	}
	var out []Warning
	for _, lang := range j.targets() {
		name := languageName(lang)
		missing := func(step, field, fr, tr, what string) {
			if !blank(fr) && blank(tr) {
				out = append(out, Warning{Step: step, Field: field, Lang: lang, Message: fmt.Sprintf("Traduction manquante (%s) : %s", name, what)})
			}
		}
		t := j.I18n[lang]
		missing("", "title", j.Title, t.Title, "titre du parcours")
		missing("", "description", j.Description, t.Description, "description du parcours")
		for i := range j.Steps {
			s := &j.Steps[i]
			id := s.ID
			if id == "" {
				id = "#" + strconv.Itoa(i+1)
			}
			st := s.I18n[lang]
			switch s.Kind {
			case KindQuestion:
				missing(id, "text", s.Text, st.Text, "texte de la question")
			case KindLocation:
				missing(id, "text", s.Text, st.Text, "texte de l'étape de localisation")
			case KindOutcome:
				missing(id, "text", s.Text, st.Text, "titre de l'issue")
			default:
				missing(id, "text", s.Text, st.Text, "texte de l'étape")
			}
			missing(id, "help", s.Help, st.Help, "texte d'aide")
			for k, o := range s.Options {
				missing(id, "options["+strconv.Itoa(k)+"].label", o.Label, o.I18n[lang].Label, "libellé du choix « "+o.Label+" »")
			}
			o := s.Outcome
			if o == nil {
				continue
			}
			ot := o.I18n[lang]
			missing(id, "outcome.explanation", o.Explanation, ot.Explanation, "explication de l'issue")
			switch n, m := len(o.Documents), len(ot.Documents); {
			case n > 0 && m == 0:
				out = append(out, Warning{Step: id, Field: "outcome.documents", Lang: lang, Message: fmt.Sprintf("Traduction manquante (%s) : documents à prévoir", name)})
			case n != m:
				out = append(out, Warning{Step: id, Field: "outcome.documents", Lang: lang,
					Message: fmt.Sprintf("Documents à prévoir (%s) : %s au lieu de %s en français", name, documents(m), documents(n))})
			default:
				for k := range o.Documents {
					missing(id, "outcome.documents["+strconv.Itoa(k)+"]", o.Documents[k], ot.Documents[k], "document à prévoir « "+o.Documents[k]+" »")
				}
			}
		}
	}
	return out
}

func documents(n int) string {
	if n <= 1 {
		return strconv.Itoa(n) + " document"
	}
	return strconv.Itoa(n) + " documents"
}

// translations checks the target languages and every translation map:
// shipped language codes other than French, texts within the limits of the
// French fields they translate.
func (v *validator) translations() {
	j := v.j
	seen := map[string]bool{}
	for k, l := range j.Languages {
		field := "languages[" + strconv.Itoa(k) + "]"
		switch {
		case l == i18n.French:
			v.add(-1, field, "le français est la langue des textes d'origine, pas une langue de traduction")
		case !i18n.Supported(l):
			v.add(-1, field, "langue « %s » inconnue : langues de traduction possibles : %s", l, langList())
		case seen[l]:
			v.add(-1, field, "langue « %s » en double", l)
		}
		seen[l] = true
	}
	for _, l := range slices.Sorted(maps.Keys(j.I18n)) {
		if v.langKey(-1, "i18n."+l, l) {
			v.tooLong(-1, "i18n."+l+".title", "la traduction ("+languageName(l)+") du titre du parcours", j.I18n[l].Title, MaxTitle)
		}
	}
	for i := range j.Steps {
		s := &j.Steps[i]
		textMax, textWhat := MaxQuestionText, "du texte de l'étape"
		if s.Kind == KindOutcome {
			textMax, textWhat = MaxTitle, "du titre de l'issue"
		}
		for _, l := range slices.Sorted(maps.Keys(s.I18n)) {
			if v.langKey(i, "i18n."+l, l) {
				name := languageName(l)
				v.tooLong(i, "i18n."+l+".text", "la traduction ("+name+") "+textWhat, s.I18n[l].Text, textMax)
				v.tooLong(i, "i18n."+l+".help", "la traduction ("+name+") du texte d'aide", s.I18n[l].Help, MaxHelp)
			}
		}
		for k, o := range s.Options {
			prefix := "options[" + strconv.Itoa(k) + "].i18n."
			for _, l := range slices.Sorted(maps.Keys(o.I18n)) {
				if v.langKey(i, prefix+l, l) {
					v.tooLong(i, prefix+l+".label", "la traduction ("+languageName(l)+") du libellé du choix n° "+strconv.Itoa(k+1), o.I18n[l].Label, MaxLabel)
				}
			}
		}
		if s.Outcome == nil {
			continue
		}
		for _, l := range slices.Sorted(maps.Keys(s.Outcome.I18n)) {
			if v.langKey(i, "outcome.i18n."+l, l) {
				v.tooLong(i, "outcome.i18n."+l+".explanation", "la traduction ("+languageName(l)+") de l'explication", s.Outcome.I18n[l].Explanation, MaxExplanation)
			}
		}
	}
}

// langKey reports, and returns false for, a translation keyed by something
// else than a shipped translation language.
func (v *validator) langKey(pos int, field, lang string) bool {
	switch {
	case lang == i18n.French:
		v.add(pos, field, "« fr » n'est pas une traduction : le texte français est celui du champ lui-même")
		return false
	case !i18n.Supported(lang):
		v.add(pos, field, "langue « %s » inconnue : langues de traduction possibles : %s", lang, langList())
		return false
	}
	return true
}

func langList() string {
	return strings.Join(i18n.Translations(), ", ")
}

// TextIn returns the step's text (an outcome's title) in lang, and whether
// it is the French original for want of a translation.
func (s *Step) TextIn(lang string) (string, bool) {
	return pick(lang, s.Text, s.I18n[lang].Text)
}

// Text is one French text of a journey and its translation in a language
// ("" when missing). Step and Field locate the French text as in Problem.
type Text struct {
	Step   string
	Field  string
	French string
	Text   string
}

// Texts lists every non-empty French text of the journey, in document
// order, with its translation in lang: what a translator works through.
// An outcome's documents are listed one by one.
func Texts(j *Journey, lang string) []Text {
	if j == nil {
		return nil
	}
	var out []Text
	add := func(step, field, fr, tr string) {
		if !blank(fr) {
			if blank(tr) {
				tr = ""
			}
			out = append(out, Text{Step: step, Field: field, French: fr, Text: tr})
		}
	}
	t := j.I18n[lang]
	add("", "title", j.Title, t.Title)
	add("", "description", j.Description, t.Description)
	for i := range j.Steps {
		s := &j.Steps[i]
		id := s.ID
		if id == "" {
			id = "#" + strconv.Itoa(i+1)
		}
		st := s.I18n[lang]
		add(id, "text", s.Text, st.Text)
		add(id, "help", s.Help, st.Help)
		for k, o := range s.Options {
			add(id, "options["+strconv.Itoa(k)+"].label", o.Label, o.I18n[lang].Label)
		}
		if o := s.Outcome; o != nil {
			ot := o.I18n[lang]
			add(id, "outcome.explanation", o.Explanation, ot.Explanation)
			for k, d := range o.Documents {
				tr := ""
				if k < len(ot.Documents) {
					tr = ot.Documents[k]
				}
				add(id, "outcome.documents["+strconv.Itoa(k)+"]", d, tr)
			}
		}
	}
	return out
}
