package journeys

import (
	"context"
	"sync"
)

const (
	cpADIL = "6f1c2b1e-8a3d-4c2e-9f10-2a4b5c6d7e80"
	cp115  = "0b7d9a2c-1e3f-4a5b-8c6d-7e8f9a0b1c2d"
)

// realistic is a valid journey: 3 questions, a location and 3 outcomes.
func realistic() *Journey {
	return &Journey{
		Slug:        "loyer-impaye",
		Title:       "Je n'arrive plus à payer mon loyer",
		Description: "Pour les locataires en difficulté <avec leur loyer>.",
		Themes:      []string{"logement", "loyer-impaye"},
		FirstStep:   "situation",
		Steps: []Step{
			{ID: "situation", Kind: KindQuestion, Text: "Où en êtes-vous ?", Help: "Choisissez ce qui vous ressemble le plus.", Options: []Option{
				{Label: "J'ai du retard dans mon loyer", Next: "aides"},
				{Label: "Je dois quitter mon logement bientôt", Next: "urgence"},
			}},
			{ID: "aides", Kind: KindQuestion, Text: "Touchez-vous déjà une aide au logement ?", Options: []Option{
				{Label: "Oui", Next: "commune"},
				{Label: "Non, ou je ne sais pas", Next: "adil"},
			}},
			{ID: "urgence", Kind: KindQuestion, Text: "Risquez-vous de dormir dehors ce soir ?", Options: []Option{
				{Label: "Oui", Next: "sans-abri"},
				{Label: "Non", Next: "commune"},
			}},
			{ID: "commune", Kind: KindLocation, Text: "Dans quelle commune habitez-vous ?", Next: "caf"},
			{ID: "caf", Kind: KindOutcome, Text: "Contactez votre CAF", Outcome: &Outcome{
				Explanation: "La CAF peut étudier votre situation et maintenir votre aide.",
				Documents:   []string{"Votre bail", "Vos trois dernières quittances"},
				Pivots:      []string{"caf"},
			}},
			{ID: "adil", Kind: KindOutcome, Text: "Faites-vous conseiller par l'ADIL", Outcome: &Outcome{
				Explanation:   "L'ADIL informe gratuitement les locataires sur leurs droits.",
				ContactPoints: []string{cpADIL},
			}},
			{ID: "sans-abri", Kind: KindOutcome, Text: "Appelez le 115", Outcome: &Outcome{
				Explanation:   "Le 115 trouve un hébergement d'urgence, jour et nuit.",
				ContactPoints: []string{cp115},
				Emergency:     true,
			}},
		},
	}
}

// fakeResolver serves, for each pivot, the listed communes, and counts calls.
type fakeResolver struct {
	served map[string]map[string]bool
	fail   map[string]bool // communes whose resolution errs
	mu     sync.Mutex
	calls  map[[2]string]int
}

func newFakeResolver(served map[string][]string) *fakeResolver {
	r := &fakeResolver{served: map[string]map[string]bool{}, calls: map[[2]string]int{}}
	for p, cs := range served {
		r.served[p] = map[string]bool{}
		for _, c := range cs {
			r.served[p][c] = true
		}
	}
	return r
}

func (r *fakeResolver) Resolve(ctx context.Context, pivot, commune string) (bool, error) {
	r.mu.Lock()
	r.calls[[2]string{pivot, commune}]++
	r.mu.Unlock()
	if r.fail[commune] {
		return false, context.DeadlineExceeded
	}
	return r.served[pivot][commune], nil
}

func (r *fakeResolver) total() int {
	n := 0
	for _, c := range r.calls {
		n += c
	}
	return n
}

func options() ValidateOptions {
	return ValidateOptions{
		ContactPointExists: func(id string) bool { return id == cpADIL || id == cp115 },
		KnownPivot:         func(p string) bool { return p == "caf" || p == "cpam" || p == "mairie" },
	}
}
