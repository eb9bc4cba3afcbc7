package domain_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

func validContactPoint() *domain.ContactPoint {
	return &domain.ContactPoint{
		ID: domain.StableID("annuaire:caf-83126-01"), Name: "Caf du Var", Pivot: "caf",
		Channels: []domain.Channel{{Kind: domain.ChannelPhone, Value: "3230"}},
		Coverage: domain.Coverage{Rule: domain.CoverageExplicit, Departements: []string{"83"}},
	}
}

func fieldsOf(err error) []string {
	var out []string
	if e, ok := err.(*domain.Error); ok {
		for _, f := range e.Fields {
			out = append(out, f.Field)
		}
	}
	return out
}

func TestContactPointValidate(t *testing.T) {
	tests := []struct {
		name       string
		mutate     func(c *domain.ContactPoint)
		wantFields []string
	}{
		{"valid", func(*domain.ContactPoint) {}, nil},
		{"no name", func(c *domain.ContactPoint) { c.Name = " " }, []string{"name"}},
		{"no channel", func(c *domain.ContactPoint) { c.Channels = nil }, []string{"channels"}},
		{"bad channel kind", func(c *domain.ContactPoint) { c.Channels[0].Kind = "fax" }, []string{"channels[0].kind"}},
		{"website not a URL", func(c *domain.ContactPoint) {
			c.Channels = append(c.Channels, domain.Channel{Kind: domain.ChannelWebsite, Value: "caf.fr"})
		}, []string{"channels[1].value"}},
		{"bad pivot", func(c *domain.ContactPoint) { c.Pivot = "CAF!" }, []string{"pivot"}},
		{"no coverage", func(c *domain.ContactPoint) { c.Coverage = domain.Coverage{Rule: domain.CoverageExplicit} }, []string{"coverage"}},
		{"unknown rule", func(c *domain.ContactPoint) { c.Coverage.Rule = "everywhere" }, []string{"coverage.rule"}},
		{"nearest without address", func(c *domain.ContactPoint) { c.Coverage = domain.Coverage{Rule: domain.CoverageNearest} }, []string{"coverage.rule"}},
		{"bad département", func(c *domain.ContactPoint) { c.Coverage.Departements = []string{"20"} }, []string{"coverage.departements[0]"}},
		{"bad commune", func(c *domain.ContactPoint) { c.Coverage.Communes = []string{"8313"} }, []string{"coverage.communes[0]"}},
		{"closing before opening", func(c *domain.ContactPoint) {
			c.Hours.Weekly = []domain.OpeningSlot{{Day: 1, Opens: "12:00", Closes: "09:00"}}
		}, []string{"hours.weekly[0].closes"}},
		{"bad day and time", func(c *domain.ContactPoint) {
			c.Hours.Weekly = []domain.OpeningSlot{{Day: 8, Opens: "9h", Closes: "24:00"}}
		}, []string{"hours.weekly[0].day", "hours.weekly[0].opens"}},
		{"bad exception date", func(c *domain.ContactPoint) {
			c.Hours.Exceptions = []domain.OpeningException{{Date: "25/12/2026", Closed: true}}
		}, []string{"hours.exceptions[0].date"}},
		{"translations", func(c *domain.ContactPoint) {
			c.Translations = map[string]domain.ContactPointText{"en": {Description: "Family allowances"}, "fr-x-falc": {Description: strings.Repeat("é", 2000)}}
		}, nil},
		{"bad translations", func(c *domain.ContactPoint) {
			c.Translations = map[string]domain.ContactPointText{"fr": {}, "de": {}, "ar": {Description: strings.Repeat("é", 2001)}}
		}, []string{"translations.ar.description", "translations.de", "translations.fr"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validContactPoint()
			tt.mutate(c)
			err := c.Validate()
			if got := fieldsOf(err); !slices.Equal(got, tt.wantFields) {
				t.Fatalf("fields at fault = %v, want %v (err %v)", got, tt.wantFields, err)
			}
			if err != nil && domain.ErrorCode(err) != domain.EINVALID {
				t.Fatalf("code = %s", domain.ErrorCode(err))
			}
		})
	}
}

func TestOrganisationValidate(t *testing.T) {
	o := &domain.Organisation{Slug: "ville-de-lille", Name: "Ville de Lille", Kind: domain.KindCommune,
		Territory: []string{"59350"}, AllowedOrigins: []string{"https://www.lille.fr"},
		EntryPoints: []domain.EntryPoint{{Slug: "social", Name: "Social"}}}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := &domain.Organisation{Slug: "Ville de Lille", Kind: "city", Territory: []string{"lille"},
		Branding:       domain.Branding{PrimaryColor: "red"},
		AllowedOrigins: []string{"https://www.lille.fr/page"},
		EntryPoints:    []domain.EntryPoint{{Slug: "a", Name: "A"}, {Slug: "a", Name: ""}}}
	want := []string{"slug", "name", "kind", "territory[0]", "branding.primary_color", "allowed_origins[0]", "entry_points[1].slug", "entry_points[1].name"}
	if got := fieldsOf(bad.Validate()); !slices.Equal(got, want) {
		t.Fatalf("fields = %v, want %v", got, want)
	}
}

func TestIsOpen(t *testing.T) {
	paris := domain.Paris()
	h := domain.OpeningHours{
		Weekly:     []domain.OpeningSlot{{Day: 1, Opens: "08:30", Closes: "12:00"}, {Day: 1, Opens: "13:30", Closes: "17:00"}},
		Exceptions: []domain.OpeningException{{Date: "2026-12-28", Closed: true}},
	}
	tests := []struct {
		at         time.Time
		open, know bool
	}{
		{time.Date(2026, 11, 30, 9, 0, 0, 0, paris), true, true},     // Monday morning
		{time.Date(2026, 11, 30, 12, 30, 0, 0, paris), false, true},  // lunch break
		{time.Date(2026, 11, 30, 7, 59, 0, 0, time.UTC), true, true}, // 08:59 in Paris
		{time.Date(2026, 12, 1, 9, 0, 0, 0, paris), false, true},     // Tuesday
		{time.Date(2026, 12, 28, 9, 0, 0, 0, paris), false, true},    // closed that Monday
	}
	for _, tt := range tests {
		open, known := h.IsOpen(tt.at)
		if open != tt.open || known != tt.know {
			t.Errorf("IsOpen(%v) = %v, %v; want %v, %v", tt.at, open, known, tt.open, tt.know)
		}
	}
	if _, known := (domain.OpeningHours{}).IsOpen(time.Now()); known {
		t.Error("empty plan should be unknown")
	}
	always := domain.OpeningHours{Weekly: domain.AlwaysOpen()}
	if open, _ := always.IsOpen(time.Date(2026, 11, 29, 3, 0, 0, 0, paris)); !open {
		t.Error("24/7 plan closed on Sunday night")
	}
}

func TestIDs(t *testing.T) {
	a, b := domain.StableID("annuaire:caf-83126-01"), domain.StableID("annuaire:caf-83126-01")
	if a != b || !domain.ValidID(a) || a == domain.StableID("annuaire:caf-83126-02") {
		t.Fatalf("StableID not stable or not distinct: %s %s", a, b)
	}
	for _, bad := range []string{"", "123", "B8D1F2FA-CA23-502A-BD80-3C896C320926", "{b8d1f2fa-ca23-502a-bd80-3c896c320926}"} {
		if domain.ValidID(bad) {
			t.Errorf("ValidID(%q) = true", bad)
		}
	}
	for code, want := range map[string]bool{"83137": true, "2A004": true, "97411": true, "8313": false, "2C004": false} {
		if domain.ValidINSEE(code) != want {
			t.Errorf("ValidINSEE(%q) != %v", code, want)
		}
	}
}

func TestDescriptionIn(t *testing.T) {
	c := validContactPoint()
	c.Description = "Allocations familiales"
	c.Translations = map[string]domain.ContactPointText{"en": {Description: "Family allowances"}, "ar": {Description: " "}}
	tests := []struct {
		lang, want string
		french     bool
	}{
		{"fr", "Allocations familiales", false},
		{"en", "Family allowances", false},
		{"ar", "Allocations familiales", true}, // blank: no translation
		{"fr-x-falc", "Allocations familiales", true},
		{"tr", "Allocations familiales", true},
	}
	for _, tt := range tests {
		if got, french := c.DescriptionIn(tt.lang); got != tt.want || french != tt.french {
			t.Errorf("DescriptionIn(%q) = %q, %v; want %q, %v", tt.lang, got, french, tt.want, tt.french)
		}
	}
	c.Description = ""
	if got, french := c.DescriptionIn("en"); got != "" || french {
		t.Errorf("without description: %q, %v", got, french)
	}
}
