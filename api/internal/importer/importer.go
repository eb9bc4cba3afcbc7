// Package importer loads the service-public.fr annuaire (« Base de données
// locales », DILA) and the ANCT list of France services into the directory,
// as contact points of the national commons.
//
// Formats: the current (v4) bulk JSON {"service": […]}, streamed; the v4
// Opendatasoft API export (an array of records, or a records page
// {"results": […]}, whose nested fields are JSON documents encoded as
// strings); the flattened v4 TSV; the 2017 GeoJSON files (one per
// département and pivot); the flattened 2017 national CSV; the France
// services CSV. Files may be gzip or bzip2 compressed, or tar archives
// (e.g. the DILA's all_latest.tar.bz2).
//
// # Identity
//
// A record's ID is domain.StableID("annuaire:" + old identifier) where the
// old identifier is the 2017 id (caf-83126-01) or the v4 ancien_code_pivot,
// else "annuaire:" + the v4 UUID; France services use
// "france-services:" + id_fs. A v4 file thus updates in place the offices
// first loaded from the 2017 extract.
//
// # Coverage (Couverture)
//
// When a record lists the communes it serves (v4 pivot[].code_insee_commune),
// its coverage is explicit: those communes. Otherwise coverage is inferred
// (Coverage.Inferred = true) from the office's pivot type, by the scope given
// in the reviewed pivot table (commons/data/pivot_types.csv):
//
//   - departement: bodies organised by département (caf, cpam,
//     maison_handicapees, cg, adil, cicas, prefecture, banque_de_france,
//     spip, ddt, inspection_academique…) cover the whole département where
//     the office stands: explicit Departements=[that département];
//   - region: regional bodies (carsat, cr, prefecture_region, crous, urssaf,
//     ofii, rectorat, ta…) cover the whole région where the office stands;
//   - national: the whole country (no annuaire pivot uses it today);
//   - nearest (every other type, and types missing from the table: mairie,
//     pole_emploi, sip, gendarmerie, commissariat_police, msap,
//     mission_locale, sous_pref…): rule nearest_in_departement, resolved at
//     query time: the office of that type in the resident's commune, else
//     the nearest one in the département, from the address coordinates.
//
// The département and région of an office come from the communes reference
// (Options.Communes); when the commune is unknown to it (a commune merged
// since the source was written), the département is read from the INSEE
// code itself (its first two characters, three overseas) and the région
// from that département. An office whose coverage cannot be decided (no
// valid commune code) is skipped.
//
// # Records that are skipped
//
// Every record is checked with ContactPoint.Validate; invalid records,
// records without identifier and repeated identifiers are counted as
// Skipped and logged at debug level with their source identifier. A
// malformed file (invalid JSON, wrong CSV header) stops the import with an
// error naming the file and the byte offset or line.
package importer

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// Format is a source file format.
type Format string

const (
	// FormatV4Bulk is the DILA bulk file {"service": […]} (format v4).
	FormatV4Bulk Format = "annuaire-v4-bulk"
	// FormatV4API is the Opendatasoft export of api-lannuaire-administration:
	// an array of records, or one page {"results": […]} of the records endpoint.
	FormatV4API Format = "annuaire-v4-api"
	// FormatV4TSV is the flattened v4 extract (prefectures_sous-prefectures_*.tsv).
	FormatV4TSV Format = "annuaire-v4-tsv"
	// FormatV1GeoJSON is a 2017 FeatureCollection of one (département, pivot).
	FormatV1GeoJSON Format = "annuaire-v1-geojson"
	// FormatV1CSV is the flattened 2017 national CSV.
	FormatV1CSV Format = "annuaire-v1-csv"
	// FormatFranceServices is the ANCT list of France services (CSV).
	FormatFranceServices Format = "france-services-csv"
)

// DefaultBatchSize is the number of contact points written per store call.
const DefaultBatchSize = 500

// Options configures an import.
type Options struct {
	Store DirectoryWriter
	// Communes finds the département and région of an office's commune.
	Communes domain.Communes
	// OrganisationID owns the imported contact points (the commons).
	OrganisationID string
	Logger         *slog.Logger
	// BatchSize is the number of contact points per UpsertContactPoints
	// call; DefaultBatchSize when zero.
	BatchSize int
	// Pivots gives themes and coverage scopes; DefaultPivots() when nil.
	Pivots *PivotTable
	// Keep, when set, is called with every valid contact point before it is
	// written; returning false leaves it out, uncounted (a choice of the
	// caller, such as the demo leaving out offices a newer file replaces).
	Keep func(*domain.ContactPoint) bool
	// Outcome, when set, is told what became of every source record, in
	// the order they are read: kept (after Keep) or skipped, and why. It
	// lets a caller report on each record, such as the référents' import
	// preview; Keep leaving a record out is not reported.
	Outcome func(Outcome)
}

// SkipReason says why a record was left out of an import.
type SkipReason string

const (
	// SkipUnreadable: not a record at all (a JSON value that is not an
	// object, a CSV row with the wrong number of fields).
	SkipUnreadable SkipReason = "unreadable"
	// SkipNoIdentifier: the record has no identifier to key it on.
	SkipNoIdentifier SkipReason = "no_identifier"
	// SkipCoverage: the territory served could not be decided.
	SkipCoverage SkipReason = "coverage"
	// SkipInvalid: the contact point fails ContactPoint.Validate (Err holds
	// the *domain.Error with its fields).
	SkipInvalid SkipReason = "invalid"
	// SkipDuplicate: a record with the same identifier was already read.
	SkipDuplicate SkipReason = "duplicate"
)

// Outcome is what became of one source record (see Options.Outcome).
type Outcome struct {
	// Record is the position of the record among those read by the import, from 1.
	Record int
	// Dataset is the file the record comes from.
	Dataset string
	// SourceID is the record's identifier in its source, or where it
	// stands ("line 12") when it could not be read.
	SourceID string
	// ContactPoint is what the record became; nil when unreadable.
	ContactPoint *domain.ContactPoint
	// Skipped is empty when the record was kept.
	Skipped SkipReason
	// Err says why it was skipped.
	Err error
}

// DirectoryWriter is the part of domain.DirectoryStore the importer uses.
type DirectoryWriter interface {
	UpsertContactPoints(ctx context.Context, cps []*domain.ContactPoint) (domain.ImportStats, error)
}

var _ DirectoryWriter = domain.DirectoryStore(nil)

// ImportFile imports a file, or every *.json file under a directory
// (recursively, in sorted order). Compressed files (.gz, .bz2) and tar
// archives are read as streams. Each file's dataset name is its path
// relative to the parent of path, without compression suffix, e.g.
// "etablissements-publics-v1_2017-12/83/caf.json".
func ImportFile(ctx context.Context, path string, opts Options) (domain.ImportStats, error) {
	abs, err := filepath.Abs(path)
	if err == nil {
		_, err = os.Stat(abs) // an error naming the whole path
	}
	if err != nil {
		return domain.ImportStats{}, fmt.Errorf("importer: %w", err)
	}
	return ImportFS(ctx, os.DirFS(filepath.Dir(abs)), filepath.Base(abs), opts)
}

// ImportFS is ImportFile over a file system, such as embedded data.
func ImportFS(ctx context.Context, fsys fs.FS, name string, opts Options) (domain.ImportStats, error) {
	r, err := newRun(opts)
	if err != nil {
		return domain.ImportStats{}, err
	}
	if err := r.importFS(ctx, fsys, name); err != nil {
		return r.stats, err
	}
	return r.done(ctx)
}

// importFS reads name, a file or every *.json[.gz] under a directory.
func (r *run) importFS(ctx context.Context, fsys fs.FS, name string) error {
	files, err := dataFiles(fsys, name)
	if err != nil {
		return err
	}
	for _, p := range files {
		if err := r.file(ctx, fsys, p); err != nil {
			return err
		}
	}
	return nil
}

// dataFiles lists what ImportFS reads: name itself, or the *.json and
// *.json.gz files under it, in sorted order.
func dataFiles(fsys fs.FS, name string) ([]string, error) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("importer: %w", err)
	}
	if !info.IsDir() {
		return []string{name}, nil
	}
	var files []string
	err = fs.WalkDir(fsys, name, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".json.gz")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("importer: %w", err)
	}
	slices.Sort(files)
	return files, nil
}

// Import imports one uncompressed stream of a known format. datasetName
// names the file (its date, e.g. 2024-08-01, dates records that carry none).
func Import(ctx context.Context, rd io.Reader, format Format, datasetName string, opts Options) (domain.ImportStats, error) {
	r, err := newRun(opts)
	if err != nil {
		return domain.ImportStats{}, err
	}
	if err := r.parse(ctx, rd, format, datasetName); err != nil {
		return r.stats, err
	}
	return r.done(ctx)
}

// DetectFormat recognises a format from the first bytes of a file (a few
// kilobytes); path only serves the error message.
func DetectFormat(path string, head []byte) (Format, error) {
	head = bytes.TrimPrefix(head, []byte("\ufeff"))
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if len(trimmed) == 0 {
		return "", fmt.Errorf("%s: empty file", path)
	}
	switch trimmed[0] {
	case '[':
		return FormatV4API, nil
	case '{':
		if f := detectJSONObject(trimmed); f != "" {
			return f, nil
		}
		return "", fmt.Errorf("%s: unrecognised JSON: expected a FeatureCollection, {\"service\": […]} or {\"results\": […]}", path)
	}
	line, _, _ := bytes.Cut(head, []byte("\n"))
	line = bytes.TrimRight(line, "\r")
	if bytes.IndexByte(line, '\t') >= 0 {
		if _, err := columns(strings.Split(string(line), "\t"), tsvColumns...); err == nil {
			return FormatV4TSV, nil
		}
	}
	if header, err := csv.NewReader(bytes.NewReader(line)).Read(); err == nil {
		if _, err := columns(header, franceServicesColumns...); err == nil {
			return FormatFranceServices, nil
		}
		if _, err := columns(header, v1CSVColumns...); err == nil {
			return FormatV1CSV, nil
		}
	}
	return "", fmt.Errorf("%s: unrecognised format (expected annuaire JSON, GeoJSON, TSV or CSV, or France services CSV)", path)
}

// detectJSONObject reads the top-level members of an object from its first
// bytes, skipping values, until one names the format.
func detectJSONObject(head []byte) Format {
	dec := json.NewDecoder(bytes.NewReader(head))
	if _, err := dec.Token(); err != nil {
		return ""
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		key, _ := tok.(string)
		switch key {
		case "service":
			return FormatV4Bulk
		case "results":
			return FormatV4API
		case "features":
			return FormatV1GeoJSON
		case "type":
			if v, err := dec.Token(); err != nil {
				return ""
			} else if v == "FeatureCollection" {
				return FormatV1GeoJSON
			}
			continue
		}
		if skipValue(dec) != nil {
			return ""
		}
	}
	return ""
}

// run is one import: batching, de-duplication and counts.
type run struct {
	opts   Options
	pivots *PivotTable
	log    *slog.Logger
	batch  []*domain.ContactPoint
	seen   map[string]string // contact point ID → dataset where first seen
	stats  domain.ImportStats
	// records counts the source records read.
	records int
	// tracked is set when the import is recorded as a run (see runs.go).
	tracked *tracking
}

func newRun(opts Options) (*run, error) {
	if opts.Store == nil {
		return nil, errors.New("importer: no store")
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	r := &run{opts: opts, pivots: opts.Pivots, log: opts.Logger, seen: map[string]string{}}
	if r.pivots == nil {
		r.pivots = DefaultPivots()
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	r.batch = make([]*domain.ContactPoint, 0, opts.BatchSize)
	return r, nil
}

// file imports one file of fsys.
func (r *run) file(ctx context.Context, fsys fs.FS, name string) error {
	f, err := fsys.Open(name)
	if err != nil {
		return fmt.Errorf("importer: %w", err)
	}
	defer f.Close()
	return r.stream(ctx, f, name)
}

// stream decompresses and unpacks by file name, then detects the format.
func (r *run) stream(ctx context.Context, rd io.Reader, name string) error {
	lower := strings.ToLower(name)
	switch {
	case strings.HasSuffix(lower, ".gz"), strings.HasSuffix(lower, ".tgz"):
		zr, err := gzip.NewReader(rd)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		defer zr.Close()
		inner := name[:len(name)-len(path.Ext(name))]
		if strings.HasSuffix(lower, ".tgz") {
			inner += ".tar"
		}
		return r.stream(ctx, zr, inner)
	case strings.HasSuffix(lower, ".bz2"):
		return r.stream(ctx, bzip2.NewReader(rd), name[:len(name)-len(".bz2")])
	case strings.HasSuffix(lower, ".tar"):
		tr := tar.NewReader(rd)
		for {
			hdr, err := tr.Next()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			if hdr.Typeflag != tar.TypeReg || !dataFile(hdr.Name) {
				r.log.DebugContext(ctx, "annuaire: archive entry ignored", "archive", name, "entry", hdr.Name)
				continue
			}
			if err := r.stream(ctx, tr, path.Clean(hdr.Name)); err != nil {
				return err
			}
		}
	}
	br := bufio.NewReaderSize(rd, 64<<10)
	head, err := br.Peek(16 << 10)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return fmt.Errorf("%s: %w", name, err)
	}
	format, err := DetectFormat(name, head)
	if err != nil {
		return err
	}
	return r.parse(ctx, br, format, name)
}

func dataFile(name string) bool {
	name = strings.ToLower(name)
	for _, ext := range []string{".gz", ".bz2"} {
		name = strings.TrimSuffix(name, ext)
	}
	return strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".csv") || strings.HasSuffix(name, ".tsv") ||
		strings.HasSuffix(name, ".tar")
}

// dataset is the file being imported.
type dataset struct {
	name string
	// date is the file's date read from its name, when any.
	date *time.Time
}

func (r *run) parse(ctx context.Context, rd io.Reader, format Format, name string) error {
	if r.tracked != nil {
		if err := r.tracked.begin(ctx, format, name); err != nil {
			return err
		}
	}
	ds := dataset{name: name, date: dateInName(name)}
	before := r.records
	skippedBefore := r.stats.Skipped
	defer func() {
		r.log.DebugContext(ctx, "annuaire: file read", "dataset", name, "format", format,
			"records", r.records-before, "skipped", r.stats.Skipped-skippedBefore)
	}()
	var err error
	switch format {
	case FormatV4Bulk:
		err = r.v4Bulk(ctx, rd, ds)
	case FormatV4API:
		err = r.v4API(ctx, rd, ds)
	case FormatV4TSV:
		err = r.v4TSV(ctx, rd, ds)
	case FormatV1GeoJSON:
		err = r.v1GeoJSON(ctx, rd, ds)
	case FormatV1CSV:
		err = r.v1CSV(ctx, rd, ds)
	case FormatFranceServices:
		err = r.franceServices(ctx, rd, ds)
	default:
		return fmt.Errorf("%s: unknown format %q", name, format)
	}
	var pe *parseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", name, err)
	}
	return err
}

// parseError is a malformed file: where, and why.
type parseError struct {
	where string // "offset 1234" or "line 12"
	err   error
}

func (e *parseError) Error() string { return e.where + ": " + e.err.Error() }
func (e *parseError) Unwrap() error { return e.err }

var dateRE = regexp.MustCompile(`(?:^|[^0-9])((?:19|20)[0-9]{2})-?([01][0-9])-?([0-3][0-9])(?:[^0-9]|$)`)

// dateInName finds a date such as 2024-08-01 or 20240801 in a file name.
func dateInName(name string) *time.Time {
	for _, m := range dateRE.FindAllStringSubmatch(path.Base(name), -1) {
		if t, err := time.Parse(time.DateOnly, m[1]+"-"+m[2]+"-"+m[3]); err == nil {
			return &t
		}
	}
	return nil
}

// paris is the time zone of the sources' local times, loaded once.
var paris = sync.OnceValue(domain.Paris)

// parseDate reads the dates of the sources: 2017-09-11, 09/08/2023
// 13:30:19 (Europe/Paris), RFC 3339. Dates are returned in UTC; a date
// without time is midnight UTC.
func parseDate(s string) *time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	for _, layout := range []string{time.DateOnly, "02/01/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return &t
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		t = t.UTC()
		return &t
	}
	for _, layout := range []string{"02/01/2006 15:04:05", time.DateTime, "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, paris()); err == nil {
			t = t.UTC()
			return &t
		}
	}
	return nil
}

// record is what a parser extracted from one source record.
type record struct {
	cp *domain.ContactPoint
	// served lists the communes the source says the office serves.
	served []string
}

// emit completes a contact point (organisation, granularity, themes,
// coverage), validates it and queues it for writing.
func (r *run) emit(ctx context.Context, ds dataset, rec record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.records++
	cp := rec.cp
	sourceID := cp.Source.ID
	if cp.ID == "" {
		return r.skip(ctx, ds, sourceID, cp, SkipNoIdentifier, errors.New("no identifier"))
	}
	cp.OrganisationID = r.opts.OrganisationID
	if cp.Granularity == "" {
		cp.Granularity = domain.GranularityService
	}
	if cp.Themes == nil {
		cp.Themes = r.pivots.Themes(cp.Pivot)
	}
	if cp.Source.Dataset == "" {
		cp.Source.Dataset = ds.name
	}
	if cp.VerifiedAt == nil {
		if cp.Source.UpdatedAt != nil {
			t := *cp.Source.UpdatedAt
			cp.VerifiedAt = &t
		} else if ds.date != nil {
			t := *ds.date
			cp.VerifiedAt = &t
		}
	}
	if a := cp.Address; a != nil {
		if a.CommuneCode != "" && !domain.ValidINSEE(a.CommuneCode) {
			a.CommuneCode = "" // a malformed code says nothing; explicit coverage may still place the office
		}
		if len(a.Lines) == 0 && a.PostalCode == "" && a.City == "" && a.CommuneCode == "" && a.Latitude == nil && a.Accessibility == "" {
			cp.Address = nil
		}
	}
	cov, err := r.coverage(cp, rec.served)
	if err != nil {
		return r.skip(ctx, ds, sourceID, cp, SkipCoverage, err)
	}
	cp.Coverage = cov
	if err := cp.Validate(); err != nil {
		return r.skip(ctx, ds, sourceID, cp, SkipInvalid, err)
	}
	if first, dup := r.seen[cp.ID]; dup {
		return r.skip(ctx, ds, sourceID, cp, SkipDuplicate, errors.New("identifier already imported from "+first))
	}
	if r.opts.Keep != nil && !r.opts.Keep(cp) {
		return nil
	}
	if r.opts.Outcome != nil {
		r.opts.Outcome(Outcome{Record: r.records, Dataset: ds.name, SourceID: sourceID, ContactPoint: cp})
	}
	r.seen[cp.ID] = ds.name
	if r.replaying() {
		return nil // committed by the run this one resumes
	}
	r.batch = append(r.batch, cp)
	if len(r.batch) >= r.opts.BatchSize {
		return r.flush(ctx)
	}
	return nil
}

// reject skips a source record that could not even be read as one (a JSON
// value that is not an object, a CSV row with the wrong number of fields).
func (r *run) reject(ctx context.Context, ds dataset, where, reason string) error {
	r.records++
	return r.skip(ctx, ds, where, nil, SkipUnreadable, errors.New(reason))
}

func (r *run) skip(ctx context.Context, ds dataset, sourceID string, cp *domain.ContactPoint, why SkipReason, err error) error {
	if t := r.tracked; t != nil && cp != nil && cp.ID != "" {
		// Present in the file, if unusable: not withdrawn.
		t.listed[cp.ID] = true
	}
	if r.replaying() {
		return nil
	}
	r.stats.Skipped++
	if t := r.tracked; t != nil {
		t.skipped++
	}
	r.log.DebugContext(ctx, "annuaire: record skipped", "dataset", ds.name, "id", sourceID, "reason", describe(err))
	if r.opts.Outcome != nil {
		r.opts.Outcome(Outcome{Record: r.records, Dataset: ds.name, SourceID: sourceID, ContactPoint: cp, Skipped: why, Err: err})
	}
	return nil
}

// describe flattens a validation error for the log.
func describe(err error) string {
	var de *domain.Error
	if !errors.As(err, &de) || len(de.Fields) == 0 {
		return err.Error()
	}
	parts := make([]string, 0, len(de.Fields))
	for _, f := range de.Fields {
		parts = append(parts, f.Field+" "+f.Message)
	}
	return strings.Join(parts, "; ")
}

func (r *run) flush(ctx context.Context) error {
	if r.tracked != nil {
		return r.tracked.commit(ctx, r)
	}
	if len(r.batch) == 0 {
		return nil
	}
	st, err := r.opts.Store.UpsertContactPoints(ctx, r.batch)
	if err != nil {
		return fmt.Errorf("importer: writing %d contact points: %w", len(r.batch), err)
	}
	r.stats.Add(st)
	r.batch = make([]*domain.ContactPoint, 0, r.opts.BatchSize)
	return nil
}

func (r *run) done(ctx context.Context) (domain.ImportStats, error) {
	err := r.flush(ctx)
	return r.stats, err
}

// coverage decides the territory an office serves: the communes the source
// lists, else the scope of its pivot type (see the package documentation).
func (r *run) coverage(cp *domain.ContactPoint, served []string) (domain.Coverage, error) {
	var communes []string
	for _, c := range served {
		if c = strings.TrimSpace(c); domain.ValidINSEE(c) {
			communes = append(communes, c)
		}
	}
	if len(communes) > 0 {
		slices.Sort(communes)
		return domain.Coverage{Rule: domain.CoverageExplicit, Communes: slices.Compact(communes)}, nil
	}
	code := ""
	if cp.Address != nil {
		code = cp.Address.CommuneCode
	}
	switch scope := r.pivots.Scope(cp.Pivot); scope {
	case ScopeNational:
		return domain.Coverage{Rule: domain.CoverageExplicit, National: true, Inferred: true}, nil
	case ScopeDepartement:
		if d := r.departementOf(code); d != "" {
			return domain.Coverage{Rule: domain.CoverageExplicit, Departements: []string{d}, Inferred: true}, nil
		}
		return domain.Coverage{}, fmt.Errorf("coverage: département of commune %q unknown", code)
	case ScopeRegion:
		if reg := r.regionOf(code); reg != "" {
			return domain.Coverage{Rule: domain.CoverageExplicit, Regions: []string{reg}, Inferred: true}, nil
		}
		return domain.Coverage{}, fmt.Errorf("coverage: région of commune %q unknown", code)
	default:
		if cp.Pivot == "" || !domain.ValidINSEE(code) {
			return domain.Coverage{}, fmt.Errorf("coverage: nearest rule needs a pivot and a commune code (pivot %q, commune %q)", cp.Pivot, code)
		}
		return domain.Coverage{Rule: domain.CoverageNearest, Inferred: true}, nil
	}
}

// departementOf returns the département of a commune: from the reference,
// else from the code itself (97x overseas, else the first two characters).
func (r *run) departementOf(code string) string {
	if !domain.ValidINSEE(code) {
		return ""
	}
	if r.opts.Communes != nil {
		if c, ok := r.opts.Communes.Commune(code); ok && c.Departement != "" {
			return c.Departement
		}
	}
	d := code[:2]
	if d == "97" || d == "98" {
		d = code[:3]
	}
	if !domain.ValidDepartement(d) {
		return ""
	}
	return d
}

// regionOf returns the région of a commune, through its département when the
// commune itself is unknown to the reference.
func (r *run) regionOf(code string) string {
	if r.opts.Communes == nil || !domain.ValidINSEE(code) {
		return ""
	}
	if c, ok := r.opts.Communes.Commune(code); ok && c.Region != "" {
		return c.Region
	}
	if d, ok := r.opts.Communes.Departement(r.departementOf(code)); ok {
		return d.Region
	}
	return ""
}
