package importer

import (
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// clean trims s and turns every run of white space (including no-break
// spaces and line breaks) into one space.
func clean(s string) string {
	if s == "" {
		return ""
	}
	simple := true
	prevSpace := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || c == '\t' || c == '\n' || c == '\r' || (c == ' ' && prevSpace) {
			simple = false
			break
		}
		prevSpace = c == ' '
	}
	if simple && !prevSpace {
		return s
	}
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

var (
	htmlBreak = regexp.MustCompile(`(?i)<\s*(?:br|/p|/div|/li|/h[1-6]|/tr|/ul|/ol)\b[^>]*>`)
	htmlItem  = regexp.MustCompile(`(?i)<\s*li\b[^>]*>`)
	htmlTag   = regexp.MustCompile(`<[^>]*>`)
)

// htmlToText renders the HTML fragments of the annuaire (mission,
// information) as plain text: tags removed, entities decoded, one line per
// paragraph or list item.
func htmlToText(s string) string {
	if !strings.Contains(s, "<") && !strings.Contains(s, "&") {
		return clean(s)
	}
	s = htmlBreak.ReplaceAllString(s, "\n")
	s = htmlItem.ReplaceAllString(s, "\n- ")
	s = htmlTag.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	var lines []string
	for line := range strings.SplitSeq(s, "\n") {
		if line = clean(line); line != "" && line != "-" {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "\n")
}

// truncate cuts s to at most n runes, at a word boundary, with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	cut := string(r)
	if i := strings.LastIndexAny(cut, " \n"); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " \n,;:") + "…"
}

var domainLike = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)+(?:[/?#].*)?$`)

// webURL returns s as an http(s) URL, adding http:// to bare host names
// such as "www.caf.fr"; ok is false when s is not a web address.
func webURL(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s, " \t\n") || strings.Contains(s, "@") && !strings.Contains(s, "/") {
		return "", false
	}
	lower := strings.ToLower(s)
	if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
		if !domainLike.MatchString(s) {
			return "", false
		}
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false
	}
	return s, true
}

// email returns s as an e-mail address without a mailto: prefix; ok is
// false when s is not one.
func email(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 7 && strings.EqualFold(s[:7], "mailto:") {
		s = strings.TrimSpace(s[7:])
	}
	at := strings.IndexByte(s, '@')
	if at <= 0 || at != strings.LastIndexByte(s, '@') || at == len(s)-1 || strings.ContainsAny(s, " \t\n/,;<>") ||
		!strings.Contains(s[at:], ".") {
		return "", false
	}
	return s, true
}

// phone returns a cleaned phone number; ok is false when s holds no digit.
func phone(s string) (string, bool) {
	s = clean(s)
	if strings.IndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' }) < 0 {
		return "", false
	}
	return s, true
}

var costWords = regexp.MustCompile(`(?i)co[uû]t|prix|gratuit|payant|tarif|€|appel local|surtax|num[ée]ro (?:vert|violet|azur|indigo|cristal)|service \d`)

// phoneNote splits a phone's free description into a cost note or a label.
func phoneNote(desc string) (label, cost string) {
	desc = clean(desc)
	if desc == "" {
		return "", ""
	}
	if costWords.MatchString(desc) {
		return "", desc
	}
	return desc, ""
}

// channels collects a contact point's channels in a fixed order, without
// duplicates (same kind and value).
type channels struct {
	list []domain.Channel
}

func (c *channels) add(ch domain.Channel) {
	ch.Value = strings.TrimSpace(ch.Value)
	ch.Label = clean(ch.Label)
	ch.CostNote = clean(ch.CostNote)
	ch.AccessibilityNote = clean(ch.AccessibilityNote)
	if ch.Value == "" {
		return
	}
	for i, o := range c.list {
		if o.Kind == ch.Kind && o.Value == ch.Value {
			if o.Label == "" {
				c.list[i].Label = ch.Label
			}
			if o.CostNote == "" {
				c.list[i].CostNote = ch.CostNote
			}
			return
		}
	}
	c.list = append(c.list, ch)
}

func (c *channels) phone(value, label, cost string) {
	if v, ok := phone(value); ok {
		c.add(domain.Channel{Kind: domain.ChannelPhone, Value: v, Label: label, CostNote: cost})
	}
}

// emailOrForm adds an e-mail address, or a contact form when the annuaire
// put a web page in its e-mail field (it does, e.g. "http://www.nord.gouv.fr/Contactez-nous").
func (c *channels) emailOrForm(value string) {
	if v, ok := email(value); ok {
		c.add(domain.Channel{Kind: domain.ChannelEmail, Value: v})
		return
	}
	if strings.Contains(value, "/") {
		if v, ok := webURL(value); ok {
			c.add(domain.Channel{Kind: domain.ChannelContactForm, Value: v})
		}
	}
}

func (c *channels) web(kind domain.ChannelKind, value, label string) {
	if v, ok := webURL(value); ok {
		c.add(domain.Channel{Kind: kind, Value: v, Label: label})
	}
}

// address adds the physical address as a channel, on one line.
func (c *channels) address(a *domain.Address, accessibilityNote string) {
	if a == nil || len(a.Lines) == 0 {
		return
	}
	c.add(domain.Channel{Kind: domain.ChannelAddress, Value: a.OneLine(), AccessibilityNote: accessibilityNote})
}

// coordinate parses a latitude or longitude; ok is false outside [-limit, limit].
func coordinate(s string, limit float64) (*float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, false
	}
	f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || f < -limit || f > limit || f != f {
		return nil, false
	}
	return &f, true
}

// setLocation sets the address coordinates when both are valid and not the
// (0, 0) placeholder.
func setLocation(a *domain.Address, lat, lon string) bool {
	la, ok1 := coordinate(lat, 90)
	lo, ok2 := coordinate(lon, 180)
	if !ok1 || !ok2 || (*la == 0 && *lo == 0) {
		return false
	}
	a.Latitude, a.Longitude = la, lo
	return true
}

// accessibility keeps the annuaire's ACC, DEM and NAC codes.
func accessibility(s string) string {
	switch s = strings.ToUpper(strings.TrimSpace(s)); s {
	case "ACC", "DEM", "NAC":
		return s
	}
	return ""
}

// appendLines appends the cleaned, non-empty lines of parts.
func appendLines(lines []string, parts ...string) []string {
	for _, p := range parts {
		if p = clean(p); p != "" {
			lines = append(lines, p)
		}
	}
	return lines
}

// pivotFromID derives the pivot code from an old-style identifier such as
// "accompagnement_personnes_agees-59350-01".
func pivotFromID(id string) string {
	parts := strings.Split(id, "-")
	if len(parts) >= 3 && domain.ValidINSEE(parts[len(parts)-2]) {
		return strings.Join(parts[:len(parts)-2], "-")
	}
	return ""
}
