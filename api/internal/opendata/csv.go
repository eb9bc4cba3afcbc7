package opendata

import (
	"cmp"
	"context"
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/importer"
)

// writeCSV writes the contact points with the columns of the import
// template, as the template is written (UTF-8 with a byte order mark, ";"
// separators, CRLF), so that the file can be edited in a spreadsheet and
// imported again: importing it unchanged updates nothing.
func writeCSV(ctx context.Context, w io.Writer, pages Pages) error {
	if _, err := w.Write([]byte{0xEF, 0xBB, 0xBF}); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma, cw.UseCRLF = ';', true
	header := make([]string, len(importer.PartnerColumns))
	for i, c := range importer.PartnerColumns {
		header[i] = c.Label
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	err := pages(ctx, func(page []*domain.ContactPoint) error {
		for _, c := range page {
			if err := cw.Write(CSVRow(c)); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// Reference is the value of the Référence column for a contact point: the
// reference it was imported with, else its id.
func Reference(c *domain.ContactPoint) string {
	if c.Source.Kind == domain.SourceCSV && c.Source.ID != "" {
		return c.Source.ID
	}
	return c.ID
}

// CSVRow is a contact point as a row of the import template, column by
// column (importer.PartnerColumns).
func CSVRow(c *domain.ContactPoint) []string {
	row := make([]string, len(importer.PartnerColumns))
	var a domain.Address
	if c.Address != nil {
		a = *c.Address
	}
	join := func(list []string) string { return strings.Join(list, "|") }
	for i, col := range importer.PartnerColumns {
		var v string
		switch col.Key {
		case importer.ColReference:
			v = Reference(c)
		case importer.ColName:
			v = textCell(c.Name)
		case importer.ColPivot:
			v = c.Pivot
		case importer.ColDescription:
			v = textCell(c.Description)
		case importer.ColThemes:
			v = join(c.Themes)
		case importer.ColPhones:
			v = join(channels(c, domain.ChannelPhone))
		case importer.ColEmail:
			v = join(channels(c, domain.ChannelEmail))
		case importer.ColWebsite:
			v = join(channels(c, domain.ChannelWebsite))
		case importer.ColOnlineProcedure:
			v = join(channels(c, domain.ChannelOnlineProcedure))
		case importer.ColAddress:
			v = textCell(join(a.Lines))
		case importer.ColPostalCode:
			v = a.PostalCode
		case importer.ColCity:
			v = textCell(a.City)
		case importer.ColCommune:
			v = a.CommuneCode
		case importer.ColLatitude:
			v = coordinate(a.Latitude)
		case importer.ColLongitude:
			v = coordinate(a.Longitude)
		case importer.ColAccessibility:
			v = accessibilityLabels[a.Accessibility]
		case importer.ColHours:
			v = WeeklyHours(c.Hours.Weekly)
		case importer.ColHoursNote:
			v = textCell(c.Hours.Note)
		case importer.ColDepartements:
			v = join(c.Coverage.Departements)
		case importer.ColCommunes:
			v = join(c.Coverage.Communes)
		}
		row[i] = v
	}
	return row
}

// textCell neutralises a free-text cell a spreadsheet would read as a
// formula (starting with = or @) by a leading quote. Phone numbers (+33…)
// and coordinates (-1.5) are left as they are, so the file imports back.
func textCell(s string) string {
	if s != "" && strings.ContainsRune("=@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

var accessibilityLabels = map[string]string{"ACC": "accessible", "DEM": "sur demande", "NAC": "non accessible"}

func coordinate(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

var dayNames = [...]string{"", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"}

// WeeklyHours writes a weekly plan the way the template reads it (see
// importer.ParseWeeklyHours): days with the same slots grouped, ranges of
// consecutive days joined by a dash, groups separated by " ; ":
//
//	lundi-vendredi 09:00-12:00 13:30-17:00 ; samedi 09:00-12:00
func WeeklyHours(slots []domain.OpeningSlot) string {
	groups := dayGroups(slots)
	parts := make([]string, 0, len(groups))
	for _, g := range groups {
		days := dayNames[g.from]
		if g.to != g.from {
			days += "-" + dayNames[g.to]
		}
		ranges := make([]string, len(g.slots))
		for i, s := range g.slots {
			ranges[i] = s.Opens + "-" + s.Closes
		}
		parts = append(parts, days+" "+strings.Join(ranges, " "))
	}
	return strings.Join(parts, " ; ")
}

// dayGroup is a range of consecutive days (ISO numbers) with the same slots.
type dayGroup struct {
	from, to int
	slots    []domain.OpeningSlot // of the first day
}

// dayGroups groups consecutive days with the same opening times, slots
// sorted by time within a day.
func dayGroups(slots []domain.OpeningSlot) []dayGroup {
	byDay := make([][]domain.OpeningSlot, 8)
	for _, s := range slots {
		if s.Day >= 1 && s.Day <= 7 {
			byDay[s.Day] = append(byDay[s.Day], s)
		}
	}
	key := func(ss []domain.OpeningSlot) string {
		var b strings.Builder
		for _, s := range ss {
			b.WriteString(s.Opens + "-" + s.Closes + " ")
		}
		return b.String()
	}
	var out []dayGroup
	for d := 1; d <= 7; d++ {
		ss := byDay[d]
		if len(ss) == 0 {
			continue
		}
		slices.SortFunc(ss, func(x, y domain.OpeningSlot) int {
			return cmp.Or(cmp.Compare(x.Opens, y.Opens), cmp.Compare(x.Closes, y.Closes))
		})
		if n := len(out); n > 0 && out[n-1].to == d-1 && key(out[n-1].slots) == key(ss) {
			out[n-1].to = d
			continue
		}
		out = append(out, dayGroup{from: d, to: d, slots: ss})
	}
	return out
}
