package journeys

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestValidateRealisticJourney(t *testing.T) {
	opts := options()
	opts.Territory = []string{"83001", "83002"}
	opts.Resolver = newFakeResolver(map[string][]string{"caf": {"83001", "83002"}})
	if ps := Validate(context.Background(), realistic(), opts); len(ps) != 0 {
		t.Fatalf("valid journey has problems: %+v", ps)
	}
}

// minimal is the smallest valid journey the rule tests start from:
// q → (commune → caf | urgence).
func minimal() *Journey {
	return &Journey{
		Slug: "j", Title: "Titre", FirstStep: "q",
		Steps: []Step{
			{ID: "q", Kind: KindQuestion, Text: "Question ?", Options: []Option{{Label: "A", Next: "commune"}, {Label: "B", Next: "urgence"}}},
			{ID: "commune", Kind: KindLocation, Next: "caf"},
			{ID: "caf", Kind: KindOutcome, Text: "CAF", Outcome: &Outcome{Explanation: "Voyez la CAF.", Pivots: []string{"caf"}}},
			{ID: "urgence", Kind: KindOutcome, Text: "115", Outcome: &Outcome{Explanation: "Appelez.", ContactPoints: []string{cp115}, Emergency: true}},
		},
	}
}

func step(j *Journey, id string) *Step {
	s, ok := j.Step(id)
	if !ok {
		panic("no step " + id)
	}
	return s
}

func addQuestion(j *Journey, id string, next ...string) {
	s := Step{ID: id, Kind: KindQuestion, Text: "Question ?"}
	for k, n := range next {
		s.Options = append(s.Options, Option{Label: fmt.Sprintf("Choix %d", k+1), Next: n})
	}
	j.Steps = append(j.Steps, s)
}

func TestValidateRules(t *testing.T) {
	e := func(n int) string { return strings.Repeat("é", n) } // 2 bytes, 1 rune
	tests := []struct {
		name   string
		edit   func(j *Journey)
		step   string // want a problem on this step and field,
		field  string
		msg    string // whose message contains this; "" = want no problem at all
		noneAt bool
	}{
		{name: "valid", edit: func(*Journey) {}},
		{name: "empty slug", edit: func(j *Journey) { j.Slug = "" }, field: "slug", msg: "obligatoire"},
		{name: "bad slug", edit: func(j *Journey) { j.Slug = "Loyer_impayé" }, field: "slug", msg: "« Loyer_impayé » invalide"},
		{name: "slug with double dash", edit: func(j *Journey) { j.Slug = "a--b" }, field: "slug", msg: "invalide"},
		{name: "slug too long", edit: func(j *Journey) { j.Slug = strings.Repeat("a", 65) }, field: "slug", msg: "invalide"},
		{name: "slug at limit", edit: func(j *Journey) { j.Slug = strings.Repeat("a", 64) }},
		{name: "empty title", edit: func(j *Journey) { j.Title = " " }, field: "title", msg: "titre du parcours est obligatoire"},
		{name: "title too long", edit: func(j *Journey) { j.Title = e(101) }, field: "title", msg: "101 caractères pour 100 au plus"},
		{name: "title at limit in runes", edit: func(j *Journey) { j.Title = e(100) }},
		{name: "no steps", edit: func(j *Journey) { j.Steps = nil }, field: "steps", msg: "aucune étape"},
		{name: "missing first step", edit: func(j *Journey) { j.FirstStep = "" }, field: "first_step", msg: "n'est pas indiquée"},
		{name: "unknown first step", edit: func(j *Journey) { j.FirstStep = "x" }, field: "first_step", msg: "« x » n'existe pas"},
		{name: "bad step id", edit: func(j *Journey) { step(j, "urgence").ID = "Urgence"; step(j, "q").Options[1].Next = "Urgence" }, step: "Urgence", field: "id", msg: "« Urgence » invalide"},
		{name: "empty step id", edit: func(j *Journey) { step(j, "urgence").ID = "" }, step: "#4", field: "id", msg: "obligatoire"},
		{name: "duplicate step id", edit: func(j *Journey) { j.Steps = append(j.Steps, *step(j, "urgence")) }, step: "urgence", field: "id", msg: "déjà celui de l'étape n° 4"},
		{name: "empty kind", edit: func(j *Journey) { step(j, "urgence").Kind = "" }, step: "urgence", field: "kind", msg: "obligatoire"},
		{name: "unknown kind", edit: func(j *Journey) { step(j, "urgence").Kind = "fin" }, step: "urgence", field: "kind", msg: "« fin » inconnu"},
		{name: "one option", edit: func(j *Journey) { step(j, "q").Options = step(j, "q").Options[:1] }, step: "q", field: "options", msg: "de 2 à 8 choix, celle-ci en a 1"},
		{name: "nine options", edit: func(j *Journey) {
			q := step(j, "q")
			for len(q.Options) < 9 {
				q.Options = append(q.Options, Option{Label: "Autre", Next: "urgence"})
			}
		}, step: "q", field: "options", msg: "en a 9"},
		{name: "eight options", edit: func(j *Journey) {
			q := step(j, "q")
			for len(q.Options) < 8 {
				q.Options = append(q.Options, Option{Label: "Autre", Next: "urgence"})
			}
		}},
		{name: "option without label", edit: func(j *Journey) { step(j, "q").Options[1].Label = "" }, step: "q", field: "options[1].label", msg: "le choix n° 2 n'a pas de libellé"},
		{name: "option without target", edit: func(j *Journey) { step(j, "q").Options[1].Next = "" }, step: "q", field: "options[1].next", msg: "l'étape où mène le choix « B » n'est pas indiquée"},
		{name: "option with unknown target", edit: func(j *Journey) { step(j, "q").Options[1].Next = "nulle-part" }, step: "q", field: "options[1].next", msg: "« nulle-part », n'existe pas"},
		{name: "question without text", edit: func(j *Journey) { step(j, "q").Text = "" }, step: "q", field: "text", msg: "la question est vide"},
		{name: "location without next", edit: func(j *Journey) { step(j, "commune").Next = "" }, step: "commune", field: "next", msg: "n'est pas indiquée"},
		{name: "location with unknown next", edit: func(j *Journey) { step(j, "commune").Next = "x" }, step: "commune", field: "next", msg: "« x », n'existe pas"},
		{name: "outcome without content", edit: func(j *Journey) { step(j, "urgence").Outcome = nil }, step: "urgence", field: "outcome", msg: "l'issue est vide"},
		{name: "outcome without explanation", edit: func(j *Journey) { step(j, "urgence").Outcome.Explanation = "" }, step: "urgence", field: "outcome.explanation", msg: "pas d'explication"},
		{name: "outcome without title", edit: func(j *Journey) { step(j, "urgence").Text = "" }, step: "urgence", field: "text", msg: "titre de l'issue est obligatoire"},
		{name: "outcome leading nowhere", edit: func(j *Journey) {
			o := step(j, "urgence").Outcome
			o.ContactPoints, o.Emergency = nil, false
		}, step: "urgence", field: "outcome", msg: "ni point de contact, ni pivot, ni panneau d'urgence"},
		{name: "emergency alone is enough", edit: func(j *Journey) { step(j, "urgence").Outcome.ContactPoints = nil }},
		{name: "unknown contact point", edit: func(j *Journey) {
			step(j, "urgence").Outcome.ContactPoints = []string{cp115, "00000000-0000-0000-0000-000000000000"}
		}, step: "urgence", field: "outcome.contact_points[1]", msg: "« 00000000-0000-0000-0000-000000000000 » n'existe pas"},
		{name: "unknown pivot", edit: func(j *Journey) { step(j, "caf").Outcome.Pivots = []string{"caf", "cafe"} }, step: "caf", field: "outcome.pivots[1]", msg: "« cafe » est inconnu"},
		{name: "unreachable step", edit: func(j *Journey) {
			j.Steps = append(j.Steps, Step{ID: "oubli", Kind: KindOutcome, Text: "Oubli", Outcome: &Outcome{Explanation: "x", Emergency: true}})
		}, step: "oubli", msg: "inaccessible"},
		{name: "dead end", edit: func(j *Journey) { step(j, "commune").Next = "" }, step: "commune", msg: "impasse : cette étape ne mène à aucune autre étape"},
		{name: "dead end in a loop", edit: func(j *Journey) {
			step(j, "q").Options[1].Next = "q2"
			addQuestion(j, "q2", "q3", "q3")
			addQuestion(j, "q3", "q2", "q2")
		}, step: "q2", msg: "impasse : aucune issue n'est atteignable"},
		{name: "cycle", edit: func(j *Journey) {
			step(j, "q").Options[0].Next = "q2"
			addQuestion(j, "q2", "q", "commune")
		}, step: "q", msg: "boucle : q → q2 → q"},
		{name: "self loop", edit: func(j *Journey) { addQuestion(j, "q2", "q2", "urgence"); step(j, "q").Options[1].Next = "q2" }, step: "q2", msg: "boucle : q2 → q2"},
		{name: "question too long", edit: func(j *Journey) { step(j, "q").Text = e(151) }, step: "q", field: "text", msg: "151 caractères pour 150"},
		{name: "question at limit", edit: func(j *Journey) { step(j, "q").Text = e(150) }},
		{name: "location text too long", edit: func(j *Journey) { step(j, "commune").Text = e(151) }, step: "commune", field: "text", msg: "pour 150"},
		{name: "label too long", edit: func(j *Journey) { step(j, "q").Options[0].Label = e(81) }, step: "q", field: "options[0].label", msg: "81 caractères pour 80"},
		{name: "label at limit", edit: func(j *Journey) { step(j, "q").Options[0].Label = e(80) }},
		{name: "help too long", edit: func(j *Journey) { step(j, "commune").Help = e(301) }, step: "commune", field: "help", msg: "301 caractères pour 300"},
		{name: "help at limit", edit: func(j *Journey) { step(j, "commune").Help = e(300) }},
		{name: "explanation too long", edit: func(j *Journey) { step(j, "caf").Outcome.Explanation = e(601) }, step: "caf", field: "outcome.explanation", msg: "601 caractères pour 600"},
		{name: "explanation at limit", edit: func(j *Journey) { step(j, "caf").Outcome.Explanation = e(600) }},
		{name: "outcome title too long", edit: func(j *Journey) { step(j, "caf").Text = e(101) }, step: "caf", field: "text", msg: "101 caractères pour 100"},
		{name: "pivot before location", edit: func(j *Journey) {
			step(j, "q").Options[0].Next = "caf"
			step(j, "commune").Kind = KindOutcome
			step(j, "commune").Next = ""
		}, step: "caf", field: "outcome.pivots", msg: "la commune n'est pas encore connue à cette étape"},
		{name: "pivot reachable both ways", edit: func(j *Journey) { step(j, "q").Options[1].Next = "caf" }, step: "caf", field: "outcome.pivots", msg: "ajoutez une étape de localisation avant"},
		{name: "question with next", edit: func(j *Journey) { step(j, "q").Next = "caf" }, step: "q", field: "next", msg: "seule une étape de localisation"},
		{name: "location with options", edit: func(j *Journey) { step(j, "commune").Options = []Option{{Label: "x", Next: "caf"}} }, step: "commune", field: "options", msg: "seule une question"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := minimal()
			tt.edit(j)
			ps := Validate(context.Background(), j, options())
			if tt.msg == "" {
				if len(ps) != 0 {
					t.Fatalf("want no problem, got %+v", ps)
				}
				return
			}
			for _, p := range ps {
				if p.Step == tt.step && p.Field == tt.field && strings.Contains(p.Message, tt.msg) {
					return
				}
			}
			t.Fatalf("want a problem on step %q field %q containing %q, got:\n%s", tt.step, tt.field, tt.msg, dump(ps))
		})
	}
}

func dump(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "  %q %q: %s %v\n", p.Step, p.Field, p.Message, p.Communes)
	}
	return b.String()
}

func TestValidateNil(t *testing.T) {
	if ps := Validate(context.Background(), nil, ValidateOptions{}); len(ps) != 1 {
		t.Fatalf("got %+v", ps)
	}
}

func TestValidateOrder(t *testing.T) {
	j := minimal()
	j.Title = ""
	j.Slug = "X"
	step(j, "urgence").Outcome.Explanation = ""
	step(j, "q").Options[1].Label = ""
	q := step(j, "q")
	for len(q.Options) < 11 {
		q.Options = append(q.Options, Option{Label: "Autre", Next: "urgence"})
	}
	q.Options[10].Next = "x"
	q.Options[2].Next = "y"
	ps := Validate(context.Background(), j, options())
	var got []string
	for _, p := range ps {
		got = append(got, p.Step+"/"+p.Field)
	}
	want := []string{"/slug", "/title", "q/options", "q/options[1].label", "q/options[2].next", "q/options[10].next", "urgence/outcome.explanation"}
	if !slices.Equal(got, want) {
		t.Fatalf("order:\n got %q\nwant %q", got, want)
	}
}

func TestValidateTerritory(t *testing.T) {
	territory := []string{"83005", "83003", "83001", "83004", "83002", "83001"}
	tests := []struct {
		name    string
		served  map[string][]string
		fail    []string
		cancel  bool
		want    []Problem
		perPair int // resolver calls per (pivot, commune)
	}{
		{
			name:    "all served",
			served:  map[string][]string{"caf": {"83001", "83002", "83003", "83004", "83005"}, "cpam": {"83001", "83002", "83003", "83004", "83005"}},
			perPair: 1,
		},
		{
			name:   "three communes without a CAF",
			served: map[string][]string{"caf": {"83004", "83005"}, "cpam": {"83001", "83002", "83003", "83004", "83005"}},
			want: []Problem{
				{Step: "caf", Field: "outcome.pivots[0]", Message: "aucun établissement « caf » ne sert 3 communes du territoire : 83001, 83002, 83003", Communes: []string{"83001", "83002", "83003"}},
				{Step: "autre-caf", Field: "outcome.pivots[1]", Message: "aucun établissement « caf » ne sert 3 communes du territoire : 83001, 83002, 83003", Communes: []string{"83001", "83002", "83003"}},
			},
			perPair: 1,
		},
		{
			name:   "one commune without a CPAM",
			served: map[string][]string{"caf": {"83001", "83002", "83003", "83004", "83005"}, "cpam": {"83001", "83002", "83003", "83004"}},
			want: []Problem{
				{Step: "autre-caf", Field: "outcome.pivots[0]", Message: "aucun établissement « cpam » ne sert 1 commune du territoire : 83005", Communes: []string{"83005"}},
			},
			perPair: 1,
		},
		{
			name:   "resolver errors",
			served: map[string][]string{"caf": {"83001", "83002", "83003", "83004", "83005"}, "cpam": {"83001", "83002", "83003", "83004", "83005"}},
			fail:   []string{"83002"},
			want: []Problem{
				{Step: "caf", Field: "outcome.pivots[0]", Message: "le pivot « caf » n'a pas pu être vérifié pour 1 commune du territoire : 83002 ; réessayez plus tard", Communes: []string{"83002"}},
				{Step: "autre-caf", Field: "outcome.pivots[0]", Message: "le pivot « cpam » n'a pas pu être vérifié pour 1 commune du territoire : 83002 ; réessayez plus tard", Communes: []string{"83002"}},
				{Step: "autre-caf", Field: "outcome.pivots[1]", Message: "le pivot « caf » n'a pas pu être vérifié pour 1 commune du territoire : 83002 ; réessayez plus tard", Communes: []string{"83002"}},
			},
			perPair: 1,
		},
		{
			name:   "canceled",
			served: map[string][]string{},
			cancel: true,
			want: []Problem{
				{Step: "caf", Field: "outcome.pivots[0]", Message: "le pivot « caf » n'a pas pu être vérifié pour 5 communes du territoire : 83001, 83002, 83003, 83004, 83005 ; réessayez plus tard", Communes: []string{"83001", "83002", "83003", "83004", "83005"}},
				{Step: "autre-caf", Field: "outcome.pivots[0]", Message: "le pivot « cpam » n'a pas pu être vérifié pour 5 communes du territoire : 83001, 83002, 83003, 83004, 83005 ; réessayez plus tard", Communes: []string{"83001", "83002", "83003", "83004", "83005"}},
				{Step: "autre-caf", Field: "outcome.pivots[1]", Message: "le pivot « caf » n'a pas pu être vérifié pour 5 communes du territoire : 83001, 83002, 83003, 83004, 83005 ; réessayez plus tard", Communes: []string{"83001", "83002", "83003", "83004", "83005"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := minimal()
			// A second outcome after the location, with the same pivot again.
			step(j, "commune").Next = "q2"
			addQuestion(j, "q2", "caf", "autre-caf")
			j.Steps = append(j.Steps, Step{ID: "autre-caf", Kind: KindOutcome, Text: "CPAM et CAF", Outcome: &Outcome{Explanation: "x", Pivots: []string{"cpam", "caf"}}})
			r := newFakeResolver(tt.served)
			r.fail = map[string]bool{}
			for _, c := range tt.fail {
				r.fail[c] = true
			}
			opts := options()
			opts.Territory, opts.Resolver = territory, r
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel {
				cancel()
			}
			got := Validate(ctx, j, opts)
			if !reflect.DeepEqual(got, tt.want) && (len(got) != 0 || len(tt.want) != 0) {
				t.Fatalf("got\n%swant\n%s", dump(got), dump(tt.want))
			}
			if want := tt.perPair * 2 * 5; r.total() != want {
				t.Errorf("resolver called %d times, want %d (once per pivot and commune)", r.total(), want)
			}
		})
	}
}

func TestValidateLongCommuneList(t *testing.T) {
	var territory []string
	for i := range 25 {
		territory = append(territory, fmt.Sprintf("%05d", 83000+i))
	}
	opts := options()
	opts.Territory, opts.Resolver = territory, newFakeResolver(nil)
	ps := Validate(context.Background(), minimal(), opts)
	if len(ps) != 1 || len(ps[0].Communes) != 25 || !strings.HasSuffix(ps[0].Message, "83009 et 15 autres") {
		t.Fatalf("got %s", dump(ps))
	}
}

// benchJourney has a location step then 10 outcomes with 10 distinct pivots.
func benchJourney(pivots int) *Journey {
	j := &Journey{Slug: "bench", Title: "Bench", FirstStep: "commune"}
	j.Steps = append(j.Steps, Step{ID: "commune", Kind: KindLocation, Next: "q0"})
	for i := range pivots {
		next := fmt.Sprintf("q%d", i+1)
		if i == pivots-1 {
			next = fmt.Sprintf("o%d", i+1)
			j.Steps = append(j.Steps, Step{ID: next, Kind: KindOutcome, Text: "Issue", Outcome: &Outcome{Explanation: "x", Pivots: []string{fmt.Sprintf("p%d", i+1)}}})
		}
		addQuestion(j, fmt.Sprintf("q%d", i), fmt.Sprintf("o%d", i), next)
		j.Steps = append(j.Steps, Step{ID: fmt.Sprintf("o%d", i), Kind: KindOutcome, Text: "Issue", Outcome: &Outcome{Explanation: "x", Pivots: []string{fmt.Sprintf("p%d", i)}}})
	}
	return j
}

func benchSetup(communes, pivots int) (*Journey, ValidateOptions, *fakeResolver) {
	territory := make([]string, communes)
	for i := range territory {
		territory[i] = fmt.Sprintf("%05d", 1000+i)
	}
	served := map[string][]string{}
	for p := range pivots + 1 {
		served[fmt.Sprintf("p%d", p)] = territory
	}
	r := newFakeResolver(served)
	return benchJourney(pivots - 1), ValidateOptions{Territory: territory, Resolver: r}, r
}

func TestValidateBenchJourney(t *testing.T) {
	j, opts, r := benchSetup(700, 10)
	if ps := Validate(context.Background(), j, opts); len(ps) != 0 {
		t.Fatalf("problems: %s", dump(ps))
	}
	if r.total() != 7000 {
		t.Fatalf("resolver calls = %d, want 7000", r.total())
	}
}

func BenchmarkValidate700Communes10Pivots(b *testing.B) {
	j, opts, _ := benchSetup(700, 10)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if ps := Validate(ctx, j, opts); len(ps) != 0 {
			b.Fatal(ps)
		}
	}
}

// An outcome naming a contact point its source withdrew is reported at that
// contact point; a missing one keeps its own message.
func TestValidateWithdrawnContactPoint(t *testing.T) {
	j := minimal()
	step(j, "urgence").Outcome.ContactPoints = []string{"absent", cp115}
	ps := Validate(context.Background(), j, ValidateOptions{
		ContactPointExists:    func(id string) bool { return id == cp115 },
		ContactPointWithdrawn: func(id string) bool { return id == cp115 },
	})
	if len(ps) != 2 || ps[0].Field != "outcome.contact_points[0]" || !strings.Contains(ps[0].Message, "n'existe pas") ||
		ps[1].Field != "outcome.contact_points[1]" || !strings.Contains(ps[1].Message, "retiré par sa source") {
		t.Fatalf("problems: %s", dump(ps))
	}
}

// An outcome whose only way out is contact points reserved to agents would
// show residents nothing: a problem at its contact points. One public
// contact point, a pivot or the emergency panel is enough.
func TestValidateAgentOnlyContactPoints(t *testing.T) {
	agentOnly := map[string]bool{"ligne-directe": true, "autre-ligne": true}
	opts := ValidateOptions{ContactPointAgentOnly: func(id string) bool { return agentOnly[id] }}
	tests := []struct {
		name      string
		contacts  []string
		pivots    []string
		emergency bool
		want      string // "" for no problem
	}{
		{"one agent-only", []string{"ligne-directe"}, nil, false, "il est réservé aux agents"},
		{"every one agent-only", []string{"ligne-directe", "autre-ligne"}, nil, false, "ils sont tous réservés aux agents"},
		{"a public one beside", []string{"ligne-directe", cp115}, nil, false, ""},
		{"a pivot beside", []string{"ligne-directe"}, []string{"caf"}, false, ""},
		{"the emergency panel", []string{"ligne-directe"}, nil, true, ""},
		{"public only", []string{cp115}, nil, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := minimal()
			o := step(j, "caf").Outcome // after the commune: a pivot may stand there
			o.ContactPoints, o.Pivots, o.Emergency = tt.contacts, tt.pivots, tt.emergency
			ps := Validate(context.Background(), j, opts)
			if tt.want == "" {
				if len(ps) != 0 {
					t.Fatalf("problems: %s", dump(ps))
				}
				return
			}
			if len(ps) != 1 || ps[0].Step != "caf" || ps[0].Field != "outcome.contact_points" || !strings.Contains(ps[0].Message, tt.want) {
				t.Fatalf("problems: %s", dump(ps))
			}
		})
	}
}
