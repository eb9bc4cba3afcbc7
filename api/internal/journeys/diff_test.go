package journeys

import (
	"reflect"
	"testing"
)

func TestDiff(t *testing.T) {
	tests := []struct {
		name string
		from *Journey
		edit func(j *Journey)
		want []Change
	}{
		{name: "identical", edit: func(*Journey) {}},
		{name: "title changed", edit: func(j *Journey) { j.Title = "Loyer" },
			want: []Change{{Field: "title", Kind: Changed, From: "Je n'arrive plus à payer mon loyer", To: "Loyer"}}},
		{name: "description removed and themes changed", edit: func(j *Journey) { j.Description = ""; j.Themes = []string{"logement"} },
			want: []Change{
				{Field: "description", Kind: Removed, From: "Pour les locataires en difficulté <avec leur loyer>."},
				{Field: "themes", Kind: Changed, From: []string{"logement", "loyer-impaye"}, To: []string{"logement"}},
			}},
		{name: "first step changed", edit: func(j *Journey) { j.FirstStep = "aides" },
			want: []Change{{Field: "first_step", Kind: Changed, From: "situation", To: "aides"}}},
		{name: "help added", edit: func(j *Journey) { step(j, "aides").Help = "APL ou ALS" },
			want: []Change{{Step: "aides", Field: "help", Kind: Added, To: "APL ou ALS"}}},
		{name: "option relabelled", edit: func(j *Journey) { step(j, "aides").Options[0].Label = "Oui, l'APL" },
			want: []Change{{Step: "aides", Field: "options", Kind: Changed,
				From: []Option{{Label: "Oui", Next: "commune"}, {Label: "Non, ou je ne sais pas", Next: "adil"}},
				To:   []Option{{Label: "Oui, l'APL", Next: "commune"}, {Label: "Non, ou je ne sais pas", Next: "adil"}}}}},
		{name: "location next and outcome fields", edit: func(j *Journey) {
			step(j, "commune").Next = "adil"
			o := step(j, "caf").Outcome
			o.Pivots = []string{"caf", "mairie"}
			o.Documents = nil
			o.Emergency = true
		}, want: []Change{
			{Step: "commune", Field: "next", Kind: Changed, From: "caf", To: "adil"},
			{Step: "caf", Field: "outcome.documents", Kind: Removed, From: []string{"Votre bail", "Vos trois dernières quittances"}},
			{Step: "caf", Field: "outcome.pivots", Kind: Changed, From: []string{"caf"}, To: []string{"caf", "mairie"}},
			{Step: "caf", Field: "outcome.emergency", Kind: Added, To: true},
		}},
		{name: "question turned into outcome", edit: func(j *Journey) {
			s := step(j, "urgence")
			s.Kind, s.Options, s.Outcome = KindOutcome, nil, &Outcome{Explanation: "x", Emergency: true}
		}, want: []Change{
			{Step: "urgence", Field: "kind", Kind: Changed, From: KindQuestion, To: KindOutcome},
			{Step: "urgence", Field: "options", Kind: Removed, From: []Option{{Label: "Oui", Next: "sans-abri"}, {Label: "Non", Next: "commune"}}},
			{Step: "urgence", Field: "outcome", Kind: Added, To: &Outcome{Explanation: "x", Emergency: true}},
		}},
		{name: "step added and removed, reordering ignored", edit: func(j *Journey) {
			j.Steps[0], j.Steps[1] = j.Steps[1], j.Steps[0]
			j.Steps = append(j.Steps[:5], j.Steps[6:]...) // remove adil
			j.Steps = append(j.Steps, Step{ID: "mairie", Kind: KindOutcome, Text: "Mairie"})
		}, want: []Change{
			{Step: "mairie", Kind: Added, To: &Step{ID: "mairie", Kind: KindOutcome, Text: "Mairie"}},
			{Step: "adil", Kind: Removed, From: &Step{ID: "adil", Kind: KindOutcome, Text: "Faites-vous conseiller par l'ADIL", Outcome: &Outcome{
				Explanation: "L'ADIL informe gratuitement les locataires sur leurs droits.", ContactPoints: []string{cpADIL}}}},
		}},
		{name: "empty and nil slices are equal", edit: func(j *Journey) { j.Themes = nil }, from: func() *Journey { j := realistic(); j.Themes = []string{}; return j }()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from := tt.from
			if from == nil {
				from = realistic()
			}
			to := realistic()
			tt.edit(to)
			got := Diff(from, to)
			if !reflect.DeepEqual(got, tt.want) && (len(got) != 0 || len(tt.want) != 0) {
				t.Fatalf("got  %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestDiffFromNothing(t *testing.T) {
	j := realistic()
	got := Diff(nil, j)
	if len(got) != 5+len(j.Steps) {
		t.Fatalf("got %d changes: %+v", len(got), got)
	}
	if got[0].Field != "slug" || got[5].Step != "situation" || got[5].Kind != Added {
		t.Fatalf("unexpected order: %+v", got)
	}
	// Changes are copies: editing the journey afterwards does not alter them.
	j.Steps[0].Options[0].Label = "modifié"
	if got[5].To.(*Step).Options[0].Label == "modifié" {
		t.Fatal("change shares memory with the journey")
	}
	if back := Diff(j, nil); len(back) != len(got) || back[5].Kind != Removed {
		t.Fatalf("reverse: %+v", back)
	}
}
