package importer

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

var dayNames = [...]string{"", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"}

// dayNumber returns the ISO weekday (1 = lundi) of a French day name, in any
// case; 0 when s is not a day name.
func dayNumber(s string) int {
	s = strings.ToLower(strings.TrimSpace(s))
	for i := 1; i < len(dayNames); i++ {
		if s == dayNames[i] {
			return i
		}
	}
	return 0
}

// days expands a range of weekdays; a range may wrap around the week
// (samedi → mardi). An unknown end means the start day alone.
func days(from, to int) []int {
	if from == 0 {
		return nil
	}
	if to == 0 {
		to = from
	}
	out := []int{from}
	for d := from; d != to; {
		d = d%7 + 1
		out = append(out, d)
	}
	return out
}

// dayRangeLabel names a range of days in French ("mardi", "du lundi au vendredi").
func dayRangeLabel(ds []int) string {
	switch len(ds) {
	case 0:
		return ""
	case 1:
		return dayNames[ds[0]]
	}
	return "du " + dayNames[ds[0]] + " au " + dayNames[ds[len(ds)-1]]
}

// clock normalises a time of day to HH:MM. It accepts HH:MM:SS, H:MM, 9h30,
// a stray leading quote ("'09:00:00", seen in the 2017 files) and the
// truncated "'09:0" of the flattened 2017 CSV (a missing last digit is 0).
func clock(s string) (string, bool) {
	s = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(s), "'’"))
	s = strings.Replace(strings.ToLower(s), "h", ":", 1)
	h, m, found := strings.Cut(s, ":")
	if !found || len(h) == 0 || len(h) > 2 || len(m) > 5 {
		return "", false
	}
	if i := strings.IndexByte(m, ':'); i >= 0 {
		m = m[:i]
	}
	switch len(m) {
	case 0:
		m = "00"
	case 1:
		m += "0"
	case 2:
	default:
		return "", false
	}
	if len(h) == 1 {
		h = "0" + h
	}
	for _, c := range h + m {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	if h > "24" || m > "59" || (h == "24" && m != "00") {
		return "", false
	}
	return h + ":" + m, true
}

// hoursBuilder accumulates an opening plan from a source's day ranges.
type hoursBuilder struct {
	weekly []domain.OpeningSlot
	notes  []string
}

// add records opens–closes on every day of ds. Degenerate slots (closing
// not after opening, such as the "00:00-00:00" placeholders of the 2017
// files) and unreadable times are dropped.
func (b *hoursBuilder) add(ds []int, opens, closes string) {
	o, ok1 := clock(opens)
	c, ok2 := clock(closes)
	if !ok1 || !ok2 || o >= c {
		return
	}
	for _, d := range ds {
		b.weekly = append(b.weekly, domain.OpeningSlot{Day: d, Opens: o, Closes: c})
	}
}

// note records a free-text note; when it names no day, it is prefixed with
// the days it was given for ("mardi : Accueil ouvert…").
func (b *hoursBuilder) note(ds []int, s string) {
	s = htmlToText(s)
	if s == "" {
		return
	}
	if len(ds) > 0 && len(ds) < 7 && !mentionsDay(s) {
		label := dayRangeLabel(ds)
		s = strings.ToUpper(label[:1]) + label[1:] + " : " + s
	}
	if !slices.Contains(b.notes, s) {
		b.notes = append(b.notes, s)
	}
}

func mentionsDay(s string) bool {
	s = strings.ToLower(s)
	for _, d := range dayNames[1:] {
		if strings.Contains(s, d) {
			return true
		}
	}
	return false
}

// hours returns the plan, slots sorted by day and time, duplicates removed.
func (b *hoursBuilder) hours() domain.OpeningHours {
	slices.SortFunc(b.weekly, func(x, y domain.OpeningSlot) int {
		return cmp.Or(cmp.Compare(x.Day, y.Day), cmp.Compare(x.Opens, y.Opens), cmp.Compare(x.Closes, y.Closes))
	})
	h := domain.OpeningHours{Weekly: slices.Compact(b.weekly), Note: truncate(strings.Join(b.notes, " "), 1000)}
	if len(h.Weekly) == 0 {
		h.Weekly = nil
	}
	return h
}

// hoursDash matches a dash between two words or times, with its spaces, and
// French ways of saying "to" ("9h à 12h", "du lundi au vendredi").
var hoursDash = regexp.MustCompile(`\s*[-–—]\s*|\s+(?:à|a|au)\s+`)

// dayAbbrev reads a day name or its first three letters (lun., mer…), in any case.
func dayAbbrev(s string) int {
	s = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".")
	if n := dayNumber(s); n != 0 {
		return n
	}
	if len(s) == 3 {
		for i := 1; i < len(dayNames); i++ {
			if strings.HasPrefix(dayNames[i], s) {
				return i
			}
		}
	}
	return 0
}

// ParseWeeklyHours reads a weekly opening plan written the way référents
// write it in a spreadsheet, strictly: groups separated by ";" or line
// breaks, each made of days then time ranges:
//
//	lundi-vendredi 09:00-12:00 13:30-17:00 ; samedi 09:00-12:00
//	du lundi au jeudi de 9h à 12h et de 14h à 17h30 ; ven. 9h-12h ; dimanche fermé
//
// Days: names or their first three letters, ranges (lundi-vendredi, a range
// may wrap around the week), lists (lundi, mercredi). Times: 09:00, 9:00,
// 9h, 9h30, 24:00. Slots come sorted by day and time. The error, in French,
// quotes the part that could not be read.
func ParseWeeklyHours(s string) ([]domain.OpeningSlot, error) {
	var out []domain.OpeningSlot
	for group := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == ';' || r == '\n' }) {
		group = strings.ToLower(clean(group))
		if group == "" {
			continue
		}
		cut := strings.IndexFunc(group, func(r rune) bool { return r >= '0' && r <= '9' })
		if cut < 0 {
			if strings.Contains(group, "ferm") {
				continue // "dimanche fermé"
			}
			return nil, fmt.Errorf("aucun horaire dans « %s » (attendu par exemple : lundi-vendredi 09:00-12:00)", group)
		}
		dayPart := strings.TrimSpace(strings.TrimRight(group[:cut], " :"))
		timePart := group[cut:]
		if dayPart == "" {
			return nil, fmt.Errorf("indiquez les jours avant les heures dans « %s » (par exemple : lundi-vendredi 09:00-12:00)", group)
		}
		// "de 9h" before the times is part of the day part: drop it.
		dayPart = strings.TrimSpace(strings.TrimSuffix(dayPart, " de"))
		var ds []int
		for item := range strings.FieldsFuncSeq(hoursDash.ReplaceAllString(dayPart, "-"), func(r rune) bool { return r == ',' || r == ' ' }) {
			switch item {
			case "du", "le", "les", "et", "de", "tous", "jours":
				continue
			}
			from, to, isRange := strings.Cut(item, "-")
			a, b := dayAbbrev(from), dayAbbrev(to)
			if a == 0 || (isRange && b == 0) {
				return nil, fmt.Errorf("jour inconnu « %s » dans « %s »", item, group)
			}
			if !isRange {
				b = a
			}
			for _, d := range days(a, b) {
				if !slices.Contains(ds, d) {
					ds = append(ds, d)
				}
			}
		}
		if len(ds) == 0 {
			return nil, fmt.Errorf("indiquez les jours avant les heures dans « %s »", group)
		}
		n := 0
		for rng := range strings.FieldsFuncSeq(hoursDash.ReplaceAllString(timePart, "-"), func(r rune) bool { return r == ' ' || r == ',' || r == '/' }) {
			if rng == "et" || rng == "de" {
				continue
			}
			o, c, ok := strings.Cut(rng, "-")
			opens, ok1 := clock(o)
			closes, ok2 := clock(c)
			if !ok || !ok1 || !ok2 {
				return nil, fmt.Errorf("créneau illisible « %s » dans « %s » (attendu par exemple : 09:00-12:00)", rng, group)
			}
			if opens >= closes {
				return nil, fmt.Errorf("créneau « %s » : l'heure de fermeture doit suivre l'heure d'ouverture", rng)
			}
			for _, d := range ds {
				out = append(out, domain.OpeningSlot{Day: d, Opens: opens, Closes: closes})
			}
			n++
		}
		if n == 0 {
			return nil, fmt.Errorf("aucun horaire dans « %s »", group)
		}
	}
	slices.SortFunc(out, func(x, y domain.OpeningSlot) int {
		return cmp.Or(cmp.Compare(x.Day, y.Day), cmp.Compare(x.Opens, y.Opens), cmp.Compare(x.Closes, y.Closes))
	})
	return out, nil
}
