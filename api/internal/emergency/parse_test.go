package emergency

import (
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	const head = "category,pattern,note\n@feu,18,Incendie\n"
	tests := []struct {
		name, file, want string
	}{
		{"no header", "", "header"},
		{"bad header", "kind,pattern,note\n", "line 1: header"},
		{"wrong field count", head + "feu,au+feu\n", "line 3"},
		{"no category", "category,pattern,note\n", "no category declared"},
		{"unknown category", head + "fue,au+feu,\n", `line 3: unknown category "fue"`},
		{"empty category column", head + ",au+feu,\n", "line 3: empty category"},
		{"empty pattern", head + "feu,,\n", "line 3: empty pattern"},
		{"empty part", head + "feu,au+feu & ,\n", "line 3: pattern \"au+feu &\": empty part"},
		{"accented word", head + "feu,brûle,\n", `line 3: pattern "brûle": bad word "brûle"`},
		{"accent hint", head + "feu,brûle,\n", `write "brule"`},
		{"capital letter", head + "feu,Feu,\n", `bad word "Feu"`},
		{"empty alternative", head + "feu,au||feu,\n", "line 3: pattern \"au||feu\": empty word"},
		{"dangling +", head + "feu,au+,\n", "line 3: pattern \"au+\": empty word"},
		{"short prefix", head + "feu,fe*,\n", `prefix "fe*" too short`},
		{"unknown set", head + "feu,$flammes,\n", "line 3: pattern \"$flammes\": unknown set $flammes"},
		{"set in a phrase", head + "$x,feu,\nfeu,au+$x,\n", "a set cannot be part of a phrase"},
		{"set with a space", head + "$x,au feu,\nfeu,$x,\n", "line 3: set $x: a set is one term"},
		{"set defined twice", head + "$x,feu,\n$x,flamme,\nfeu,$x,\n", "line 4: set $x defined twice"},
		{"category twice", head + "@feu,18,Feu\nfeu,au+feu,\n", "line 3: category feu declared twice"},
		{"bad slug", "category,pattern,note\n@Feu,18,Incendie\n", `line 2: bad category slug "Feu"`},
		{"no number", "category,pattern,note\n@feu,,Incendie\n", "line 2: category feu: no number"},
		{"bad number", "category,pattern,note\n@feu,18 1-8,Incendie\n", `line 2: category feu: number "1-8"`},
		{"no label", "category,pattern,note\n@feu,18,\n", "line 2: category feu: no label"},
		{"category without pattern", head, "category feu has no pattern"},
		{"spelling without >", head + "~,chui je suis,\nfeu,au+feu,\n", `line 3: spelling "chui je suis"`},
		{"spelling two words", head + "~,chui la > je suis,\nfeu,au+feu,\n", `variant "chui la" is not one folded word`},
		{"spelling twice", head + "~,chui > je suis,\n~,chui > je,\nfeu,au+feu,\n", `line 4: spelling "chui > je": variant "chui" listed twice`},
		{"bad mask", head + "-,,\nfeu,au+feu,\n", "line 3: empty pattern"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse(strings.NewReader(tt.file))
			if err == nil {
				t.Fatalf("Parse succeeded (%d rules), want an error containing %q", len(d.rules), tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse error %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

// syntaxFile exercises every construct of the pattern language.
const syntaxFile = `category,pattern,note
# a comment
@specifique,3919,Spécifique
@feu,18 112,Incendie
@general,17,Général
$partenaire,mari|ex+mari|conjoint,
$proche,$partenaire|frere,
~,chui|jsuis > je suis,
~,g > j ai,
-,feu+rouge,
-,frapp* a+la+porte,
feu,au+feu,phrase
feu,incendi*,prefix with typos
feu,=fumee,exact: not fumer
general,me frapp*,gap of two words
general,je+suis+perdu,phrase after an SMS spelling
general,j+ai+peur,
general,evanoui,one typo from 5 letters
general,inconscient,two typos from 9 letters
general,feu,a single word
specifique,$proche & me frapp*,context anywhere
`

func TestPatternSyntax(t *testing.T) {
	d, err := Parse(strings.NewReader(syntaxFile))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want []string // categories, in order
	}{
		{"au feu", []string{"feu", "general"}},
		{"au grand feu", []string{"general"}},          // a phrase is adjacent
		{"incendies partout", []string{"feu"}},         // prefix
		{"incandie", []string{"feu"}},                  // one typo on a 7-letter stem
		{"ncendie", nil},                               // the first letter must be right
		{"de la fumee", []string{"feu"}},               // exact
		{"arreter de fumer", nil},                      // =fumee takes no typo
		{"il me frappe", []string{"general"}},          // adjacent terms
		{"il me frappe", []string{"general"}},          // one word between
		{"il me a encore frappe", []string{"general"}}, // two words between
		{"il me a encore une fois frappe", nil},        // three: too far
		{"frappe me", nil},                             // order matters
		{"mon mari me frappe", []string{"specifique", "general"}},
		{"mon ex mari me frappe", []string{"specifique", "general"}}, // phrase in a set
		{"mon frere me frappe", []string{"specifique", "general"}},   // a set inside a set
		{"me frappe, dit mon conjoint", []string{"specifique", "general"}},
		{"il me frappe a la porte", nil},                      // mask: the words cannot be used
		{"feu rouge", nil},                                    // mask
		{"feu rouge puis au feu", []string{"feu", "general"}}, // a mask only hides its own words
		{"chui perdu", []string{"general"}},                   // SMS spelling expanded to a phrase
		{"g peur", []string{"general"}},                       // one letter expanded
		{"evanoi", []string{"general"}},                       // deletion
		{"evnaoui", []string{"general"}},                      // swap of two neighbours
		{"evanouie", []string{"general"}},                     // insertion
		{"evinoua", nil},                                      // two typos on 7 letters
		{"inconcsiant", []string{"general"}},                  // two typos on 11 letters
		{"inconcsiants", nil},                                 // three
		{"fe", nil},
	}
	for _, tt := range tests {
		got := d.Detect(tt.text)
		if s := slugs(got.Categories); strings.Join(s, ",") != strings.Join(tt.want, ",") {
			t.Errorf("Detect(%q) = %v, want %v (matched %q)", tt.text, s, tt.want, got.Matched)
		}
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, w   string
		prefix bool
		limit  int
		want   int
	}{
		{"frappe", "frappe", false, 1, 0},
		{"frappe", "frape", false, 1, 1},
		{"frappe", "frpape", false, 1, 1}, // swap
		{"frappe", "frappee", false, 1, 1},
		{"frappe", "fripee", false, 1, 2}, // above limit: limit+1
		{"frapp", "frappaient", true, 1, 0},
		{"frapp", "frapaient", true, 1, 1},
		{"suicid", "suisidaire", true, 1, 1},
		{"suicid", "subsidiaire", true, 1, 2},
		{"inconscient", "inconcsiant", false, 2, 2},
		{"a", strings.Repeat("b", 100), false, 2, 3}, // longer than the rows
		{"abc", strings.Repeat("abc", 100), true, 1, 0},
	}
	for _, tt := range tests {
		if got := distance(tt.a, tt.w, tt.prefix, tt.limit); got != tt.want {
			t.Errorf("distance(%q, %q, prefix %v, limit %d) = %d, want %d", tt.a, tt.w, tt.prefix, tt.limit, got, tt.want)
		}
	}
}
