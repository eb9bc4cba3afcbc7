package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

var _ domain.DirectoryStore = (*Store)(nil)

type organisationRow struct {
	ID             string `gorm:"primaryKey"`
	Slug           string
	Name           string
	Kind           string
	Territory      string
	Branding       string
	AllowedOrigins string
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (organisationRow) TableName() string { return "organisations" }

type entryPointRow struct {
	OrganisationID string `gorm:"primaryKey"`
	Slug           string `gorm:"primaryKey"`
	Position       int
	Name           string
	Description    string
	Themes         string
	Journey        string
	Branding       *string
}

func (entryPointRow) TableName() string { return "entry_points" }

type themeRow struct {
	OrganisationID string `gorm:"primaryKey"`
	Slug           string `gorm:"primaryKey"`
	ParentSlug     string
	Label          string
	Description    string
	Synonyms       string
	ContentHash    string
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (themeRow) TableName() string { return "themes" }

type contactPointRow struct {
	ID              string `gorm:"primaryKey"`
	OrganisationID  string
	Name            string
	Description     string
	Translations    string
	Visibility      string
	Granularity     string
	Pivot           string
	Themes          string
	Channels        string
	Address         *string
	Hours           string
	Coverage        string
	Emergency       bool
	EmergencyRank   int
	OverridesID     string
	CommuneCode     string
	Latitude        *float64
	Longitude       *float64
	SourceKind      string
	SourceID        string
	SourceDataset   string
	SourceUpdatedAt *time.Time
	VerifiedAt      *time.Time
	ContentHash     string
	Version         int
	CreatedAt       time.Time
	UpdatedAt       time.Time
	// WithdrawnAt: see domain.ContactPoint.WithdrawnAt.
	WithdrawnAt *time.Time
}

func (contactPointRow) TableName() string { return "contact_points" }

type coverageRow struct {
	ContactPointID string `gorm:"primaryKey"`
	Level          string `gorm:"primaryKey"`
	Code           string `gorm:"primaryKey"`
}

func (coverageRow) TableName() string { return "contact_point_coverage" }

// Coverage levels stored in contact_point_coverage.
const (
	levelNational    = "national"
	levelRegion      = "region"
	levelDepartement = "departement"
	levelEPCI        = "epci"
	levelCommune     = "commune"
	levelNearest     = "nearest"
)

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// Only plain data structures are marshalled here.
		panic(fmt.Sprintf("store: marshal %T: %v", v, err))
	}
	return string(b)
}

func jsonList(v []string) string {
	if v == nil {
		v = []string{}
	}
	return mustJSON(v)
}

func unmarshal(field, s string, v any) error {
	if s == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("decode %s: %w", field, err)
	}
	return nil
}

// translate maps GORM and driver errors to application errors.
func translate(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return &domain.Error{Code: domain.ENOTFOUND, Message: what + " introuvable.", Err: err}
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return &domain.Error{Code: domain.ECONFLICT, Message: what + " existe déjà.", Err: err}
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return &domain.Error{Code: domain.EINVALID, Message: what + " fait référence à un élément inexistant.", Err: err}
	case Unavailable(err):
		return unavailable(err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	default:
		return fmt.Errorf("%s: %w", what, err)
	}
}

// --- organisations ---

func (s *Store) FindOrganisationBySlug(ctx context.Context, slug string) (*domain.Organisation, error) {
	return s.findOrganisation(ctx, "slug = ?", slug)
}

func (s *Store) FindOrganisationByID(ctx context.Context, id string) (*domain.Organisation, error) {
	return s.findOrganisation(ctx, "id = ?", id)
}

func (s *Store) findOrganisation(ctx context.Context, where string, arg string) (*domain.Organisation, error) {
	var row organisationRow
	if err := s.r.WithContext(ctx).Where(where, arg).Take(&row).Error; err != nil {
		return nil, translate(err, "Organisation")
	}
	var eps []entryPointRow
	if err := s.r.WithContext(ctx).Where("organisation_id = ?", row.ID).Order("position").Find(&eps).Error; err != nil {
		return nil, translate(err, "Points d'entrée")
	}
	return organisationFromRow(row, eps)
}

func organisationFromRow(row organisationRow, eps []entryPointRow) (*domain.Organisation, error) {
	o := &domain.Organisation{
		ID: row.ID, Slug: row.Slug, Name: row.Name, Kind: domain.OrganisationKind(row.Kind),
		Version: row.Version, CreatedAt: row.CreatedAt.UTC(), UpdatedAt: row.UpdatedAt.UTC(),
	}
	if err := errors.Join(
		unmarshal("territory", row.Territory, &o.Territory),
		unmarshal("branding", row.Branding, &o.Branding),
		unmarshal("allowed_origins", row.AllowedOrigins, &o.AllowedOrigins),
	); err != nil {
		return nil, fmt.Errorf("organisation %s: %w", row.Slug, err)
	}
	for _, e := range eps {
		ep := domain.EntryPoint{Slug: e.Slug, Name: e.Name, Description: e.Description, Journey: e.Journey}
		if err := unmarshal("themes", e.Themes, &ep.Themes); err != nil {
			return nil, fmt.Errorf("entry point %s: %w", e.Slug, err)
		}
		if e.Branding != nil {
			ep.Branding = &domain.Branding{}
			if err := unmarshal("branding", *e.Branding, ep.Branding); err != nil {
				return nil, fmt.Errorf("entry point %s: %w", e.Slug, err)
			}
		}
		o.EntryPoints = append(o.EntryPoints, ep)
	}
	return o, nil
}

// UpsertOrganisation creates the organisation, or updates the one with the
// same slug (keeping its ID), with its entry points. o.ID is set on return.
func (s *Store) UpsertOrganisation(ctx context.Context, o *domain.Organisation) error {
	if err := o.Validate(); err != nil {
		return err
	}
	return s.publicWrite(ctx, func(tx *gorm.DB) error {
		var existing organisationRow
		err := tx.Where("slug = ?", o.Slug).Take(&existing).Error
		now := s.now().UTC()
		row := organisationRow{
			ID: o.ID, Slug: o.Slug, Name: o.Name, Kind: string(o.Kind),
			Territory: jsonList(o.Territory), Branding: mustJSON(o.Branding),
			AllowedOrigins: jsonList(o.AllowedOrigins), CreatedAt: now, UpdatedAt: now,
		}
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			if row.ID == "" {
				row.ID = domain.NewID()
			}
			row.Version = 1
			if err := tx.Create(&row).Error; err != nil {
				return translate(err, "Organisation")
			}
		case err != nil:
			return translate(err, "Organisation")
		default:
			row.ID, row.CreatedAt = existing.ID, existing.CreatedAt
			var eps []entryPointRow
			if err := tx.Where("organisation_id = ?", existing.ID).Order("position").Find(&eps).Error; err != nil {
				return translate(err, "Points d'entrée")
			}
			if sameOrganisation(existing, row, eps, o.EntryPoints) {
				o.ID, o.CreatedAt, o.UpdatedAt, o.Version = existing.ID, existing.CreatedAt, existing.UpdatedAt, existing.Version
				return nil
			}
			row.Version = existing.Version + 1
			if err := tx.Save(&row).Error; err != nil {
				return translate(err, "Organisation")
			}
			if err := tx.Where("organisation_id = ?", row.ID).Delete(&entryPointRow{}).Error; err != nil {
				return translate(err, "Points d'entrée")
			}
		}
		if rows := entryPointRows(row.ID, o.EntryPoints); len(rows) > 0 {
			if err := tx.Create(&rows).Error; err != nil {
				return translate(err, "Point d'entrée")
			}
		}
		o.ID, o.CreatedAt, o.UpdatedAt, o.Version = row.ID, row.CreatedAt, row.UpdatedAt, row.Version
		return nil
	})
}

func entryPointRows(orgID string, eps []domain.EntryPoint) []entryPointRow {
	rows := make([]entryPointRow, 0, len(eps))
	for i, e := range eps {
		r := entryPointRow{OrganisationID: orgID, Slug: e.Slug, Position: i, Name: e.Name, Description: e.Description, Themes: jsonList(e.Themes), Journey: e.Journey}
		if e.Branding != nil {
			b := mustJSON(e.Branding)
			r.Branding = &b
		}
		rows = append(rows, r)
	}
	return rows
}

func sameOrganisation(a, b organisationRow, aEPs []entryPointRow, bEPs []domain.EntryPoint) bool {
	if a.Name != b.Name || a.Kind != b.Kind || a.Territory != b.Territory || a.Branding != b.Branding || a.AllowedOrigins != b.AllowedOrigins {
		return false
	}
	return slices.EqualFunc(aEPs, entryPointRows(a.ID, bEPs), func(x, y entryPointRow) bool {
		return x.Slug == y.Slug && x.Position == y.Position && x.Name == y.Name && x.Description == y.Description &&
			x.Themes == y.Themes && x.Journey == y.Journey && ((x.Branding == nil && y.Branding == nil) || (x.Branding != nil && y.Branding != nil && *x.Branding == *y.Branding))
	})
}

// --- contact points ---

// contentHash fingerprints what a contact point says, to skip unchanged
// rows on re-import. Everything counts but the timestamps, the withdrawal
// and the source's file name (Source.Dataset: the annuaire's files are
// named after their day, and an office the new file lists as it was is
// unchanged; the stored dataset stays the file of its last change).
func contentHash(c *domain.ContactPoint) string {
	cp := *c
	cp.CreatedAt, cp.UpdatedAt, cp.Version, cp.WithdrawnAt, cp.Source.Dataset = time.Time{}, time.Time{}, 0, nil, ""
	// Public is written as nothing, so the hashes of public contact points
	// are the ones they had before visibility existed.
	if cp.Visibility.IsPublic() {
		cp.Visibility = ""
	}
	cp.Channels = storedChannels(cp.Channels)
	sum := sha256.Sum256([]byte(mustJSON(cp)))
	return hex.EncodeToString(sum[:])
}

func contactPointToRow(c *domain.ContactPoint) contactPointRow {
	row := contactPointRow{
		ID: c.ID, OrganisationID: c.OrganisationID, Name: c.Name, Description: c.Description,
		Translations: translationsJSON(c.Translations), Visibility: string(c.Visibility.Or()),
		Granularity: string(c.Granularity), Pivot: c.Pivot, Themes: jsonList(c.Themes),
		Channels: mustJSON(nonNil(storedChannels(c.Channels))), Hours: mustJSON(c.Hours), Coverage: mustJSON(c.Coverage),
		Emergency: c.Emergency, EmergencyRank: c.EmergencyRank, OverridesID: c.OverridesID,
		SourceKind: string(c.Source.Kind), SourceID: c.Source.ID, SourceDataset: c.Source.Dataset,
		SourceUpdatedAt: utcPtr(c.Source.UpdatedAt), VerifiedAt: utcPtr(c.VerifiedAt),
		ContentHash: contentHash(c), Version: c.Version, WithdrawnAt: utcPtr(c.WithdrawnAt),
	}
	if c.Address != nil {
		a := mustJSON(c.Address)
		row.Address = &a
		row.CommuneCode = c.Address.CommuneCode
		row.Latitude, row.Longitude = c.Address.Latitude, c.Address.Longitude
	}
	return row
}

// translationsJSON is the translations column: "{}" when there is none.
func translationsJSON(t map[string]domain.ContactPointText) string {
	if len(t) == 0 {
		return "{}"
	}
	return mustJSON(t)
}

// storedChannels returns the channels as they are stored: a public
// channel's visibility is empty (absent from the JSON). chs is not
// modified; it is returned as is when no channel needs a change.
func storedChannels(chs []domain.Channel) []domain.Channel {
	if !slices.ContainsFunc(chs, func(ch domain.Channel) bool { return ch.Visibility == domain.VisibilityPublic }) {
		return chs
	}
	out := slices.Clone(chs)
	for i := range out {
		if out[i].Visibility.IsPublic() {
			out[i].Visibility = ""
		}
	}
	return out
}

func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func contactPointFromRow(row *contactPointRow) (*domain.ContactPoint, error) {
	c := &domain.ContactPoint{
		ID: row.ID, OrganisationID: row.OrganisationID, Name: row.Name, Description: row.Description,
		Visibility:  domain.Visibility(row.Visibility).Or(),
		Granularity: domain.Granularity(row.Granularity), Pivot: row.Pivot,
		Emergency: row.Emergency, EmergencyRank: row.EmergencyRank, OverridesID: row.OverridesID,
		Source: domain.Source{Kind: domain.SourceKind(row.SourceKind), ID: row.SourceID, Dataset: row.SourceDataset,
			UpdatedAt: utcPtr(row.SourceUpdatedAt)},
		VerifiedAt: utcPtr(row.VerifiedAt), Version: row.Version, CreatedAt: row.CreatedAt.UTC(), UpdatedAt: row.UpdatedAt.UTC(),
		WithdrawnAt: utcPtr(row.WithdrawnAt),
	}
	errs := []error{
		unmarshal("themes", row.Themes, &c.Themes),
		unmarshal("channels", row.Channels, &c.Channels),
		unmarshal("hours", row.Hours, &c.Hours),
		unmarshal("coverage", row.Coverage, &c.Coverage),
		unmarshal("translations", row.Translations, &c.Translations),
	}
	if len(c.Translations) == 0 {
		c.Translations = nil
	}
	if row.Address != nil {
		c.Address = &domain.Address{}
		errs = append(errs, unmarshal("address", *row.Address, c.Address))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("contact point %s: %w", row.ID, err)
	}
	return c, nil
}

func coverageRows(c *domain.ContactPoint) []coverageRow {
	var rows []coverageRow
	add := func(level string, codes ...string) {
		for _, code := range codes {
			rows = append(rows, coverageRow{ContactPointID: c.ID, Level: level, Code: code})
		}
	}
	switch c.Coverage.Rule {
	case domain.CoverageNearest:
		if c.Address != nil {
			add(levelNearest, domain.DepartementOf(c.Address.CommuneCode))
		}
	default:
		if c.Coverage.National {
			add(levelNational, "")
		}
		add(levelRegion, c.Coverage.Regions...)
		add(levelDepartement, c.Coverage.Departements...)
		add(levelEPCI, c.Coverage.EPCIs...)
		add(levelCommune, c.Coverage.Communes...)
	}
	// Primary keys forbid duplicates: drop repeated codes.
	slices.SortFunc(rows, func(a, b coverageRow) int {
		if a.Level != b.Level {
			return strings.Compare(a.Level, b.Level)
		}
		return strings.Compare(a.Code, b.Code)
	})
	return slices.Compact(rows)
}

func (s *Store) FindContactPointByID(ctx context.Context, id string) (*domain.ContactPoint, error) {
	var row contactPointRow
	if err := s.r.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, translate(err, "Point de contact")
	}
	return contactPointFromRow(&row)
}

// FindContactPointsByIDs returns those of ids that exist, by id, in one
// query per 500 ids (whatever their organisation).
func (s *Store) FindContactPointsByIDs(ctx context.Context, ids []string) (map[string]*domain.ContactPoint, error) {
	return s.contactPointsByID(ctx, "", ids)
}

// contactPointsByID reads the contact points of ids (of one organisation
// when organisationID is set), one query per 500 ids.
func (s *Store) contactPointsByID(ctx context.Context, organisationID string, ids []string) (map[string]*domain.ContactPoint, error) {
	out := make(map[string]*domain.ContactPoint, len(ids))
	for chunk := range slices.Chunk(ids, 500) {
		q := s.r.WithContext(ctx).Where("id IN ?", chunk)
		if organisationID != "" {
			q = q.Where("organisation_id = ?", organisationID)
		}
		var rows []contactPointRow
		if err := q.Find(&rows).Error; err != nil {
			return nil, translate(err, "Points de contact")
		}
		for i := range rows {
			c, err := contactPointFromRow(&rows[i])
			if err != nil {
				return nil, err
			}
			out[c.ID] = c
		}
	}
	return out, nil
}

// FindContactPoints returns the contact points matching f and their total count.
// Emergency numbers come first by rank, then by name.
func (s *Store) FindContactPoints(ctx context.Context, f domain.ContactPointFilter) ([]*domain.ContactPoint, int, error) {
	q := s.r.WithContext(ctx).Model(&contactPointRow{})
	if !f.IncludeWithdrawn {
		// Withdrawn contact points never reach residents (search index,
		// directory resolution and public lists all read through here).
		q = q.Where("withdrawn_at IS NULL")
	}
	if f.OrganisationID != "" {
		q = q.Where("organisation_id = ?", f.OrganisationID)
	}
	if v := f.Viewer; v != nil {
		q = visibleTo(q, *v)
	}
	if len(f.OrganisationIDs) > 0 {
		q = q.Where("organisation_id IN ?", f.OrganisationIDs)
	}
	if f.Pivot != "" {
		q = q.Where("pivot = ?", f.Pivot)
	}
	if f.Emergency != nil {
		q = q.Where("emergency = ?", *f.Emergency)
	}
	if f.Theme != "" {
		// Themes are stored as a JSON array of slugs. PostgreSQL answers
		// from the GIN index contact_points_themes (migration 00009) on
		// this very expression; on SQLite, slugs contain no quote.
		if s.dialect == Postgres {
			q = q.Where("(themes::jsonb) @> ?::jsonb", jsonList([]string{f.Theme}))
		} else {
			q = q.Where("themes LIKE ?", `%"`+f.Theme+`"%`)
		}
	}
	if c := f.Commune; c != nil {
		sub := s.r.Model(&coverageRow{}).Select("contact_point_id").Where(
			"level = ? OR (level = ? AND code = ?) OR (level = ? AND code = ?) OR (level = ? AND code = ?) OR (level = ? AND code = ?)",
			levelNational, levelRegion, c.Region, levelDepartement, c.Departement, levelEPCI, c.EPCI, levelCommune, c.Code)
		q = q.Where("id IN (?)", sub)
	}
	if f.Query != "" {
		q = q.Where("LOWER(name) LIKE ?", "%"+escapeLike(strings.ToLower(f.Query))+"%")
	}
	if f.NearestDepartement != "" {
		sub := s.r.Model(&coverageRow{}).Select("contact_point_id").Where("level = ? AND code = ?", levelNearest, f.NearestDepartement)
		q = q.Where("id IN (?)", sub)
	}
	if f.VerifiedBefore != nil {
		q = q.Where("(verified_at IS NULL OR verified_at < ?)", f.VerifiedBefore.UTC())
	}
	var total int64
	if !f.SkipTotal {
		if err := q.Count(&total).Error; err != nil {
			return nil, 0, translate(err, "Points de contact")
		}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	order := []clause.OrderByColumn{
		{Column: clause.Column{Name: "emergency"}, Desc: true},
		{Column: clause.Column{Name: "emergency_rank"}},
		{Column: clause.Column{Name: "name"}},
	}
	switch f.Sort {
	case "name", "-name", "updated_at", "-updated_at":
		order = []clause.OrderByColumn{{Column: clause.Column{Name: strings.TrimPrefix(f.Sort, "-")}, Desc: strings.HasPrefix(f.Sort, "-")}}
	case "verified_at":
		// Never verified first: explicit, as PostgreSQL puts nulls last
		// in ascending order and SQLite first.
		order = []clause.OrderByColumn{{Column: clause.Column{Name: "verified_at ASC NULLS FIRST", Raw: true}}}
	case "-verified_at":
		order = []clause.OrderByColumn{{Column: clause.Column{Name: "verified_at DESC NULLS LAST", Raw: true}}}
	}
	order = append(order, clause.OrderByColumn{Column: clause.Column{Name: "id"}})
	var rows []contactPointRow
	if err := q.Order(clause.OrderBy{Columns: order}).Offset(f.Offset).Limit(limit).Find(&rows).Error; err != nil {
		return nil, 0, translate(err, "Points de contact")
	}
	out := make([]*domain.ContactPoint, 0, len(rows))
	for i := range rows {
		c, err := contactPointFromRow(&rows[i])
		if err != nil {
			return nil, 0, err
		}
		out = append(out, c)
	}
	return out, int(total), nil
}

// visibleTo keeps the contact points the viewer may see (domain.Viewer.May).
func visibleTo(q *gorm.DB, v domain.Viewer) *gorm.DB {
	switch {
	case !v.Agent:
		return q.Where("visibility = ?", domain.VisibilityPublic)
	case v.PlatformAdmin:
		return q.Where("visibility IN ?", []domain.Visibility{domain.VisibilityPublic, domain.VisibilityAllAgents, domain.VisibilityOrganisationAgents})
	case len(v.Organisations) == 0:
		return q.Where("visibility IN ?", []domain.Visibility{domain.VisibilityPublic, domain.VisibilityAllAgents})
	}
	return q.Where("(visibility IN ? OR (visibility = ? AND organisation_id IN ?))",
		[]domain.Visibility{domain.VisibilityPublic, domain.VisibilityAllAgents}, domain.VisibilityOrganisationAgents, v.Organisations)
}

// UpsertContactPoints creates or updates contact points by ID in one
// transaction. A row whose content hash is unchanged is left alone; a record
// whose source date is older than the stored one does not overwrite it.
func (s *Store) UpsertContactPoints(ctx context.Context, cps []*domain.ContactPoint) (domain.ImportStats, error) {
	var stats domain.ImportStats
	if len(cps) == 0 {
		return stats, nil
	}
	for i, c := range cps {
		if c.ID == "" {
			return stats, domain.Invalid("Point de contact sans identifiant.", domain.FieldError{Field: fmt.Sprintf("[%d].id", i), Message: "est obligatoire"})
		}
		if err := c.Validate(); err != nil {
			return stats, fmt.Errorf("contact point %s: %w", c.ID, err)
		}
	}
	err := s.publicWrite(ctx, func(tx *gorm.DB) error {
		var err error
		stats, _, err = s.upsertContactPoints(tx, cps)
		return err
	})
	if err != nil {
		return domain.ImportStats{}, err
	}
	s.analyzeAfterBulk(ctx, stats.Created+stats.Updated, "contact_points", "contact_point_coverage")
	return stats, nil
}

// upsertContactPoints is UpsertContactPoints inside tx, on validated
// contact points, without a statement per row: one read of the stored
// hashes per idsPerQuery ids, creations in multi-row inserts, updates in
// multi-row INSERT … ON CONFLICT (id) DO UPDATE, coverage rows replaced in
// bulk and only where the coverage changed. A withdrawn contact point
// listed again is reinstated (its content updated if it changed); their
// ids are returned.
func (s *Store) upsertContactPoints(tx *gorm.DB, cps []*domain.ContactPoint) (domain.ImportStats, []string, error) {
	var stats domain.ImportStats
	ids := make([]string, len(cps))
	for i, c := range cps {
		ids[i] = c.ID
	}
	type existingRow struct {
		ID              string
		ContentHash     string
		SourceUpdatedAt *time.Time
		Version         int
		CreatedAt       time.Time
		WithdrawnAt     *time.Time
		Coverage        string
		CommuneCode     string
		Visibility      string
	}
	existing := make(map[string]existingRow, len(cps))
	for chunk := range slices.Chunk(ids, s.idsPerQuery()) {
		var found []existingRow
		if err := tx.Model(&contactPointRow{}).Select("id, content_hash, source_updated_at, version, created_at, withdrawn_at, coverage, commune_code, visibility").
			Where("id IN ?", chunk).Find(&found).Error; err != nil {
			return stats, nil, translate(err, "Points de contact")
		}
		for _, e := range found {
			existing[e.ID] = e
		}
	}
	now := s.now().UTC()
	var creates, updates []contactPointRow
	var coverage []coverageRow
	var touched, reinstated []string
	seen := make(map[string]bool, len(cps))
	for _, c := range cps {
		if seen[c.ID] {
			stats.Skipped++
			continue
		}
		seen[c.ID] = true
		old, ok := existing[c.ID]
		if ok && c.Visibility.IsPublic() && !domain.Visibility(old.Visibility).IsPublic() {
			// Sources know nothing of agents: a contact point reserved to
			// them stays so when its source lists it again.
			kept := *c
			kept.Visibility = domain.Visibility(old.Visibility)
			c = &kept
		}
		row := contactPointToRow(c)
		same := ok && (old.ContentHash == row.ContentHash ||
			old.SourceUpdatedAt != nil && row.SourceUpdatedAt != nil && row.SourceUpdatedAt.Before(*old.SourceUpdatedAt))
		switch {
		case !ok:
			row.CreatedAt, row.UpdatedAt, row.Version = now, now, 1
			creates = append(creates, row)
			stats.Created++
		case old.WithdrawnAt != nil && same:
			// Listed again, unchanged (or an older record): back in use.
			if err := tx.Model(&contactPointRow{}).Where("id = ?", c.ID).
				Updates(map[string]any{"withdrawn_at": nil, "updated_at": now, "version": old.Version + 1}).Error; err != nil {
				return stats, nil, translate(err, "Point de contact")
			}
			reinstated = append(reinstated, c.ID)
			stats.Reinstated++
			continue
		case old.ContentHash == row.ContentHash:
			stats.Unchanged++
			continue
		case same: // an older source date does not overwrite a newer record
			stats.Skipped++
			continue
		default:
			row.CreatedAt, row.UpdatedAt, row.Version = old.CreatedAt, now, old.Version+1
			row.WithdrawnAt = nil
			updates = append(updates, row)
			if old.WithdrawnAt != nil {
				reinstated = append(reinstated, c.ID)
				stats.Reinstated++
			} else {
				stats.Updated++
			}
			if row.Coverage == old.Coverage && row.CommuneCode == old.CommuneCode {
				continue // same coverage rows (they derive from these two only)
			}
			touched = append(touched, c.ID)
		}
		coverage = append(coverage, coverageRows(c)...)
	}
	if len(creates) > 0 {
		if err := tx.CreateInBatches(creates, s.rowsPerInsert(28)).Error; err != nil {
			return stats, nil, translate(err, "Point de contact")
		}
	}
	if len(updates) > 0 {
		// One multi-row statement per 200 rows rather than one per row: the
		// rows exist, so every insert turns into the update of all columns
		// but id and created_at.
		stmt := &gorm.Statement{DB: tx}
		if err := stmt.Parse(&contactPointRow{}); err != nil {
			return stats, nil, fmt.Errorf("contact point columns: %w", err)
		}
		cols := make([]string, 0, len(stmt.Schema.DBNames))
		for _, f := range stmt.Schema.DBNames {
			if f != "id" && f != "created_at" {
				cols = append(cols, f)
			}
		}
		err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "id"}}, DoUpdates: clause.AssignmentColumns(cols)}).
			CreateInBatches(updates, s.rowsPerInsert(28)).Error
		if err != nil {
			return stats, nil, translate(err, "Point de contact")
		}
	}
	if err := s.replaceCoverage(tx, touched, coverage); err != nil {
		return stats, nil, err
	}
	return stats, reinstated, nil
}

// bulkRows is how many rows written at once make the planner's statistics
// worth refreshing at once.
const bulkRows = 1000

// analyzeAfterBulk refreshes the PostgreSQL planner's statistics of tables
// after a bulk write of n rows. Without it, a freshly loaded table keeps
// the estimates of an empty one until autovacuum comes by (up to a minute),
// and the coverage queries plan nested loops over sequential scans that
// take hundreds of milliseconds instead of one.
func (s *Store) analyzeAfterBulk(ctx context.Context, n int, tables ...string) {
	if s.dialect != Postgres || n < bulkRows {
		return
	}
	if err := s.w.WithContext(ctx).Exec("ANALYZE " + strings.Join(tables, ", ")).Error; err != nil {
		s.log.WarnContext(ctx, "analyze after a bulk write", "tables", tables, "err", err)
	}
}

// --- themes ---

func (s *Store) FindThemes(ctx context.Context, organisationID string) ([]*domain.Theme, error) {
	var rows []themeRow
	q := s.r.WithContext(ctx).Order("parent_slug, slug")
	if organisationID != "" {
		q = q.Where("organisation_id = ?", organisationID)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, translate(err, "Thèmes")
	}
	out := make([]*domain.Theme, 0, len(rows))
	for _, r := range rows {
		t := &domain.Theme{Slug: r.Slug, ParentSlug: r.ParentSlug, Label: r.Label, Description: r.Description,
			OrganisationID: r.OrganisationID, Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
		if err := unmarshal("synonyms", r.Synonyms, &t.Synonyms); err != nil {
			return nil, fmt.Errorf("theme %s: %w", r.Slug, err)
		}
		out = append(out, t)
	}
	return out, nil
}

// UpsertThemes creates or updates themes keyed by (organisation, slug).
func (s *Store) UpsertThemes(ctx context.Context, themes []*domain.Theme) (domain.ImportStats, error) {
	var stats domain.ImportStats
	for _, t := range themes {
		if err := t.Validate(); err != nil {
			return stats, fmt.Errorf("theme %s: %w", t.Slug, err)
		}
		if t.OrganisationID == "" {
			return stats, domain.Invalid("Thème sans organisation.", domain.FieldError{Field: "organisation_id", Message: "est obligatoire"})
		}
	}
	err := s.publicWrite(ctx, func(tx *gorm.DB) error {
		stats = domain.ImportStats{}
		now := s.now().UTC()
		for _, t := range themes {
			hash := sha256.Sum256([]byte(mustJSON([]any{t.ParentSlug, t.Label, t.Description, nonNil(t.Synonyms)})))
			row := themeRow{OrganisationID: t.OrganisationID, Slug: t.Slug, ParentSlug: t.ParentSlug, Label: t.Label,
				Description: t.Description, Synonyms: jsonList(t.Synonyms), ContentHash: hex.EncodeToString(hash[:]),
				Version: 1, CreatedAt: now, UpdatedAt: now}
			var old themeRow
			err := tx.Where("organisation_id = ? AND slug = ?", t.OrganisationID, t.Slug).Take(&old).Error
			switch {
			case errors.Is(err, gorm.ErrRecordNotFound):
				if err := tx.Create(&row).Error; err != nil {
					return translate(err, "Thème")
				}
				stats.Created++
			case err != nil:
				return translate(err, "Thème")
			case old.ContentHash == row.ContentHash:
				stats.Unchanged++
			default:
				row.CreatedAt, row.Version = old.CreatedAt, old.Version+1
				if err := tx.Save(&row).Error; err != nil {
					return translate(err, "Thème")
				}
				stats.Updated++
			}
		}
		return nil
	})
	if err != nil {
		return domain.ImportStats{}, err
	}
	return stats, nil
}

// escapeLike escapes LIKE wildcards; the ESCAPE character is the default
// backslash on PostgreSQL and must be declared on SQLite, so wildcards are
// simply removed instead.
func escapeLike(s string) string {
	return strings.NewReplacer("%", "", "_", "", `\`, "").Replace(s)
}

// --- référents' edits ---

var _ domain.ContactPointEditor = (*Store)(nil)

func (s *Store) FindContactPointInOrganisation(ctx context.Context, organisationID, id string) (*domain.ContactPoint, error) {
	var row contactPointRow
	if err := s.r.WithContext(ctx).Where("id = ? AND organisation_id = ?", id, organisationID).Take(&row).Error; err != nil {
		return nil, translate(err, "Point de contact")
	}
	return contactPointFromRow(&row)
}

func (s *Store) CreateContactPoint(ctx context.Context, c *domain.ContactPoint, audit *domain.AuditEntry) error {
	if err := c.Validate(); err != nil {
		return err
	}
	now := s.now().UTC()
	c.Version, c.CreatedAt, c.UpdatedAt = 1, now, now
	row := contactPointToRow(c)
	row.CreatedAt, row.UpdatedAt = now, now
	return s.publicWrite(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return translate(err, "Point de contact")
		}
		if cov := coverageRows(c); len(cov) > 0 {
			if err := tx.Create(&cov).Error; err != nil {
				return translate(err, "Couverture")
			}
		}
		return appendAudit(tx, now, audit)
	})
}

func (s *Store) UpdateContactPoint(ctx context.Context, c *domain.ContactPoint, expectedVersion int, audit *domain.AuditEntry) error {
	if err := c.Validate(); err != nil {
		return err
	}
	now := s.now().UTC()
	return s.publicWrite(ctx, func(tx *gorm.DB) error {
		var old contactPointRow
		if err := tx.Where("id = ? AND organisation_id = ?", c.ID, c.OrganisationID).Take(&old).Error; err != nil {
			return translate(err, "Point de contact")
		}
		if old.Version != expectedVersion {
			return domain.Errorf(domain.ECONFLICT, "Ce point de contact a été modifié entre-temps (version %d, vous éditiez la version %d) : rechargez-le avant d'enregistrer.", old.Version, expectedVersion)
		}
		c.Version, c.CreatedAt, c.UpdatedAt = old.Version+1, old.CreatedAt.UTC(), now
		row := contactPointToRow(c)
		row.CreatedAt, row.UpdatedAt = c.CreatedAt, now
		res := tx.Model(&contactPointRow{}).Where("id = ? AND organisation_id = ? AND version = ?", c.ID, c.OrganisationID, expectedVersion).
			Select("*").Omit("id", "organisation_id", "created_at").Updates(&row)
		if res.Error != nil {
			return translate(res.Error, "Point de contact")
		}
		if res.RowsAffected == 0 {
			return domain.Errorf(domain.ECONFLICT, "Ce point de contact a été modifié entre-temps : rechargez-le avant d'enregistrer.")
		}
		if err := tx.Where("contact_point_id = ?", c.ID).Delete(&coverageRow{}).Error; err != nil {
			return translate(err, "Couverture")
		}
		if cov := coverageRows(c); len(cov) > 0 {
			if err := tx.Create(&cov).Error; err != nil {
				return translate(err, "Couverture")
			}
		}
		return appendAudit(tx, now, audit)
	})
}

func (s *Store) DeleteContactPoint(ctx context.Context, organisationID, id string, expectedVersion int, audit *domain.AuditEntry) error {
	now := s.now().UTC()
	return s.publicWrite(ctx, func(tx *gorm.DB) error {
		var old contactPointRow
		if err := tx.Where("id = ? AND organisation_id = ?", id, organisationID).Take(&old).Error; err != nil {
			return translate(err, "Point de contact")
		}
		if expectedVersion != 0 && old.Version != expectedVersion {
			return domain.Errorf(domain.ECONFLICT, "Ce point de contact a été modifié entre-temps (version %d) : rechargez-le avant de le supprimer.", old.Version)
		}
		if err := tx.Where("id = ? AND organisation_id = ?", id, organisationID).Delete(&contactPointRow{}).Error; err != nil {
			return translate(err, "Point de contact")
		}
		return appendAudit(tx, now, audit)
	})
}

// FindContactPointsByID returns those of ids that are contact points of the
// organisation, by id.
func (s *Store) FindContactPointsByID(ctx context.Context, organisationID string, ids []string) (map[string]*domain.ContactPoint, error) {
	return s.contactPointsByID(ctx, organisationID, ids)
}

// ImportContactPoints writes one import in one transaction: creations (in
// batches), updates guarded by their expected version, coverage rows and
// audit entries. Any failure, a version that moved or an id taken meanwhile
// included, rolls everything back.
func (s *Store) ImportContactPoints(ctx context.Context, organisationID string, writes []domain.ContactPointWrite) error {
	if len(writes) == 0 {
		return nil
	}
	if err := s.importContactPoints(ctx, organisationID, writes); err != nil {
		return err
	}
	s.analyzeAfterBulk(ctx, len(writes), "contact_points", "contact_point_coverage")
	return nil
}

func (s *Store) importContactPoints(ctx context.Context, organisationID string, writes []domain.ContactPointWrite) error {
	for _, w := range writes {
		c := w.ContactPoint
		if c.OrganisationID != organisationID {
			return fmt.Errorf("import: contact point %s belongs to another organisation", c.ID)
		}
		if err := c.Validate(); err != nil {
			return fmt.Errorf("contact point %s: %w", c.ID, err)
		}
	}
	now := s.now().UTC()
	return s.publicWrite(ctx, func(tx *gorm.DB) error {
		var creates []contactPointRow
		var coverage []coverageRow
		var touched []string
		for _, w := range writes {
			c := w.ContactPoint
			if w.ExpectedVersion == 0 {
				c.Version, c.CreatedAt, c.UpdatedAt = 1, now, now
				row := contactPointToRow(c)
				row.CreatedAt, row.UpdatedAt = now, now
				creates = append(creates, row)
			} else {
				c.Version, c.UpdatedAt = w.ExpectedVersion+1, now
				row := contactPointToRow(c)
				row.UpdatedAt = now
				res := tx.Model(&contactPointRow{}).Where("id = ? AND organisation_id = ? AND version = ?", c.ID, organisationID, w.ExpectedVersion).
					Select("*").Omit("id", "organisation_id", "created_at").Updates(&row)
				if res.Error != nil {
					return translate(res.Error, "Point de contact")
				}
				if res.RowsAffected == 0 {
					return domain.Errorf(domain.ECONFLICT, "Le point de contact « %s » a été modifié pendant l'import : vérifiez le fichier à nouveau, puis importez-le.", c.Name)
				}
				touched = append(touched, c.ID)
			}
			coverage = append(coverage, coverageRows(c)...)
		}
		if len(creates) > 0 {
			if err := tx.CreateInBatches(creates, 200).Error; err != nil {
				if domain.ErrorCode(translate(err, "")) == domain.ECONFLICT {
					return domain.Errorf(domain.ECONFLICT, "Un point de contact du fichier a été créé pendant l'import : vérifiez le fichier à nouveau, puis importez-le.")
				}
				return translate(err, "Point de contact")
			}
		}
		if err := s.replaceCoverage(tx, touched, coverage); err != nil {
			return err
		}
		audit := make([]auditRow, 0, len(writes))
		for _, w := range writes {
			if w.Audit == nil {
				continue
			}
			row, err := auditRowOf(now, w.Audit)
			if err != nil {
				return err
			}
			audit = append(audit, row)
		}
		if len(audit) > 0 {
			if err := tx.CreateInBatches(audit, 200).Error; err != nil {
				return translate(err, "Journal")
			}
		}
		return nil
	})
}

// rowsPerInsert is the number of rows of cols columns a multi-row insert
// should carry. The SQLite driver (glebarez/go-sqlite) binds parameters in
// time quadratic in their number: a few hundred per statement is its sweet
// spot. PostgreSQL takes up to 65,535; a few thousand is plenty.
func (s *Store) rowsPerInsert(cols int) int {
	if s.dialect == SQLite {
		return max(1, 300/cols)
	}
	return max(1, 3000/cols)
}

// idsPerQuery is the length of the id lists of bulk reads and writes
// (id IN (…)), for the same reason.
func (s *Store) idsPerQuery() int {
	if s.dialect == SQLite {
		return 100
	}
	return 1000
}

// replaceCoverage replaces the coverage rows of the touched contact points
// with coverage, inside tx.
func (s *Store) replaceCoverage(tx *gorm.DB, touched []string, coverage []coverageRow) error {
	for chunk := range slices.Chunk(touched, 500) {
		if err := tx.Where("contact_point_id IN ?", chunk).Delete(&coverageRow{}).Error; err != nil {
			return translate(err, "Couverture")
		}
	}
	// Multi-row inserts written by hand: an import writes about a million
	// of these rows, and GORM's reflection per row would cost more than
	// the database.
	var sql strings.Builder
	args := make([]any, 0, 3*500)
	for chunk := range slices.Chunk(coverage, s.rowsPerInsert(3)) {
		sql.Reset()
		sql.WriteString("INSERT INTO contact_point_coverage (contact_point_id, level, code) VALUES ")
		args = args[:0]
		for i, r := range chunk {
			if i > 0 {
				sql.WriteByte(',')
			}
			sql.WriteString("(?,?,?)")
			args = append(args, r.ContactPointID, r.Level, r.Code)
		}
		if err := tx.Exec(sql.String(), args...).Error; err != nil {
			return translate(err, "Couverture")
		}
	}
	return nil
}
