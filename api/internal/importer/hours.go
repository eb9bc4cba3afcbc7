package importer

import (
	"cmp"
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
