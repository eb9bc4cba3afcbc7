package importer

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// csvRow is one data row, read by column name.
type csvRow struct {
	col  map[string]int
	rec  []string
	line int
}

func (r csvRow) get(name string) string {
	if i, ok := r.col[name]; ok && i < len(r.rec) {
		return strings.TrimSpace(r.rec[i])
	}
	return ""
}

// readCSV reads a CSV file whose header holds the required columns, calling
// fn for each row. A row with the wrong number of fields goes to bad; any
// other error stops the reading with the line where it occurred.
func readCSV(rd io.Reader, comma rune, required []string, fn func(csvRow) error, bad func(line int, err error) error) error {
	cr := csv.NewReader(rd)
	cr.Comma = comma
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return csvError(1, err)
	}
	col, err := columns(header, required...)
	if err != nil {
		return &parseError{where: "line 1", err: err}
	}
	width := len(header)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
			if err := bad(pe.StartLine, fmt.Errorf("%d fields instead of %d", len(rec), width)); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return csvError(0, err)
		}
		line, _ := cr.FieldPos(0)
		if err := fn(csvRow{col: col, rec: rec, line: line}); err != nil {
			return err
		}
	}
}

func csvError(line int, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		line, err = pe.Line, pe.Err
	}
	if errors.Is(err, io.EOF) {
		err = errors.New("empty file")
	}
	return &parseError{where: "line " + strconv.Itoa(line), err: err}
}

// maxLine bounds one line of a TSV file.
const maxLine = 1 << 20

// readTSV reads a tab-separated file as written by jq's @tsv (no quoting;
// \t, \n, \r and \\ escaped), calling fn for each row.
func readTSV(rd io.Reader, required []string, fn func(csvRow) error, bad func(line int, err error) error) error {
	br := bufio.NewReaderSize(rd, 64<<10)
	var col map[string]int
	width := 0
	for line := 1; ; line++ {
		s, err := readLine(br)
		if errors.Is(err, io.EOF) && s == "" {
			if col == nil {
				return &parseError{where: "line 1", err: errors.New("empty file")}
			}
			return nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return &parseError{where: "line " + strconv.Itoa(line), err: err}
		}
		fields := strings.Split(s, "\t")
		if col == nil {
			if col, err = columns(fields, required...); err != nil {
				return &parseError{where: "line 1", err: err}
			}
			width = len(fields)
			continue
		}
		if s == "" {
			continue
		}
		if len(fields) != width {
			if err := bad(line, fmt.Errorf("%d fields instead of %d", len(fields), width)); err != nil {
				return err
			}
			continue
		}
		for i, f := range fields {
			fields[i] = unescapeTSV(f)
		}
		if err := fn(csvRow{col: col, rec: fields, line: line}); err != nil {
			return err
		}
	}
}

// readLine reads one line without its end of line, up to maxLine bytes.
func readLine(br *bufio.Reader) (string, error) {
	var b strings.Builder
	for {
		chunk, isPrefix, err := br.ReadLine()
		b.Write(chunk)
		if b.Len() > maxLine {
			return "", fmt.Errorf("line longer than %d bytes", maxLine)
		}
		if err != nil || !isPrefix {
			return b.String(), err
		}
	}
}

var tsvEscapes = strings.NewReplacer(`\t`, "\t", `\n`, "\n", `\r`, "\r", `\\`, `\`)

func unescapeTSV(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	return tsvEscapes.Replace(s)
}

func (r *run) rowSkipper(ctx context.Context, ds dataset) func(int, error) error {
	return func(line int, err error) error {
		return r.reject(ctx, ds, "line "+strconv.Itoa(line), err.Error())
	}
}

// tsvColumns are the columns of the flattened v4 extract.
var tsvColumns = []string{"id", "nom", "type_service_local", "code_insee_commune", "site_internet", "telephone",
	"adresse_courriel", "formulaire_contact", "complement1", "complement2", "numero_voie", "service_distribution",
	"code_postal", "nom_commune"}

// v4TSV reads the flattened v4 extract (first element of each array only,
// no list of communes served, no coordinates, no date per record).
func (r *run) v4TSV(ctx context.Context, rd io.Reader, ds dataset) error {
	return readTSV(rd, tsvColumns, func(row csvRow) error {
		return r.emit(ctx, ds, fromV4TSV(row))
	}, r.rowSkipper(ctx, ds))
}

func fromV4TSV(row csvRow) record {
	id := row.get("id")
	cp := &domain.ContactPoint{
		Name:   clean(row.get("nom")),
		Pivot:  row.get("type_service_local"),
		Source: domain.Source{Kind: domain.SourceAnnuaire, ID: id},
	}
	if id != "" {
		cp.ID = domain.StableID("annuaire:" + id)
	}
	addr := &domain.Address{
		Lines:       appendLines(nil, row.get("complement1"), row.get("complement2"), row.get("numero_voie"), row.get("service_distribution")),
		PostalCode:  row.get("code_postal"),
		City:        clean(row.get("nom_commune")),
		CommuneCode: row.get("code_insee_commune"),
	}
	cp.Address = addr
	var ch channels
	ch.phone(row.get("telephone"), "", "")
	ch.emailOrForm(row.get("adresse_courriel"))
	ch.web(domain.ChannelContactForm, row.get("formulaire_contact"), "")
	ch.web(domain.ChannelWebsite, row.get("site_internet"), "")
	ch.address(addr, "")
	cp.Channels = ch.list
	return record{cp: cp}
}

// franceServicesPivot is the annuaire pivot of France services: the
// annuaire lists them as msap (maisons de services au public, renamed France
// services in 2020; pivot_types.csv has no france_services code), so both
// sources answer the same pivot.
const franceServicesPivot = "msap"

// franceServicesColumns are the columns that identify the France services CSV.
var franceServicesColumns = []string{"id_fs", "lib_fs", "adresse", "insee_com", "code_postal", "lib_com", "telephone", "h_lundi"}

var franceServicesDays = [...]string{"", "h_lundi", "h_mardi", "h_mercredi", "h_jeudi", "h_vendredi", "h_samedi", "h_dimanche"}

// franceServices reads the ANCT list of France services.
func (r *run) franceServices(ctx context.Context, rd io.Reader, ds dataset) error {
	return readCSV(rd, ',', franceServicesColumns, func(row csvRow) error {
		return r.emit(ctx, ds, fromFranceServices(row))
	}, r.rowSkipper(ctx, ds))
}

func fromFranceServices(row csvRow) record {
	id := row.get("id_fs")
	cp := &domain.ContactPoint{
		Name:        clean(row.get("lib_fs")),
		Description: franceServicesDescription(row.get("type_fs"), row.get("format_fs")),
		Pivot:       franceServicesPivot,
		Source:      domain.Source{Kind: domain.SourceFranceServices, ID: id},
	}
	if id != "" {
		cp.ID = domain.StableID("france-services:" + id)
	}
	addr := &domain.Address{
		Lines:       appendLines(nil, row.get("adresse"), row.get("complement_adresse")),
		PostalCode:  row.get("code_postal"),
		City:        clean(row.get("lib_com")),
		CommuneCode: row.get("insee_com"),
	}
	setLocation(addr, row.get("latitude"), row.get("longitude"))
	cp.Address = addr
	var ch channels
	ch.phone(row.get("telephone"), "", "")
	ch.emailOrForm(row.get("mail"))
	ch.address(addr, "")
	cp.Channels = ch.list

	// h_lundi: "09:00 - 12:00 / 13:30 - 17:00"
	var hb hoursBuilder
	for d := 1; d < len(franceServicesDays); d++ {
		for rng := range strings.SplitSeq(row.get(franceServicesDays[d]), "/") {
			if o, c, ok := strings.Cut(rng, "-"); ok {
				hb.add([]int{d}, o, c)
			}
		}
	}
	if strings.EqualFold(row.get("prise_rdv"), "oui") {
		hb.note(nil, "Prise de rendez-vous possible.")
	}
	hb.note(nil, row.get("commentaire"))
	cp.Hours = hb.hours()
	return record{cp: cp}
}

// franceServicesDescription says in plain words what type_fs and format_fs
// mean for a resident; empty for a fixed main office.
func franceServicesDescription(typ, format string) string {
	var parts []string
	if strings.EqualFold(typ, "Antenne") {
		parts = append(parts, "Antenne d'une France services.")
	}
	switch f := strings.ToLower(format); {
	case strings.HasPrefix(f, "bus"):
		parts = append(parts, "Bus France services : l'accueil se déplace de commune en commune, voir les horaires et la remarque.")
	case strings.HasPrefix(f, "itin"):
		parts = append(parts, "France services itinérante : l'accueil se déplace de commune en commune, voir les horaires et la remarque.")
	case strings.HasPrefix(f, "multisite"):
		parts = append(parts, "France services ouverte sur plusieurs sites.")
	}
	return strings.Join(parts, " ")
}
