package httpapi

import (
	"time"

	"github.com/aiguillage/aiguillage/api/internal/directory"
	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// Channel is one way to reach a contact point.
type Channel struct {
	// Kind: phone, sms, email, address, online_procedure, website, contact_form, chat.
	Kind              string `json:"kind" example:"phone" enums:"phone,sms,email,address,online_procedure,website,contact_form,chat"`
	Value             string `json:"value" example:"3230"`
	Label             string `json:"label,omitempty" example:"Caf (allocations familiales)"`
	CostNote          string `json:"cost_note,omitempty" example:"service gratuit + prix d'un appel"`
	AccessibilityNote string `json:"accessibility_note,omitempty"`
	// Visibility: who may see the channel. Always in the back office; in
	// public answers only in agent mode (mode=agent with an agent's access
	// token), where organisation_agents and all_agents mark the lines
	// reserved to agents. Absent on writes: public.
	Visibility string `json:"visibility,omitempty" enums:"public,organisation_agents,all_agents"`
} // @name Channel

// Address locates an office.
type Address struct {
	Lines       []string `json:"lines,omitempty"`
	PostalCode  string   `json:"postal_code,omitempty" example:"83000"`
	City        string   `json:"city,omitempty" example:"Toulon"`
	CommuneCode string   `json:"commune_code,omitempty" example:"83137"`
	Latitude    *float64 `json:"latitude,omitempty"`
	Longitude   *float64 `json:"longitude,omitempty"`
	// Accessibility: ACC (accessible), DEM (on request), NAC (not accessible).
	Accessibility string `json:"accessibility,omitempty" enums:"ACC,DEM,NAC"`
} // @name Address

// OpeningSlot is an opening range on a weekday (Europe/Paris).
type OpeningSlot struct {
	// Day: 1 = lundi … 7 = dimanche.
	Day    int    `json:"day" minimum:"1" maximum:"7"`
	Opens  string `json:"opens" example:"08:30"`
	Closes string `json:"closes" example:"12:00"`
} // @name OpeningSlot

// OpeningException changes the weekly plan on one date.
type OpeningException struct {
	Date   string        `json:"date" example:"2026-12-25"`
	Closed bool          `json:"closed"`
	Slots  []OpeningSlot `json:"slots,omitempty"`
	Note   string        `json:"note,omitempty"`
} // @name OpeningException

// OpeningHours is a weekly plan with exceptions, Europe/Paris time.
type OpeningHours struct {
	Weekly     []OpeningSlot      `json:"weekly"`
	Exceptions []OpeningException `json:"exceptions,omitempty"`
	Note       string             `json:"note,omitempty"`
	// Indicative hours are not guaranteed and must be shown as such.
	Indicative bool   `json:"indicative"`
	TimeZone   string `json:"time_zone" example:"Europe/Paris"`
} // @name OpeningHours

// Coverage is the territory a contact point serves.
type Coverage struct {
	// Rule: explicit (the lists) or nearest_in_departement (the office in the
	// resident's commune, else the nearest one in the département).
	Rule         string   `json:"rule" enums:"explicit,nearest_in_departement"`
	National     bool     `json:"national"`
	Regions      []string `json:"regions,omitempty"`
	Departements []string `json:"departements,omitempty"`
	Communes     []string `json:"communes,omitempty"`
	// Inferred is true when the source did not list the communes served and
	// the rule was deduced from the kind of office.
	Inferred bool `json:"inferred"`
} // @name Coverage

// Source says where a contact point comes from.
type Source struct {
	Kind      string `json:"kind" enums:"manual,annuaire,france_services,helplines,csv,data_inclusion"`
	ID        string `json:"id,omitempty" example:"caf-83126-01"`
	Dataset   string `json:"dataset,omitempty"`
	UpdatedAt string `json:"updated_at,omitempty" example:"2017-09-11"`
} // @name Source

// ContactPoint is what a resident is sent to.
type ContactPoint struct {
	ID          string `json:"id" format:"uuid"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Granularity string `json:"granularity,omitempty" enums:"administration,service,agent_group,person"`
	// Visibility: who may see the contact point. Always in the back
	// office; in public answers only in agent mode (mode=agent with an
	// agent's access token), where organisation_agents and all_agents mark
	// the contact points reserved to agents.
	Visibility string       `json:"visibility,omitempty" enums:"public,organisation_agents,all_agents"`
	Pivot      string       `json:"pivot,omitempty" example:"caf"`
	Themes     []string     `json:"themes"`
	Channels   []Channel    `json:"channels"`
	Address    *Address     `json:"address,omitempty"`
	Hours      OpeningHours `json:"opening_hours"`
	Coverage   Coverage     `json:"coverage"`
	Emergency  bool         `json:"emergency"`
	// EmergencyRank orders emergency numbers: 1 is the most urgent.
	EmergencyRank int    `json:"emergency_rank,omitempty"`
	Source        Source `json:"source"`
	// VerifiedAt is the date the information was last checked (YYYY-MM-DD).
	VerifiedAt string `json:"verified_at,omitempty" example:"2017-09-11"`
	// DistanceKm from the centre of the requested commune.
	DistanceKm *float64 `json:"distance_km,omitempty"`
	// InCommune is true when the office stands in the requested commune.
	InCommune *bool `json:"in_commune,omitempty"`
	// Reason says why it serves the requested commune, e.g. « sert tout le département 83 ».
	Reason string `json:"reason,omitempty"`
	// TextLang is "fr" when the description is the French original for
	// want of a translation into the language asked for (public answers).
	TextLang string `json:"text_lang,omitempty" enums:"fr"`
} // @name ContactPoint

func date(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.DateOnly)
}

func orEmpty[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

func slotsDTO(in []domain.OpeningSlot) []OpeningSlot {
	out := make([]OpeningSlot, len(in))
	for i, s := range in {
		out[i] = OpeningSlot{Day: s.Day, Opens: s.Opens, Closes: s.Closes}
	}
	return out
}

func contactPointDTO(c *domain.ContactPoint) ContactPoint {
	out := ContactPoint{
		ID: c.ID, Name: c.Name, Description: c.Description, Granularity: string(c.Granularity), Pivot: c.Pivot,
		Themes: orEmpty(c.Themes), Channels: make([]Channel, len(c.Channels)),
		Hours: OpeningHours{Weekly: slotsDTO(c.Hours.Weekly), Note: c.Hours.Note, Indicative: c.Hours.Indicative, TimeZone: "Europe/Paris"},
		Coverage: Coverage{Rule: string(c.Coverage.Rule), National: c.Coverage.National, Regions: c.Coverage.Regions,
			Departements: c.Coverage.Departements, Communes: c.Coverage.Communes, Inferred: c.Coverage.Inferred},
		Emergency: c.Emergency, EmergencyRank: c.EmergencyRank,
		Source:     Source{Kind: string(c.Source.Kind), ID: c.Source.ID, Dataset: c.Source.Dataset, UpdatedAt: date(c.Source.UpdatedAt)},
		VerifiedAt: date(c.VerifiedAt),
	}
	for i, ch := range c.Channels {
		out.Channels[i] = Channel{Kind: string(ch.Kind), Value: ch.Value, Label: ch.Label, CostNote: ch.CostNote, AccessibilityNote: ch.AccessibilityNote}
	}
	for _, e := range c.Hours.Exceptions {
		out.Hours.Exceptions = append(out.Hours.Exceptions, OpeningException{Date: e.Date, Closed: e.Closed, Slots: slotsDTO(e.Slots), Note: e.Note})
	}
	if a := c.Address; a != nil {
		out.Address = &Address{Lines: a.Lines, PostalCode: a.PostalCode, City: a.City, CommuneCode: a.CommuneCode,
			Latitude: a.Latitude, Longitude: a.Longitude, Accessibility: a.Accessibility}
	}
	return out
}

func locatedDTO(l directory.Located, commune *domain.Commune) ContactPoint {
	out := contactPointDTO(l.ContactPoint)
	out.DistanceKm = l.DistanceKm
	if commune != nil {
		out.Reason = l.Reason(commune)
	}
	if l.Address != nil {
		in := l.InCommune
		out.InCommune = &in
	}
	return out
}

// Commune is a French commune.
type Commune struct {
	Code        string      `json:"code" example:"83137"`
	Name        string      `json:"name" example:"Toulon"`
	PostalCodes []string    `json:"postal_codes" example:"83000,83100,83200"`
	Departement Departement `json:"departement"`
	Region      Region      `json:"region"`
	EPCI        string      `json:"epci,omitempty" example:"248300543"`
	Population  int         `json:"population,omitempty"`
} // @name Commune

// Departement is a French département.
type Departement struct {
	Code string `json:"code" example:"83"`
	Name string `json:"name" example:"Var"`
} // @name Departement

// Region is a French région.
type Region struct {
	Code string `json:"code" example:"93"`
	Name string `json:"name" example:"Provence-Alpes-Côte d'Azur"`
} // @name Region

func communeDTO(c *domain.Commune, ref domain.Communes) Commune {
	out := Commune{Code: c.Code, Name: c.Name, PostalCodes: orEmpty(c.PostalCodes), EPCI: c.EPCI, Population: c.Population,
		Departement: Departement{Code: c.Departement}, Region: Region{Code: c.Region}}
	if d, ok := ref.Departement(c.Departement); ok {
		out.Departement.Name = d.Name
	}
	if r, ok := ref.Region(c.Region); ok {
		out.Region.Name = r.Name
	}
	return out
}

// CommuneList answers the communes autocomplete.
type CommuneList struct {
	Communes []Commune `json:"communes"`
} // @name CommuneList

// ContactPointList answers a contact point query.
type ContactPointList struct {
	// Commune is the requested commune, when one was given.
	Commune       *Commune       `json:"commune,omitempty"`
	Total         int            `json:"total"`
	ContactPoints []ContactPoint `json:"contact_points"`
} // @name ContactPointList

// EmergencyList answers the emergency numbers query.
type EmergencyList struct {
	Commune *Commune       `json:"commune,omitempty"`
	Numbers []ContactPoint `json:"numbers"`
} // @name EmergencyList

// Branding is how a partner's widget looks.
type Branding struct {
	LogoURL        string `json:"logo_url,omitempty"`
	PrimaryColor   string `json:"primary_color,omitempty" example:"#1d4e89"`
	SecondaryColor string `json:"secondary_color,omitempty"`
} // @name Branding

// EntryPoint is a named start of the widget.
type EntryPoint struct {
	Slug        string   `json:"slug" example:"social"`
	Name        string   `json:"name" example:"Action sociale"`
	Description string   `json:"description,omitempty"`
	Themes      []string `json:"themes"`
	// Journey is the journey it starts on, served at /api/v1/public/organisations/{slug}/journeys/{entry}.
	Journey  string    `json:"journey,omitempty"`
	Branding *Branding `json:"branding,omitempty"`
	// TextLang is "fr" when another language than French was asked for:
	// the partner's name and description have no translation.
	TextLang string `json:"text_lang,omitempty" enums:"fr"`
} // @name EntryPoint

// PublicOrganisation is a partner's public configuration.
type PublicOrganisation struct {
	Slug        string       `json:"slug" example:"var"`
	Name        string       `json:"name" example:"Département du Var"`
	Kind        string       `json:"kind" enums:"commons,region,departement,epci,commune,public_body"`
	Branding    Branding     `json:"branding"`
	EntryPoints []EntryPoint `json:"entry_points"`
	// Territory lists the INSEE codes of the communes the partner serves.
	Territory []string `json:"territory"`
	// Features tells the widget which optional parts the server offers.
	Features Features `json:"features"`
} // @name PublicOrganisation

// Features are the optional parts of the public API this server offers, so
// a widget of another version adapts instead of failing.
type Features struct {
	// Events: POST /api/v1/public/events (anonymous usage events, navigator.sendBeacon).
	Events bool `json:"events"`
	// Feedback: POST /api/v1/public/feedback ("Cette réponse vous a-t-elle aidé ?").
	Feedback bool `json:"feedback"`
	// Reports: POST /api/v1/public/contact-points/{id}/reports ("Information incorrecte ?").
	Reports bool `json:"reports"`
	// Search: GET /api/v1/public/search.
	Search bool `json:"search"`
} // @name Features

func brandingDTO(b domain.Branding) Branding {
	return Branding{LogoURL: b.LogoURL, PrimaryColor: b.PrimaryColor, SecondaryColor: b.SecondaryColor}
}

func publicOrganisationDTO(o *domain.Organisation, lang string) PublicOrganisation {
	out := PublicOrganisation{Slug: o.Slug, Name: o.Name, Kind: string(o.Kind), Branding: brandingDTO(o.Branding),
		EntryPoints: make([]EntryPoint, len(o.EntryPoints)), Territory: orEmpty(o.Territory),
		Features: Features{Events: true, Feedback: true, Reports: true, Search: true}}
	for i := range o.EntryPoints {
		out.EntryPoints[i] = entryPointDTO(&o.EntryPoints[i], lang)
	}
	return out
}

// Health is the answer of the health probes.
type Health struct {
	Status string            `json:"status" example:"ok"`
	Checks map[string]string `json:"checks,omitempty"`
} // @name Health
