package commons

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// ParseHours reads the compact weekly plan of helplines.csv:
//
//	24/7                                   every day, all day
//	1-5 08:30-18:00                        Monday to Friday
//	1,4 08:30-18:15; 2-3 08:30-13:00       groups separated by ';'
//	1-5 09:00-12:00 14:00-17:30            several ranges a day
//	1-7 08:00-02:00                        past midnight: 08:00-24:00, then 00:00-02:00 the next day
//
// Days are ISO weekdays, 1 = lundi … 7 = dimanche, as single days, ranges
// and comma lists (1-3,5). An empty spec is an unknown plan (nil, no error).
// Slots come back sorted by day and opening time.
func ParseHours(spec string) ([]domain.OpeningSlot, error) {
	spec = strings.TrimSpace(spec)
	switch spec {
	case "":
		return nil, nil
	case "24/7":
		return domain.AlwaysOpen(), nil
	}
	var slots []domain.OpeningSlot
	for group := range strings.SplitSeq(spec, ";") {
		fields := strings.Fields(group)
		if len(fields) < 2 {
			return nil, fmt.Errorf("hours %q: each group needs days and at least one range, e.g. 1-5 09:00-17:00", strings.TrimSpace(group))
		}
		days, err := parseDays(fields[0])
		if err != nil {
			return nil, fmt.Errorf("hours %q: %w", spec, err)
		}
		for _, rng := range fields[1:] {
			opens, closes, ok := strings.Cut(rng, "-")
			if !ok || !validClock(opens) || !validClock(closes) || opens == "24:00" {
				return nil, fmt.Errorf("hours %q: range %q is not HH:MM-HH:MM", spec, rng)
			}
			for _, d := range days {
				switch {
				case opens < closes:
					slots = append(slots, domain.OpeningSlot{Day: d, Opens: opens, Closes: closes})
				case opens == closes:
					return nil, fmt.Errorf("hours %q: empty range %q", spec, rng)
				default: // past midnight
					slots = append(slots, domain.OpeningSlot{Day: d, Opens: opens, Closes: "24:00"})
					if closes != "00:00" {
						slots = append(slots, domain.OpeningSlot{Day: d%7 + 1, Opens: "00:00", Closes: closes})
					}
				}
			}
		}
	}
	slices.SortFunc(slots, func(a, b domain.OpeningSlot) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Opens, b.Opens), cmp.Compare(a.Closes, b.Closes))
	})
	return slices.Compact(slots), nil
}

// parseDays reads 1-5, 6, 1,4 or 1-3,5.
func parseDays(s string) ([]int, error) {
	var days []int
	for part := range strings.SplitSeq(s, ",") {
		from, to, isRange := strings.Cut(part, "-")
		a, err1 := strconv.Atoi(from)
		b := a
		var err2 error
		if isRange {
			b, err2 = strconv.Atoi(to)
		}
		if err1 != nil || err2 != nil || a < 1 || a > 7 || b < a || b > 7 {
			return nil, fmt.Errorf("days %q: expected weekdays 1 (lundi) to 7 (dimanche), as 1-5, 6 or 1,4", s)
		}
		for d := a; d <= b; d++ {
			if !slices.Contains(days, d) {
				days = append(days, d)
			}
		}
	}
	return days, nil
}

// validClock reports whether s is HH:MM between 00:00 and 24:00.
func validClock(s string) bool {
	if len(s) != 5 || s[2] != ':' {
		return false
	}
	h, err1 := strconv.Atoi(s[:2])
	m, err2 := strconv.Atoi(s[3:])
	return err1 == nil && err2 == nil && s[0] != '+' && s[3] != '+' && h >= 0 && m >= 0 && m <= 59 && (h < 24 || (h == 24 && m == 0))
}
