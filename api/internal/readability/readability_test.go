package readability_test

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aiguillage/aiguillage/api/internal/readability"
)

func TestSentencesAndWords(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		sentences int
		words     int
		max       int
	}{
		{"empty", "", 0, 0, 0},
		{"blank and punctuation only", "  \n … ? !  \n", 0, 0, 0},
		{"two sentences", "Vous avez un enfant. Il a moins de 3 ans.", 2, 10, 6},
		{"French spacing before ? and !", "Vous avez un enfant ? Oui ! Alors appelez la CAF.", 3, 9, 4},
		{"ellipsis and suspension points", "Attendez… Puis appelez... Enfin venez.", 3, 5, 2},
		{"line breaks end sentences", "Vos papiers\nVotre carte d'identité\n\r\nUn justificatif de domicile", 3, 9, 4},
		{"title abbreviations", "Demandez à M. Dupont ou à Mme Martin. Ou au Dr. Petit.", 2, 12, 8},
		{"initials", "Écrivez à J. Martin.", 1, 4, 4},
		{"etc. then a lower-case word", "Apportez vos papiers, vos photos, etc. et venez.", 1, 8, 8},
		{"etc. then a capital", "Apportez vos papiers, vos photos, etc. Puis venez.", 2, 8, 6},
		{"decimal numbers", "Le taux est de 3,5 % ou de 1.5 point. C'est tout.", 2, 11, 9},
		{"addresses and web sites", "Allez sur service-public.fr pour en savoir plus.", 1, 7, 7},
		{"closing quote after the point", "Il a dit « oui. » Puis il est parti.", 2, 8, 4},
		{"numbered abbreviation", "Remplissez le formulaire n° 12345. Envoyez-le.", 2, 6, 5},
		{"no final point", "Bonjour", 1, 1, 1},
		{"list lines", "- votre carte Vitale\n- votre RIB", 2, 5, 3},
	}
	a := readability.Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.Analyse(readability.French, tt.text)
			if r.Sentences != tt.sentences || r.Words != tt.words || r.MaxWordsPerSentence != tt.max {
				t.Errorf("sentences, words, max = %d, %d, %d; want %d, %d, %d", r.Sentences, r.Words, r.MaxWordsPerSentence, tt.sentences, tt.words, tt.max)
			}
		})
	}
}

func TestRareWords(t *testing.T) {
	tests := []struct {
		name string
		lang string
		text string
		want []string
	}{
		{"everyday words", readability.French, "Vous pouvez appeler votre mairie demain matin.", []string{}},
		{"accents and case folded", readability.French, "ÉTÉ, été, Ete.", []string{}},
		{"administrative words are rare", readability.French, "Vous devez fournir une attestation pour bénéficier de l'allocation.", []string{"attestation", "bénéficier", "allocation"}},
		{"each rare word once, first spelling", readability.French, "Justificatif. Un justificatif, deux justificatifs.", []string{"Justificatif", "justificatifs"}},
		{"administrative names are not rare", readability.FALC, "Appelez la CAF. Caf, cpam et mdph aident.", []string{}},
		{"acronym at sentence start, from the list", readability.FALC, "CPAM veut dire caisse d'assurance maladie.", []string{}},
		{"proper names inside a sentence", readability.French, "Vous habitez à Draguignan chez Mme Zemmouri.", []string{}},
		{"unknown word at sentence start is rare", readability.French, "Draguignan est loin.", []string{"Draguignan"}},
		{"numbers are not rare", readability.French, "Appelez le 3646 avant le 15/03 ou le 1er avril.", []string{}},
		{"elisions and hyphens", readability.French, "Aujourd'hui, peut-être qu'il viendra.", []string{}},
		{"elided word dropped from the list", readability.French, "Votre numéro d'allocataire ou d’Allocataire.", []string{"allocataire"}},
		{"hyphenated rare part", readability.French, "Voici le demandeur-allocataire.", []string{"demandeur-allocataire"}},
	}
	a := readability.Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.Analyse(tt.lang, tt.text)
			if !reflect.DeepEqual(r.RareWords, tt.want) {
				t.Errorf("rare words = %q, want %q", r.RareWords, tt.want)
			}
		})
	}
}

func TestLevelsAndAdvice(t *testing.T) {
	long30 := "Pour " + strings.Repeat("vous et ", 14) + "moi." // 30 words
	long18 := "Vous " + strings.Repeat("et moi ", 8) + "aussi." // 18 words
	tests := []struct {
		name       string
		lang       string
		text       string
		level      string
		long       int
		adviceHave []string
	}{
		{"short plain French", readability.French, "Appelez la mairie. Elle vous aide.", readability.LevelOK, 0, nil},
		{"empty text", readability.FALC, "", readability.LevelOK, 0, nil},
		{"a long French sentence", readability.French, long30, readability.LevelAttention, 1,
			[]string{"Coupez cette phrase : 30 mots. Elle commence par « Pour vous et vous et vous… »."}},
		{"18 words: fine in French", readability.French, long18, readability.LevelOK, 0, nil},
		{"18 words: long in FALC", readability.FALC, long18, readability.LevelAttention, 1,
			[]string{"Coupez cette phrase : 18 mots. Elle commence par « Vous et moi et moi et… »."}},
		{"long on average in FALC", readability.FALC, long18 + " " + long18, readability.LevelAttention, 2,
			[]string{"Phrases longues : 18 mots par phrase en moyenne, visez 10 au plus."}},
		{"one 12-word sentence is fine in FALC", readability.FALC, "Vous et moi et vous et moi et vous et moi et nous.", readability.LevelOK, 0, nil},
		{"30 words: difficult in FALC", readability.FALC, long30, readability.LevelDifficult, 1, nil},
		{"a rare word in a short French label is only attention", readability.French, "Allocation logement", readability.LevelAttention, 0,
			[]string{"Mots peu courants : Allocation. Expliquez-les ou remplacez-les par des mots plus courants."}},
		{"rare words over 10 % in FALC", readability.FALC, "Demandez une attestation. Elle prouve vos droits.", readability.LevelDifficult, 0,
			[]string{"Mots peu courants : attestation. Remplacez-les par des mots de tous les jours, ou expliquez-les juste après."}},
		{"many rare words in French", readability.French,
			"Le bénéficiaire transmet l'attestation et le justificatif afin de percevoir la prestation sans délai supplémentaire.",
			readability.LevelDifficult, 0, nil},
		{"unknown language measured as French", "en", long18, readability.LevelOK, 0, nil},
	}
	a := readability.Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.Analyse(tt.lang, tt.text)
			if r.Level != tt.level || r.LongSentences != tt.long {
				t.Fatalf("level, long = %s, %d; want %s, %d (%+v)", r.Level, r.LongSentences, tt.level, tt.long, r)
			}
			if r.Level == readability.LevelOK && len(r.Advice) != 0 {
				t.Errorf("advice on an ok text: %q", r.Advice)
			}
			if r.Level != readability.LevelOK && len(r.Advice) == 0 {
				t.Errorf("no advice on a %s text", r.Level)
			}
			for _, want := range tt.adviceHave {
				found := false
				for _, got := range r.Advice {
					found = found || got == want
				}
				if !found {
					t.Errorf("advice %q missing from %q", want, r.Advice)
				}
			}
		})
	}
}

func TestMeanAndShare(t *testing.T) {
	r := readability.Default().Analyse(readability.French, "Un deux trois. Quatre cinq. Demandez une attestation.")
	if r.MeanWordsPerSentence != 2.7 || r.Words != 8 {
		t.Errorf("mean = %v over %d words, want 2.7 over 8", r.MeanWordsPerSentence, r.Words)
	}
	if r.RareWordShare != 0.125 {
		t.Errorf("rare share = %v, want 0.125", r.RareWordShare)
	}
}

func TestCaps(t *testing.T) {
	var b strings.Builder
	for i := range 40 {
		b.WriteString("Le motzz" + strings.Repeat("x", i) + " arrive. ")
		b.WriteString(strings.Repeat("mot ", 30) + ".\n")
	}
	r := readability.Default().Analyse(readability.French, b.String())
	if len(r.RareWords) != readability.MaxRareWords {
		t.Errorf("%d rare words listed, want %d", len(r.RareWords), readability.MaxRareWords)
	}
	long := 0
	for _, a := range r.Advice {
		if strings.HasPrefix(a, "Coupez cette phrase") {
			long++
		}
		if strings.HasPrefix(a, "Mots peu courants") && !strings.Contains(a, "…. ") {
			t.Errorf("a cut list of rare words must end with an ellipsis: %q", a)
		}
	}
	if long != readability.MaxLongSentenceAdvice || r.LongSentences != 40 {
		t.Errorf("%d long-sentence advice for %d long sentences", long, r.LongSentences)
	}
}

func TestNewRejectsEmptyLists(t *testing.T) {
	if _, err := readability.New([]byte("# nothing\n\n"), []byte("caf\n")); err == nil {
		t.Error("an empty frequent-word list was accepted")
	}
	if _, err := readability.New([]byte("de\nla\n"), nil); err == nil {
		t.Error("an empty name list was accepted")
	}
	a, err := readability.New([]byte("de\nla\nmaison\n"), []byte("# a comment\nCAF\n"))
	if err != nil {
		t.Fatal(err)
	}
	if r := a.Analyse(readability.French, "La maison de la Caf. La villa."); !reflect.DeepEqual(r.RareWords, []string{"villa"}) {
		t.Errorf("rare words = %q, want [villa]", r.RareWords)
	}
}

func TestSupported(t *testing.T) {
	for lang, want := range map[string]bool{"fr": true, "fr-x-falc": true, "en": false, "FR": false, "": false} {
		if got := readability.Supported(lang); got != want {
			t.Errorf("Supported(%q) = %v", lang, got)
		}
	}
}

func FuzzAnalyse(f *testing.F) {
	for _, s := range []string{
		"", "Vous avez un enfant. Il a moins de 3 ans.", "M. Dupont… etc. Et puis ? Oui !",
		"« oui. » (non.) 3,5 % 1.5 n° 12.", "Aujourd'hui\r\npeut-être\u2028CAF", "\xff\xfe.", "....!?…",
		strings.Repeat("mot ", 60) + ".", "Ⅻ. ǅ. ٣. ÉTÉ été",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	a := readability.Default()
	f.Fuzz(func(t *testing.T, text string, falc bool) {
		lang := readability.French
		if falc {
			lang = readability.FALC
		}
		r := a.Analyse(lang, text)
		if r.Words < r.Sentences || r.MaxWordsPerSentence > r.Words || r.LongSentences > r.Sentences {
			t.Fatalf("inconsistent counts: %+v", r)
		}
		if (r.Words == 0) != (r.Sentences == 0) {
			t.Fatalf("words and sentences disagree: %+v", r)
		}
		if r.Sentences > 0 && math.Abs(r.MeanWordsPerSentence*float64(r.Sentences)-float64(r.Words)) > 0.05*float64(r.Sentences)+1e-9 {
			t.Fatalf("mean %v × %d sentences ≠ %d words", r.MeanWordsPerSentence, r.Sentences, r.Words)
		}
		if r.RareWordShare < 0 || r.RareWordShare > 1 || len(r.RareWords) > r.Words || len(r.RareWords) > readability.MaxRareWords {
			t.Fatalf("rare words out of range: %+v", r)
		}
		switch r.Level {
		case readability.LevelOK:
			if len(r.Advice) != 0 {
				t.Fatalf("advice on an ok text: %+v", r)
			}
		case readability.LevelAttention, readability.LevelDifficult:
			if len(r.Advice) == 0 {
				t.Fatalf("no advice: %+v", r)
			}
		default:
			t.Fatalf("unknown level %q", r.Level)
		}
		for _, w := range r.RareWords {
			if w == "" || !strings.Contains(text, w) && utf8.ValidString(text) {
				t.Fatalf("rare word %q is not in the text", w)
			}
		}
	})
}
