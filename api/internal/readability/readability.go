// Package readability measures how easy a French text is to read, for the
// référents who write journeys: in plain French (« fr ») or in FALC, facile à
// lire et à comprendre (« fr-x-falc »). It counts sentences and words, finds
// the long sentences and the words that are not among the most frequent
// French words, gives a level (ok, attention, difficile) and advice in French.
//
// Sentences end at . ! ? … and at line breaks, but not after an abbreviation
// (« M. », « Mme », « cf. », « n° », « etc. » followed by a lower-case word),
// an initial (« J. Dupont ») or inside a number (« 3,5 », « 1.5 »). A word is
// a run of characters between spaces that holds a letter or a digit
// (« l'aide » is one word, « ? » is none).
//
// A word is rare when one of its parts (split on apostrophes and hyphens,
// folded as package textnorm folds search words) is neither in the list of
// the 10,000 most frequent French words (data/fr_frequent.txt, see
// data/SOURCES.md) nor in the project's list of administrative names
// (data/admin_names.txt: CAF, CPAM, MDPH, mairie…). Numbers, one-letter
// parts and proper names (a capital letter not at the start of a sentence)
// are never rare.
package readability

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/aiguillage/aiguillage/api/internal/textnorm"
)

// Languages the check knows.
const (
	French = "fr"
	FALC   = "fr-x-falc"
)

// Levels, from easy to hard.
const (
	LevelOK        = "ok"
	LevelAttention = "attention"
	LevelDifficult = "difficile"
)

// Thresholds of one language.
type thresholds struct {
	// long: a sentence of more words is long.
	long int
	// tooLong: a sentence of more words makes the text difficult.
	tooLong int
	// meanAttention: a mean of more words per sentence, over two sentences
	// or more, asks for attention.
	meanAttention float64
	// rareAttention, rareDifficult: rare word shares (0–1) above which the
	// text asks for attention, or is difficult.
	rareAttention, rareDifficult float64
	// rareMinWords: under this many words, the share alone never makes the
	// text difficult (one rare word in a three-word label is 33 %).
	rareMinWords int
}

var limits = map[string]thresholds{
	French: {long: 25, tooLong: 40, meanAttention: 20, rareAttention: 0.15, rareDifficult: 0.25, rareMinWords: 10},
	// FALC (Inclusion Europe): short sentences, everyday words. Any rare
	// word asks for attention; more than 10 % is difficult.
	FALC: {long: 15, tooLong: 25, meanAttention: 10, rareAttention: 0, rareDifficult: 0.10, rareMinWords: 0},
}

// MaxLongSentenceAdvice caps the « Coupez cette phrase » advice per text.
const MaxLongSentenceAdvice = 5

// MaxRareWords caps the rare words listed per text.
const MaxRareWords = 30

// Result is the measure of one text.
type Result struct {
	Sentences            int
	Words                int
	MeanWordsPerSentence float64 // rounded to one decimal
	MaxWordsPerSentence  int
	LongSentences        int
	// RareWords are the rare words as written, once each (first spelling),
	// in the order of the text, at most MaxRareWords.
	RareWords []string
	// RareWordShare is the share of the words that are rare (0–1, every
	// occurrence counted), rounded to three decimals.
	RareWordShare float64
	Level         string
	// Advice is what to change, in French; empty when the level is ok.
	Advice []string
}

// Analyser holds the word lists; it is immutable and safe for concurrent use.
type Analyser struct {
	frequent map[string]struct{}
	names    map[string]struct{}
}

//go:embed data/fr_frequent.txt
var frequentData []byte

//go:embed data/admin_names.txt
var namesData []byte

// Default returns the analyser over the embedded lists, built once.
var Default = sync.OnceValue(func() *Analyser {
	a, err := New(frequentData, namesData)
	if err != nil {
		// The embedded files are tested; they cannot be malformed at run time.
		panic(fmt.Sprintf("readability: embedded data: %v", err))
	}
	return a
})

// New returns an analyser over a list of frequent words and a list of
// administrative names, one entry per line (lines starting with # and blank
// lines are skipped). Entries are folded; an entry of several parts
// (« aujourd'hui », « peut-être ») adds each part.
func New(frequent, names []byte) (*Analyser, error) {
	a := &Analyser{frequent: map[string]struct{}{}, names: map[string]struct{}{}}
	for _, l := range []struct {
		name string
		data []byte
		into map[string]struct{}
	}{{"frequent words", frequent, a.frequent}, {"administrative names", names, a.names}} {
		sc := bufio.NewScanner(bytes.NewReader(l.data))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			for _, p := range textnorm.Words(line) {
				l.into[p] = struct{}{}
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("read %s: %w", l.name, err)
		}
		if len(l.into) == 0 {
			return nil, fmt.Errorf("read %s: the list is empty", l.name)
		}
	}
	return a, nil
}

// Supported reports whether lang is a language the check measures.
func Supported(lang string) bool {
	_, ok := limits[lang]
	return ok
}

// word is one word of a sentence.
type word struct {
	text  string // trimmed of the punctuation around it
	first bool   // the first word of its sentence
}

// Analyse measures text in lang (French or FALC; any other value is
// measured as French).
func (a *Analyser) Analyse(lang, text string) Result {
	th, ok := limits[lang]
	if !ok {
		th = limits[French]
	}
	sentences := splitSentences(text)
	r := Result{Sentences: len(sentences), RareWords: []string{}, Advice: []string{}}
	var longOnes [][]word
	rareCount := 0
	seen := map[string]bool{}
	for _, s := range sentences {
		n := len(s)
		r.Words += n
		r.MaxWordsPerSentence = max(r.MaxWordsPerSentence, n)
		if n > th.long {
			r.LongSentences++
			longOnes = append(longOnes, s)
		}
		for _, w := range s {
			if !a.rare(w) {
				continue
			}
			rareCount++
			key := textnorm.Fold(withoutElision(w.text))
			if !seen[key] && len(r.RareWords) < MaxRareWords {
				r.RareWords = append(r.RareWords, withoutElision(w.text))
			}
			seen[key] = true
		}
	}
	if r.Sentences > 0 {
		r.MeanWordsPerSentence = math.Round(float64(r.Words)/float64(r.Sentences)*10) / 10
	}
	if r.Words > 0 {
		r.RareWordShare = math.Round(float64(rareCount)/float64(r.Words)*1000) / 1000
	}
	r.Level = level(r, th, rareCount)
	if r.Level == LevelOK {
		return r
	}
	for i, s := range longOnes {
		if i == MaxLongSentenceAdvice {
			break
		}
		r.Advice = append(r.Advice, fmt.Sprintf("Coupez cette phrase : %d mots. Elle commence par « %s ».", len(s), opening(s)))
	}
	if longMean(r, th) {
		r.Advice = append(r.Advice, fmt.Sprintf("Phrases longues : %s mots par phrase en moyenne, visez %d au plus.",
			frenchDecimal(r.MeanWordsPerSentence), int(th.meanAttention)))
	}
	if len(r.RareWords) > 0 {
		more := ""
		if len(seen) > len(r.RareWords) {
			more = "…"
		}
		tip := "Expliquez-les ou remplacez-les par des mots plus courants."
		if lang == FALC {
			tip = "Remplacez-les par des mots de tous les jours, ou expliquez-les juste après."
		}
		r.Advice = append(r.Advice, fmt.Sprintf("Mots peu courants : %s%s. %s", strings.Join(r.RareWords, ", "), more, tip))
	}
	return r
}

// level grades a result.
func level(r Result, th thresholds, rareCount int) string {
	if r.Words == 0 {
		return LevelOK
	}
	if r.MaxWordsPerSentence > th.tooLong || r.Words >= th.rareMinWords && r.RareWordShare > th.rareDifficult {
		return LevelDifficult
	}
	if r.LongSentences > 0 || longMean(r, th) || rareCount > 0 && r.RareWordShare > th.rareAttention {
		return LevelAttention
	}
	return LevelOK
}

// longMean reports whether the sentences of a text are long on average.
func longMean(r Result, th thresholds) bool {
	return r.Sentences > 1 && r.MeanWordsPerSentence > th.meanAttention
}

// rare reports whether w is a rare word.
func (a *Analyser) rare(w word) bool {
	first, _ := utf8.DecodeRuneInString(w.text)
	if !w.first && unicode.IsUpper(first) {
		return false // a proper name, or an acronym inside a sentence
	}
	for _, r := range w.text {
		if unicode.IsDigit(r) {
			return false
		}
	}
	for _, p := range textnorm.Words(w.text) {
		if utf8.RuneCountInString(p) < 2 {
			continue
		}
		if _, ok := a.frequent[p]; ok {
			continue
		}
		if _, ok := a.names[p]; ok {
			continue
		}
		return true
	}
	return false
}

// opening is the start of a sentence for the advice: its first words.
func opening(s []word) string {
	const n = 6
	parts := make([]string, 0, n)
	for i, w := range s {
		if i == n {
			break
		}
		parts = append(parts, w.text)
	}
	out := strings.Join(parts, " ")
	if len(s) > n {
		out += "…"
	}
	return out
}

// elisions are the elided words that stick to the next one (« l'aide »).
var elisions = []string{"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"}

// withoutElision drops an elided word in front of w: « d'allocataire »
// is listed as « allocataire ».
func withoutElision(w string) string {
	for _, apos := range []string{"'", "’"} {
		before, after, ok := strings.Cut(w, apos)
		if !ok || after == "" {
			continue
		}
		for _, e := range elisions {
			if strings.EqualFold(before, e) {
				return after
			}
		}
	}
	return w
}

func frenchDecimal(f float64) string {
	return strings.Replace(strconv.FormatFloat(f, 'f', -1, 64), ".", ",", 1)
}

// abbreviations never end a sentence when followed by a point (compared in
// lower case, without the point).
var abbreviations = map[string]bool{
	"mme": true, "mmes": true, "mlle": true, "mlles": true, "mm": true, "dr": true, "me": true, "pr": true,
	"st": true, "ste": true, "mgr": true, "cf": true, "ex": true, "p": true, "pp": true, "n°": true, "no": true,
	"art": true, "al": true, "env": true, "av": true, "bd": true, "tél": true, "tel": true, "fax": true,
	"vol": true, "chap": true, "fig": true, "hab": true, "éd": true, "ed": true,
	"coll": true, "dept": true, "dép": true, "réf": true, "ref": true, "id": true, "ibid": true, "c.-à-d": true,
	"c-à-d": true, "resp": true, "nb": true, "apr": true, "av.-j.-c": true, "janv": true, "févr": true, "oct": true,
	"nov": true, "déc": true,
}

// closers may follow the end of a sentence (« Oui. » — « (voir plus haut.) »).
const closers = "\"'»”’)]"

// splitSentences splits text into its sentences, each a list of words;
// sentences without any word are dropped.
func splitSentences(text string) [][]word {
	var out [][]word
	var cur []word
	flush := func() {
		if len(cur) > 0 {
			out = append(out, cur)
		}
		cur = nil
	}
	for _, line := range strings.FieldsFunc(text, func(r rune) bool {
		return r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' || r == '\v' || r == '\f'
	}) {
		tokens := strings.Fields(line)
		for i, tok := range tokens {
			if t := trimWord(tok); t != "" {
				cur = append(cur, word{text: t, first: len(cur) == 0})
			}
			next := ""
			if i+1 < len(tokens) {
				next = tokens[i+1]
			}
			if endsSentence(tok, next) {
				flush()
			}
		}
		flush()
	}
	return out
}

// trimWord returns the word in a token without the punctuation around it,
// or "" when the token holds no letter or digit.
func trimWord(tok string) string {
	return strings.TrimFunc(tok, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '°' })
}

// endsSentence reports whether a token ends its sentence; next is the
// token after it on the same line ("" at the end of the line).
func endsSentence(tok, next string) bool {
	t := strings.TrimRight(tok, closers)
	last, _ := utf8.DecodeLastRuneInString(t)
	switch last {
	case '!', '?', '…':
		return true
	case '.':
	default:
		return false
	}
	core := strings.TrimRight(t, ".")
	if strings.HasSuffix(t, "..") || core == "" {
		return true // an ellipsis, or a lone point
	}
	core = strings.TrimLeftFunc(core, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	lower := strings.ToLower(core)
	if utf8.RuneCountInString(core) == 1 && unicode.IsLetter([]rune(core)[0]) {
		return false // an initial: « M. Dupont », « J. Martin »
	}
	if abbreviations[lower] {
		return false
	}
	if lower == "etc" {
		// « etc. » ends the sentence only when a capital follows.
		r, _ := utf8.DecodeRuneInString(strings.TrimLeft(next, "\"'«“("))
		return next == "" || unicode.IsUpper(r)
	}
	return true
}
