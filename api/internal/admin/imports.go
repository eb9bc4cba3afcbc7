package admin

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/importer"
)

// Import formats of ImportContactPoints.
const (
	// ImportCSV is the référents' template (importer.PartnerColumns).
	ImportCSV = "csv"
	// ImportXLSX is the same template as a spreadsheet (first sheet).
	ImportXLSX = "xlsx"
	// ImportAnnuaire is a service-public.fr annuaire or France services
	// extract, in any format the importer reads (importer.DetectFormat).
	ImportAnnuaire = "annuaire"
	// ImportDataInclusion is a data·inclusion file of services and
	// structures (importer.ReadDataInclusion).
	ImportDataInclusion = "data-inclusion"
)

// MaxImportBytes bounds an imported file.
const MaxImportBytes = 10 << 20

// What an import does with a row.
const (
	ImportCreate    = "create"
	ImportUpdate    = "update"
	ImportUnchanged = "unchanged"
	ImportReject    = "reject"
)

// ImportReport says, row by row, what an import does (or would do).
type ImportReport struct {
	DryRun bool
	// Format is ImportCSV, ImportXLSX, ImportAnnuaire or ImportDataInclusion.
	Format string
	// AnnuaireFormat is the annuaire format read (importer.Format).
	AnnuaireFormat string
	// Encoding and Separator say how a CSV file was read.
	Encoding, Separator string
	// IgnoredColumns are header cells that name no column of the template.
	IgnoredColumns                        []string
	Created, Updated, Unchanged, Rejected int
	// Rows, sorted by row number.
	Rows []ImportRow
	// Applied is true once the contact points are written.
	Applied bool
}

// ImportRow is what the import does with one row (CSV, XLSX) or record
// (annuaire, data·inclusion).
type ImportRow struct {
	// Row is the spreadsheet row (the header is row 1), or the record's
	// position in an annuaire or data·inclusion file (from 1).
	Row       int
	Reference string
	ID        string
	Name      string
	Action    string
	// Errors say why a row is rejected: Field is a column key of the
	// template (CSV, XLSX), a field of the contact point (annuaire) or of
	// the data·inclusion record.
	Errors []domain.FieldError
	// Warnings say what was left out or adapted without rejecting the row
	// (data·inclusion: unknown thématiques, hours kept as text…).
	Warnings []domain.FieldError
	// Changes names the fields an update changes (API names: name, channels,
	// opening_hours…).
	Changes []string
}

// planned is one row of an import and the contact point it leads to.
type planned struct {
	row ImportRow
	cp  *domain.ContactPoint
	old *domain.ContactPoint
	// changes is the audit diff of a creation or an update.
	changes map[string][2]any
}

// ImportContactPoints reads a file of contact points for the organisation
// and reports, row by row, what it creates, updates, leaves unchanged or
// rejects and why, each row checked exactly as a contact point created
// through the API. Unless dryRun, it then writes every created and updated
// contact point in one transaction, with their audit entries; when any row
// is rejected it writes nothing (the report says why, Applied is false).
// format is ImportCSV, ImportXLSX, ImportAnnuaire, ImportDataInclusion, or
// empty to detect it.
func (s *Service) ImportContactPoints(ctx context.Context, a Actor, slug, format string, data []byte, dryRun bool) (*ImportReport, error) {
	org, err := s.Authorize(ctx, a, slug, domain.RoleEditor)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, domain.Invalid("Le fichier est vide.")
	}
	if len(data) > MaxImportBytes {
		return nil, domain.Errorf(domain.ETOOLARGE, "Le fichier dépasse %d Mo : découpez-le en plusieurs fichiers.", MaxImportBytes>>20)
	}
	if format == "" {
		if format, err = DetectImportFormat(data); err != nil {
			return nil, err
		}
	}
	now := s.now().UTC()
	rep := &ImportReport{DryRun: dryRun, Format: format}
	var plan []planned
	switch format {
	case ImportCSV, ImportXLSX:
		var f *importer.PartnerFile
		if format == ImportCSV {
			f, err = importer.ReadPartnerCSV(data)
		} else {
			f, err = importer.ReadPartnerXLSX(data)
		}
		if err != nil {
			return nil, err
		}
		rep.Encoding, rep.Separator, rep.IgnoredColumns = f.Encoding, f.Separator, f.Ignored
		plan, err = s.planPartner(ctx, org, f, now)
	case ImportAnnuaire:
		head := data[:min(len(data), 16<<10)]
		if importer.IsDataInclusion(head) {
			// A list of data·inclusion services would read as an annuaire
			// API export of empty records.
			return nil, domain.Invalid("Ce fichier est au format data·inclusion, pas un extrait de l'annuaire.",
				domain.FieldError{Field: "format", Message: "choisissez le format data·inclusion (data-inclusion), ou la détection automatique"})
		}
		var af importer.Format
		if af, err = importer.DetectFormat("fichier", head); err != nil {
			return nil, domain.Invalid("Ce fichier n'est pas un extrait de l'annuaire reconnu.",
				domain.FieldError{Field: "format", Message: "formats lus : JSON, GeoJSON, TSV et CSV de l'annuaire de service-public.fr, CSV des France services"})
		}
		rep.AnnuaireFormat = string(af)
		plan, err = s.planAnnuaire(ctx, org, data, af, now)
	case ImportDataInclusion:
		plan, err = s.planDataInclusion(ctx, org, data, now)
	default:
		return nil, domain.Invalid("Format inconnu.", domain.FieldError{Field: "format", Message: "doit valoir csv, xlsx, annuaire ou data-inclusion"})
	}
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(plan, func(x, y planned) int { return x.row.Row - y.row.Row })
	var writes []domain.ContactPointWrite
	rep.Rows = make([]ImportRow, len(plan))
	for i, p := range plan {
		rep.Rows[i] = p.row
		switch p.row.Action {
		case ImportCreate:
			rep.Created++
			writes = append(writes, domain.ContactPointWrite{ContactPoint: p.cp,
				Audit: s.audit(a, org.ID, "create", "contact_point", p.cp.ID, p.changes)})
		case ImportUpdate:
			rep.Updated++
			writes = append(writes, domain.ContactPointWrite{ContactPoint: p.cp, ExpectedVersion: p.old.Version,
				Audit: s.audit(a, org.ID, "update", "contact_point", p.cp.ID, p.changes)})
		case ImportUnchanged:
			rep.Unchanged++
		case ImportReject:
			rep.Rejected++
		}
	}
	if dryRun || rep.Rejected > 0 {
		return rep, nil
	}
	if err := s.store.ImportContactPoints(ctx, org.ID, writes); err != nil {
		return nil, err
	}
	rep.Applied = true
	return rep, nil
}

// ImportTemplate checks that the actor may read the import template of the
// organisation (viewers and up; the template itself is importer.WritePartnerTemplate).
func (s *Service) ImportTemplate(ctx context.Context, a Actor, slug string) error {
	_, err := s.Authorize(ctx, a, slug, domain.RoleViewer)
	return err
}

// DetectImportFormat recognises an imported file: a spreadsheet (XLSX), a
// data·inclusion file, an annuaire extract, or the CSV template (a header
// naming its columns). data·inclusion comes before the annuaire, whose
// detection takes any JSON list for an API export.
func DetectImportFormat(data []byte) (string, error) {
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return ImportXLSX, nil
	}
	head := data[:min(len(data), 16<<10)]
	if importer.IsDataInclusion(head) {
		return ImportDataInclusion, nil
	}
	if _, err := importer.DetectFormat("fichier", head); err == nil {
		return ImportAnnuaire, nil
	}
	if text, _, err := importer.DecodeText(head); err == nil {
		line, _, _ := strings.Cut(text, "\n")
		cr := csv.NewReader(strings.NewReader(line))
		cr.Comma, cr.LazyQuotes = sniffComma(line), true
		if header, err := cr.Read(); err == nil {
			for _, cell := range header {
				if k := importer.HeaderKey(cell); k == importer.ColReference || k == importer.ColName {
					return ImportCSV, nil
				}
			}
		}
	}
	return "", domain.Invalid("Format de fichier non reconnu.", domain.FieldError{Field: "format",
		Message: "ni le modèle CSV des points de contact (sa première ligne nomme les colonnes Référence, Nom…), ni un classeur XLSX, ni un extrait de l'annuaire, ni un fichier data·inclusion"})
}

func sniffComma(line string) rune {
	best, n := ';', strings.Count(line, ";")
	for _, r := range []rune{',', '\t'} {
		if c := strings.Count(line, string(r)); c > n {
			best, n = r, c
		}
	}
	return best
}

// partnerID is the contact point a reference of the organisation's files
// designates, whatever its case.
func partnerID(orgID, reference string) string {
	return domain.StableID("partner-import:" + orgID + ":" + strings.ToLower(reference))
}

// annuaireID is the organisation's own copy of an annuaire office, apart
// from the national commons' one.
func annuaireID(orgID, annuaireID string) string {
	return domain.StableID("partner-annuaire:" + orgID + ":" + annuaireID)
}

// decide completes a planned row whose contact point is built: rejected
// with its errors, else created, updated (with the fields that change) or
// unchanged.
func (p *planned) decide(errs []domain.FieldError) {
	if len(errs) > 0 {
		p.row.Action, p.row.Errors = ImportReject, errs
		return
	}
	if p.old == nil {
		p.row.Action = ImportCreate
		p.changes = diff(&domain.ContactPoint{}, p.cp)
		return
	}
	p.changes = diff(canonical(p.old), canonical(p.cp))
	delete(p.changes, "VerifiedAt")
	if len(p.changes) == 0 {
		p.row.Action = ImportUnchanged
		return
	}
	p.row.Action = ImportUpdate
	for f := range p.changes {
		p.row.Changes = append(p.row.Changes, apiFieldName(f))
	}
	slices.Sort(p.row.Changes)
}

// canonical is a copy of c in which empty lists are nil, as they read back
// from the store, so that comparing a stored contact point with its
// re-import sees only real changes.
func canonical(c *domain.ContactPoint) *domain.ContactPoint {
	n := *c
	n.Themes = nilIfEmpty(n.Themes)
	n.Channels = nilIfEmpty(n.Channels)
	n.Hours.Weekly = nilIfEmpty(n.Hours.Weekly)
	n.Hours.Exceptions = nilIfEmpty(n.Hours.Exceptions)
	n.Coverage.Regions = nilIfEmpty(n.Coverage.Regions)
	n.Coverage.Departements = nilIfEmpty(n.Coverage.Departements)
	n.Coverage.EPCIs = nilIfEmpty(n.Coverage.EPCIs)
	n.Coverage.Communes = nilIfEmpty(n.Coverage.Communes)
	if n.Address != nil {
		a := *n.Address
		a.Lines = nilIfEmpty(a.Lines)
		n.Address = &a
	}
	return &n
}

func nilIfEmpty[T any](v []T) []T {
	if len(v) == 0 {
		return nil
	}
	return v
}

// apiFieldName names a field of domain.ContactPoint as the API does.
func apiFieldName(goName string) string {
	switch goName {
	case "Hours":
		return "opening_hours"
	case "OverridesID":
		return "overrides"
	case "EmergencyRank":
		return "emergency_rank"
	case "OrganisationID":
		return "organisation"
	}
	return strings.ToLower(goName)
}

// planPartner checks every row of a partner file.
func (s *Service) planPartner(ctx context.Context, org *domain.Organisation, f *importer.PartnerFile, now time.Time) ([]planned, error) {
	ids := make([]string, 0, len(f.Rows))
	for _, r := range f.Rows {
		if r.Reference != "" {
			// The reference of a contact point the organisation did not
			// import from a file is its id (as exports write it).
			ids = append(ids, partnerID(org.ID, r.Reference), strings.ToLower(r.Reference))
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
	plan := make([]planned, 0, len(f.Rows))
	for _, r := range f.Rows {
		p := planned{row: ImportRow{Row: r.Row, Reference: r.Reference, Name: r.Name}}
		errs := slices.Clone(r.Errors)
		if r.Reference != "" {
			key := strings.ToLower(r.Reference)
			if first, dup := seen[key]; dup {
				errs = append(errs, domain.FieldError{Field: importer.ColReference,
					Message: fmt.Sprintf("référence déjà utilisée à la ligne %d : chaque point de contact a sa propre référence", first)})
			} else {
				seen[key] = r.Row
			}
			p.row.ID = partnerID(org.ID, r.Reference)
			p.old = existing[p.row.ID]
			if own := existing[key]; p.old == nil && own != nil {
				p.row.ID, p.old = own.ID, own
			}
		}
		var cols []string
		p.cp, cols = partnerContactPoint(org, f, r, p.row.ID, p.old, now)
		fields, err := s.rowFieldErrors(ctx, p.cp, p.old, themes)
		if err != nil {
			return nil, err
		}
		errs = append(errs, partnerFieldErrors(fields, p.cp, cols)...)
		p.decide(dedupeFields(errs))
		plan = append(plan, p)
	}
	return plan, nil
}

// partnerChannelColumns are the columns that hold each kind of channel.
var partnerChannelColumns = map[domain.ChannelKind]string{
	domain.ChannelPhone:           importer.ColPhones,
	domain.ChannelEmail:           importer.ColEmail,
	domain.ChannelWebsite:         importer.ColWebsite,
	domain.ChannelOnlineProcedure: importer.ColOnlineProcedure,
	domain.ChannelAddress:         importer.ColAddress,
}

// partnerContactPoint makes the contact point a row describes, the way the
// API would from the same fields: a new one, or old with the file's columns
// applied (a column absent from the file leaves its field unchanged; an
// empty cell clears it). cols names the column of each channel ("" for
// channels the file does not hold, kept from old).
func partnerContactPoint(org *domain.Organisation, f *importer.PartnerFile, r importer.PartnerRow, id string, old *domain.ContactPoint, now time.Time) (*domain.ContactPoint, []string) {
	var in ContactPointInput
	in.Name = &r.Name
	if f.Has(importer.ColDescription) {
		in.Description = &r.Description
	}
	if f.Has(importer.ColPivot) {
		in.Pivot = &r.Pivot
	}
	if f.Has(importer.ColThemes) {
		in.Themes = &r.Themes
	}

	// Address: the columns present replace their part of it.
	var addr *domain.Address
	if old != nil && old.Address != nil {
		a := *old.Address
		addr = &a
	}
	if slices.ContainsFunc([]string{importer.ColAddress, importer.ColPostalCode, importer.ColCity, importer.ColCommune,
		importer.ColLatitude, importer.ColLongitude, importer.ColAccessibility}, f.Has) {
		a := domain.Address{}
		if addr != nil {
			a = *addr
		}
		if f.Has(importer.ColAddress) {
			a.Lines = r.AddressLines
		}
		if f.Has(importer.ColPostalCode) {
			a.PostalCode = r.PostalCode
		}
		if f.Has(importer.ColCity) {
			a.City = r.City
		}
		if f.Has(importer.ColCommune) {
			a.CommuneCode = r.CommuneCode
		}
		if f.Has(importer.ColLatitude) || f.Has(importer.ColLongitude) {
			a.Latitude, a.Longitude = r.Latitude, r.Longitude
		}
		if f.Has(importer.ColAccessibility) {
			a.Accessibility = r.Accessibility
		}
		addr = nil
		if len(a.Lines) > 0 || a.PostalCode != "" || a.City != "" || a.CommuneCode != "" || a.Latitude != nil || a.Accessibility != "" {
			addr = &a
		}
		in.Address = &addr
	}

	// Channels: those of the kinds the file holds come from it (notes typed
	// in the app on the same number or address kept); the others stay.
	owns := func(k domain.ChannelKind) bool { return f.Has(partnerChannelColumns[k]) }
	var oldChannels []domain.Channel
	if old != nil {
		oldChannels = old.Channels
	}
	var chans []domain.Channel
	var cols []string
	add := func(col string, ch domain.Channel) {
		if slices.ContainsFunc(chans, func(o domain.Channel) bool { return o.Kind == ch.Kind && o.Value == ch.Value }) {
			return
		}
		if i := slices.IndexFunc(oldChannels, func(o domain.Channel) bool { return o.Kind == ch.Kind && o.Value == ch.Value }); i >= 0 {
			o := oldChannels[i]
			// A line reserved to agents stays so (the file does not say).
			ch.Label, ch.CostNote, ch.AccessibilityNote, ch.Visibility = o.Label, o.CostNote, o.AccessibilityNote, o.Visibility
		}
		chans, cols = append(chans, ch), append(cols, col)
	}
	for _, pc := range r.Channels {
		add(pc.Column, pc.Channel)
	}
	if owns(domain.ChannelAddress) && addr != nil && len(addr.Lines) > 0 {
		// The address is also a way to come: as the annuaire's offices have it.
		add(importer.ColAddress, domain.Channel{Kind: domain.ChannelAddress, Value: addr.OneLine()})
	}
	for _, ch := range oldChannels {
		if _, held := partnerChannelColumns[ch.Kind]; !held || !owns(ch.Kind) {
			chans, cols = append(chans, ch), append(cols, "")
		}
	}
	in.Channels = &chans

	if f.Has(importer.ColHours) || f.Has(importer.ColHoursNote) {
		var h domain.OpeningHours
		if old != nil {
			h = old.Hours // exceptions and the indicative flag are the app's
		}
		if f.Has(importer.ColHours) {
			h.Weekly = r.Weekly
		}
		if f.Has(importer.ColHoursNote) {
			h.Note = r.HoursNote
		}
		in.Hours = &h
	}
	if len(r.Departements)+len(r.Communes) > 0 {
		in.Coverage = &domain.Coverage{Rule: domain.CoverageExplicit, Departements: r.Departements, Communes: r.Communes}
	}

	src := domain.Source{Kind: domain.SourceCSV, ID: r.Reference}
	if old == nil {
		return newContactPoint(org, id, src, now, in), cols
	}
	c := *old
	in.apply(&c)
	switch {
	case old.Source.Kind == domain.SourceCSV && strings.EqualFold(old.Source.ID, src.ID):
		src.ID = old.Source.ID // the reference is the same whatever its case
	case strings.EqualFold(old.ID, r.Reference):
		src = old.Source // named by its id: it keeps its origin
	}
	c.Source, c.VerifiedAt = src, &now
	return &c, cols
}

var indexedField = regexp.MustCompile(`^([a-z_.]+)\[([0-9]+)\]`)

// partnerFieldErrors names the template's columns in the validation errors
// of a row's contact point.
func partnerFieldErrors(fields []domain.FieldError, c *domain.ContactPoint, cols []string) []domain.FieldError {
	out := make([]domain.FieldError, 0, len(fields))
	for _, fe := range fields {
		field, msg := fe.Field, fe.Message
		base, idx := field, -1
		if m := indexedField.FindStringSubmatch(field); m != nil {
			base = m[1]
			idx, _ = strconv.Atoi(m[2])
		}
		col := field
		switch {
		case field == "name":
			col = importer.ColName
		case field == "description":
			col = importer.ColDescription
		case field == "pivot":
			col = importer.ColPivot
		case base == "themes":
			col = importer.ColThemes
		case base == "channels" && idx >= 0 && idx < len(c.Channels):
			col = cols[idx]
			if col == "" {
				col = "moyens_de_contact"
			}
			msg = "« " + c.Channels[idx].Value + " » : " + msg
		case strings.HasPrefix(field, "channels"):
			col = importer.ColPhones
			msg += " (téléphone, courriel, site web, démarche en ligne ou adresse)"
		case field == "address.commune_code":
			col = importer.ColCommune
		case strings.HasPrefix(field, "address"):
			col = importer.ColAddress
		case base == "hours.weekly" && idx >= 0 && idx < len(c.Hours.Weekly):
			sl := c.Hours.Weekly[idx]
			col = importer.ColHours
			msg = dayName(sl.Day) + " " + sl.Opens + "-" + sl.Closes + " : " + msg
		case strings.HasPrefix(field, "hours"):
			col = importer.ColHours
		case base == "coverage.departements":
			col = importer.ColDepartements
		case strings.HasPrefix(field, "coverage"):
			col = importer.ColCommunes
		}
		out = append(out, domain.FieldError{Field: col, Message: msg, Communes: fe.Communes})
	}
	return out
}

var frenchDays = [...]string{"", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"}

func dayName(d int) string {
	if d < 1 || d > 7 {
		return "jour " + strconv.Itoa(d)
	}
	return frenchDays[d]
}

// dedupeFields drops repeated (field, message) pairs: the domain's rules
// and the editing rules may report one fault twice.
func dedupeFields(fields []domain.FieldError) []domain.FieldError {
	var out []domain.FieldError
	for _, f := range fields {
		if !slices.ContainsFunc(out, func(o domain.FieldError) bool { return o.Field == f.Field && o.Message == f.Message }) {
			out = append(out, f)
		}
	}
	return out
}

// discardWriter lets the importer read an annuaire file without writing:
// the import's records are collected through Options.Outcome.
type discardWriter struct{}

func (discardWriter) UpsertContactPoints(_ context.Context, cps []*domain.ContactPoint) (domain.ImportStats, error) {
	return domain.ImportStats{Created: len(cps)}, nil
}

// planAnnuaire reads an annuaire extract with the importer, as the
// organisation's own contact points, and checks every record.
func (s *Service) planAnnuaire(ctx context.Context, org *domain.Organisation, data []byte, format importer.Format, now time.Time) ([]planned, error) {
	var outcomes []importer.Outcome
	opts := importer.Options{Store: discardWriter{}, Communes: s.communes, OrganisationID: org.ID,
		Outcome: func(o importer.Outcome) { outcomes = append(outcomes, o) }}
	if _, err := importer.Import(ctx, bytes.NewReader(data), format, string(format), opts); err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, err
		}
		return nil, domain.Invalid("Le fichier de l'annuaire n'a pas pu être lu.", domain.FieldError{Field: "fichier", Message: err.Error()})
	}
	if len(outcomes) == 0 {
		return nil, domain.Invalid("Le fichier ne contient aucun établissement.")
	}
	ids := make([]string, 0, len(outcomes))
	for _, o := range outcomes {
		if o.ContactPoint != nil && o.ContactPoint.ID != "" {
			ids = append(ids, annuaireID(org.ID, o.ContactPoint.ID))
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
	plan := make([]planned, 0, len(outcomes))
	for _, o := range outcomes {
		p := planned{row: ImportRow{Row: o.Record, Reference: o.SourceID}}
		if o.ContactPoint == nil {
			p.decide([]domain.FieldError{{Field: "enregistrement", Message: "enregistrement illisible : " + describeErr(o.Err)}})
			plan = append(plan, p)
			continue
		}
		c := *o.ContactPoint
		p.row.Name = c.Name
		if c.ID != "" {
			c.ID = annuaireID(org.ID, c.ID)
			p.row.ID = c.ID
			p.old = existing[c.ID]
		}
		c.OrganisationID = org.ID
		if c.VerifiedAt == nil {
			c.VerifiedAt = &now
		}
		if p.old != nil {
			c.Version, c.CreatedAt, c.OverridesID = p.old.Version, p.old.CreatedAt, p.old.OverridesID
		}
		c.Channels = slices.Clone(c.Channels)
		keepVisibility(&c, p.old)
		p.cp = &c
		var errs []domain.FieldError
		switch o.Skipped {
		case importer.SkipNoIdentifier:
			errs = append(errs, domain.FieldError{Field: "id", Message: "l'enregistrement n'a pas d'identifiant"})
		case importer.SkipDuplicate:
			errs = append(errs, domain.FieldError{Field: "id", Message: "cet établissement figure déjà plus haut dans le fichier"})
		case importer.SkipCoverage:
			errs = append(errs, domain.FieldError{Field: "coverage", Message: "territoire servi impossible à déterminer : code commune absent ou invalide pour ce type d'établissement"})
		default:
			fields, err := s.rowFieldErrors(ctx, &c, p.old, themes)
			if err != nil {
				return nil, err
			}
			errs = append(errs, fields...)
		}
		p.decide(dedupeFields(errs))
		plan = append(plan, p)
	}
	return plan, nil
}

func describeErr(err error) string {
	if err == nil {
		return "raison inconnue"
	}
	return err.Error()
}
