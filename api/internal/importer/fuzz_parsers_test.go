package importer

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// Fuzz tests of the field parsers the importers share: opening hours (the
// French spreadsheet way and OpenStreetMap's), phone numbers, and the
// partner XLSX reader. Seed corpora: testdata/fuzz/<FuzzName>/.

var fuzzHHMM = regexp.MustCompile(`^(?:[01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$`)

// checkSlots fails when a parsed slot would not pass the domain validation.
func checkSlots(t *testing.T, in string, slots []domain.OpeningSlot) {
	t.Helper()
	for _, s := range slots {
		if s.Day < 1 || s.Day > 7 || !fuzzHHMM.MatchString(s.Opens) || !fuzzHHMM.MatchString(s.Closes) || s.Opens >= s.Closes {
			t.Fatalf("%q gave the invalid slot %+v", in, s)
		}
	}
	cp := domain.ContactPoint{ID: "x", OrganisationID: "o", Name: "n", Pivot: "mds",
		Hours: domain.OpeningHours{Weekly: slots}, Source: domain.Source{Kind: domain.SourceManual},
		Coverage: domain.Coverage{Rule: domain.CoverageExplicit, Communes: []string{"83137"}}}
	if err := cp.Validate(); err != nil && strings.Contains(err.Error(), "hours") {
		t.Fatalf("%q: slots refused by the domain: %v", in, err)
	}
}

func FuzzParseWeeklyHours(f *testing.F) {
	for _, s := range []string{
		"lundi-vendredi 09:00-12:00 13:30-17:00 ; samedi 09:00-12:00",
		"du lundi au jeudi de 9h à 12h et de 14h à 17h30 ; ven. 9h-12h ; dimanche fermé",
		"sam-lun 0h-24h", "lundi 12:00-09:00", "mardi 25:00-26:00", "\xff\xfe 9h", "lundi, mercredi 9h30-10h",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		slots, err := ParseWeeklyHours(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("%q: empty error", s)
			}
			return
		}
		checkSlots(t, s, slots)
	})
}

func FuzzParseOSMHours(f *testing.F) {
	for _, s := range []string{
		"Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off",
		`Mo,We 08:30-12:00 "sur rendez-vous"; Tu off; 24/7`,
		"Sa-Mo 10:00-02:00", "Jan-Mar Mo 09:00-12:00 || Tu off", "lundi-vendredi 9h-12h", `"`, ";;,,",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h := ParseOSMHours(s)
		checkSlots(t, s, h.Weekly)
		for _, u := range append(h.Unread, h.Notes...) {
			if !utf8.ValidString(u) && utf8.ValidString(s) {
				t.Fatalf("%q: invalid UTF-8 note %q", s, u)
			}
		}
	})
}

// FuzzPartnerPhone: a number PartnerPhone writes the French way is
// dialable, and writing it again changes nothing.
func FuzzPartnerPhone(f *testing.F) {
	for _, s := range []string{"494123456", "04.94.12.34.56", "+33 4 94 12 34 56", "0033494123456", "3230", "+590 590 27 64 10", "\u00a0 04 94\u202f12 34 56", "0", "+33"} {
		f.Add(s)
	}
	french := regexp.MustCompile(`^0[1-9]( [0-9]{2}){4}$|^\+33 [1-9]( [0-9]{2}){4}$`)
	f.Fuzz(func(t *testing.T, s string) {
		got := PartnerPhone(s)
		if french.MatchString(got) {
			if !domain.ValidPhone(got) {
				t.Fatalf("PartnerPhone(%q) = %q, not dialable", s, got)
			}
			if again := PartnerPhone(got); again != got {
				t.Fatalf("PartnerPhone(%q) = %q, then %q", s, got, again)
			}
		}
		for _, n := range phoneList(s) {
			_ = domain.ValidPhone(n)
		}
	})
}

// FuzzImportXLSX: whatever the bytes (broken archives, zip bombs, huge
// sheets), reading a partner workbook returns rows or a validation error.
func FuzzImportXLSX(f *testing.F) {
	wb := excelize.NewFile()
	sheet := wb.GetSheetName(0)
	for i, r := range [][]any{
		{"Référence", "Nom", "Téléphones", "Horaires", "Code commune"},
		{"X1", "Point A", 494123456, "lundi-vendredi 9h-12h", 83137},
		{"X2", "<script>alert(1)</script>", "'; DROP TABLE contact_points; --", "", "1004"},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := wb.SetSheetRow(sheet, cell, &r); err != nil {
			f.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := wb.Write(&b); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte("PK\x03\x04 not a zip"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		pf, err := ReadPartnerXLSX(data)
		if err != nil {
			if domain.ErrorCode(err) != domain.EINVALID {
				t.Fatalf("not a validation error: %v", err)
			}
			return
		}
		for _, r := range pf.Rows {
			checkSlots(t, "xlsx", r.Weekly)
		}
	})
}
