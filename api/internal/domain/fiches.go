package domain

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Fiche is one service-public.fr "Vos droits et démarches" page (DILA): a
// fiche (F…), a dossier (N…) or a resource (R…). It says which need a
// resident has in their own administration's words, and where the page
// sends them: the kinds of local offices (Pivots, in the annuaire
// vocabulary of the directory), named places with their phone numbers, and
// online procedures and forms.
type Fiche struct {
	// ID is the DILA identifier: F123, N123 or R123.
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	// Subject is the DILA subject line, e.g. "Famille, Social - Santé".
	Subject string `json:"subject,omitempty"`
	// URL is the page on service-public.fr.
	URL string `json:"url"`
	// Breadcrumb is the path of themes and dossiers above the page, from the
	// top theme down, without the audience root nor the page itself.
	Breadcrumb []string `json:"breadcrumb,omitempty"`
	// Pivots are the annuaire pivot codes of the offices the page sends
	// residents to, mapped to the directory's vocabulary, deduplicated, in
	// the order of the page.
	Pivots []string `json:"pivots,omitempty"`
	// Places are the "Où s'adresser" blocks of the page.
	Places []FichePlace `json:"places,omitempty"`
	// Online are the online procedures, forms, simulators and templates.
	Online []FicheLink `json:"online,omitempty"`
	// UpdatedAt is the date of the page's last modification at its source.
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// FichePlace is one "Où s'adresser" block: a national contact centre, or a
// kind of local office (Pivot) the resident finds in the annuaire.
type FichePlace struct {
	Title      string `json:"title"`
	Complement string `json:"complement,omitempty"`
	// Pivot is the annuaire pivot code as written in the fiche (it may be
	// outside the directory's vocabulary, or an alias of one of its codes).
	Pivot string `json:"pivot,omitempty"`
	URL   string `json:"url,omitempty"`
	// Phones are digits only: "0809401401", "3230", "116006".
	Phones []string `json:"phones,omitempty"`
}

// FicheLink is an online service linked from a fiche.
type FicheLink struct {
	Title string `json:"title"`
	URL   string `json:"url"`
	// Kind is the DILA type: "Téléservice", "Formulaire", "Simulateur",
	// "Modèle de document", "Outil de recherche"…
	Kind string `json:"kind,omitempty"`
}

var (
	ficheIDRE     = regexp.MustCompile(`^[FNR][0-9]{1,7}$`)
	phoneDigitsRE = regexp.MustCompile(`^[0-9]{2,10}$`)
)

// ValidFicheID reports whether s has the shape of a DILA identifier (F123, N123, R123).
func ValidFicheID(s string) bool { return ficheIDRE.MatchString(s) }

// Validate checks a fiche before it is stored.
func (f *Fiche) Validate() error {
	var v Validation
	if !ValidFicheID(f.ID) {
		v.Add("id", "doit être un identifiant service-public.fr comme F123, N123 ou R123")
	}
	if strings.TrimSpace(f.Title) == "" {
		v.Add("title", "est obligatoire")
	} else if utf8.RuneCountInString(f.Title) > 500 {
		v.Add("title", "ne doit pas dépasser 500 caractères")
	}
	if !isHTTPURL(f.URL) {
		v.Add("url", "doit être une adresse web http(s)")
	}
	for i, p := range f.Pivots {
		if !ValidPivot(p) {
			v.Add(fieldIndex("pivots", i), "code de type de guichet invalide : %q", p)
		}
	}
	for i, p := range f.Places {
		prefix := fieldIndex("places", i) + "."
		if strings.TrimSpace(p.Title) == "" {
			v.Add(prefix+"title", "est obligatoire")
		}
		if p.URL != "" && !isHTTPURL(p.URL) {
			v.Add(prefix+"url", "doit être une adresse web http(s)")
		}
		for j, ph := range p.Phones {
			if !phoneDigitsRE.MatchString(ph) {
				v.Add(fieldIndex(prefix+"phones", j), "doit être un numéro en chiffres seulement : %q", ph)
			}
		}
	}
	for i, l := range f.Online {
		prefix := fieldIndex("online", i) + "."
		if strings.TrimSpace(l.Title) == "" {
			v.Add(prefix+"title", "est obligatoire")
		}
		if !isHTTPURL(l.URL) {
			v.Add(prefix+"url", "doit être une adresse web http(s)")
		}
	}
	return v.Err("La fiche contient des erreurs.")
}

// FicheStore persists the service-public.fr fiches.
type FicheStore interface {
	// UpsertFiches creates or updates fiches by ID in one transaction: an
	// unchanged fiche is left alone, and a fiche older than the stored one
	// (UpdatedAt) does not overwrite it (Skipped).
	UpsertFiches(ctx context.Context, fiches []*Fiche) (ImportStats, error)
	// AllFiches returns every fiche, by ID.
	AllFiches(ctx context.Context) ([]*Fiche, error)
	CountFiches(ctx context.Context) (int, error)
}
