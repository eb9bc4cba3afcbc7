package domain

import (
	"context"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/aiguillage/aiguillage/api/internal/i18n"
)

// CommonsSlug is the slug of the organisation that holds the national commons:
// helplines, emergency numbers and the national directory of local offices.
const CommonsSlug = "communs-nationaux"

// OrganisationKind is the kind of a partner.
type OrganisationKind string

const (
	KindCommons     OrganisationKind = "commons"
	KindRegion      OrganisationKind = "region"
	KindDepartement OrganisationKind = "departement"
	KindEPCI        OrganisationKind = "epci"
	KindCommune     OrganisationKind = "commune"
	KindPublicBody  OrganisationKind = "public_body"
)

// OrganisationKinds lists every valid kind.
var OrganisationKinds = []OrganisationKind{KindCommons, KindRegion, KindDepartement, KindEPCI, KindCommune, KindPublicBody}

// Branding is how a partner's widget looks.
type Branding struct {
	LogoURL        string `json:"logo_url,omitempty"`
	PrimaryColor   string `json:"primary_color,omitempty"`
	SecondaryColor string `json:"secondary_color,omitempty"`
}

var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

func (b Branding) validate(v *Validation, prefix string) {
	if b.PrimaryColor != "" && !hexColor.MatchString(b.PrimaryColor) {
		v.Add(prefix+"primary_color", "doit être une couleur au format #RRGGBB")
	}
	if b.SecondaryColor != "" && !hexColor.MatchString(b.SecondaryColor) {
		v.Add(prefix+"secondary_color", "doit être une couleur au format #RRGGBB")
	}
	if b.LogoURL != "" && !isHTTPURL(b.LogoURL) {
		v.Add(prefix+"logo_url", "doit être une adresse web http(s)")
	}
}

// Organisation is a tenant: a partner, or the national commons.
type Organisation struct {
	ID             string
	Slug           string
	Name           string
	Kind           OrganisationKind
	Territory      []string // INSEE codes of the communes of its territory
	Branding       Branding
	AllowedOrigins []string
	EntryPoints    []EntryPoint
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// EntryPoint is a named start of the widget for one integration context.
type EntryPoint struct {
	Slug        string
	Name        string
	Description string
	Themes      []string // preselected theme slugs
	// Journey is the slug of the journey it starts on (empty: themes only).
	Journey  string
	Branding *Branding
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// ValidSlug reports whether s is a lowercase, dash-separated slug of at most 64 characters.
func ValidSlug(s string) bool { return len(s) <= 64 && slugRE.MatchString(s) }

// Validate checks an organisation before it is stored.
func (o *Organisation) Validate() error {
	var v Validation
	if !ValidSlug(o.Slug) {
		v.Add("slug", "doit contenir uniquement des minuscules, chiffres et tirets (64 caractères au plus)")
	}
	if strings.TrimSpace(o.Name) == "" {
		v.Add("name", "est obligatoire")
	} else if utf8.RuneCountInString(o.Name) > 200 {
		v.Add("name", "ne doit pas dépasser 200 caractères")
	}
	if !slices.Contains(OrganisationKinds, o.Kind) {
		v.Add("kind", "doit valoir l'un de : commons, region, departement, epci, commune, public_body")
	}
	for i, code := range o.Territory {
		if !ValidINSEE(code) {
			v.Add(fieldIndex("territory", i), "code INSEE de commune invalide : %q", code)
		}
	}
	o.Branding.validate(&v, "branding.")
	for i, origin := range o.AllowedOrigins {
		if u, err := url.Parse(origin); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != "" {
			v.Add(fieldIndex("allowed_origins", i), "doit être une origine comme https://www.exemple.fr")
		}
	}
	seen := map[string]bool{}
	for i, e := range o.EntryPoints {
		p := fieldIndex("entry_points", i) + "."
		if !ValidSlug(e.Slug) {
			v.Add(p+"slug", "doit contenir uniquement des minuscules, chiffres et tirets")
		} else if seen[e.Slug] {
			v.Add(p+"slug", "est déjà utilisé par un autre point d'entrée")
		}
		seen[e.Slug] = true
		if strings.TrimSpace(e.Name) == "" {
			v.Add(p+"name", "est obligatoire")
		}
		if e.Branding != nil {
			e.Branding.validate(&v, p+"branding.")
		}
	}
	return v.Err("L'organisation contient des erreurs.")
}

// ChannelKind is how a resident reaches a contact point.
type ChannelKind string

const (
	ChannelPhone           ChannelKind = "phone"
	ChannelSMS             ChannelKind = "sms"
	ChannelEmail           ChannelKind = "email"
	ChannelAddress         ChannelKind = "address"
	ChannelOnlineProcedure ChannelKind = "online_procedure"
	ChannelWebsite         ChannelKind = "website"
	ChannelContactForm     ChannelKind = "contact_form"
	ChannelChat            ChannelKind = "chat"
)

// ChannelKinds lists every valid channel kind.
var ChannelKinds = []ChannelKind{ChannelPhone, ChannelSMS, ChannelEmail, ChannelAddress, ChannelOnlineProcedure, ChannelWebsite, ChannelContactForm, ChannelChat}

// Channel is one way to reach a contact point.
type Channel struct {
	Kind              ChannelKind `json:"kind"`
	Value             string      `json:"value"`
	Label             string      `json:"label,omitempty"`
	CostNote          string      `json:"cost_note,omitempty"`
	AccessibilityNote string      `json:"accessibility_note,omitempty"`
	// Visibility reserves the channel to agents (a public contact point
	// may carry an agent-only direct line); empty is public, and omitted
	// from the JSON encoding so the content hashes of public channels are
	// unchanged.
	Visibility Visibility `json:"visibility,omitempty"`
}

// Address is the physical location of an office.
type Address struct {
	Lines      []string `json:"lines,omitempty"`
	PostalCode string   `json:"postal_code,omitempty"`
	City       string   `json:"city,omitempty"`
	// CommuneCode is the INSEE code of the commune where the office stands.
	CommuneCode string   `json:"commune_code,omitempty"`
	Latitude    *float64 `json:"latitude,omitempty"`
	Longitude   *float64 `json:"longitude,omitempty"`
	// Accessibility is ACC (accessible), DEM (on request) or NAC (not accessible), as in the annuaire.
	Accessibility string `json:"accessibility,omitempty"`
}

// OneLine renders the address on one line.
func (a Address) OneLine() string {
	parts := slices.Clone(a.Lines)
	if city := strings.TrimSpace(a.PostalCode + " " + a.City); city != "" {
		parts = append(parts, city)
	}
	return strings.Join(parts, ", ")
}

// Granularity is the level a contact point stands for.
type Granularity string

const (
	GranularityAdministration Granularity = "administration"
	GranularityService        Granularity = "service"
	GranularityAgentGroup     Granularity = "agent_group"
	GranularityPerson         Granularity = "person"
)

// Granularities lists every valid granularity.
var Granularities = []Granularity{GranularityAdministration, GranularityService, GranularityAgentGroup, GranularityPerson}

// CoverageRule says how the communes a contact point serves are determined.
type CoverageRule string

const (
	// CoverageExplicit: the lists below (national, régions, départements, communes, EPCI).
	CoverageExplicit CoverageRule = "explicit"
	// CoverageNearest: the office of this pivot type in the resident's commune,
	// else the nearest one in the same département (inferred for annuaire
	// records that do not list the communes they serve).
	CoverageNearest CoverageRule = "nearest_in_departement"
)

// Coverage is the territory a contact point serves.
type Coverage struct {
	Rule         CoverageRule `json:"rule"`
	National     bool         `json:"national,omitempty"`
	Regions      []string     `json:"regions,omitempty"`
	Departements []string     `json:"departements,omitempty"`
	EPCIs        []string     `json:"epcis,omitempty"` // SIREN of EPCI
	Communes     []string     `json:"communes,omitempty"`
	// Inferred is true when coverage was not given by the source but deduced
	// by the documented rule (see README, "Couverture").
	Inferred bool `json:"inferred,omitempty"`
}

// SourceKind is where a contact point comes from.
type SourceKind string

const (
	SourceManual         SourceKind = "manual"
	SourceAnnuaire       SourceKind = "annuaire"
	SourceFranceServices SourceKind = "france_services"
	SourceHelplines      SourceKind = "helplines"
	SourceCSV            SourceKind = "csv"
	// SourceDataInclusion: a service or structure of a data·inclusion file
	// imported by a partner.
	SourceDataInclusion SourceKind = "data_inclusion"
)

// Source records the origin of a contact point.
type Source struct {
	Kind SourceKind `json:"kind"`
	// ID is the identifier in the source (annuaire id, France services id, phone number).
	ID string `json:"id,omitempty"`
	// Dataset names the file or dataset, with its date when known.
	Dataset string `json:"dataset,omitempty"`
	// UpdatedAt is the date the source says the record was last modified.
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// ContactPoint is what a resident is sent to.
type ContactPoint struct {
	ID             string
	OrganisationID string
	Name           string
	Description    string
	// Translations holds the description in other languages, by language
	// code (i18n package; never "fr"). Omitted from the JSON encoding when
	// empty, so the content hashes of untranslated contact points are
	// unchanged.
	Translations map[string]ContactPointText `json:"translations,omitempty"`
	Granularity  Granularity
	// Visibility reserves the contact point to agents (see Viewer); empty
	// is public. Omitted from the JSON encoding when empty.
	Visibility Visibility `json:"visibility,omitempty"`
	Pivot      string
	Themes     []string
	Channels   []Channel
	Address    *Address
	Hours      OpeningHours
	Coverage   Coverage
	Emergency  bool
	// EmergencyRank orders emergency numbers: lower is more urgent.
	EmergencyRank int
	// OverridesID names a national contact point this partner's contact
	// point adjusts locally (its non-empty fields win) without copying it.
	OverridesID string
	Source      Source
	VerifiedAt  *time.Time
	// Version increases on every change, for optimistic concurrency.
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
	// WithdrawnAt is set when the last complete import of the contact
	// point's source no longer listed it (see ImportRun): it is kept, for
	// the journeys that name it, but never shown to residents. Not part of
	// the content (omitted from the JSON encoding when nil, so content
	// hashes of the contact points in use are unchanged).
	WithdrawnAt *time.Time `json:"withdrawn_at,omitempty"`
}

// ContactPointText is a contact point's texts in one language.
type ContactPointText struct {
	Description string `json:"description,omitempty"`
}

// MaxDescription is the length of a contact point's description, in
// characters (runes), in French and in each translation.
const MaxDescription = 2000

// DescriptionIn returns the description in lang (a code of the i18n
// package), and whether it is the French original for want of a
// translation. An empty description stays empty.
func (c *ContactPoint) DescriptionIn(lang string) (string, bool) {
	if lang == i18n.French || strings.TrimSpace(c.Description) == "" {
		return c.Description, false
	}
	if t := c.Translations[lang].Description; strings.TrimSpace(t) != "" {
		return t, false
	}
	return c.Description, true
}

// Withdrawn reports whether the contact point was withdrawn by its source.
func (c *ContactPoint) Withdrawn() bool { return c.WithdrawnAt != nil }

var pivotRE = regexp.MustCompile(`^[a-z][a-z0-9_]{1,63}$`)

// ValidPivot reports whether s has the shape of an annuaire pivot code.
func ValidPivot(s string) bool { return pivotRE.MatchString(s) }

// Validate checks a contact point before it is stored.
func (c *ContactPoint) Validate() error {
	var v Validation
	if strings.TrimSpace(c.Name) == "" {
		v.Add("name", "est obligatoire")
	} else if utf8.RuneCountInString(c.Name) > 300 {
		v.Add("name", "ne doit pas dépasser 300 caractères")
	}
	if utf8.RuneCountInString(c.Description) > MaxDescription {
		v.Add("description", "ne doit pas dépasser %d caractères", MaxDescription)
	}
	for _, l := range slices.Sorted(maps.Keys(c.Translations)) {
		field := "translations." + l
		switch {
		case l == i18n.French:
			v.Add(field, "« fr » n'est pas une traduction : le texte français est la description elle-même")
		case !i18n.Supported(l):
			v.Add(field, "langue inconnue : %q (langues de traduction possibles : %s)", l, strings.Join(i18n.Translations(), ", "))
		}
		if utf8.RuneCountInString(c.Translations[l].Description) > MaxDescription {
			v.Add(field+".description", "ne doit pas dépasser %d caractères", MaxDescription)
		}
	}
	validateVisibility(&v, "visibility", c.Visibility)
	if c.Granularity != "" && !slices.Contains(Granularities, c.Granularity) {
		v.Add("granularity", "doit valoir l'un de : administration, service, agent_group, person")
	}
	if c.Pivot != "" && !ValidPivot(c.Pivot) {
		v.Add("pivot", "code de type d'établissement invalide : %q", c.Pivot)
	}
	for i, t := range c.Themes {
		if !ValidSlug(t) {
			v.Add(fieldIndex("themes", i), "identifiant de thème invalide : %q", t)
		}
	}
	override := c.OverridesID != ""
	if override && !ValidID(c.OverridesID) {
		v.Add("overrides", "identifiant de point de contact national invalide")
	}
	if len(c.Channels) == 0 && !override {
		v.Add("channels", "au moins un moyen de contact est obligatoire")
	} else if !override && c.Visibility.IsPublic() && !slices.ContainsFunc(c.Channels, func(ch Channel) bool { return ch.Visibility.IsPublic() }) {
		v.Add("channels", "un point de contact public doit garder au moins un moyen de contact public (ou réservez tout le point de contact aux agents)")
	}
	for i, ch := range c.Channels {
		p := fieldIndex("channels", i)
		if !slices.Contains(ChannelKinds, ch.Kind) {
			v.Add(p+".kind", "doit valoir l'un de : phone, sms, email, address, online_procedure, website, contact_form, chat")
		}
		if strings.TrimSpace(ch.Value) == "" {
			v.Add(p+".value", "est obligatoire")
		}
		validateVisibility(&v, p+".visibility", ch.Visibility)
		switch ch.Kind {
		case ChannelWebsite, ChannelOnlineProcedure, ChannelContactForm, ChannelChat:
			if ch.Value != "" && !isHTTPURL(ch.Value) {
				v.Add(p+".value", "doit être une adresse web http(s)")
			}
		case ChannelEmail:
			if ch.Value != "" && !strings.Contains(ch.Value, "@") {
				v.Add(p+".value", "adresse électronique invalide")
			}
		}
	}
	c.Hours.validate(&v)
	switch c.Coverage.Rule {
	case CoverageExplicit:
		if !override && !c.Coverage.National && len(c.Coverage.Regions)+len(c.Coverage.Departements)+len(c.Coverage.EPCIs)+len(c.Coverage.Communes) == 0 {
			v.Add("coverage", "indiquez le territoire servi (national, régions, départements ou communes)")
		}
	case CoverageNearest:
		if c.Pivot == "" || c.Address == nil || c.Address.CommuneCode == "" {
			v.Add("coverage.rule", "la règle nearest_in_departement demande un type (pivot) et une adresse avec code commune")
		}
	default:
		v.Add("coverage.rule", "doit valoir explicit ou nearest_in_departement")
	}
	for i, code := range c.Coverage.Communes {
		if !ValidINSEE(code) {
			v.Add(fieldIndex("coverage.communes", i), "code INSEE invalide : %q", code)
		}
	}
	for i, code := range c.Coverage.Departements {
		if !ValidDepartement(code) {
			v.Add(fieldIndex("coverage.departements", i), "code de département invalide : %q", code)
		}
	}
	for i, code := range c.Coverage.EPCIs {
		if !epciRE.MatchString(code) {
			v.Add(fieldIndex("coverage.epcis", i), "numéro SIREN d'EPCI invalide : %q", code)
		}
	}
	for i, code := range c.Coverage.Regions {
		if !regionRE.MatchString(code) {
			v.Add(fieldIndex("coverage.regions", i), "code de région invalide : %q", code)
		}
	}
	if c.Address != nil && c.Address.CommuneCode != "" && !ValidINSEE(c.Address.CommuneCode) {
		v.Add("address.commune_code", "code INSEE invalide : %q", c.Address.CommuneCode)
	}
	return v.Err("Le point de contact contient des erreurs.")
}

var (
	inseeRE  = regexp.MustCompile(`^(?:[0-9]{2}|2[AB])[0-9]{3}$`)
	deptRE   = regexp.MustCompile(`^(?:0[1-9]|1[0-9]|2[1-9AB]|[3-8][0-9]|9[0-5]|97[1-8]|98[4-9])$`)
	regionRE = regexp.MustCompile(`^[0-9]{2}$`)
	epciRE   = regexp.MustCompile(`^[0-9]{9}$`)
)

// ValidINSEE reports whether s has the shape of an INSEE commune code (e.g. 83137, 2A004).
func ValidINSEE(s string) bool { return inseeRE.MatchString(s) }

// DepartementOf returns the département code of an INSEE commune code by
// its prefix: 3 digits overseas (97x), else the first two characters (2A,
// 2B included). Nearest-rule offices are filed and looked up by it.
func DepartementOf(insee string) string {
	if len(insee) == 5 && insee[:2] == "97" {
		return insee[:3]
	}
	if len(insee) >= 2 {
		return insee[:2]
	}
	return insee
}

// ValidDepartement reports whether s has the shape of a département code (01…95, 2A, 2B, 971…989).
func ValidDepartement(s string) bool { return deptRE.MatchString(s) }

// Theme groups needs in residents' words.
type Theme struct {
	Slug        string
	ParentSlug  string
	Label       string
	Description string
	Synonyms    []string
	// OrganisationID is the owner; the commons own the national taxonomy.
	OrganisationID string
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Validate checks a theme before it is stored.
func (t *Theme) Validate() error {
	var v Validation
	if !ValidSlug(t.Slug) {
		v.Add("slug", "doit contenir uniquement des minuscules, chiffres et tirets")
	}
	if t.ParentSlug != "" && !ValidSlug(t.ParentSlug) {
		v.Add("parent_slug", "identifiant de thème parent invalide")
	}
	if t.ParentSlug == t.Slug && t.Slug != "" {
		v.Add("parent_slug", "un thème ne peut pas être son propre parent")
	}
	if strings.TrimSpace(t.Label) == "" {
		v.Add("label", "est obligatoire")
	}
	return v.Err("Le thème contient des erreurs.")
}

// ContactPointFilter selects contact points. Zero fields do not filter.
type ContactPointFilter struct {
	OrganisationID string
	// OrganisationIDs keeps contact points of any of these organisations.
	OrganisationIDs []string
	Pivot           string
	Theme           string
	Emergency       *bool
	// Commune keeps only contact points whose explicit coverage includes the
	// commune (national, its région, its département, the commune itself).
	// Nearest-rule offices are resolved by the directory service, not here.
	Commune *Commune
	// NearestDepartement keeps only offices with the nearest_in_departement
	// rule located in that département.
	NearestDepartement string
	// Query keeps contact points whose name contains it (case-insensitive).
	Query string
	// VerifiedBefore keeps contact points last verified before it, and
	// those never verified.
	VerifiedBefore *time.Time
	// Sort: name, -name, updated_at, -updated_at, verified_at (never
	// verified first), -verified_at (never verified last); default:
	// emergency rank, then name.
	Sort          string
	Offset, Limit int
	// SkipTotal spares the count of all matches (returned as 0) when the
	// caller needs none.
	SkipTotal bool
	// IncludeWithdrawn also returns withdrawn contact points (never for
	// residents: back office and exports only).
	IncludeWithdrawn bool
	// Viewer, when set, keeps only the contact points it may see (the zero
	// Viewer: the public ones). Their channels are not filtered here: see
	// Viewer.Visible.
	Viewer *Viewer
}

// ImportStats counts what an import did.
type ImportStats struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Skipped   int `json:"skipped"`
	// Reinstated counts withdrawn contact points listed again (whether
	// their content changed or not; not counted in Updated nor Unchanged).
	Reinstated int `json:"reinstated,omitempty"`
	// Withdrawn counts contact points a complete full import no longer
	// found in its file.
	Withdrawn int `json:"withdrawn,omitempty"`
}

// Add sums two stats.
func (s *ImportStats) Add(o ImportStats) {
	s.Created += o.Created
	s.Updated += o.Updated
	s.Unchanged += o.Unchanged
	s.Skipped += o.Skipped
	s.Reinstated += o.Reinstated
	s.Withdrawn += o.Withdrawn
}

// DirectoryStore persists organisations, contact points and themes.
type DirectoryStore interface {
	FindOrganisationBySlug(ctx context.Context, slug string) (*Organisation, error)
	FindOrganisationByID(ctx context.Context, id string) (*Organisation, error)
	// UpsertOrganisation creates the organisation or updates the one with the same slug.
	UpsertOrganisation(ctx context.Context, o *Organisation) error

	FindContactPointByID(ctx context.Context, id string) (*ContactPoint, error)
	FindContactPoints(ctx context.Context, f ContactPointFilter) ([]*ContactPoint, int, error)
	// UpsertContactPoints creates or updates contact points keyed by their ID,
	// in one transaction, leaving rows whose content did not change untouched.
	UpsertContactPoints(ctx context.Context, cps []*ContactPoint) (ImportStats, error)

	FindThemes(ctx context.Context, organisationID string) ([]*Theme, error)
	UpsertThemes(ctx context.Context, themes []*Theme) (ImportStats, error)
}

// OrganisationEditor is the back office's write access to organisations,
// their themes and their logo. Each write appends its audit entry in the
// same transaction.
type OrganisationEditor interface {
	FindOrganisations(ctx context.Context, ids []string, p Page) ([]*Organisation, int, error)
	CreateOrganisation(ctx context.Context, o *Organisation, audit *AuditEntry) error
	// UpdateOrganisation replaces o (same ID) if its stored version is expectedVersion, else ECONFLICT.
	UpdateOrganisation(ctx context.Context, o *Organisation, expectedVersion int, audit *AuditEntry) error
	DeleteOrganisation(ctx context.Context, id string, audit *AuditEntry) error

	CreateTheme(ctx context.Context, t *Theme, audit *AuditEntry) error
	UpdateTheme(ctx context.Context, t *Theme, expectedVersion int, audit *AuditEntry) error
	DeleteTheme(ctx context.Context, organisationID, slug string, audit *AuditEntry) error

	SaveLogo(ctx context.Context, organisationID string, l *Logo, audit *AuditEntry) error
	FindLogo(ctx context.Context, organisationID string) (*Logo, error)
}

// Logo is a partner's validated logo image.
type Logo struct {
	ContentType string
	Data        []byte
	SHA256      string
	UpdatedAt   time.Time
}

// ContactPointEditor is the référents' write access to contact points. Every
// method is scoped by organisation: an ID of another organisation is not
// found. Each write appends its audit entry in the same transaction.
type ContactPointEditor interface {
	FindContactPointInOrganisation(ctx context.Context, organisationID, id string) (*ContactPoint, error)
	CreateContactPoint(ctx context.Context, c *ContactPoint, audit *AuditEntry) error
	// UpdateContactPoint replaces c (same ID and organisation) if its stored
	// version is expectedVersion, else ECONFLICT.
	UpdateContactPoint(ctx context.Context, c *ContactPoint, expectedVersion int, audit *AuditEntry) error
	DeleteContactPoint(ctx context.Context, organisationID, id string, expectedVersion int, audit *AuditEntry) error
	// FindContactPointsByID returns those of ids that are contact points of
	// the organisation, by id.
	FindContactPointsByID(ctx context.Context, organisationID string, ids []string) (map[string]*ContactPoint, error)
	// ImportContactPoints writes the contact points of one import in one
	// transaction, each with its audit entry: all of them, or none (an
	// update whose stored version moved meanwhile is ECONFLICT).
	ImportContactPoints(ctx context.Context, organisationID string, writes []ContactPointWrite) error
}

// ContactPointWrite is one contact point of an import: created when
// ExpectedVersion is 0, else updated if its stored version still is
// ExpectedVersion.
type ContactPointWrite struct {
	ContactPoint    *ContactPoint
	ExpectedVersion int
	Audit           *AuditEntry
}

func fieldIndex(name string, i int) string {
	return name + "[" + strconv.Itoa(i) + "]"
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// idNamespace is the UUID namespace of identifiers derived from source keys.
var idNamespace = uuid.MustParse("6f1c7a52-3d0e-4b8e-9a43-2f5d0c9e7b11")

// StableID derives a deterministic UUID (v5) from a source key such as
// "annuaire:caf-83126-01", so that re-importing a record finds the same row on
// every machine and every database.
func StableID(key string) string {
	return uuid.NewSHA1(idNamespace, []byte(key)).String()
}

// NewID returns a random UUID for records created by hand.
func NewID() string { return uuid.NewString() }

// ValidID reports whether s is a UUID in canonical form.
func ValidID(s string) bool {
	u, err := uuid.Parse(s)
	return err == nil && u.String() == s
}
