package fiches

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Phone numbers are read from the text of an "Où s'adresser" block. Texts
// also hold postal codes, street numbers, CEDEX and TSA numbers, hours,
// prices and years, so a number is only kept when it has the shape of a
// French number to dial AND stands in a phone context:
//
//   - inside a MiseEnEvidence (the DILA highlights the number to call), or
//   - in a paragraph that says so ("téléphone", "tél", "appeler",
//     "composer", "numéro"…), or under a chapter titled that way ("Par
//     téléphone").
//
// Fax ("télécopie") and SMS chapters and paragraphs are left out: their
// numbers are not for a call.
//
// Shapes: 10 digits starting with 0 (01…09, 0 800…, 08 09…), written with
// spaces or dots; +33 and the overseas +262, +590, +594, +596 followed by 9
// digits (written "+33 (0)1 …" too), turned into the national 0… form;
// 4-digit short numbers 3xxx written "3230" or "32 30"; 116xxx European
// helplines; and, only when highlighted, the emergency numbers 15, 17, 18,
// 112, 114, 115, 119, 191, 196.

var (
	phoneCue = regexp.MustCompile(`(?i)t[ée]l[ée]phon|(?:^|[^\pL])t[ée]l(?:[^\pL]|$)|appel|compos(?:er|ez)|num[ée]ro|joindre|standard|serveur vocal|rendez-vous`)
	faxCue   = regexp.MustCompile(`(?i)t[ée]l[ée]copi|(?:^|[^\pL])fax(?:[^\pL]|$)`)
	smsCue   = regexp.MustCompile(`(?i)(?:^|[^\pL])(?:sms|textos?)(?:[^\pL]|$)`)
	// intlZero joins "+33 (0) 1" into "+33 1".
	intlZero = regexp.MustCompile(`\+\s*([0-9]{2,3})\s*\(\s*0\s*\)`)
)

// emergencyNumbers are the short emergency numbers kept when highlighted.
var emergencyNumbers = []string{"15", "17", "18", "112", "114", "115", "119", "191", "196"}

// overseasCodes are the country codes whose numbers have a French national
// form: 0 followed by the 9 digits after the code.
var overseasCodes = []string{"33", "262", "590", "594", "596"}

// context says what the chapter a paragraph stands in is about.
type phoneContext int

const (
	ctxNeutral  phoneContext = iota
	ctxPhone                 // "Par téléphone"
	ctxNotVoice              // "Par télécopie", "Par SMS"
)

func classify(title string) phoneContext {
	switch {
	case faxCue.MatchString(title), smsCue.MatchString(title):
		return ctxNotVoice
	case phoneCue.MatchString(title):
		return ctxPhone
	}
	return ctxNeutral
}

// phonesOf returns the phone numbers of an "Où s'adresser" text, digits
// only, in order, without repeats.
func phonesOf(texte *node) []string {
	s := phoneScan{seen: map[string]bool{}}
	s.walk(texte, ctxNeutral)
	return s.out
}

type phoneScan struct {
	out  []string
	seen map[string]bool
}

func (s *phoneScan) add(n string) {
	if !s.seen[n] {
		s.seen[n] = true
		s.out = append(s.out, n)
	}
}

func (s *phoneScan) walk(n *node, ctx phoneContext) {
	if n.Type != "element" {
		return
	}
	switch n.Name {
	case "Chapitre", "SousChapitre":
		for i := range n.Children {
			if c := &n.Children[i]; c.Name == "Titre" {
				if t := classify(textOf(c)); t != ctxNeutral {
					ctx = t
				}
			}
		}
	case "Titre":
		return
	case "Paragraphe":
		s.paragraph(n, ctx)
		return
	}
	for i := range n.Children {
		s.walk(&n.Children[i], ctx)
	}
}

// paragraph adds the numbers of one paragraph. Each number takes the
// meaning of the nearest cue before it in the paragraph (a call, or a fax
// or SMS), else of its chapter. Work is linear in the paragraph's length.
func (s *phoneScan) paragraph(p *node, ctx phoneContext) {
	text := prepare(textOf(p))
	cues := cuesOf(text)
	var highlighted []string
	collectHighlights(p, &highlighted)
	// Highlights come in order: find each one after the previous.
	at := cueCursor{cues: cues, kind: ctx}
	from := 0
	for _, h := range highlighted {
		h = prepare(h)
		pos := from
		if i := strings.Index(text[from:], h); i >= 0 && h != "" {
			pos = from + i
			from = pos + len(h)
		}
		if at.kindAt(pos) == ctxNotVoice {
			continue
		}
		for _, n := range phoneNumbers(h, true) {
			s.add(n.digits)
		}
	}
	at = cueCursor{cues: cues, kind: ctx}
	for _, n := range phoneNumbers(text, false) {
		if k := at.kindAt(n.pos); k == ctxPhone || (k == ctxNeutral && len(highlighted) > 0) {
			s.add(n.digits)
		}
	}
}

type cue struct {
	pos  int
	kind phoneContext
}

// cueCursor answers what the nearest cue before a position says, for
// positions asked in increasing order.
type cueCursor struct {
	cues []cue
	kind phoneContext
}

func (c *cueCursor) kindAt(pos int) phoneContext {
	for len(c.cues) > 0 && c.cues[0].pos <= pos {
		c.kind = c.cues[0].kind
		c.cues = c.cues[1:]
	}
	return c.kind
}

// cuesOf lists where text speaks of a call, a fax or an SMS, in order.
func cuesOf(text string) []cue {
	var out []cue
	for _, m := range phoneCue.FindAllStringIndex(text, -1) {
		out = append(out, cue{m[0], ctxPhone})
	}
	for _, re := range []*regexp.Regexp{faxCue, smsCue} {
		for _, m := range re.FindAllStringIndex(text, -1) {
			out = append(out, cue{m[0], ctxNotVoice})
		}
	}
	slices.SortStableFunc(out, func(a, b cue) int { return a.pos - b.pos })
	return out
}

func collectHighlights(n *node, out *[]string) {
	for i := range n.Children {
		c := &n.Children[i]
		if c.Type != "element" {
			continue
		}
		if c.Name == "MiseEnEvidence" {
			*out = append(*out, textOf(c))
			continue
		}
		collectHighlights(c, out)
	}
}

// prepare joins "+33 (0) 1" into "+33 1" and collapses white space.
func prepare(text string) string { return clean(intlZero.ReplaceAllString(text, "+$1 ")) }

// found is a number to dial, digits only, and where it starts in the text.
type found struct {
	digits string
	pos    int
}

// phoneNumbers returns the numbers of a prepared text that have the shape
// of a French number to dial. highlighted also accepts the short emergency
// numbers, when written alone.
func phoneNumbers(text string, highlighted bool) []found {
	var out []found
	for i := 0; i < len(text); {
		if !isDigit(rune(text[i])) {
			i++
			continue
		}
		start := i
		groups, end := digitRun(text, i)
		i = end
		if n := classifyRun(text, start, end, groups, highlighted); n != "" {
			out = append(out, found{n, start})
		}
	}
	return out
}

// digitRun reads groups of digits separated by one space or dot from
// text[i:], and returns them with the offset after the last digit.
func digitRun(text string, i int) ([]string, int) {
	var groups []string
	for {
		j := i
		for j < len(text) && isDigit(rune(text[j])) {
			j++
		}
		groups = append(groups, text[i:j])
		if j+1 < len(text) && (text[j] == ' ' || text[j] == '.') && isDigit(rune(text[j+1])) {
			i = j + 1
			continue
		}
		return groups, j
	}
}

func classifyRun(text string, start, end int, groups []string, highlighted bool) string {
	before, _ := utf8.DecodeLastRuneInString(text[:start])
	after, _ := utf8.DecodeRuneInString(text[end:])
	// Glued to a word ("R2", "15h", "1er", "3 000€") or a decimal ("0,09"):
	// not a number to dial.
	if unicode.IsLetter(before) || unicode.IsLetter(after) || before == ',' || after == ',' || after == '€' || after == '%' {
		return ""
	}
	if r := strings.TrimLeft(text[end:], " "); strings.HasPrefix(r, "€") || strings.HasPrefix(r, "%") ||
		len(r) >= 4 && strings.EqualFold(r[:4], "euro") {
		return ""
	}
	digits := strings.Join(groups, "")
	plus := strings.HasSuffix(strings.TrimRight(text[:start], " "), "+")
	switch {
	case plus:
		for _, cc := range overseasCodes {
			if strings.HasPrefix(digits, cc) && len(digits) == len(cc)+9 && digits[len(cc)] != '0' {
				return "0" + digits[len(cc):]
			}
		}
		return ""
	case len(digits) == 10 && digits[0] == '0' && digits[1] != '0':
		return digits
	case len(digits) == 4 && digits[0] == '3' && (shape(groups, 4) || shape(groups, 2, 2)):
		return digits
	case len(digits) == 6 && strings.HasPrefix(digits, "116") && (shape(groups, 6) || shape(groups, 3, 3)):
		return digits
	case highlighted && len(groups) == 1 && slices.Contains(emergencyNumbers, digits):
		return digits
	}
	return ""
}

// shape reports whether the groups have exactly these lengths.
func shape(groups []string, lengths ...int) bool {
	if len(groups) != len(lengths) {
		return false
	}
	for i, g := range groups {
		if len(g) != lengths[i] {
			return false
		}
	}
	return true
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }
