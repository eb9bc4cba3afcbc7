package opendata

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strconv"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// ContactPointsFile is the JSON export of contact points. It is written as
// a stream, members in this order: the metadata, the contact points, then
// their count.
type ContactPointsFile struct {
	// Format names this shape: "aiguillage/contact-points".
	Format string `json:"format"`
	// FormatVersion changes when a member changes meaning or disappears.
	FormatVersion int          `json:"format_version"`
	Organisation  Organisation `json:"organisation"`
	GeneratedAt   time.Time    `json:"generated_at"`
	// Licence is set on open data (the national commons' dump).
	Licence *Licence `json:"licence,omitempty"`
	// Sources credits the datasets the contact points come from.
	Sources       []Source             `json:"sources,omitempty"`
	ContactPoints []ContactPointRecord `json:"contact_points"`
	Total         int                  `json:"total"`
}

// Organisation names the organisation whose data a file holds.
type Organisation struct {
	ID   string `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

func organisationOf(o *domain.Organisation) Organisation {
	if o == nil {
		return Organisation{}
	}
	return Organisation{ID: o.ID, Slug: o.Slug, Name: o.Name, Kind: string(o.Kind)}
}

// ContactPointRecord is one contact point in the JSON export: the fields
// of the API's contact point (the same names and values as
// GET /api/v1/public/contact-points/{id}), plus its bookkeeping.
type ContactPointRecord struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Granularity: administration, service, agent_group or person.
	Granularity string `json:"granularity,omitempty"`
	// Visibility is set when the contact point is reserved to agents:
	// organisation_agents or all_agents (a channel says so of itself the
	// same way). Only the partner's own exports hold such contact points.
	Visibility string `json:"visibility,omitempty"`
	// Pivot is the annuaire's kind of office (caf, mairie, mds…).
	Pivot string `json:"pivot,omitempty"`
	// Themes are theme slugs.
	Themes []string `json:"themes"`
	// Channels: phone, sms, email, address, online_procedure, website, contact_form, chat.
	Channels     []domain.Channel    `json:"channels"`
	Address      *domain.Address     `json:"address,omitempty"`
	OpeningHours domain.OpeningHours `json:"opening_hours"`
	// Coverage is the territory served: explicit lists of INSEE codes, or
	// the rule nearest_in_departement.
	Coverage      domain.Coverage `json:"coverage"`
	Emergency     bool            `json:"emergency,omitempty"`
	EmergencyRank int             `json:"emergency_rank,omitempty"`
	// Overrides is the national contact point this one adjusts locally.
	Overrides  string        `json:"overrides,omitempty"`
	Source     domain.Source `json:"source"`
	VerifiedAt *time.Time    `json:"verified_at,omitempty"`
	// WithdrawnAt is set when the source no longer lists the contact point
	// (kept for the journeys naming it, not shown to residents).
	WithdrawnAt *time.Time `json:"withdrawn_at,omitempty"`
	Version     int        `json:"version"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// Record is a contact point in the JSON export.
func Record(c *domain.ContactPoint) ContactPointRecord {
	r := ContactPointRecord{ID: c.ID, Name: c.Name, Description: c.Description, Granularity: string(c.Granularity), Pivot: c.Pivot,
		Themes: nonNil(c.Themes), Channels: nonNil(c.Channels), Address: c.Address, OpeningHours: c.Hours, Coverage: c.Coverage,
		Emergency: c.Emergency, EmergencyRank: c.EmergencyRank, Overrides: c.OverridesID, Source: c.Source, VerifiedAt: c.VerifiedAt,
		WithdrawnAt: c.WithdrawnAt, Version: c.Version, CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC()}
	if !c.Visibility.IsPublic() {
		r.Visibility = string(c.Visibility)
	}
	return r
}

func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

// ContactPointsFormat is the value of ContactPointsFile.Format.
const ContactPointsFormat = "aiguillage/contact-points"

func writeJSON(ctx context.Context, w io.Writer, d Dataset, pages Pages) error {
	head := struct {
		Format        string       `json:"format"`
		FormatVersion int          `json:"format_version"`
		Organisation  Organisation `json:"organisation"`
		GeneratedAt   time.Time    `json:"generated_at"`
		Licence       *Licence     `json:"licence,omitempty"`
		Sources       []Source     `json:"sources,omitempty"`
	}{ContactPointsFormat, 1, organisationOf(d.Organisation), d.GeneratedAt.UTC(), d.Licence, d.Sources}
	n := 0
	err := streamArray(ctx, w, head, "contact_points", pages, func(c *domain.ContactPoint) any {
		n++
		return Record(c)
	})
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, `,"total":`+strconv.Itoa(n)+"}\n")
	return err
}

// streamArray writes the members of head (a struct), then member: an array
// of one item per contact point, leaving the object open for the caller to
// add members and close it. Items are one per line.
func streamArray(ctx context.Context, w io.Writer, head any, member string, pages Pages, item func(*domain.ContactPoint) any) error {
	b, err := marshal(head)
	if err != nil {
		return err
	}
	b = bytes.TrimSuffix(b, []byte("}"))
	if len(b) > 1 {
		b = append(b, ',')
	}
	if _, err := w.Write(append(b, `"`+member+`":[`...)); err != nil {
		return err
	}
	if err := streamItems(ctx, w, pages, item); err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n]")
	return err
}

// streamItems writes the items of a JSON array, comma-separated, one per line.
func streamItems(ctx context.Context, w io.Writer, pages Pages, item func(*domain.ContactPoint) any) error {
	sep := "\n"
	return pages(ctx, func(page []*domain.ContactPoint) error {
		for _, c := range page {
			v := item(c)
			if v == nil {
				continue
			}
			b, err := marshal(v)
			if err != nil {
				return err
			}
			if _, err := io.WriteString(w, sep); err != nil {
				return err
			}
			if _, err := w.Write(b); err != nil {
				return err
			}
			sep = ",\n"
		}
		return nil
	})
}

// marshal encodes v without HTML escaping and without the final newline.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
