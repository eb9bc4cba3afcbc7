package privacy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	maxNameWords   = 3 // words of a person's name, particles aside
	maxStreetWords = 4 // words of a street name, articles aside
)

// span is a word of the text: s[start:end].
type span struct{ start, end int }

// replacement puts with in place of s[start:end].
type replacement struct {
	start, end int
	with       string
}

// text is a cleaned text cut into words.
type text struct {
	s    string
	ws   []span
	keys []string // folded form of each word: lower case, no accents, ' for every apostrophe
}

// scrubWords replaces names after the words that introduce them, and street
// names after street types.
func scrubWords(s string) string {
	var wsBuf [64]span
	t := text{s: s, ws: splitWords(s, wsBuf[:0])}
	if len(t.ws) == 0 {
		return s
	}
	var keysBuf [64]string
	t.keys = foldWords(s, t.ws, keysBuf[:0])
	var reps []replacement
	for i := range t.ws {
		if r, ok := t.match(i); ok {
			reps = append(reps, r)
		}
	}
	if len(reps) == 0 {
		return s
	}
	return t.apply(reps)
}

// splitWords appends the words of s to ws. A word is a run of letters,
// digits and marks, with the apostrophes and hyphens that stand inside it.
func splitWords(s string, ws []span) []span {
	start, in := 0, false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if isWordRune(r) {
			if !in {
				start, in = i, true
			}
			i += size
			continue
		}
		if in && isConnector(r) && i+size < len(s) {
			if next, _ := utf8.DecodeRuneInString(s[i+size:]); isWordRune(next) {
				i += size
				continue
			}
		}
		if in {
			ws = append(ws, span{start, i})
			in = false
		}
		i += size
	}
	if in {
		ws = append(ws, span{start, len(s)})
	}
	return ws
}

// foldWords returns the folded form of every word, all sharing one string.
func foldWords(s string, ws []span, keys []string) []string {
	buf := make([]byte, 0, len(s))
	ends := make([]int, len(ws))
	for i, w := range ws {
		buf = appendKey(buf, s[w.start:w.end])
		ends[i] = len(buf)
	}
	all := string(buf)
	prev := 0
	for _, end := range ends {
		keys = append(keys, all[prev:end])
		prev = end
	}
	return keys
}

// appendKey appends the folded form of w: lower case, French accents
// removed, combining marks dropped, every apostrophe written '.
func appendKey(dst []byte, w string) []byte {
	for _, r := range w {
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			dst = append(dst, byte(r))
			continue
		}
		r = unicode.ToLower(r)
		switch r {
		case 'à', 'â', 'ä', 'á', 'ã', 'å':
			r = 'a'
		case 'é', 'è', 'ê', 'ë':
			r = 'e'
		case 'î', 'ï', 'í', 'ì':
			r = 'i'
		case 'ô', 'ö', 'ó', 'ò', 'õ':
			r = 'o'
		case 'ù', 'û', 'ü', 'ú':
			r = 'u'
		case 'ç':
			r = 'c'
		case 'ÿ':
			r = 'y'
		case '’', 'ʼ':
			r = '\''
		case '‐', '‑':
			r = '-'
		default:
			if unicode.IsMark(r) {
				continue
			}
		}
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}

func (t *text) key(i int) string {
	if i < 0 || i >= len(t.ws) {
		return ""
	}
	return t.keys[i]
}

// gap returns what stands between word i-1 and word i ("" past the end).
func (t *text) gap(i int) string {
	switch {
	case i <= 0:
		if len(t.ws) == 0 {
			return ""
		}
		return t.s[:t.ws[0].start]
	case i >= len(t.ws):
		return ""
	}
	return t.s[t.ws[i-1].end:t.ws[i].start]
}

// gapAfter returns what follows word i up to the next word or the end.
func (t *text) gapAfter(i int) string {
	if i+1 < len(t.ws) {
		return t.gap(i + 1)
	}
	return t.s[t.ws[i].end:]
}

func (t *text) word(i int) string { return t.s[t.ws[i].start:t.ws[i].end] }

// gapKind says what may stand between the words that introduce a name and
// the name.
type gapKind int

const (
	colonGap        gapKind = iota // "nom : Dupont", "nom:Dupont"
	spaceOrColonGap                // "je m'appelle Léa", "je m'appelle : Léa"
	titleGap                       // "M. Dupont", "Mme Roux"
	signatureGap                   // "signé, Léa", "Cordialement, Léa"
)

func isColon(g string) bool { return g == ":" || g == " :" || g == ": " || g == " : " }

func (k gapKind) allows(g string) bool {
	switch k {
	case colonGap:
		return isColon(g)
	case spaceOrColonGap:
		return g == " " || isColon(g)
	case titleGap:
		return g == " " || g == "." || g == ". "
	case signatureGap:
		return g == " " || isColon(g) || g == "," || g == ", "
	}
	return false
}

// match returns the replacement that word i triggers, if any.
func (t *text) match(i int) (replacement, bool) {
	k := t.keys[i]
	switch k {
	case "je":
		if t.gap(i+1) != " " {
			return replacement{}, false
		}
		switch next := t.key(i + 1); {
		case isAppelle(next, true):
			return t.name(i+2, spaceOrColonGap, false)
		case next == "m" && t.gap(i+2) == " " && isAppelle(t.key(i+2), false):
			return t.name(i+3, spaceOrColonGap, false)
		case next == "suis" && t.gap(i+2) == " " && isTitle(t.key(i+2)):
			if t.key(i+2) == "m" && !strings.HasPrefix(t.gap(i+3), ".") {
				return replacement{}, false
			}
			return t.name(i+3, titleGap, false)
		}
	case "jm'appelle", "jmappelle", "jm'apelle", "jmapelle", "j'm'appelle", "j'mappelle", "jm'appel", "jmappel":
		return t.name(i+1, spaceOrColonGap, false)
	case "mon":
		// mon nom est, mon nom c'est, mon prénom est, mon nom de famille est
		j := i + 1
		if t.gap(j) != " " || t.key(j) != "nom" && t.key(j) != "prenom" {
			return replacement{}, false
		}
		j++
		if t.key(j) == "de" && t.key(j+1) == "famille" && t.gap(j) == " " && t.gap(j+1) == " " {
			j += 2
		}
		switch {
		case t.gap(j) != " ":
		case t.key(j) == "est" || t.key(j) == "c'est" || t.key(j) == "cest":
			return t.name(j+1, spaceOrColonGap, false)
		case t.key(j) == "c" && t.gap(j+1) == " " && t.key(j+1) == "est":
			return t.name(j+2, spaceOrColonGap, false)
		}
	case "nom", "noms", "prenom", "prenoms":
		if isColon(t.gapAfter(i)) {
			return t.name(i+1, colonGap, false)
		}
	case "famille":
		if t.key(i-1) == "de" && t.key(i-2) == "nom" && isColon(t.gapAfter(i)) {
			return t.name(i+1, colonGap, false) // nom de famille : Martin
		}
		return t.name(i+1, titleGap, true) // la famille Martin
	case "signe", "signee":
		// Only with its accent: "je signe le bail" is no signature.
		if hasNonASCII(t.word(i)) {
			return t.name(i+1, signatureGap, false)
		}
	case "madame", "monsieur", "mme", "mr", "mlle", "mademoiselle", "docteur", "dr", "m":
		if k == "m" && !strings.HasPrefix(t.gapAfter(i), ".") {
			return replacement{}, false
		}
		return t.name(i+1, titleGap, true)
	case "cordialement":
		return t.name(i+1, signatureGap, true)
	default:
		if strong, ok := streetType(t.word(i)); ok {
			return t.street(i, strong)
		}
	}
	return replacement{}, false
}

// isAppelle reports whether k is "appelle" as residents write it, with the
// "m'" when elided is true.
func isAppelle(k string, elided bool) bool {
	if elided {
		if rest, ok := strings.CutPrefix(k, "m'"); ok {
			k = rest
		} else if rest, ok := strings.CutPrefix(k, "m"); ok {
			k = rest
		} else {
			return false
		}
	}
	switch k {
	case "appelle", "apelle", "appel", "apel", "appele":
		return true
	}
	return false
}

func isTitle(k string) bool {
	switch k {
	case "madame", "monsieur", "mme", "mr", "m", "mlle", "mademoiselle":
		return true
	}
	return false
}

func hasNonASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// name returns the replacement of the person's name that starts at word
// first, if gap allows what stands before it: one to maxNameWords words,
// with particles between capitalised words (Marie de La Tour). When the
// first word is capitalised the name stops at the first word that is not;
// capitalised demands that the first word be.
func (t *text) name(first int, gap gapKind, capitalised bool) (replacement, bool) {
	if first >= len(t.ws) || !gap.allows(t.gap(first)) || !t.isNameWord(first, false) {
		return replacement{}, false
	}
	capMode := t.capitalised(first)
	if capitalised && !capMode {
		return replacement{}, false
	}
	last, count := first, 1
	for j := first + 1; j < len(t.ws) && count < maxNameWords && t.gap(j) == " "; {
		if capMode && isNameParticle(t.keys[j]) {
			// One or two particles, then a capitalised word: de La Tour.
			p := j + 1
			if isNameParticle(t.key(p)) && t.gap(p) == " " && t.capitalised(p) {
				p++
			}
			if p < len(t.ws) && t.gap(p) == " " && t.isNameWord(p, false) && t.capitalised(p) &&
				(!t.upperCase(p) || t.upperCase(first)) {
				last, count, j = p, count+1, p+1
				continue
			}
		}
		if !t.isNameWord(j, false) || capMode && !t.capitalised(j) {
			break
		}
		last, count, j = j, count+1, j+1
	}
	return replacement{t.ws[first].start, t.ws[last].end, Name}, true
}

// street returns the replacement of the street name after the street type
// at word k. Without a number before it, the name must be capitalised, or,
// after a strong type, start with an article (rue des lilas); and no type
// counts after a determiner ("à la rue", "une place").
func (t *text) street(k int, strong bool) (replacement, bool) {
	numbered := t.numberBefore(t.ws[k].start)
	if !numbered && k > 0 && t.gap(k) == " " && isDeterminer(t.keys[k-1]) {
		return replacement{}, false
	}
	first := k + 1
	if g := t.gap(first); g != " " && !((t.keys[k] == "av" || t.keys[k] == "bd") && (g == "." || g == ". ")) {
		return replacement{}, false
	}
	j := first
	for n := 0; n < 2 && j < len(t.ws) && isStreetArticle(t.keys[j]) && (j == first || t.gap(j) == " "); n++ {
		j++
	}
	if j >= len(t.ws) || j > first && t.gap(j) != " " || !t.isNameWord(j, true) {
		return replacement{}, false
	}
	capMode := t.capitalised(j)
	if !numbered && !capMode && (!strong || j == first) {
		return replacement{}, false // "place de parking", "rue barrée"
	}
	last, count := j, 1
	for j++; j < len(t.ws) && count < maxStreetWords && t.gap(j) == " "; {
		if isStreetArticle(t.keys[j]) && t.gap(j+1) == " " && t.isNameWord(j+1, true) && (!capMode || t.capitalised(j+1)) {
			last, count, j = j+1, count+1, j+2
			continue
		}
		if !t.isNameWord(j, true) || capMode && !t.capitalised(j) {
			break
		}
		last, count, j = j, count+1, j+1
	}
	return replacement{t.ws[first].start, t.ws[last].end, Address}, true
}

// numberBefore reports whether a street number ends just before index i:
// "[nombre] ", "[nombre], ", "[nombre] bis ", "[nombre]b, ". The placeholder
// is recognised in any case, so that a text and its lower-case copy are
// scrubbed alike ("[NOMBRE] rue X" is an address once lower-cased).
func (t *text) numberBefore(i int) bool {
	p := strings.TrimSuffix(t.s[:i], " ")
	p = strings.TrimSuffix(p, ",")
	if len(p) == i {
		return false // "[nombre]rue": no separator
	}
	if w := trailingLetters(p); w != "" {
		rest := p[:len(p)-len(w)]
		switch {
		case endsWithNumber(rest) && isStreetSuffix(w, true):
			p = rest
		case strings.HasSuffix(rest, " ") && endsWithNumber(rest[:len(rest)-1]) && isStreetSuffix(w, false):
			p = rest[:len(rest)-1]
		}
	}
	return endsWithNumber(p)
}

// endsWithNumber reports whether s ends with the Number placeholder, in any
// case.
func endsWithNumber(s string) bool {
	return len(s) >= len(Number) && strings.EqualFold(s[len(s)-len(Number):], Number)
}

// trailingLetters returns the letters (and marks) s ends with.
func trailingLetters(s string) string {
	i := len(s)
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if !isWordRune(r) || isDigit(r) {
			break
		}
		i -= size
	}
	return s[i:]
}

// isNameWord reports whether word i may be part of a name: letters only,
// not a French function word, and not elided ("j'habite", "l'aide"), unless
// in a street name ("l'Église", "d'Alsace") or before a capital (N'Diaye).
func (t *text) isNameWord(i int, street bool) bool {
	w, k := t.word(i), t.keys[i]
	letter := false
	for _, r := range w {
		switch {
		case isDigit(r):
			return false
		case unicode.IsLetter(r):
			letter = true
		}
	}
	if !letter || isStopWord(k) {
		return false
	}
	if elision, rest, ok := strings.Cut(k, "'"); ok && isElision(elision) {
		if rest == "" || isStopWord(rest) {
			return false
		}
		if !street && !startsUpper(afterApostrophe(w)) {
			return false
		}
	}
	return true
}

// capitalised reports whether word i starts with a capital, after an
// elision if any (l'Église).
func (t *text) capitalised(i int) bool {
	w := t.word(i)
	if elision, _, ok := strings.Cut(t.keys[i], "'"); ok && isElision(elision) {
		w = afterApostrophe(w)
	}
	return startsUpper(w)
}

// afterApostrophe returns what follows the first apostrophe of w.
func afterApostrophe(w string) string {
	j := strings.IndexAny(w, "'’ʼ")
	if j < 0 {
		return w
	}
	_, size := utf8.DecodeRuneInString(w[j:])
	return w[j+size:]
}

// upperCase reports whether word i has no lower-case letter (CAF, CCAS).
func (t *text) upperCase(i int) bool {
	for _, r := range t.word(i) {
		if unicode.IsLower(r) {
			return false
		}
	}
	return true
}

func startsUpper(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r) || unicode.IsTitle(r)
}

// apply writes the text with the replacements, overlapping ones merged.
func (t *text) apply(reps []replacement) string {
	for i := 1; i < len(reps); i++ { // insertion sort: few, nearly sorted
		for j := i; j > 0 && reps[j].start < reps[j-1].start; j-- {
			reps[j], reps[j-1] = reps[j-1], reps[j]
		}
	}
	var b strings.Builder
	b.Grow(len(t.s) + 16*len(reps))
	done := 0
	for i := 0; i < len(reps); {
		r := reps[i]
		i++
		for i < len(reps) && reps[i].start < r.end {
			r.end = max(r.end, reps[i].end)
			i++
		}
		if r.start < done {
			r.start = done
		}
		b.WriteString(t.s[done:r.start])
		b.WriteString(r.with)
		done = r.end
	}
	b.WriteString(t.s[done:])
	return b.String()
}

func isElision(k string) bool {
	switch k {
	case "j", "l", "d", "m", "t", "s", "n", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu":
		return true
	}
	return false
}

func isNameParticle(k string) bool {
	switch k {
	case "de", "du", "des", "le", "la", "van", "von", "der", "den", "di", "da", "del", "dos", "el", "ben":
		return true
	}
	return false
}

func isStreetArticle(k string) bool {
	switch k {
	case "de", "du", "des", "la", "le", "les":
		return true
	}
	return false
}

// isDeterminer lists the words after which a street type is a common noun:
// "à la rue", "une place en crèche", "sur le chemin".
func isDeterminer(k string) bool {
	switch k {
	case "la", "le", "les", "l", "un", "une", "ma", "ta", "sa", "mon", "ton", "son", "mes", "tes", "ses",
		"notre", "votre", "nos", "vos", "leur", "leurs", "cette", "ce", "cet", "ces", "en", "sur", "des",
		"du", "de", "au", "aux", "par", "chaque", "quelle", "quel", "quelque", "quelques", "meme", "autre":
		return true
	}
	return false
}

// isStopWord lists French function words and the common words that end a
// name: articles, pronouns, prepositions, conjunctions, auxiliaries, and
// verbs and labels that follow a name ("je m'appelle Léa et j'habite…").
func isStopWord(k string) bool {
	switch k {
	// articles and determiners
	case "le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "au", "aux",
		"ce", "cet", "cette", "ces", "mon", "ma", "mes", "ton", "ta", "tes", "son", "sa", "ses",
		"notre", "nos", "votre", "vos", "leur", "leurs", "quel", "quelle", "quels", "quelles":
		return true
	// pronouns
	case "je", "j", "tu", "il", "elle", "on", "nous", "vous", "ils", "elles", "me", "m", "te", "t",
		"se", "s", "moi", "toi", "lui", "eux", "y", "en", "ca", "cela", "ceci", "c", "qui", "que",
		"qu", "quoi", "dont", "ou":
		return true
	// prepositions and conjunctions
	case "a", "dans", "par", "pour", "sur", "sous", "avec", "sans", "chez", "vers", "entre",
		"contre", "depuis", "pendant", "avant", "apres", "jusqu", "jusque", "selon", "et", "mais",
		"donc", "or", "ni", "car", "si", "comme", "quand", "lorsque", "puisque", "parce":
		return true
	// auxiliaries and verbs that follow a name
	case "est", "es", "suis", "sommes", "etes", "sont", "ai", "as", "avons", "avez", "ont",
		"etait", "ete", "etre", "avoir", "fait", "vais", "va", "vas", "allons", "allez", "vont",
		"habite", "habites", "habitons", "vis", "vit", "vivons", "voudrais", "voudrait", "veux",
		"veut", "voulais", "souhaite", "souhaiterais", "aimerais", "cherche", "recherche", "peux",
		"peut", "dois", "doit", "besoin", "demande", "appelle", "travaille", "ne", "nee":
		return true
	// words said of a name ("mon nom est mal orthographié")
	case "mal", "mauvais", "faux", "fausse", "errone", "erronee", "incorrect", "incomplet",
		"different", "change", "modifie", "ecrit", "orthographie", "inscrit", "efface", "manquant",
		"introuvable", "illisible", "inverse":
		return true
	// adverbs, greetings and words of politeness
	case "n", "pas", "plus", "tres", "trop", "bien", "aussi", "encore", "deja", "toujours",
		"jamais", "tout", "tous", "toute", "toutes", "rien", "oui", "non", "merci", "bonjour",
		"bonsoir", "salut", "svp", "stp", "cordialement", "urgent", "aide", "age", "agee", "ans":
		return true
	// labels of a form
	case "nom", "prenom", "adresse", "tel", "telephone", "mail", "email", "courriel",
		"portable", "numero", "date", "naissance":
		return true
	}
	return false
}
