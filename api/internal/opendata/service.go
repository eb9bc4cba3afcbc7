package opendata

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/admin"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/journeys"
)

// Store is what the exports read.
type Store interface {
	FindOrganisationBySlug(ctx context.Context, slug string) (*domain.Organisation, error)
	FindThemes(ctx context.Context, organisationID string) ([]*domain.Theme, error)
	// ContactPointsAfter returns up to limit contact points of the
	// organisation whose id sorts after afterID, by id.
	ContactPointsAfter(ctx context.Context, organisationID, afterID string, limit int) ([]*domain.ContactPoint, error)
	// DirectoryStamp changes whenever the organisation, its themes or its
	// contact points change; latest is their latest update.
	DirectoryStamp(ctx context.Context, organisationID string) (stamp string, latest time.Time, err error)
	FindJourneys(ctx context.Context, organisationID string) ([]*domain.JourneyRecord, error)
	FindJourneyVersion(ctx context.Context, organisationID, slug string, number int) (*domain.JourneyVersion, error)
}

// Authorizer checks an actor's role in an organisation (admin.Service).
type Authorizer interface {
	Authorize(ctx context.Context, a admin.Actor, slug string, need domain.Role) (*domain.Organisation, error)
}

// Options configure the service.
type Options struct {
	Store    Store
	Auth     Authorizer
	Communes domain.Communes
	// PublicURL is the site's address, for links in the files.
	PublicURL string
	// Revision names the program that writes the files (its version): the
	// open data ETag changes with it, as the output may.
	Revision string
	Now      func() time.Time
	// PageSize is the number of contact points read at once (default 500).
	PageSize int
}

// Service exports organisations' directories and journeys.
type Service struct{ o Options }

// New returns the service.
func New(o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.PageSize <= 0 {
		o.PageSize = 500
	}
	return &Service{o: o}
}

// Export is a file ready to be written: everything that could fail before
// the first byte (authorisation, unknown organisation or format) has been
// checked; WriteTo streams it.
type Export struct {
	Filename    string
	ContentType string
	write       func(ctx context.Context, w io.Writer) error
}

// WriteTo writes the file.
func (e *Export) WriteTo(ctx context.Context, w io.Writer) error { return e.write(ctx, w) }

// ContentType of each format.
func contentType(f Format) string {
	if f == CSV {
		return "text/csv; charset=utf-8"
	}
	return "application/json; charset=utf-8"
}

func extension(f Format) string {
	if f == CSV {
		return ".csv"
	}
	return ".json"
}

func unknownFormat(f Format, valid []Format) error {
	list := ""
	for i, v := range valid {
		if i > 0 {
			list += ", "
		}
		list += string(v)
	}
	return domain.Invalid("Format d'export inconnu.", domain.FieldError{Field: "format", Message: fmt.Sprintf("%q : doit valoir %s", f, list)})
}

// ContactPoints exports an organisation's own contact points (viewers and
// up), withdrawn ones included, and those reserved to agents in JSON and
// CSV.
func (s *Service) ContactPoints(ctx context.Context, a admin.Actor, slug string, f Format) (*Export, error) {
	if !slices.Contains(ContactPointFormats, f) {
		return nil, unknownFormat(f, ContactPointFormats)
	}
	org, err := s.o.Auth.Authorize(ctx, a, slug, domain.RoleViewer)
	if err != nil {
		return nil, err
	}
	d, err := s.dataset(ctx, org)
	if err != nil {
		return nil, err
	}
	name := "points-de-contact-" + org.Slug
	if f == HSDS || f == DataInclusion {
		name += "-" + string(f)
	}
	// The partner's own file: with what it reserves to agents (in JSON
	// and CSV only, see Dataset.IncludeAgentOnly).
	d.IncludeAgentOnly = true
	return &Export{Filename: name + extension(f), ContentType: contentType(f), write: func(ctx context.Context, w io.Writer) error {
		return WriteContactPoints(ctx, w, f, d, s.pages(org.ID))
	}}, nil
}

// dataset describes an organisation's export: its themes and the national ones.
func (s *Service) dataset(ctx context.Context, org *domain.Organisation) (Dataset, error) {
	d := Dataset{Organisation: org, Communes: s.o.Communes, GeneratedAt: s.o.Now().UTC(), PublicURL: s.o.PublicURL}
	if org.Slug != domain.CommonsSlug {
		commons, err := s.o.Store.FindOrganisationBySlug(ctx, domain.CommonsSlug)
		switch {
		case err == nil:
			national, err := s.o.Store.FindThemes(ctx, commons.ID)
			if err != nil {
				return d, err
			}
			d.Themes = append(d.Themes, national...)
		case domain.ErrorCode(err) != domain.ENOTFOUND:
			return d, err
		}
	}
	own, err := s.o.Store.FindThemes(ctx, org.ID)
	if err != nil {
		return d, err
	}
	d.Themes = append(d.Themes, own...)
	return d, nil
}

// pages reads an organisation's contact points by keyset pages.
func (s *Service) pages(orgID string) Pages {
	return func(ctx context.Context, fn func([]*domain.ContactPoint) error) error {
		after := ""
		for {
			page, err := s.o.Store.ContactPointsAfter(ctx, orgID, after, s.o.PageSize)
			if err != nil {
				return err
			}
			if len(page) == 0 {
				return nil
			}
			if err := fn(page); err != nil {
				return err
			}
			if len(page) < s.o.PageSize {
				return nil
			}
			after = page[len(page)-1].ID
		}
	}
}

// Journeys exports an organisation's journeys, each with its published
// version and its draft (viewers and up).
func (s *Service) Journeys(ctx context.Context, a admin.Actor, slug string, f Format) (*Export, error) {
	if !slices.Contains(JourneyFormats, f) {
		return nil, unknownFormat(f, JourneyFormats)
	}
	org, err := s.o.Auth.Authorize(ctx, a, slug, domain.RoleViewer)
	if err != nil {
		return nil, err
	}
	recs, err := s.o.Store.FindJourneys(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	file := JourneysFile{Organisation: organisationOf(org), GeneratedAt: s.o.Now().UTC(), Journeys: make([]JourneyExport, 0, len(recs))}
	for _, r := range recs {
		je := JourneyExport{Slug: r.Slug, Title: r.Title, DraftVersion: r.DraftVersion, PublishedVersion: r.PublishedVersion, UpdatedAt: r.UpdatedAt.UTC()}
		if je.Draft, err = journeys.Parse(bytes.NewReader(r.Draft)); err != nil {
			return nil, fmt.Errorf("draft of journey %s: %w", r.Slug, err)
		}
		if r.PublishedVersion > 0 {
			v, err := s.o.Store.FindJourneyVersion(ctx, org.ID, r.Slug, r.PublishedVersion)
			if err != nil {
				return nil, err
			}
			if je.Published, err = journeys.Parse(bytes.NewReader(v.Content)); err != nil {
				return nil, fmt.Errorf("version %d of journey %s: %w", v.Number, r.Slug, err)
			}
			at := v.CreatedAt.UTC()
			je.PublishedAt = &at
		}
		file.Journeys = append(file.Journeys, je)
	}
	return &Export{Filename: "parcours-" + org.Slug + extension(f), ContentType: contentType(f), write: func(_ context.Context, w io.Writer) error {
		return WriteJourneys(w, f, file)
	}}, nil
}

// OpenDataFile is a file of the open data dump of the national commons.
type OpenDataFile struct {
	Export
	// ETag is strong: the same on every replica while the data stays the same.
	ETag string
	// Modified is the latest change of the data.
	Modified time.Time
}

// OpenDataFormats are the formats of the dump.
var OpenDataFormats = ContactPointFormats

// OpenData returns a file of the open data dump of the national commons,
// under the Licence Ouverte 2.0: its ETag and date are computed from a
// cheap summary of the data (DirectoryStamp), so that a conditional
// request is answered without reading the contact points. Withdrawn
// contact points are left out.
func (s *Service) OpenData(ctx context.Context, f Format) (*OpenDataFile, error) {
	if !slices.Contains(OpenDataFormats, f) {
		return nil, unknownFormat(f, OpenDataFormats)
	}
	org, err := s.o.Store.FindOrganisationBySlug(ctx, domain.CommonsSlug)
	if err != nil {
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return nil, domain.Errorf(domain.ENOTFOUND, "Les communs nationaux ne sont pas encore chargés sur ce serveur.")
		}
		return nil, err
	}
	stamp, latest, err := s.o.Store.DirectoryStamp(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(string(f) + "\n" + s.o.Revision + "\n" + s.o.PublicURL + "\n" + stamp))
	file := &OpenDataFile{ETag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`, Modified: latest}
	file.ContentType = contentType(f)
	file.Filename = openDataNames[f]
	file.write = func(ctx context.Context, w io.Writer) error {
		d, err := s.dataset(ctx, org)
		if err != nil {
			return err
		}
		// The same bytes for the same ETag: the date is the data's.
		d.GeneratedAt, d.Licence, d.Sources, d.SkipWithdrawn = latest, &OpenLicence, CommonsSources, true
		return WriteContactPoints(ctx, w, f, d, s.pages(org.ID))
	}
	return file, nil
}

// openDataNames are the file names of the dump, under /opendata/.
var openDataNames = map[Format]string{
	CSV:           "contact-points.csv",
	JSON:          "contact-points.json",
	HSDS:          "hsds.json",
	DataInclusion: "data-inclusion.json",
}

// OpenDataName returns the file name of a format in the dump.
func OpenDataName(f Format) string { return openDataNames[f] }
