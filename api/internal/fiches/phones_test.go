package fiches

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestPhoneNumbers(t *testing.T) {
	tests := []struct {
		text        string
		highlighted bool
		want        []string
	}{
		{"0809 401 401", false, []string{"0809401401"}},
		{"0 806 000 225", false, []string{"0806000225"}},
		{"01.53.73.22.22", false, []string{"0153732222"}},
		{"Tél : 04 94 00 00 00.", false, []string{"0494000000"}},
		{"3230", false, []string{"3230"}},
		{"39 49", false, []string{"3949"}},
		{"116 006 ou 116000", false, []string{"116006", "116000"}},
		{"+33 (0) 1 72 95 20 42", false, []string{"0172952042"}},
		{"+33(0)556 34 50 50", false, []string{"0556345050"}},
		{"Depuis l'étranger : + 33 1 77 86 39 49", false, []string{"0177863949"}},
		{"+262 262 12 34 56", false, []string{"0262123456"}},
		{"+44 20 7946 0958", false, nil},    // not a French number
		{"+33 0 1 72 95 20 42", false, nil}, // malformed
		{"17", true, []string{"17"}},        // highlighted emergency number
		{"17", false, nil},                  // a lone small number in a sentence
		{"196 Appel gratuit", true, []string{"196"}},
		{"116 117", true, []string{"116117"}},
		{"de 8h30 à 19h, 15h", true, nil},              // hours
		{"0,09 € par minute", false, nil},              // price
		{"3 500 €, 3000 euros, 30 %", false, nil},      // amounts
		{"depuis le 1er janvier 2018", false, nil},     // dates
		{"TSA 10010 75009 Paris Cedex 09", false, nil}, // postal
		{"201 rue Carnot 94136 Fontenay", false, nil},
		{"R2750", false, nil},
		{"01 23 45 67 89 10", false, nil},   // too long
		{"00 33 1 23 45 67 89", false, nil}, // international prefix, not handled
		{"0 800 05 95 95 et 3919", false, []string{"0800059595", "3919"}},
	}
	for _, tt := range tests {
		var got []string
		for _, f := range phoneNumbers(prepare(tt.text), tt.highlighted) {
			got = append(got, f.digits)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("phoneNumbers(%q, %v) = %q, want %q", tt.text, tt.highlighted, got, tt.want)
		}
	}
}

// texte builds an xml-js Texte element from JSON children.
func texte(t *testing.T, children string) *node {
	t.Helper()
	var n node
	if err := json.Unmarshal([]byte(`{"type":"element","name":"Texte","children":[`+children+`]}`), &n); err != nil {
		t.Fatal(err)
	}
	return &n
}

const (
	chapOpen  = `{"type":"element","name":"Chapitre","children":[{"type":"element","name":"Titre","children":[{"type":"element","name":"Paragraphe","children":[{"type":"text","text":"`
	chapMid   = `"}]}]},`
	chapClose = `]}`
)

func chapter(title string, paragraphs ...string) string {
	s := chapOpen + title + chapMid
	for i, p := range paragraphs {
		if i > 0 {
			s += ","
		}
		s += p
	}
	return s + chapClose
}

func para(children ...string) string {
	s := `{"type":"element","name":"Paragraphe","children":[`
	for i, c := range children {
		if i > 0 {
			s += ","
		}
		s += c
	}
	return s + `]}`
}

func text(s string) string { return `{"type":"text","text":"` + s + `"}` }

func highlight(s string) string {
	return `{"type":"element","name":"MiseEnEvidence","children":[` + text(s) + `]}`
}

func TestPhonesOf(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []string
	}{
		{"highlighted under a neutral title", chapter("Vous êtes un particulier", para(text("Par téléphone :")), para(highlight("0809 401 401")), para(text("Du lundi au vendredi de 8h30 à 19h"))), []string{"0809401401"}},
		{"plain number under Par téléphone", chapter("Téléphone", para(text("01 55 76 20 05"))), []string{"0155762005"}},
		{"the paragraph says it", para(text("Numéro : 0 811 901 801 (de 8h à 18h)")), []string{"0811901801"}},
		{"appointment by phone", para(text("33 rue X - 20e arrondissement (demande de rendez-vous préalable au 01 58 50 99 99)")), []string{"0158509999"}},
		{"no phone context", para(text("Bureau 0158509999 au rez-de-chaussée")), nil},
		{"fax chapter", chapter("Par télécopie", para(text("05 49 49 96 96"))), nil},
		{"fax inside a phone chapter", chapter("Par téléphone", para(text("01 53 89 32 00")), para(text("Fax : 01 53 89 32 01"))), []string{"0153893200"}},
		{"phone then fax in one paragraph", para(text("Tél. 01 40 15 73 00 - Télécopie : 01 40 15 34 10")), []string{"0140157300"}},
		{"SMS chapter", chapter("Par SMS", para(highlight("114"))), nil},
		{"mail chapter: postal codes", chapter("Par courrier", para(text("TSA 30012")), para(text("75195 Paris Cedex 04"))), nil},
		{"emergency numbers when highlighted", chapter("Par téléphone", para(text("Composez le "), highlight("17"), text(" en cas d'urgence.")), para(text("Vous pouvez aussi composer le "), highlight("112"), text("."))), []string{"17", "112"}},
		{"price next to a number", chapter("Par téléphone", para(highlight("0 820 200 189")), para(text("0,09 € par minute + prix d'un appel"))), []string{"0820200189"}},
		{"repeats kept once", chapter("Par téléphone", para(highlight("3949")), para(highlight("39 49"))), []string{"3949"}},
		{"inside a list", chapter("Par téléphone", `{"type":"element","name":"Liste","children":[{"type":"element","name":"Item","children":[`+para(text("Depuis l'étranger : +33 1 41 86 42 47"))+`]}]}`), []string{"0141864247"}},
	}
	for _, tt := range tests {
		if got := phonesOf(texte(t, tt.body)); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
