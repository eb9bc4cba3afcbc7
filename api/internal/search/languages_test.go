package search_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/search"
	"github.com/aiguillage/aiguillage/api/internal/textnorm"
)

// TestGuessFrenchSets checks that no query of the French evaluation sets is
// taken for another language: French queries are searched as before.
func TestGuessFrenchSets(t *testing.T) {
	env := setup(t)
	l, err := search.LoadLanguages()
	if err != nil {
		t.Fatal(err)
	}
	french := env.Search.KnownFrench()
	for _, set := range []string{"dev.tsv", "extra.tsv", "piaf.tsv"} {
		for _, c := range evalSet(t, set) {
			if got := l.Guess(c.Query, textnorm.Words(c.Query), "", french); got != "fr" {
				t.Errorf("%s: %q guessed %s", set, c.Query, got)
			}
		}
	}
}

func TestGuess(t *testing.T) {
	env := setup(t)
	l, err := search.LoadLanguages()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ text, hint, want string }{
		{"I lost my health insurance card", "", "en"},
		{"I lost my health insurance card", "en", "en"},
		{"carte vitale perdue", "", "fr"},
		{"carte vitale perdue", "en", "fr"}, // French words, English reader: read as French
		{"j'ai perdu ma carte vitale", "es", "fr"},
		{"втратив роботу", "", "uk"},
		{"потерял работу", "", "uk"}, // Russian: Cyrillic is read as Ukrainian
		{"فقدت عملي", "", "ar"},
		{"زوجي يضربني", "fr", "ar"},
		{"no puedo pagar el alquiler", "", "es"},
		{"não consigo pagar o aluguel", "", "pt"},
		{"kiramı ödeyemiyorum", "", "tr"},
		{"issiz kaldim", "", "tr"},
		{"aide au logement", "", "fr"},
		{"caf", "", "fr"},
		{"3646", "en", "fr"},
		{"CAF help", "en", "en"},
	}
	for _, tc := range tests {
		if got := l.Guess(tc.text, textnorm.Words(tc.text), tc.hint, env.Search.KnownFrench()); got != tc.want {
			t.Errorf("Guess(%q, hint %q) = %s, want %s", tc.text, tc.hint, got, tc.want)
		}
	}
}

// TestSearchInOtherLanguages is the acceptance test: the lost
// health insurance card, in English with and without lang, leads first to
// the Assurance Maladie; and the answer says which language it is in.
func TestSearchInOtherLanguages(t *testing.T) {
	env := setup(t)
	ctx := context.Background()
	cpam := search.EvalCase{Expected: []string{"tel:3646", "pivot:cpam"}}
	tests := []struct {
		text, lang, commune string
		want                search.EvalCase
		wantLang            string
		wantEmergency       bool
	}{
		{"I lost my health insurance card", "en", "83137", cpam, "en", false},
		{"I lost my health insurance card", "", "83137", cpam, "en", false},
		{"I lost my health insurance card", "", "", cpam, "en", false},
		{"I lost my health insurance card", "fr-x-falc", "", cpam, "fr-x-falc", false},
		{"He perdido mi tarjeta sanitaria", "", "59350", cpam, "es", false},
		{"ضاعت بطاقة التأمين الصحي", "", "62041", cpam, "ar", false},
		{"загубив картку медичного страхування", "uk", "83137", cpam, "uk", false},
		{"my husband beats me", "", "", search.EvalCase{Expected: []string{"tel:3919", "tel:17"}}, "en", true},
		{"carte vitale perdue", "", "83137", cpam, "fr", false},
	}
	for _, tc := range tests {
		resp, err := env.Search.Search(ctx, search.Query{Text: tc.text, Lang: tc.lang, Commune: tc.commune, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if resp.Lang != tc.wantLang {
			t.Errorf("%q (lang %q): answered in %q, want %q", tc.text, tc.lang, resp.Lang, tc.wantLang)
		}
		if resp.Emergency != tc.wantEmergency {
			t.Errorf("%q: emergency %v, want %v", tc.text, resp.Emergency, tc.wantEmergency)
		}
		if rank := tc.want.Answered(resp.Results); rank != 1 {
			var got []string
			for _, r := range resp.Results {
				got = append(got, string(r.Kind)+":"+r.Ref)
			}
			t.Errorf("%q (lang %q): rank %d, want 1; got %v; understood %q", tc.text, tc.lang, rank, got, resp.Understood)
		}
	}
}

// TestMultilingualSet runs testdata/multilingual.tsv and checks it against
// targets set below the scores reached (97.6 % top 1, 100 % top 3 on
// 85 queries when written).
func TestMultilingualSet(t *testing.T) {
	env := setup(t)
	cases := evalSet(t, "multilingual.tsv")
	rep, err := search.Evaluate(context.Background(), "multilingual", cases, env.Search.Answer(""))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("multilingual: %d queries, top 1 %.1f %%, top 3 %.1f %%, MRR %.3f, emergencies flagged %d/%d, false %d",
		rep.Cases, 100*rep.Share(rep.Top1), 100*rep.Share(rep.Top3), rep.MRR(), rep.EmergencyFlagged, rep.Emergencies, rep.FalseEmergencies)
	for _, m := range rep.Misses {
		t.Log("miss:", m)
	}
	if rep.Share(rep.Top3) < 0.9 || rep.Share(rep.Top1) < 0.85 || rep.FalseEmergencies > 0 {
		t.Errorf("multilingual set below target: top 1 %.1f %%, top 3 %.1f %%, false emergencies %d", 100*rep.Share(rep.Top1), 100*rep.Share(rep.Top3), rep.FalseEmergencies)
	}
}

func TestParseLanguagesErrors(t *testing.T) {
	tests := []struct{ name, in, wantErr string }{
		{"header", "kind,terms\n", "header must start with lang,kind,terms,french"},
		{"unknown language", "lang,kind,terms,french\nde,word,miete,loyer\n", `line 2: unknown language "de"`},
		{"unknown kind", "lang,kind,terms,french\nen,synonym,rent,loyer\n", `line 2: unknown kind "synonym"`},
		{"no French", "lang,kind,terms,french\n# comment\nen,word,rent,\n", `line 3: "rent" needs French words`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := search.ParseLanguages(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
		})
	}
	l, err := search.ParseLanguages(strings.NewReader("lang,kind,terms,french\nen,stop,my|the\nen,word,rent|renting,loyer\nuk,word,робота,travail\ntr,word,kira,loyer\nar,word,بطاقة,carte\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ text, hint, want string }{
		{"my rents", "en", "loyer"},
		{"the renting", "en", "loyer"},
		{"роботу", "uk", "travail"},
		{"kiramı", "tr", "loyer"},
		{"kirami", "tr", "loyer"},
		{"بطاقتي", "ar", "carte"},
		{"البطاقة", "ar", "carte"},
	} {
		r := l.Read(tc.text, tc.hint, nil)
		if strings.Join(r.Words, " ") != tc.want {
			t.Errorf("Read(%q, %s) = %v, want %s", tc.text, tc.hint, r.Words, tc.want)
		}
	}
}
