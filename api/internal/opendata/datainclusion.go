package opendata

import (
	"context"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// data·inclusion schema v1 (https://github.com/gip-inclusion/data-inclusion-schema,
// v1.0.8): each contact point is a structure (the place) offering one
// service, both with the contact point's id. Our themes become thématiques
// through data/themes_data-inclusion.csv, kinds of office become réseaux
// porteurs through data/pivots_reseaux-porteurs.csv, opening hours are
// written in the OpenStreetMap opening_hours syntax the schema asks for.
// Withdrawn contact points are left out (the schema has no status).

// DataInclusionSource is the producer identifier of the export (source).
const DataInclusionSource = "aiguillage"

// DataInclusionVersion is the version of the schema followed.
const DataInclusionVersion = "1.0.8"

type diStructure struct {
	Source            string   `json:"source"`
	ID                string   `json:"id"`
	Nom               string   `json:"nom"`
	DateMaj           string   `json:"date_maj"`
	Description       *string  `json:"description"`
	Adresse           *string  `json:"adresse"`
	ComplementAdresse *string  `json:"complement_adresse"`
	CodePostal        *string  `json:"code_postal"`
	CodeInsee         *string  `json:"code_insee"`
	Commune           *string  `json:"commune"`
	Latitude          *float64 `json:"latitude"`
	Longitude         *float64 `json:"longitude"`
	Telephone         *string  `json:"telephone"`
	Courriel          *string  `json:"courriel"`
	SiteWeb           *string  `json:"site_web"`
	HorairesAccueil   *string  `json:"horaires_accueil"`
	ReseauxPorteurs   []string `json:"reseaux_porteurs"`
	LienSource        *string  `json:"lien_source"`
	AccessibiliteLieu *string  `json:"accessibilite_lieu"`
	Siret             *string  `json:"siret"`
}

type diService struct {
	Source            string   `json:"source"`
	StructureID       string   `json:"structure_id"`
	ID                string   `json:"id"`
	Nom               string   `json:"nom"`
	Description       string   `json:"description"`
	DateMaj           string   `json:"date_maj"`
	Type              *string  `json:"type"`
	Thematiques       []string `json:"thematiques"`
	Frais             *string  `json:"frais"`
	FraisPrecisions   *string  `json:"frais_precisions"`
	Publics           []string `json:"publics"`
	ModesAccueil      []string `json:"modes_accueil"`
	ModesMobilisation []string `json:"modes_mobilisation"`
	MobilisablePar    []string `json:"mobilisable_par"`
	LienMobilisation  *string  `json:"lien_mobilisation"`
	ZoneEligibilite   []string `json:"zone_eligibilite"`
	Adresse           *string  `json:"adresse"`
	ComplementAdresse *string  `json:"complement_adresse"`
	CodePostal        *string  `json:"code_postal"`
	CodeInsee         *string  `json:"code_insee"`
	Commune           *string  `json:"commune"`
	Latitude          *float64 `json:"latitude"`
	Longitude         *float64 `json:"longitude"`
	Telephone         *string  `json:"telephone"`
	Courriel          *string  `json:"courriel"`
	HorairesAccueil   *string  `json:"horaires_accueil"`
	LienSource        *string  `json:"lien_source"`
}

type diFile struct {
	Schema       string       `json:"schema"`
	Version      string       `json:"schema_version"`
	Source       string       `json:"source"`
	Organisation Organisation `json:"organisation"`
	GeneratedAt  time.Time    `json:"generated_at"`
	Licence      *Licence     `json:"licence,omitempty"`
	Sources      []Source     `json:"sources,omitempty"`
}

// writeDataInclusion writes {…, "structures": […], "services": […]},
// reading the pages twice.
func writeDataInclusion(ctx context.Context, w io.Writer, d Dataset, pages Pages) error {
	x := diWriter{d: d}
	head := diFile{Schema: "https://github.com/gip-inclusion/data-inclusion-schema", Version: DataInclusionVersion, Source: DataInclusionSource,
		Organisation: organisationOf(d.Organisation), GeneratedAt: d.GeneratedAt.UTC(), Licence: d.Licence, Sources: d.Sources}
	pages = withoutWithdrawn(pages)
	err := streamArray(ctx, w, head, "structures", pages, func(c *domain.ContactPoint) any { return x.structure(c) })
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, `,"services":[`); err != nil {
		return err
	}
	if err := streamItems(ctx, w, pages, func(c *domain.ContactPoint) any { return x.service(c) }); err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n]}\n")
	return err
}

type diWriter struct{ d Dataset }

func opt(s string) *string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	return &s
}

var (
	postalRE = regexp.MustCompile(`^\d{5}$`)
	inseeRE  = regexp.MustCompile(`^\w{5}$`)
)

// place is the address part shared by structures and services.
type diPlace struct {
	adresse, complement, codePostal, codeInsee, commune *string
	lat, lon                                            *float64
}

func place(c *domain.ContactPoint) diPlace {
	var p diPlace
	a := c.Address
	if a == nil {
		return p
	}
	if len(a.Lines) > 0 {
		p.adresse = opt(a.Lines[0])
		p.complement = opt(strings.Join(a.Lines[1:], ", "))
	}
	if postalRE.MatchString(a.PostalCode) {
		p.codePostal = opt(a.PostalCode)
	}
	if inseeRE.MatchString(a.CommuneCode) {
		p.codeInsee = opt(a.CommuneCode)
	}
	p.commune = opt(a.City)
	p.lat, p.lon = a.Latitude, a.Longitude
	return p
}

// nom fits a name to the schema: 150 characters at most, no final period.
func nom(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > 150 {
		s = strings.TrimSpace(string([]rune(s)[:149])) + "…"
	}
	return strings.TrimRight(s, ". ")
}

func (x diWriter) link(c *domain.ContactPoint) *string {
	if x.d.PublicURL == "" {
		return nil
	}
	return opt(strings.TrimRight(x.d.PublicURL, "/") + "/api/v1/public/contact-points/" + url.PathEscape(c.ID))
}

func firstValid(list []string, ok func(string) bool) *string {
	for _, v := range list {
		if ok(v) {
			return opt(v)
		}
	}
	return nil
}

func (x diWriter) structure(c *domain.ContactPoint) diStructure {
	p := place(c)
	s := diStructure{Source: DataInclusionSource, ID: c.ID, Nom: nom(c.Name), DateMaj: c.UpdatedAt.UTC().Format(time.DateOnly),
		Adresse: p.adresse, ComplementAdresse: p.complement, CodePostal: p.codePostal, CodeInsee: p.codeInsee, Commune: p.commune,
		Latitude: p.lat, Longitude: p.lon, Telephone: opt(first(channels(c, domain.ChannelPhone))),
		Courriel: firstValid(channels(c, domain.ChannelEmail), validEmail), SiteWeb: firstValid(channels(c, domain.ChannelWebsite), validURL),
		HorairesAccueil: opt(OSMHours(c.Hours)), LienSource: x.link(c)}
	if utf8.RuneCountInString(c.Description) >= 5 {
		s.Description = opt(truncateRunes(c.Description, 10000))
	}
	if r, ok := ReseauPorteur(c.Pivot); ok {
		s.ReseauxPorteurs = []string{r}
	}
	return s
}

func (x diWriter) service(c *domain.ContactPoint) diService {
	p := place(c)
	s := diService{Source: DataInclusionSource, StructureID: c.ID, ID: c.ID, Nom: nom(c.Name), Description: x.description(c),
		DateMaj: c.UpdatedAt.UTC().Format(time.DateOnly), Thematiques: Thematiques(c.Themes), MobilisablePar: []string{"usagers"},
		Adresse: p.adresse, ComplementAdresse: p.complement, CodePostal: p.codePostal, CodeInsee: p.codeInsee, Commune: p.commune,
		Latitude: p.lat, Longitude: p.lon, Telephone: opt(first(channels(c, domain.ChannelPhone))),
		Courriel: firstValid(channels(c, domain.ChannelEmail), validEmail), HorairesAccueil: opt(OSMHours(c.Hours)), LienSource: x.link(c)}
	if len(s.Thematiques) == 0 {
		s.Thematiques = nil
	}
	var modes, mob []string
	addTo := func(list *[]string, v string) {
		if !slices.Contains(*list, v) {
			*list = append(*list, v)
		}
	}
	for _, ch := range c.Channels {
		switch ch.Kind {
		case domain.ChannelPhone, domain.ChannelSMS:
			addTo(&modes, "a-distance")
			addTo(&mob, "telephoner")
		case domain.ChannelEmail:
			addTo(&modes, "a-distance")
			addTo(&mob, "envoyer-un-courriel")
		case domain.ChannelAddress:
			addTo(&modes, "en-presentiel")
			addTo(&mob, "se-presenter")
		case domain.ChannelOnlineProcedure, domain.ChannelContactForm, domain.ChannelChat:
			addTo(&modes, "a-distance")
			if validURL(ch.Value) {
				addTo(&mob, "utiliser-lien-mobilisation")
				if s.LienMobilisation == nil {
					s.LienMobilisation = opt(ch.Value)
				}
			}
		}
	}
	if c.Address != nil && len(c.Address.Lines) > 0 {
		addTo(&modes, "en-presentiel")
		addTo(&mob, "se-presenter")
	}
	s.ModesAccueil, s.ModesMobilisation = modes, mob
	s.ZoneEligibilite = zone(c)
	return s
}

// description is the contact point's, or one made of its name and themes
// (the schema requires 5 characters at least).
func (x diWriter) description(c *domain.ContactPoint) string {
	if utf8.RuneCountInString(strings.TrimSpace(c.Description)) >= 5 {
		return truncateRunes(strings.TrimSpace(c.Description), 10000)
	}
	labels := make([]string, 0, len(c.Themes))
	for _, t := range c.Themes {
		label := t
		for _, th := range x.d.Themes {
			if th.Slug == t {
				label = firstLine(th.Label)
				break
			}
		}
		labels = append(labels, label)
	}
	out := "Point de contact « " + strings.TrimSpace(c.Name) + " »."
	if len(labels) > 0 {
		out += " Thèmes : " + strings.Join(labels, ", ") + "."
	}
	return out
}

// zone is the eligibility zone: "france", or INSEE codes of départements,
// EPCI and communes (régions are left out: the schema wants their
// départements listed).
func zone(c *domain.ContactPoint) []string {
	var out []string
	add := func(v string) {
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	cov := c.Coverage
	if cov.Rule == domain.CoverageNearest {
		if c.Address != nil && c.Address.CommuneCode != "" {
			add(domain.DepartementOf(c.Address.CommuneCode))
		}
		return out
	}
	if cov.National {
		return []string{"france"}
	}
	for _, d := range cov.Departements {
		add(d)
	}
	for _, e := range cov.EPCIs {
		add(e)
	}
	for _, cm := range cov.Communes {
		add(cm)
	}
	return out
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

var osmDays = [...]string{"", "Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"}
var osmMonths = [...]string{"", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// OSMHours writes opening hours in the OpenStreetMap opening_hours syntax:
// "Mo-Fr 09:00-12:00,13:30-17:00; Sa 09:00-12:00", then the dates it is
// closed ("2026 Dec 25 off") or open otherwise. Empty when no weekly plan.
func OSMHours(h domain.OpeningHours) string {
	var parts []string
	for _, g := range dayGroups(h.Weekly) {
		days := osmDays[g.from]
		if g.to != g.from {
			days += "-" + osmDays[g.to]
		}
		ranges := make([]string, len(g.slots))
		for i, s := range g.slots {
			ranges[i] = s.Opens + "-" + s.Closes
		}
		parts = append(parts, days+" "+strings.Join(ranges, ","))
	}
	if len(parts) == 0 {
		return ""
	}
	for _, e := range h.Exceptions {
		t, err := time.Parse(time.DateOnly, e.Date)
		if err != nil {
			continue
		}
		date := strconv.Itoa(t.Year()) + " " + osmMonths[t.Month()] + " " + t.Format("02")
		if e.Closed || len(e.Slots) == 0 {
			parts = append(parts, date+" off")
			continue
		}
		ranges := make([]string, len(e.Slots))
		for i, s := range e.Slots {
			ranges[i] = s.Opens + "-" + s.Closes
		}
		parts = append(parts, date+" "+strings.Join(ranges, ","))
	}
	return strings.Join(parts, "; ")
}
