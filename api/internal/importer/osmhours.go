package importer

import (
	"cmp"
	"regexp"
	"slices"
	"strings"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// OSMHours is an OpenStreetMap opening_hours value read into the weekly
// plan: what the plan can hold, the rest kept as text.
type OSMHours struct {
	// Weekly are the slots read, sorted by day and time, overlapping slots
	// of a day merged.
	Weekly []domain.OpeningSlot
	// Notes are the comments of the value ("sur rendez-vous") and the
	// public holiday closures, in French.
	Notes []string
	// Unread are the rules that could not be read into the plan, as written
	// (months, weeks, dates, "||" fallbacks…): the caller keeps them as text.
	Unread []string
}

var osmDays = map[string]int{"mo": 1, "tu": 2, "we": 3, "th": 4, "fr": 5, "sa": 6, "su": 7}

var (
	osmTimeRange = regexp.MustCompile(`^([0-9]{1,2}[:h][0-9]{2})\s*-\s*([0-9]{1,2}[:h][0-9]{2})$`)
	osmComment   = regexp.MustCompile(`"([^"]*)"`)
)

// ParseOSMHours reads the common subset of the OpenStreetMap opening_hours
// syntax that data·inclusion asks producers to use:
//
//	Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off
//	Mo,We 08:30-12:00 "sur rendez-vous"; Tu off; 24/7
//
// Rules are separated by ";" (a later rule replaces the days it names) or by
// ", " before a day (an additional rule). Days: Mo…Su, ranges (Sa-Mo wraps
// around the week), lists; no day means every day. "off" and "closed" close
// the days named; "PH off" becomes a note. A rule written the French way
// (lundi-vendredi 9h-12h) is read as ParseWeeklyHours reads it. Any other
// rule (months, week numbers, dates, school holidays, "||" fallbacks, times
// past midnight) is returned in Unread, as written.
func ParseOSMHours(s string) OSMHours {
	var out OSMHours
	plan := map[int][]domain.OpeningSlot{}
	for _, rule := range osmRules(s) {
		if strings.Contains(rule, "||") {
			out.Unread = append(out.Unread, rule)
			continue
		}
		ok := true
		var notes []string
		next := map[int][]domain.OpeningSlot{}
		replaced := map[int]bool{}
		for i, sub := range osmSubRules(rule) {
			r, good := parseOSMRule(sub)
			if !good {
				ok = false
				break
			}
			notes = append(notes, r.notes...)
			for _, d := range r.days {
				if !replaced[d] {
					// A rule replaces the days it names; an additional rule
					// (after a comma) adds to what they had.
					replaced[d] = true
					if i > 0 {
						next[d] = slices.Clone(plan[d])
					}
				}
				next[d] = append(next[d], r.slots(d)...)
			}
		}
		if !ok {
			// The French way of the référents' spreadsheets, as a fallback.
			slots, err := ParseWeeklyHours(rule)
			if err != nil || len(slots) == 0 {
				out.Unread = append(out.Unread, rule)
				continue
			}
			notes, next, replaced = nil, map[int][]domain.OpeningSlot{}, map[int]bool{}
			for _, sl := range slots {
				replaced[sl.Day] = true
				next[sl.Day] = append(next[sl.Day], sl)
			}
		}
		for d := range replaced {
			plan[d] = next[d]
		}
		for _, n := range notes {
			if !slices.Contains(out.Notes, n) {
				out.Notes = append(out.Notes, n)
			}
		}
	}
	for d := 1; d <= 7; d++ {
		out.Weekly = append(out.Weekly, mergeSlots(plan[d])...)
	}
	return out
}

// osmRules splits a value into its ";" rules, trimmed, without empty ones.
func osmRules(s string) []string {
	var out []string
	for r := range strings.SplitSeq(s, ";") {
		if r = clean(r); r != "" {
			out = append(out, r)
		}
	}
	return out
}

// osmSubRules splits a rule on the commas that start an additional rule
// ("Mo-Fr 09:00-12:00, Sa 10:00-12:00"), not those of a list of days
// ("Mo,We") or of times ("09:00-12:00,14:00-17:00"), nor inside a comment.
func osmSubRules(rule string) []string {
	var parts []string
	quoted := false
	start := 0
	for i := 0; i < len(rule); i++ {
		switch rule[i] {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				parts = append(parts, rule[start:i])
				start = i + 1
			}
		}
	}
	parts = append(parts, rule[start:])
	var out []string
	for _, p := range parts {
		p = strings.TrimSpace(p)
		startsRule := p != "" && (p[0] < '0' || p[0] > '9')
		if len(out) > 0 && (!startsRule || !osmHasTimesOrState(out[len(out)-1])) {
			out[len(out)-1] += "," + p
			continue
		}
		out = append(out, p)
	}
	return out
}

// osmHasTimesOrState reports whether a rule already holds its times (or
// off, closed, a comment): a comma after it starts another rule.
func osmHasTimesOrState(s string) bool {
	s = strings.ToLower(s)
	return strings.ContainsAny(s, "0123456789\"") || strings.HasSuffix(s, "off") || strings.HasSuffix(s, "closed")
}

// osmRule is one rule read: the days it names and their times (none: closed).
type osmRule struct {
	days  []int
	times [][2]string
	notes []string
}

func (r osmRule) slots(day int) []domain.OpeningSlot {
	out := make([]domain.OpeningSlot, 0, len(r.times))
	for _, t := range r.times {
		out = append(out, domain.OpeningSlot{Day: day, Opens: t[0], Closes: t[1]})
	}
	return out
}

// parseOSMRule reads "Mo-Fr,Su 09:00-12:00,14:00-17:00 "comment"", "Sa off",
// "PH off", "24/7", "09:00-17:00".
func parseOSMRule(s string) (osmRule, bool) {
	var r osmRule
	var comments []string
	for _, m := range osmComment.FindAllStringSubmatch(s, -1) {
		if c := clean(m[1]); c != "" {
			comments = append(comments, c)
		}
	}
	s = strings.TrimSpace(osmComment.ReplaceAllString(s, " "))
	if strings.Contains(s, `"`) {
		return r, false
	}
	fields := strings.Fields(s)
	// The day selector: the first field when it starts with a letter.
	var selector string
	if len(fields) > 0 && fields[0] != "" && (fields[0][0] < '0' || fields[0][0] > '9') && !isOSMState(fields[0]) {
		selector, fields = fields[0], fields[1:]
	}
	holidays := false
	if selector != "" {
		for item := range strings.SplitSeq(selector, ",") {
			if strings.EqualFold(item, "PH") {
				holidays = true
				continue
			}
			from, to, isRange := strings.Cut(strings.ToLower(item), "-")
			a, b := osmDays[from], osmDays[to]
			if a == 0 || (isRange && b == 0) {
				return r, false
			}
			if !isRange {
				b = a
			}
			for _, d := range days(a, b) {
				if !slices.Contains(r.days, d) {
					r.days = append(r.days, d)
				}
			}
		}
		if holidays && len(r.days) > 0 {
			return r, false // "Mo-Fr,PH 09:00-12:00": the holidays part has no place in the plan
		}
	} else {
		r.days = days(1, 7)
	}
	rest := strings.Join(fields, " ")
	state := ""
	if f := strings.Fields(rest); len(f) > 0 && isOSMState(f[len(f)-1]) {
		state = strings.ToLower(f[len(f)-1])
		rest = strings.TrimSpace(strings.Join(f[:len(f)-1], " "))
	}
	if holidays {
		// Only "PH off" (closed on public holidays) is read, as a note.
		if rest != "" || (state != "off" && state != "closed") {
			return r, false
		}
		r.days = nil
		r.notes = append(r.notes, "Fermé les jours fériés.")
		for _, c := range comments {
			r.notes = append(r.notes, "Jours fériés : "+c)
		}
		return r, true
	}
	switch {
	case state == "off" || state == "closed":
		if rest != "" {
			return r, false
		}
	case rest == "":
		if state != "" || len(comments) == 0 {
			return r, false // "Mo-Fr", "Mo-Fr open": no times
		}
		// Days with a comment only (Sa "sur rendez-vous") keep their slots:
		// the rule replaces nothing.
		r.notes = commentNotes(r.days, comments)
		r.days = nil
		return r, true
	case rest == "24/7":
		r.times = [][2]string{{"00:00", "24:00"}}
	default:
		for rng := range strings.SplitSeq(rest, ",") {
			m := osmTimeRange.FindStringSubmatch(strings.TrimSpace(rng))
			if m == nil {
				return r, false
			}
			o, ok1 := clock(m[1])
			c, ok2 := clock(m[2])
			if !ok1 || !ok2 || o >= c {
				return r, false // unreadable, or past midnight (22:00-02:00)
			}
			r.times = append(r.times, [2]string{o, c})
		}
	}
	r.notes = commentNotes(r.days, comments)
	return r, true
}

func isOSMState(s string) bool {
	switch strings.ToLower(s) {
	case "off", "closed", "open":
		return true
	}
	return false
}

// commentNotes prefixes comments with the days they are about.
func commentNotes(ds []int, comments []string) []string {
	var out []string
	for _, c := range comments {
		if len(ds) > 0 && len(ds) < 7 {
			label := osmDaysLabel(ds)
			c = strings.ToUpper(label[:1]) + label[1:] + " : " + c
		}
		out = append(out, c)
	}
	return out
}

// osmDaysLabel names days in French: "lundi", "du lundi au vendredi", "lundi, mercredi".
func osmDaysLabel(ds []int) string {
	contiguous := true
	for i := 1; i < len(ds); i++ {
		if ds[i] != ds[i-1]%7+1 {
			contiguous = false
		}
	}
	if contiguous {
		return dayRangeLabel(ds)
	}
	names := make([]string, len(ds))
	for i, d := range ds {
		names[i] = dayNames[d]
	}
	return strings.Join(names, ", ")
}

// mergeSlots sorts one day's slots and merges those that overlap or touch.
func mergeSlots(slots []domain.OpeningSlot) []domain.OpeningSlot {
	if len(slots) == 0 {
		return nil
	}
	slices.SortFunc(slots, func(x, y domain.OpeningSlot) int {
		return cmp.Or(cmp.Compare(x.Opens, y.Opens), cmp.Compare(x.Closes, y.Closes))
	})
	out := []domain.OpeningSlot{slots[0]}
	for _, s := range slots[1:] {
		last := &out[len(out)-1]
		if s.Opens <= last.Closes {
			last.Closes = max(last.Closes, s.Closes)
			continue
		}
		out = append(out, s)
	}
	return out
}
