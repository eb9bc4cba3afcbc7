package opendata

import (
	"context"
	"io"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// Open Referral HSDS 3.0 (https://docs.openreferral.org/en/v3.0/): each
// contact point is a service with its definitions (schema
// service_with_definitions.json): the organisation that publishes it, its
// phones, its weekly schedules, the territory it serves (service areas),
// the place where it receives the public (a service at location), and its
// themes as taxonomy terms (attributes), with the data·inclusion
// thématiques they map to as a second taxonomy. The organisation and the
// two taxonomies are described once, at the head of the file; services
// name them by id (organization_id, taxonomy_id). Identifiers are UUIDs,
// stable from one export to the next: the contact point's and the
// organisation's own, the others derived from them (domain.StableID).

// HSDSVersion is the HSDS version the export follows.
const HSDSVersion = "3.0"

type hsdsService struct {
	ID                 string                  `json:"id"`
	OrganizationID     string                  `json:"organization_id,omitempty"`
	Name               string                  `json:"name"`
	Description        string                  `json:"description,omitempty"`
	URL                string                  `json:"url,omitempty"`
	Email              string                  `json:"email,omitempty"`
	Status             string                  `json:"status"`
	ApplicationProcess string                  `json:"application_process,omitempty"`
	FeesDescription    string                  `json:"fees_description,omitempty"`
	Alert              string                  `json:"alert,omitempty"`
	AssuredDate        string                  `json:"assured_date,omitempty"`
	LastModified       string                  `json:"last_modified,omitempty"`
	Phones             []hsdsPhone             `json:"phones"`
	Schedules          []hsdsSchedule          `json:"schedules"`
	ServiceAreas       []hsdsServiceArea       `json:"service_areas"`
	ServiceAtLocations []hsdsServiceAtLocation `json:"service_at_locations"`
	Languages          []hsdsLanguage          `json:"languages"`
	Attributes         []hsdsAttribute         `json:"attributes"`
}

type hsdsOrganization struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	URI         string `json:"uri,omitempty"`
}

type hsdsPhone struct {
	ID          string `json:"id"`
	ServiceID   string `json:"service_id,omitempty"`
	Number      string `json:"number"`
	Type        string `json:"type,omitempty"`
	Description string `json:"description,omitempty"`
}

type hsdsSchedule struct {
	ID          string `json:"id"`
	ServiceID   string `json:"service_id,omitempty"`
	ValidFrom   string `json:"valid_from,omitempty"`
	ValidTo     string `json:"valid_to,omitempty"`
	Freq        string `json:"freq,omitempty"`
	Wkst        string `json:"wkst,omitempty"`
	Byday       string `json:"byday,omitempty"`
	OpensAt     string `json:"opens_at,omitempty"`
	ClosesAt    string `json:"closes_at,omitempty"`
	Description string `json:"description,omitempty"`
	Notes       string `json:"notes,omitempty"`
}

type hsdsServiceArea struct {
	ID          string `json:"id"`
	ServiceID   string `json:"service_id,omitempty"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	URI         string `json:"uri,omitempty"`
}

type hsdsServiceAtLocation struct {
	ID         string        `json:"id"`
	ServiceID  string        `json:"service_id,omitempty"`
	LocationID string        `json:"location_id,omitempty"`
	Location   *hsdsLocation `json:"location,omitempty"`
}

type hsdsLocation struct {
	ID                     string              `json:"id"`
	LocationType           string              `json:"location_type"`
	OrganizationID         string              `json:"organization_id,omitempty"`
	Name                   string              `json:"name,omitempty"`
	Latitude               *float64            `json:"latitude,omitempty"`
	Longitude              *float64            `json:"longitude,omitempty"`
	ExternalIdentifier     string              `json:"external_identifier,omitempty"`
	ExternalIdentifierType string              `json:"external_identifier_type,omitempty"`
	Addresses              []hsdsAddress       `json:"addresses"`
	Accessibility          []hsdsAccessibility `json:"accessibility"`
}

type hsdsAddress struct {
	ID            string `json:"id"`
	LocationID    string `json:"location_id,omitempty"`
	Address1      string `json:"address_1"`
	Address2      string `json:"address_2,omitempty"`
	City          string `json:"city"`
	Region        string `json:"region,omitempty"`
	StateProvince string `json:"state_province"`
	PostalCode    string `json:"postal_code"`
	Country       string `json:"country"`
	AddressType   string `json:"address_type"`
}

type hsdsAccessibility struct {
	ID          string `json:"id"`
	LocationID  string `json:"location_id,omitempty"`
	Description string `json:"description,omitempty"`
}

type hsdsLanguage struct {
	ID        string `json:"id"`
	ServiceID string `json:"service_id,omitempty"`
	Name      string `json:"name,omitempty"`
	Code      string `json:"code,omitempty"`
}

type hsdsAttribute struct {
	ID             string            `json:"id"`
	LinkID         string            `json:"link_id,omitempty"`
	TaxonomyTermID string            `json:"taxonomy_term_id,omitempty"`
	LinkType       string            `json:"link_type,omitempty"`
	LinkEntity     string            `json:"link_entity,omitempty"`
	TaxonomyTerm   *hsdsTaxonomyTerm `json:"taxonomy_term,omitempty"`
}

type hsdsTaxonomyTerm struct {
	ID          string `json:"id"`
	Code        string `json:"code,omitempty"`
	Name        string `json:"name"`
	Description string `json:"description"`
	ParentID    string `json:"parent_id,omitempty"`
	Taxonomy    string `json:"taxonomy,omitempty"`
	Language    string `json:"language,omitempty"`
	TaxonomyID  string `json:"taxonomy_id,omitempty"`
	TermURI     string `json:"term_uri,omitempty"`
}

type hsdsTaxonomy struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	URI         string `json:"uri,omitempty"`
	Version     string `json:"version,omitempty"`
}

var (
	themesTaxonomy = hsdsTaxonomy{ID: domain.StableID("hsds:taxonomy:aiguillage-themes"), Name: "Thèmes Aiguillage",
		Description: "Taxonomie des besoins des habitants d'Aiguillage : thèmes nationaux et thèmes propres à chaque partenaire."}
	thematiquesTaxonomy = hsdsTaxonomy{ID: domain.StableID("hsds:taxonomy:data-inclusion-thematiques"), Name: "Thématiques data·inclusion",
		Description: "Thématiques du schéma data·inclusion des services d'insertion.", URI: "https://github.com/gip-inclusion/data-inclusion-schema", Version: "1.0.8"}
)

// hsdsFile is the head of the HSDS export, shaped as a page of the HSDS
// API's /services (its paging members come after contents, once counted).
type hsdsFile struct {
	Version      string            `json:"version"`
	Profile      string            `json:"profile"`
	Organization *hsdsOrganization `json:"organization"`
	// Taxonomies are those of the services' taxonomy terms (taxonomy_id).
	Taxonomies  []hsdsTaxonomy `json:"taxonomies"`
	GeneratedAt time.Time      `json:"generated_at"`
	Licence     *Licence       `json:"licence,omitempty"`
	Sources     []Source       `json:"sources,omitempty"`
}

func writeHSDS(ctx context.Context, w io.Writer, d Dataset, pages Pages) error {
	x := newHSDS(d)
	head := hsdsFile{Version: HSDSVersion, Profile: "https://docs.openreferral.org/en/v3.0/", Organization: x.org,
		Taxonomies:  []hsdsTaxonomy{themesTaxonomy, thematiquesTaxonomy},
		GeneratedAt: d.GeneratedAt.UTC(), Licence: d.Licence, Sources: d.Sources}
	n := 0
	err := streamArray(ctx, w, head, "contents", pages, func(c *domain.ContactPoint) any {
		n++
		return x.service(c)
	})
	if err != nil {
		return err
	}
	ns := strconv.Itoa(n)
	_, err = io.WriteString(w, `,"total_items":`+ns+`,"total_pages":1,"page_number":1,"size":`+ns+
		`,"first_page":true,"last_page":true,"empty":`+strconv.FormatBool(n == 0)+"}\n")
	return err
}

type hsdsWriter struct {
	d      Dataset
	org    *hsdsOrganization
	themes map[string]*domain.Theme
}

func newHSDS(d Dataset) *hsdsWriter {
	x := &hsdsWriter{d: d, themes: map[string]*domain.Theme{}}
	if o := d.Organisation; o != nil {
		x.org = &hsdsOrganization{ID: o.ID, Name: o.Name,
			Description: o.Name + " : points de contact publiés sur Aiguillage, le service qui indique aux habitants l'administration à contacter."}
		if u := d.PublicURL; u != "" {
			x.org.URI = strings.TrimRight(u, "/") + "/api/v1/public/organisations/" + url.PathEscape(o.Slug)
		}
	}
	for _, t := range d.Themes {
		x.themes[t.Slug] = t
	}
	return x
}

func (x *hsdsWriter) id(kind, key string) string { return domain.StableID("hsds:" + kind + ":" + key) }

func (x *hsdsWriter) service(c *domain.ContactPoint) hsdsService {
	s := hsdsService{ID: c.ID, Name: c.Name, Description: c.Description, Status: "active",
		LastModified: c.UpdatedAt.UTC().Format(time.RFC3339),
		Phones:       []hsdsPhone{}, Schedules: []hsdsSchedule{}, ServiceAreas: []hsdsServiceArea{}, ServiceAtLocations: []hsdsServiceAtLocation{},
		Languages: []hsdsLanguage{{ID: x.id("language", c.ID+":fr"), ServiceID: c.ID, Name: "Français", Code: "fr"}}, Attributes: []hsdsAttribute{}}
	if x.org != nil {
		s.OrganizationID = x.org.ID
	}
	if c.WithdrawnAt != nil {
		s.Status = "inactive"
	}
	if c.VerifiedAt != nil {
		s.AssuredDate = c.VerifiedAt.UTC().Format(time.DateOnly)
	}
	if c.Emergency {
		s.Alert = "Numéro d'urgence."
	}
	var process, fees []string
	for i, ch := range c.Channels {
		v := strings.TrimSpace(ch.Value)
		switch ch.Kind {
		case domain.ChannelPhone, domain.ChannelSMS:
			p := hsdsPhone{ID: x.id("phone", c.ID+":"+strconv.Itoa(i)), ServiceID: c.ID, Number: v, Type: "voice",
				Description: joinNonEmpty(" – ", ch.Label, ch.CostNote, ch.AccessibilityNote)}
			if ch.Kind == domain.ChannelSMS {
				p.Type = "text"
			}
			s.Phones = append(s.Phones, p)
			if ch.CostNote != "" {
				fees = append(fees, v+" : "+ch.CostNote)
			}
		case domain.ChannelEmail:
			if s.Email == "" && validEmail(v) {
				s.Email = v
			}
		case domain.ChannelWebsite:
			if s.URL == "" && validURL(v) {
				s.URL = v
			}
		case domain.ChannelOnlineProcedure:
			process = append(process, "Démarche en ligne : "+v)
		case domain.ChannelContactForm:
			process = append(process, "Formulaire de contact : "+v)
		case domain.ChannelChat:
			process = append(process, "Messagerie instantanée : "+v)
		}
	}
	s.ApplicationProcess = strings.Join(process, "\n")
	s.FeesDescription = strings.Join(fees, "\n")
	s.Schedules = x.schedules(c)
	s.ServiceAreas = x.serviceAreas(c)
	if loc := x.location(c); loc != nil {
		s.ServiceAtLocations = append(s.ServiceAtLocations, hsdsServiceAtLocation{ID: x.id("service_at_location", c.ID),
			ServiceID: c.ID, LocationID: loc.ID, Location: loc})
	}
	s.Attributes = x.attributes(c)
	return s
}

var icalDays = [...]string{"", "MO", "TU", "WE", "TH", "FR", "SA", "SU"}

// schedules maps the weekly plan to HSDS schedules: one per opening range,
// with the days it applies to (byday), times in Paris time.
func (x *hsdsWriter) schedules(c *domain.ContactPoint) []hsdsSchedule {
	h := c.Hours
	notes := h.Note
	if h.Indicative {
		notes = joinNonEmpty(" ", "Horaires indicatifs.", notes)
	}
	type rng struct{ opens, closes string }
	var order []rng
	days := map[rng][]string{}
	for _, g := range dayGroups(h.Weekly) {
		for _, s := range g.slots {
			r := rng{s.Opens, s.Closes}
			if _, ok := days[r]; !ok {
				order = append(order, r)
			}
			for d := g.from; d <= g.to; d++ {
				days[r] = append(days[r], icalDays[d])
			}
		}
	}
	out := []hsdsSchedule{}
	for _, r := range order {
		out = append(out, hsdsSchedule{ID: x.id("schedule", c.ID+":"+r.opens+"-"+r.closes), ServiceID: c.ID, Freq: "WEEKLY", Wkst: "MO",
			Byday: strings.Join(days[r], ","), OpensAt: r.opens, ClosesAt: r.closes,
			Description: "Heure de Paris (Europe/Paris).", Notes: notes})
	}
	for _, e := range h.Exceptions {
		sc := hsdsSchedule{ID: x.id("schedule", c.ID+":"+e.Date), ServiceID: c.ID, ValidFrom: e.Date, ValidTo: e.Date, Notes: e.Note}
		if e.Closed || len(e.Slots) == 0 {
			sc.Description = "Fermé le " + e.Date + "."
			out = append(out, sc)
			continue
		}
		for i, s := range e.Slots {
			one := sc
			one.ID = x.id("schedule", c.ID+":"+e.Date+":"+strconv.Itoa(i))
			one.OpensAt, one.ClosesAt = s.Opens, s.Closes
			one.Description = "Horaires exceptionnels du " + e.Date + " (heure de Paris)."
			out = append(out, one)
		}
	}
	if len(out) == 0 && notes != "" {
		out = append(out, hsdsSchedule{ID: x.id("schedule", c.ID), ServiceID: c.ID, Notes: notes})
	}
	return out
}

// serviceAreas maps the territory served: France, régions, départements,
// EPCI and communes by their official codes (with a geo.api.gouv.fr link),
// or the département of an office that serves the communes nearest to it.
func (x *hsdsWriter) serviceAreas(c *domain.ContactPoint) []hsdsServiceArea {
	out := []hsdsServiceArea{}
	add := func(key, name, desc, uri string) {
		out = append(out, hsdsServiceArea{ID: x.id("service_area", c.ID+":"+key), ServiceID: c.ID, Name: name, Description: desc, URI: uri})
	}
	cov := c.Coverage
	if cov.Rule == domain.CoverageNearest {
		if c.Address != nil && c.Address.CommuneCode != "" {
			dep := domain.DepartementOf(c.Address.CommuneCode)
			add("nearest:"+dep, x.departementName(dep), "Habitants du département pour lesquels ce lieu est le plus proche de son type.",
				"https://geo.api.gouv.fr/departements/"+dep)
		}
		return out
	}
	if cov.National {
		add("national", "France", "Tout le territoire national.", "")
	}
	for _, r := range cov.Regions {
		name := "Région " + r
		if x.d.Communes != nil {
			if reg, ok := x.d.Communes.Region(r); ok {
				name = reg.Name
			}
		}
		add("region:"+r, name, "Région (code INSEE "+r+").", "https://geo.api.gouv.fr/regions/"+r)
	}
	for _, dep := range cov.Departements {
		add("departement:"+dep, x.departementName(dep), "Département (code INSEE "+dep+").", "https://geo.api.gouv.fr/departements/"+dep)
	}
	for _, e := range cov.EPCIs {
		add("epci:"+e, "EPCI "+e, "Intercommunalité (SIREN "+e+").", "https://geo.api.gouv.fr/epcis/"+e)
	}
	for _, code := range cov.Communes {
		name := "Commune " + code
		if x.d.Communes != nil {
			if cm, ok := x.d.Communes.Commune(code); ok {
				name = cm.Name
			}
		}
		add("commune:"+code, name, "Commune (code INSEE "+code+").", "https://geo.api.gouv.fr/communes/"+code)
	}
	return out
}

func (x *hsdsWriter) departementName(code string) string {
	if x.d.Communes != nil {
		if d, ok := x.d.Communes.Departement(code); ok {
			return d.Name
		}
	}
	return "Département " + code
}

var accessibilityText = map[string]string{
	"ACC": "Accessible aux personnes à mobilité réduite.",
	"DEM": "Accessible aux personnes à mobilité réduite sur demande.",
	"NAC": "Non accessible aux personnes à mobilité réduite.",
}

// location is the place where the contact point receives the public, if
// it has an address.
func (x *hsdsWriter) location(c *domain.ContactPoint) *hsdsLocation {
	a := c.Address
	if a == nil {
		return nil
	}
	loc := &hsdsLocation{ID: x.id("location", c.ID), LocationType: "physical", Name: c.Name, Latitude: a.Latitude, Longitude: a.Longitude,
		Addresses: []hsdsAddress{}, Accessibility: []hsdsAccessibility{}}
	if x.org != nil {
		loc.OrganizationID = x.org.ID
	}
	if a.CommuneCode != "" {
		loc.ExternalIdentifier, loc.ExternalIdentifierType = a.CommuneCode, "code_insee_commune"
	}
	if len(a.Lines) > 0 && a.City != "" && a.PostalCode != "" {
		state := ""
		if a.CommuneCode != "" {
			state = x.departementName(domain.DepartementOf(a.CommuneCode))
		}
		loc.Addresses = append(loc.Addresses, hsdsAddress{ID: x.id("address", c.ID), LocationID: loc.ID, Address1: a.Lines[0],
			Address2: strings.Join(a.Lines[1:], ", "), City: a.City, StateProvince: state, PostalCode: a.PostalCode, Country: "FR", AddressType: "physical"})
	}
	if t := accessibilityText[a.Accessibility]; t != "" {
		loc.Accessibility = append(loc.Accessibility, hsdsAccessibility{ID: x.id("accessibility", c.ID), LocationID: loc.ID, Description: t})
	}
	return loc
}

// attributes are the contact point's themes, then the data·inclusion
// thématiques they map to, as taxonomy terms.
func (x *hsdsWriter) attributes(c *domain.ContactPoint) []hsdsAttribute {
	out := []hsdsAttribute{}
	for _, slug := range c.Themes {
		term := x.themeTerm(slug)
		out = append(out, hsdsAttribute{ID: x.id("attribute", c.ID+":"+term.ID), LinkID: c.ID, TaxonomyTermID: term.ID,
			LinkType: "theme", LinkEntity: "service", TaxonomyTerm: term})
	}
	for _, v := range Thematiques(c.Themes) {
		th := thematiques[v]
		term := &hsdsTaxonomyTerm{ID: x.id("taxonomy_term", "data-inclusion:"+v), Code: v, Name: th.Label,
			Description: th.CategoryLabel + " : " + th.Label, Taxonomy: thematiquesTaxonomy.Name, TaxonomyID: thematiquesTaxonomy.ID,
			Language: "fr"}
		out = append(out, hsdsAttribute{ID: x.id("attribute", c.ID+":"+term.ID), LinkID: c.ID, TaxonomyTermID: term.ID,
			LinkType: "thematique", LinkEntity: "service", TaxonomyTerm: term})
	}
	return out
}

func (x *hsdsWriter) themeTerm(slug string) *hsdsTaxonomyTerm {
	termID := func(t *domain.Theme, slug string) string {
		owner := ""
		if t != nil {
			owner = t.OrganisationID
		}
		return x.id("taxonomy_term", "theme:"+owner+":"+slug)
	}
	t := x.themes[slug]
	term := &hsdsTaxonomyTerm{ID: termID(t, slug), Code: slug, Name: slug, Description: slug, Taxonomy: themesTaxonomy.Name,
		TaxonomyID: themesTaxonomy.ID, Language: "fr"}
	if t != nil {
		term.Name = firstLine(t.Label)
		term.Description = joinNonEmpty(" ", t.Label, t.Description)
		if t.ParentSlug != "" {
			term.ParentID = termID(x.themes[t.ParentSlug], t.ParentSlug)
		}
	}
	return term
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return strings.TrimSpace(s)
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}

func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && !strings.ContainsAny(s, " \t\n")
}
