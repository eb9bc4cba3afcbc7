package admin

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/importer"
)

// dataInclusionID is the organisation's contact point for a data·inclusion
// record (importer.DataInclusionRecord.Key: kind, source and id).
func dataInclusionID(orgID, key string) string {
	return domain.StableID("partner-data-inclusion:" + orgID + ":" + key)
}

// noZoneWarning is said of a record that gives no zone.
const noZoneWarning = "aucune zone (zone_eligibilite ou zone_diffusion_type) : le point de contact sert le territoire de votre organisation à sa création, et garde son territoire lors d'une mise à jour"

// planDataInclusion reads a data·inclusion file and checks every service
// (and every structure no service names) as a contact point of the
// organisation. A record of the file updates the same contact point at
// every import; what the source cannot hold and the app can (the kind of
// office, SMS and chat lines, exceptional closures, notes on a channel)
// is kept on update.
func (s *Service) planDataInclusion(ctx context.Context, org *domain.Organisation, data []byte, now time.Time) ([]planned, error) {
	var recs []*importer.DataInclusionRecord
	err := importer.ReadDataInclusion(ctx, bytes.NewReader(data), func(r *importer.DataInclusionRecord) error {
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, domain.Invalid("Le fichier ne contient aucun service ni aucune structure.")
	}
	ids := make([]string, 0, len(recs))
	for _, r := range recs {
		if r.ContactPoint != nil && r.Source != "" && r.ID != "" {
			ids = append(ids, dataInclusionID(org.ID, r.Key()))
		}
	}
	existing, err := s.store.FindContactPointsByID(ctx, org.ID, ids)
	if err != nil {
		return nil, err
	}
	themes, err := s.knownThemes(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	seen := map[string]int{}
	plan := make([]planned, 0, len(recs))
	for _, r := range recs {
		p := planned{row: ImportRow{Row: r.Record, Reference: r.ID, Warnings: slices.Clone(r.Warnings)}}
		if r.ContactPoint == nil {
			p.decide(r.Errors)
			plan = append(plan, p)
			continue
		}
		errs := slices.Clone(r.Errors)
		if r.Source != "" && r.ID != "" {
			if first, dup := seen[r.Key()]; dup {
				what := "ce service"
				if r.Kind == importer.DataInclusionStructure {
					what = "cette structure"
				}
				errs = append(errs, domain.FieldError{Field: "id", Message: fmt.Sprintf("%s figure déjà à l'enregistrement %d du fichier", what, first)})
			} else {
				seen[r.Key()] = r.Record
			}
			p.row.ID = dataInclusionID(org.ID, r.Key())
			p.old = existing[p.row.ID]
		}
		c := *r.ContactPoint
		p.row.Name = c.Name
		c.ID, c.OrganisationID, c.VerifiedAt = p.row.ID, org.ID, &now
		extra := 0
		if old := p.old; old != nil {
			c.Version, c.CreatedAt, c.OverridesID, c.Pivot = old.Version, old.CreatedAt, old.OverridesID, old.Pivot
			c.Hours.Exceptions, c.Hours.Indicative = old.Hours.Exceptions, old.Hours.Indicative
			c.Channels, extra = keepAppChannels(c.Channels, old.Channels)
		}
		c.Channels = slices.Clone(c.Channels)
		keepVisibility(&c, p.old)
		if r.CoverageField == "" {
			p.row.Warnings = append(p.row.Warnings, domain.FieldError{Field: "zone_eligibilite", Message: noZoneWarning})
			switch {
			case p.old != nil:
				c.Coverage = p.old.Coverage
			default:
				c.Coverage = domain.Coverage{Rule: domain.CoverageExplicit, Communes: slices.Clone(org.Territory)}
			}
		}
		p.cp = &c
		fields, err := s.rowFieldErrors(ctx, &c, p.old, themes)
		if err != nil {
			return nil, err
		}
		errs = append(errs, dataInclusionFieldErrors(r, &c, len(c.Channels)-extra, fields)...)
		p.decide(dedupeFields(errs))
		plan = append(plan, p)
	}
	return plan, nil
}

// keepAppChannels completes the channels of a record with what the app
// added to its contact point: notes typed on the same channel, and the
// kinds data·inclusion has no field for (SMS, chat), appended; extra is how
// many were appended.
func keepAppChannels(chans, old []domain.Channel) (out []domain.Channel, extra int) {
	out = slices.Clone(chans)
	for i, ch := range out {
		if j := slices.IndexFunc(old, func(o domain.Channel) bool { return o.Kind == ch.Kind && o.Value == ch.Value }); j >= 0 {
			if ch.Label == "" {
				out[i].Label = old[j].Label
			}
			out[i].CostNote, out[i].AccessibilityNote = old[j].CostNote, old[j].AccessibilityNote
		}
	}
	for _, o := range old {
		if o.Kind == domain.ChannelSMS || o.Kind == domain.ChannelChat {
			out = append(out, o)
			extra++
		}
	}
	return out, extra
}

// dataInclusionFieldErrors names the data·inclusion fields in the
// validation errors of a record's contact point; channels past own (kept
// from the app) are named moyens_de_contact.
func dataInclusionFieldErrors(r *importer.DataInclusionRecord, c *domain.ContactPoint, own int, fields []domain.FieldError) []domain.FieldError {
	out := make([]domain.FieldError, 0, len(fields))
	for _, fe := range fields {
		field, msg := r.Field(fe.Field), fe.Message
		if m := indexedField.FindStringSubmatch(fe.Field); m != nil {
			idx, _ := strconv.Atoi(m[2])
			switch {
			case m[1] == "channels" && idx < len(c.Channels):
				if idx >= own {
					field = "moyens_de_contact"
				}
				msg = "« " + c.Channels[idx].Value + " » : " + msg
			case m[1] == "hours.weekly" && idx < len(c.Hours.Weekly):
				sl := c.Hours.Weekly[idx]
				msg = dayName(sl.Day) + " " + sl.Opens + "-" + sl.Closes + " : " + msg
			}
		}
		if fe.Field == "channels" {
			msg += " (telephone, courriel, lien_mobilisation, page_web… du service ou de sa structure)"
		}
		if fe.Field == "coverage" && r.CoverageField == "" {
			msg += " : le fichier n'indique aucune zone et votre organisation n'a pas de territoire"
		}
		if strings.HasPrefix(fe.Field, "themes") {
			msg += " (vérifiez la table de correspondance des thématiques)"
		}
		out = append(out, domain.FieldError{Field: field, Message: msg, Communes: fe.Communes})
	}
	return out
}
