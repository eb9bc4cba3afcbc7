package search

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aiguillage/aiguillage/api/internal/commons"
	"github.com/aiguillage/aiguillage/api/internal/commons/data"
	"github.com/aiguillage/aiguillage/api/internal/emergency"
	"github.com/aiguillage/aiguillage/api/internal/i18n"
	"github.com/aiguillage/aiguillage/api/internal/textnorm"
)

// Languages is what the search knows of the residents' languages other than
// French: for each, its function words and a table of phrases with the
// French words they mean. A query in one of them is read into French words
// (longest phrase first), then searched like a French query; so the index
// stays French and French queries are untouched.
//
// The phrases come from data, never from code:
//   - data/search_languages.csv, the multilingual lexicon (everyday words:
//     "rent" → loyer, "втратив" → perdu);
//   - data/translations/themes.csv, the translated labels and synonyms of
//     the national themes, each leading to its theme's French label
//     ("health insurance card" → Remboursements, carte Vitale, arrêt maladie);
//   - data/translations/pivot_types.csv, the translated kinds of office
//     ("town hall" → Mairie).
//
// FALC is French: its queries are French queries.
type Languages struct {
	langs map[string]*language
}

// language is one language's knowledge, stemmed with its light stemmer.
type language struct {
	code string
	stop map[string]bool
	// vocab holds the stems of every phrase word, to guess the language.
	vocab   map[string]bool
	phrases []phrase
	byKey   map[string]int // joined keys → index in phrases
}

// phrase is a sequence of content words and the French words it means.
type phrase struct {
	keys []string
	text string   // as written, for Understood
	to   []string // folded French words
	// meaning is what Understood shows on the right of the arrow.
	meaning string
	// lexicon is true for rows of the multilingual lexicon: on a tie, they
	// win over the themes' synonyms.
	lexicon bool
}

// foreign lists the languages the search reads, Latin-script ones in the
// order that breaks ties of the guess.
var foreign = []string{"en", "es", "pt", "tr", "uk", "ar"}

// LoadLanguages reads the embedded multilingual lexicon and the
// translations of the national commons.
func LoadLanguages() (*Languages, error) {
	f, err := data.FS.Open(data.SearchLanguages)
	if err != nil {
		return nil, fmt.Errorf("search languages: %w", err)
	}
	defer f.Close()
	tr, err := commons.LoadTranslations()
	if err != nil {
		return nil, err
	}
	themes, err := commons.Themes()
	if err != nil {
		return nil, err
	}
	pivots, err := commons.PivotTypes()
	if err != nil {
		return nil, err
	}
	l, err := ParseLanguages(f)
	if err != nil {
		return nil, err
	}
	for _, th := range themes {
		for _, code := range foreign {
			tt, ok := tr.Theme(th.Slug, code)
			if !ok {
				continue
			}
			for _, p := range append([]string{withoutParens(tt.Label)}, tt.Synonyms...) {
				l.add(code, p, th.Label, false)
			}
		}
	}
	for _, code := range slices.Sorted(maps.Keys(pivots)) {
		for _, lang := range foreign {
			if label, ok := tr.PivotLabel(code, lang); ok {
				l.add(lang, withoutParens(label), pivots[code].Label, false)
			}
		}
	}
	l.sort()
	return l, nil
}

var (
	parensRE        = regexp.MustCompile(`\([^)]*\)`)
	frenchElisionRE = regexp.MustCompile(`(?i)(^|[^\pL])(j|l|d|m|n|s|t|c|qu|jusqu|lorsqu|puisqu)['’]\pL`)
)

func withoutParens(s string) string { return strings.TrimSpace(parensRE.ReplaceAllString(s, " ")) }

// ParseLanguages reads a multilingual lexicon: CSV with the columns lang,
// kind, terms, french and note; lines starting with # are comments. kind
// is stop (terms are function words of lang) or word (terms, |-separated
// phrases of lang, mean the French words of french).
func ParseLanguages(r io.Reader) (*Languages, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("search languages: header: %w", err)
	}
	if len(header) < 4 || header[0] != "lang" || header[1] != "kind" || header[2] != "terms" || header[3] != "french" {
		return nil, errors.New("search languages: the header must start with lang,kind,terms,french")
	}
	l := &Languages{langs: map[string]*language{}}
	for _, code := range foreign {
		l.langs[code] = &language{code: code, stop: map[string]bool{}, vocab: map[string]bool{}, byKey: map[string]int{}}
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("search languages: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) < 3 {
			return nil, fmt.Errorf("search languages: line %d: expected lang,kind,terms,french", line)
		}
		french := ""
		if len(rec) > 3 {
			french = rec[3]
		}
		lg, ok := l.langs[strings.TrimSpace(rec[0])]
		if !ok {
			return nil, fmt.Errorf("search languages: line %d: unknown language %q (one of %v)", line, rec[0], foreign)
		}
		switch kind := strings.TrimSpace(rec[1]); kind {
		case "stop":
			for _, w := range textnorm.Words(strings.ReplaceAll(rec[2], "|", " ")) {
				lg.stop[lg.stem(w)] = true
			}
		case "word":
			if len(textnorm.Words(french)) == 0 {
				return nil, fmt.Errorf("search languages: line %d: %q needs French words", line, rec[2])
			}
			for t := range strings.SplitSeq(rec[2], "|") {
				if strings.TrimSpace(t) != "" {
					l.add(lg.code, t, french, true)
				}
			}
		default:
			return nil, fmt.Errorf("search languages: line %d: unknown kind %q (stop or word)", line, kind)
		}
	}
	l.sort()
	return l, nil
}

// add records that phrase, in language code, means the French text.
func (l *Languages) add(code, text, french string, lexicon bool) {
	lg := l.langs[code]
	var keys []string
	for _, w := range textnorm.Words(text) {
		s := lg.stem(w)
		if lg.stop[s] {
			continue
		}
		keys = append(keys, s)
		lg.vocab[s] = true
	}
	if len(keys) == 0 {
		return
	}
	to := textnorm.Words(french)
	meaning := strings.TrimSpace(french)
	k := strings.Join(keys, " ")
	if i, ok := lg.byKey[k]; ok {
		p := &lg.phrases[i]
		if p.lexicon && !lexicon {
			return // the lexicon's reading is the curated one
		}
		if !p.lexicon && lexicon {
			*p = phrase{keys: keys, text: strings.TrimSpace(text), to: to, meaning: meaning, lexicon: true}
			return
		}
		for _, w := range to {
			if !slices.Contains(p.to, w) {
				p.to = append(p.to, w)
			}
		}
		if !strings.Contains(p.meaning, meaning) {
			p.meaning += " ; " + meaning
		}
		return
	}
	lg.byKey[k] = len(lg.phrases)
	lg.phrases = append(lg.phrases, phrase{keys: keys, text: strings.TrimSpace(text), to: to, meaning: meaning, lexicon: lexicon})
}

// sort orders each language's phrases longest first (ties: the lexicon's
// first), so the first match at a position is the one to take.
func (l *Languages) sort() {
	for _, lg := range l.langs {
		slices.SortStableFunc(lg.phrases, func(a, b phrase) int {
			if len(a.keys) != len(b.keys) {
				return len(b.keys) - len(a.keys)
			}
			switch {
			case a.lexicon == b.lexicon:
				return 0
			case a.lexicon:
				return -1
			}
			return 1
		})
		for i, p := range lg.phrases {
			lg.byKey[strings.Join(p.keys, " ")] = i
		}
	}
}

// Reading is a query read in a language: the words to search (French) and
// what was understood.
type Reading struct {
	// Lang is the language the words were read in (fr when French).
	Lang  string
	Words []string
	// Understood lists the phrases read ("rent → loyer").
	Understood []string
}

// Read reads a query's text. hint is the language the resident asked for
// (a shipped code, "" when none): it wins unless the words say otherwise;
// without it, the language is guessed from the script and known words.
// french reports whether a folded word is a known French word (the index
// vocabulary); nil counts none.
func (l *Languages) Read(text, hint string, french func(string) bool) Reading {
	words := textnorm.Words(text)
	if l == nil {
		return Reading{Lang: i18n.French, Words: words}
	}
	lang := l.Guess(text, words, hint, french)
	lg, ok := l.langs[lang]
	if !ok {
		return Reading{Lang: lang, Words: words}
	}
	return lg.read(words, french)
}

// Guess returns the language of a query: Arabic script is ar, Cyrillic is
// uk; Latin-script words vote for the languages whose words they are, the
// hinted language and French winning ties. FALC counts as French.
func (l *Languages) Guess(text string, words []string, hint string, french func(string) bool) string {
	if hint == i18n.FALC {
		hint = i18n.French
	}
	var arabic, cyrillic, latin int
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Arabic, r) && unicode.IsLetter(r):
			arabic++
		case unicode.Is(unicode.Cyrillic, r):
			cyrillic++
		case unicode.Is(unicode.Latin, r):
			latin++
		}
	}
	switch {
	case arabic > latin && arabic >= cyrillic:
		return "ar"
	case cyrillic > latin:
		return "uk"
	}
	votes := map[string]int{}
	for _, w := range words {
		for _, code := range foreign[:4] {
			if l.langs[code].knows(w) {
				votes[code]++
			}
		}
	}
	// Letters only one language writes.
	for _, r := range strings.ToLower(text) {
		switch r {
		case 'ı', 'ş', 'ğ':
			votes["tr"] += 2
		case 'ñ', '¿', '¡':
			votes["es"] += 2
		case 'ã', 'õ':
			votes["pt"] += 2
		}
	}
	if len(votes) == 0 {
		return i18n.French // no word of another language: most queries stop here
	}
	for _, w := range words {
		if french != nil && french(w) {
			votes[i18n.French]++
		}
	}
	// Elisions only French writes (l'aide, qu'est-ce, j'ai).
	if frenchElisionRE.MatchString(text) {
		votes[i18n.French] += 2
	}
	best := i18n.French
	if hint != "" && hint != i18n.French {
		if _, ok := l.langs[hint]; ok && votes[hint] > 0 && votes[hint] >= votes[i18n.French] {
			best = hint
		}
	}
	for _, code := range foreign[:4] {
		if votes[code] > votes[best] {
			best = code
		}
	}
	return best
}

// read turns words of the language into French words: at each place the
// longest phrase that starts there; words no phrase covers are kept (names,
// acronyms, numbers), function words dropped. A phrase whose words are
// French words too (caf, rsa, ameli) keeps them besides its reading.
func (lg *language) read(words []string, french func(string) bool) Reading {
	out := Reading{Lang: lg.code}
	type word struct{ w, stem string }
	var content []word
	for _, w := range words {
		s := lg.stem(w)
		if lg.stop[s] {
			continue
		}
		content = append(content, word{w, s})
	}
	for i := 0; i < len(content); {
		matched := false
		for _, p := range lg.phrases {
			if len(p.keys) > len(content)-i {
				continue
			}
			ok := true
			for j, k := range p.keys {
				if !lg.same(content[i+j].stem, k) {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			out.Words = append(out.Words, p.to...)
			out.Understood = append(out.Understood, p.text+" → "+p.meaning)
			if french != nil && !slices.ContainsFunc(content[i:i+len(p.keys)], func(w word) bool { return !french(w.w) }) {
				for _, w := range content[i : i+len(p.keys)] {
					out.Words = append(out.Words, w.w)
				}
			}
			i += len(p.keys)
			matched = true
			break
		}
		if !matched {
			out.Words = append(out.Words, content[i].w)
			i++
		}
	}
	return out
}

// knows reports whether a folded word is a word of the language: one of
// its function words or a word of its phrases (for suffixing languages, a
// phrase word the word starts with, as same does).
func (lg *language) knows(w string) bool {
	s := lg.stem(w)
	if lg.stop[s] || lg.vocab[s] {
		return true
	}
	min := lg.minPrefix()
	if min == 0 {
		return false
	}
	for i := range s {
		if i > 0 && utf8.RuneCountInString(s[:i]) >= min && lg.vocab[s[:i]] {
			return true
		}
	}
	return false
}

// minPrefix is the length from which a phrase word matches the start of a
// query word (0: whole words only).
func (lg *language) minPrefix() int {
	switch lg.code {
	case "tr", "uk":
		return 4
	case "ar":
		return 3
	}
	return 0
}

// same compares a query stem with a phrase stem. Turkish, Ukrainian and
// Arabic add suffixes to words (kira → kiramı, робота → роботу): there a
// phrase stem of 4 letters or more (3 in Arabic) also matches the start of
// the query's.
func (lg *language) same(q, k string) bool {
	if q == k {
		return true
	}
	min := lg.minPrefix()
	return min > 0 && utf8.RuneCountInString(k) >= min && strings.HasPrefix(q, k)
}

// stem is the language's light stemmer over folded words.
func (lg *language) stem(w string) string {
	switch lg.code {
	case "en":
		return stemEnglish(w)
	case "es", "pt":
		return stemRomance(w)
	case "uk":
		return stemUkrainian(w)
	case "ar":
		return stemArabic(w)
	case "tr":
		return strings.ReplaceAll(w, "ı", "i")
	}
	return w
}

func stemEnglish(w string) string {
	n := len(w)
	switch {
	case n > 4 && strings.HasSuffix(w, "ies"):
		return w[:n-3] + "y"
	case n > 5 && strings.HasSuffix(w, "ing"):
		return w[:n-3]
	case n > 4 && strings.HasSuffix(w, "ed"):
		return w[:n-2]
	case n > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		return w[:n-1]
	}
	return w
}

func stemRomance(w string) string {
	n := len(w)
	switch {
	case n > 4 && strings.HasSuffix(w, "es"):
		w = w[:n-2]
	case n > 3 && strings.HasSuffix(w, "s"):
		w = w[:n-1]
	}
	if n := len(w); n > 4 && strings.IndexByte("aoe", w[n-1]) >= 0 {
		w = w[:n-1]
	}
	return w
}

// ukrainianEndings are case, number and past-tense endings, longest first.
var ukrainianEndings = []string{"ами", "ями", "ого", "ому", "ими", "ові", "еві", "ів", "ах", "ях", "ою", "ею", "ий", "ии", "ій", "ої", "им", "их", "ом", "ем", "ла", "ли", "ло", "а", "я", "у", "ю", "і", "и", "о", "е", "ь", "в"}

func stemUkrainian(w string) string {
	for range 2 {
		cut := false
		for _, e := range ukrainianEndings {
			if strings.HasSuffix(w, e) && utf8.RuneCountInString(w)-utf8.RuneCountInString(e) >= 3 {
				w = strings.TrimSuffix(w, e)
				cut = true
				break
			}
		}
		if !cut {
			break
		}
	}
	return w
}

var (
	// arabicPrefixes: the article, alone or after a conjunction or a
	// preposition. A one-letter prefix alone is left: it is as often the
	// first letter of the root (وظيفة, بطاقة).
	arabicPrefixes = []string{"وال", "بال", "كال", "فال", "لل", "ال"}
	// arabicSuffixes: attached pronouns (with the tāʼ of a feminine noun
	// before them), plural endings and the feminine ending.
	arabicSuffixes = []string{"تها", "تهم", "تنا", "تي", "تك", "ته", "ها", "هم", "كم", "نا", "ني", "ات", "ون", "ين", "ي", "ك", "ه"}
	arabicFold     = strings.NewReplacer("ى", "ي", "ة", "ه", "ـ", "", "أ", "ا", "إ", "ا", "آ", "ا")
)

func stemArabic(w string) string {
	w = arabicFold.Replace(w)
	for _, p := range arabicPrefixes {
		if strings.HasPrefix(w, p) && utf8.RuneCountInString(w)-utf8.RuneCountInString(p) >= 3 {
			w = strings.TrimPrefix(w, p)
			break
		}
	}
	for _, s := range arabicSuffixes {
		if strings.HasSuffix(w, s) && utf8.RuneCountInString(w)-utf8.RuneCountInString(s) >= 3 {
			w = strings.TrimSuffix(w, s)
			break
		}
	}
	return w
}

// detect runs the emergency detector on the text, and on its French
// reading when it was written in another language.
func (s *Service) detect(text string, r Reading) emergency.Result {
	det := s.opt.Detector.Detect(text)
	if det.Emergency || r.Lang == i18n.French || len(r.Words) == 0 {
		return det
	}
	return s.opt.Detector.Detect(strings.Join(r.Words, " "))
}

// KnownFrench returns the French vocabulary of the current index and
// lexicon (see snapshot.french), or nil before the first build.
func (s *Service) KnownFrench() func(string) bool {
	snap := s.cur.Load()
	if snap == nil {
		return nil
	}
	return snap.french(s.opt.Lexicon)
}

// french returns whether a folded word is French: a function word of the
// lexicon or a word of the index. Its votes guess a query's language.
func (s *snapshot) french(lx *Lexicon) func(string) bool {
	return func(w string) bool { return lx.French(w) || s.known(w) }
}
