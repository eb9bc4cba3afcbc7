package importer

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// data·inclusion (https://www.data.inclusion.beta.gouv.fr) gathers the
// services of social inclusion (DORA, emplois de l'inclusion, France
// travail…) under one schema, gip-inclusion/data-inclusion-schema: structures
// (the places) and services (what they offer). This file reads its JSON
// into contact points; checking them against the reference data and writing
// them is the admin service's job. See README.md, « Import data·inclusion ».

// Kinds of data·inclusion records.
const (
	DataInclusionService   = "service"
	DataInclusionStructure = "structure"
)

// DataInclusionRecord is one record of a data·inclusion file read into a
// contact point, not yet checked against the reference data.
type DataInclusionRecord struct {
	// Record is the record's position in the file, from 1, services and
	// structures counted together.
	Record int
	// Kind is DataInclusionService or DataInclusionStructure.
	Kind string
	// Source is the producer (dora, emplois-de-linclusion…), ID the
	// record's id, StructureID a service's structure.
	Source, ID, StructureID string
	// ContactPoint is what the record becomes: name, description, channels,
	// address, hours, coverage (when the record gives it), themes, source.
	// Nil when the value is not a JSON object.
	ContactPoint *domain.ContactPoint
	// ChannelFields names the data·inclusion field each channel comes from.
	ChannelFields []string
	// CoverageField names the field the coverage comes from
	// (zone_eligibilite or zone_diffusion_code); empty when the record gives
	// no zone (ContactPoint.Coverage is then left to the caller).
	CoverageField string
	// Errors are the faults that reject the record (a missing mandatory
	// field, a value of the wrong type), by data·inclusion field.
	Errors []domain.FieldError
	// Warnings do not reject it: unknown thématiques, hours kept as text,
	// a description cut to the length the directory holds.
	Warnings []domain.FieldError
}

// Key identifies the record in its file: kind, source and id.
func (r *DataInclusionRecord) Key() string {
	return r.Kind + ":" + r.Source + ":" + r.ID
}

// Field names the data·inclusion field a validation error of the contact
// point is about ("channels[2].value" → "courriel", "name" → "nom").
func (r *DataInclusionRecord) Field(field string) string {
	base, idx := field, -1
	if m := indexedFieldRE.FindStringSubmatch(field); m != nil {
		base = m[1]
		idx, _ = strconv.Atoi(m[2])
	}
	switch {
	case field == "name":
		return "nom"
	case field == "description":
		return "description"
	case base == "themes":
		return "thematiques"
	case base == "channels" && idx >= 0 && idx < len(r.ChannelFields):
		return r.ChannelFields[idx]
	case strings.HasPrefix(field, "channels"):
		return "telephone"
	case field == "address.commune_code":
		return "code_insee"
	case field == "address.postal_code":
		return "code_postal"
	case field == "address.latitude" || field == "address.longitude":
		return strings.TrimPrefix(field, "address.")
	case strings.HasPrefix(field, "address"):
		return "adresse"
	case strings.HasPrefix(field, "hours"):
		return "horaires_accueil"
	case strings.HasPrefix(field, "coverage"):
		if r.CoverageField != "" {
			return r.CoverageField
		}
		return "zone_eligibilite"
	}
	return field
}

var (
	indexedFieldRE = regexp.MustCompile(`^([a-z_.]+)\[([0-9]+)\]`)
	regionCodeRE   = regexp.MustCompile(`^[0-9]{2}$`)
)

// DataInclusionThematique maps a thématique (or a category) of the
// data·inclusion reference to themes of the national taxonomy.
type DataInclusionThematique struct {
	Thematique string
	Label      string
	Themes     []string
}

//go:embed data/datainclusion_thematiques.csv
var dataInclusionThematiquesCSV []byte

// DataInclusionThematiquesFile is the reviewed mapping
// data/datainclusion_thematiques.csv (columns thematique, label, themes with
// themes separated by "|"), as it is embedded.
func DataInclusionThematiquesFile() []byte { return slices.Clone(dataInclusionThematiquesCSV) }

// DataInclusionThematiques returns the mapping, in the file's order.
func DataInclusionThematiques() ([]DataInclusionThematique, error) {
	m, err := diThematiques()
	if err != nil {
		return nil, err
	}
	return slices.Clone(m.list), nil
}

type thematiqueTable struct {
	list   []DataInclusionThematique
	themes map[string][]string
}

var diThematiques = sync.OnceValues(func() (*thematiqueTable, error) {
	cr := csv.NewReader(bytes.NewReader(dataInclusionThematiquesCSV))
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("datainclusion_thematiques.csv: %w", err)
	}
	col, err := columns(header, "thematique", "label", "themes")
	if err != nil {
		return nil, fmt.Errorf("datainclusion_thematiques.csv: %w", err)
	}
	t := &thematiqueTable{themes: map[string][]string{}}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return t, nil
		}
		if err != nil {
			return nil, fmt.Errorf("datainclusion_thematiques.csv: %w", err)
		}
		row := csvRow{col: col, rec: rec}
		m := DataInclusionThematique{Thematique: row.get("thematique"), Label: row.get("label")}
		for th := range strings.SplitSeq(row.get("themes"), "|") {
			if th = strings.TrimSpace(th); th != "" {
				m.Themes = append(m.Themes, th)
			}
		}
		if _, dup := t.themes[m.Thematique]; dup || m.Thematique == "" {
			return nil, fmt.Errorf("datainclusion_thematiques.csv: %q listed twice or empty", m.Thematique)
		}
		t.list = append(t.list, m)
		t.themes[m.Thematique] = m.Themes
	}
})

// IsDataInclusion reports whether the first bytes of a file (a few
// kilobytes) look like data·inclusion JSON: an object with a "structures"
// or "services" array, or a first record (in an array, or a JSON Lines
// file) with the schema's members: "source" and "id" with "structure_id",
// "date_maj", "thematiques", "lien_source" or "zone_eligibilite". The
// annuaire's records have none of "source", "structure_id" and "date_maj".
func IsDataInclusion(head []byte) bool {
	head = bytes.TrimPrefix(head, []byte("\ufeff"))
	dec := json.NewDecoder(bytes.NewReader(head))
	tok, err := dec.Token()
	if err != nil {
		return false
	}
	if tok == json.Delim('[') {
		if tok, err = dec.Token(); err != nil || tok != json.Delim('{') {
			return false
		}
	} else if tok != json.Delim('{') {
		return false
	}
	keys := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		key, _ := tok.(string)
		if key == "structures" || key == "services" {
			v, err := dec.Token()
			return err == nil && (v == json.Delim('[') || v == nil)
		}
		keys[key] = true
		if skipValue(dec) != nil {
			break
		}
	}
	if !keys["source"] || !keys["id"] {
		return false
	}
	for _, k := range []string{"structure_id", "date_maj", "thematiques", "lien_source", "zone_eligibilite", "zone_diffusion_type", "presentation_resume"} {
		if keys[k] {
			return true
		}
	}
	return false
}

// ReadDataInclusion reads a data·inclusion file and calls fn with each
// service, in the file's order, joined to its structure (which gives the
// address, phone, e-mail, website and hours the service lacks). Structures
// become contact points themselves when the file has no service naming
// them. Accepted: a list of services and/or structures, an object
// {"structures": […], "services": […]} (or an API page {"items": […]}),
// and JSON Lines (one record per line).
//
// The file is read twice, record by record with a json.Decoder (memory
// holds one record, the structures and the ids of the structures services
// name): first the structures, then the services. A file that is not JSON
// is a *domain.Error naming the byte offset.
func ReadDataInclusion(ctx context.Context, r io.ReadSeeker, fn func(*DataInclusionRecord) error) error {
	if _, err := diThematiques(); err != nil {
		return err
	}
	structures := map[string]*diRecord{}
	named := map[string]bool{}
	services := 0
	err := walkDataInclusion(ctx, r, func(pos int, kind string, obj map[string]json.RawMessage) error {
		if obj == nil {
			return nil
		}
		if kind == "" {
			kind = diKind(obj)
		}
		if kind == DataInclusionService {
			services++
			var f diFields
			f.m = obj
			named[f.str("source")+"\x00"+f.str("structure_id")] = true
			return nil
		}
		st := readDIRecord(obj, DataInclusionStructure)
		if key := st.source + "\x00" + st.id; st.id != "" {
			if _, dup := structures[key]; !dup {
				structures[key] = st
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return err
	}
	return walkDataInclusion(ctx, r, func(pos int, kind string, obj map[string]json.RawMessage) error {
		if obj == nil {
			return fn(&DataInclusionRecord{Record: pos, Errors: []domain.FieldError{{Field: "enregistrement",
				Message: "ce n'est pas un objet JSON : ni un service, ni une structure"}}})
		}
		if kind == "" {
			kind = diKind(obj)
		}
		rec := readDIRecord(obj, kind)
		if kind == DataInclusionStructure && named[rec.source+"\x00"+rec.id] && rec.id != "" {
			return nil // it completes its services
		}
		var st *diRecord
		if kind == DataInclusionService {
			st = structures[rec.source+"\x00"+rec.structureID]
		}
		out := rec.contactPoint(st)
		out.Record = pos
		if kind == DataInclusionService && st == nil && rec.structureID != "" && len(structures) > 0 {
			out.Warnings = append(out.Warnings, domain.FieldError{Field: "structure_id",
				Message: "structure « " + rec.structureID + " » absente du fichier : le service n'en reprend rien (adresse, téléphone, horaires)"})
		}
		return fn(out)
	})
}

// diServiceMembers are members only services have: a record with one of
// them, in a list that does not say, is a service.
var diServiceMembers = []string{"structure_id", "zone_eligibilite", "zone_diffusion_type", "zone_diffusion_code", "modes_accueil",
	"modes_mobilisation", "mobilisable_par", "lien_mobilisation", "frais", "publics", "prise_rdv", "formulaire_en_ligne",
	"conditions_acces", "contact_nom_prenom", "types", "type", "page_web"}

func diKind(obj map[string]json.RawMessage) string {
	for _, k := range diServiceMembers {
		if _, ok := obj[k]; ok {
			return DataInclusionService
		}
	}
	return DataInclusionStructure
}

// diEnvelope are the members of an object that hold lists of records, with
// the kind of their records ("" when each record says).
var diEnvelope = map[string]string{"services": DataInclusionService, "structures": DataInclusionStructure, "items": ""}

// walkDataInclusion calls fn with every record of a file: its position, the
// kind the enclosing member gives ("" when it does not) and its members (nil
// when the value is not an object).
func walkDataInclusion(ctx context.Context, r io.Reader, fn func(pos int, kind string, obj map[string]json.RawMessage) error) error {
	s := newJSONStream(r)
	pos := 0
	emit := func(kind string, raw json.RawMessage) error {
		pos++
		if pos%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		raw = bytes.TrimSpace(raw)
		var obj map[string]json.RawMessage
		if len(raw) > 0 && raw[0] == '{' {
			if err := json.Unmarshal(raw, &obj); err != nil {
				return s.fail(err)
			}
			if obj == nil {
				obj = map[string]json.RawMessage{}
			}
		}
		return fn(pos, kind, obj)
	}
	elements := func(kind string) error {
		return s.array(func(raw json.RawMessage) error { return emit(kind, raw) })
	}
	tok, err := s.dec.Token()
	if errors.Is(err, io.EOF) {
		return fileError("Le fichier est vide.")
	}
	if err != nil {
		return diFileError(s, s.fail(err))
	}
	switch tok {
	case json.Delim('['):
		if err := elements(""); err != nil {
			return diFileError(s, err)
		}
		return diFileError(s, s.end())
	case json.Delim('{'):
	default:
		return fileError("Ce fichier n'est pas au format data·inclusion : il doit contenir une liste JSON de services ou de structures, un objet {\"structures\": […], \"services\": […]} ou un enregistrement JSON par ligne.")
	}
	// An object: the envelope {"structures": […], "services": […]}, or the
	// first record of a JSON Lines file.
	first := map[string]json.RawMessage{}
	envelope := false
	for s.dec.More() {
		tok, err := s.token()
		if err != nil {
			return diFileError(s, err)
		}
		key, _ := tok.(string)
		if kind, ok := diEnvelope[key]; ok {
			v, err := s.token()
			if err != nil {
				return diFileError(s, err)
			}
			switch v {
			case nil:
			case json.Delim('['):
				if err := elements(kind); err != nil {
					return diFileError(s, err)
				}
			default:
				return diFileError(s, s.fail(fmt.Errorf("le membre %q n'est pas une liste", key)))
			}
			envelope, first = true, nil
			continue
		}
		if envelope {
			if err := skipValue(s.dec); err != nil {
				return diFileError(s, s.fail(err))
			}
			continue
		}
		var raw json.RawMessage
		if err := s.dec.Decode(&raw); err != nil {
			return diFileError(s, s.fail(err))
		}
		first[key] = raw
	}
	if err := s.expect('}'); err != nil {
		return diFileError(s, err)
	}
	if envelope {
		return diFileError(s, s.end())
	}
	pos++
	if err := fn(pos, "", first); err != nil {
		return err
	}
	for {
		var raw json.RawMessage
		err := s.dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return diFileError(s, s.fail(err))
		}
		if err := emit("", raw); err != nil {
			return diFileError(s, err)
		}
	}
}

// diFileError turns a parse error into a validation error naming where the
// JSON breaks; other errors (the callback's, the context's) pass.
func diFileError(s *jsonStream, err error) error {
	var pe *parseError
	if !errors.As(err, &pe) {
		return err
	}
	return fileError("Le fichier JSON est mal formé : corrigez-le ou exportez-le à nouveau.",
		domain.FieldError{Field: "fichier", Message: "vers l'octet " + strconv.FormatInt(s.dec.InputOffset(), 10) + " : " + jsonReason(pe.err)})
}

func jsonReason(err error) string {
	var se *json.SyntaxError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "fin de fichier inattendue (fichier tronqué ?)"
	case errors.As(err, &se):
		return "caractère inattendu (" + se.Error() + ")"
	}
	return err.Error()
}

// diFields reads the members of a record, noting the values of the wrong type.
type diFields struct {
	m    map[string]json.RawMessage
	errs []domain.FieldError
}

func (f *diFields) bad(key, msg string) {
	f.errs = append(f.errs, domain.FieldError{Field: key, Message: msg})
}

func (f *diFields) has(key string) bool {
	v, ok := f.m[key]
	return ok && !bytes.Equal(bytes.TrimSpace(v), []byte("null"))
}

// str reads a string (a number reads as its text: a code postal written 83000).
func (f *diFields) str(key string) string {
	v := bytes.TrimSpace(f.m[key])
	if len(v) == 0 || string(v) == "null" {
		return ""
	}
	switch v[0] {
	case '"':
		var s string
		if json.Unmarshal(v, &s) != nil {
			f.bad(key, "chaîne de caractères illisible")
			return ""
		}
		return strings.TrimSpace(s)
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return string(v)
	}
	f.bad(key, "doit être une chaîne de caractères")
	return ""
}

// strs reads a list of strings (a single string reads as a list of one).
func (f *diFields) strs(key string) []string {
	v := bytes.TrimSpace(f.m[key])
	if len(v) == 0 || string(v) == "null" {
		return nil
	}
	if v[0] == '"' {
		if s := f.str(key); s != "" {
			return []string{s}
		}
		return nil
	}
	var items []json.RawMessage
	if json.Unmarshal(v, &items) != nil {
		f.bad(key, "doit être une liste de chaînes de caractères")
		return nil
	}
	var out []string
	for _, it := range items {
		var s string
		if json.Unmarshal(it, &s) != nil {
			f.bad(key, "doit être une liste de chaînes de caractères")
			return nil
		}
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// num reads a number (or a string holding one, with a decimal comma).
func (f *diFields) num(key string, limit float64) *float64 {
	v := bytes.TrimSpace(f.m[key])
	if len(v) == 0 || string(v) == "null" {
		return nil
	}
	s := string(v)
	if v[0] == '"' {
		if s = f.str(key); s == "" {
			return nil
		}
	}
	c, ok := coordinate(s, limit)
	if !ok {
		f.bad(key, fmt.Sprintf("illisible : %s (degrés décimaux entre -%g et %g)", s, limit, limit))
		return nil
	}
	return c
}

// diRecord is a service or a structure as read.
type diRecord struct {
	kind                             string
	source, id, structureID          string
	nom, description                 string
	telephone, courriel              string
	siteWeb, lienSource              string
	lienMobilisation, priseRdv, form string
	adresse, complement, codePostal  string
	commune, codeInsee               string
	lat, lon                         *float64
	latGiven, lonGiven               bool
	horaires                         string
	thematiques                      []string
	zone                             []string
	zoneGiven                        bool
	zoneType, zoneCode               string
	modesAccueil                     []string
	dateMaj                          string
	errs                             []domain.FieldError
	hasOwnAddress                    bool
}

func readDIRecord(obj map[string]json.RawMessage, kind string) *diRecord {
	f := diFields{m: obj}
	r := &diRecord{kind: kind}
	r.source = f.str("source")
	r.id = f.str("id")
	r.structureID = f.str("structure_id")
	r.nom = clean(f.str("nom"))
	if d := f.str("description"); d != "" {
		r.description = multiline(d)
	} else {
		// Schema v0: a summary and a detailed presentation.
		resume, detail := multiline(f.str("presentation_resume")), multiline(f.str("presentation_detail"))
		switch {
		case detail == "":
			r.description = resume
		case resume == "" || strings.HasPrefix(detail, resume):
			r.description = detail
		default:
			r.description = resume + "\n" + detail
		}
	}
	r.telephone = f.str("telephone")
	r.courriel = f.str("courriel")
	r.siteWeb = f.str("site_web")
	if r.siteWeb == "" {
		r.siteWeb = f.str("page_web")
	}
	r.lienSource = f.str("lien_source")
	r.lienMobilisation = f.str("lien_mobilisation")
	r.priseRdv = f.str("prise_rdv")
	r.form = f.str("formulaire_en_ligne")
	r.adresse = f.str("adresse")
	r.complement = f.str("complement_adresse")
	r.codePostal = f.str("code_postal")
	r.commune = clean(f.str("commune"))
	r.codeInsee = f.str("code_insee")
	r.lat, r.lon = f.num("latitude", 90), f.num("longitude", 180)
	r.latGiven, r.lonGiven = f.has("latitude"), f.has("longitude")
	r.horaires = f.str("horaires_accueil")
	r.thematiques = f.strs("thematiques")
	r.zoneGiven = f.has("zone_eligibilite")
	r.zone = f.strs("zone_eligibilite")
	r.zoneType = strings.ToLower(f.str("zone_diffusion_type"))
	r.zoneCode = f.str("zone_diffusion_code")
	r.modesAccueil = f.strs("modes_accueil")
	r.dateMaj = f.str("date_maj")
	r.errs = f.errs
	r.hasOwnAddress = r.adresse != "" || r.complement != "" || r.codePostal != "" || r.commune != "" || r.codeInsee != "" || r.latGiven || r.lonGiven
	return r
}

// multiline cleans each line of a text and drops empty ones.
func multiline(s string) string {
	var lines []string
	for line := range strings.SplitSeq(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if line = clean(line); line != "" {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "\n")
}

// maxDescription is what ContactPoint.Validate accepts.
const maxDescription = 2000

// contactPoint maps the record, completed by its structure st (nil for a
// structure, or a service whose structure is not in the file).
func (r *diRecord) contactPoint(st *diRecord) *DataInclusionRecord {
	out := &DataInclusionRecord{Kind: r.kind, Source: r.source, ID: r.id, StructureID: r.structureID, Errors: slices.Clone(r.errs)}
	bad := func(key, msg string) { out.Errors = append(out.Errors, domain.FieldError{Field: key, Message: msg}) }
	warn := func(key, msg string) {
		out.Warnings = append(out.Warnings, domain.FieldError{Field: key, Message: msg})
	}
	if st != nil {
		// The structure's unreadable values are left out of what the
		// service inherits: said, not rejected (the structure is not the row).
		for _, e := range st.errs {
			warn(e.Field, "structure « "+st.id+" » : "+e.Message+" ; valeur ignorée")
		}
	}
	if r.source == "" {
		bad("source", "est obligatoire : avec l'identifiant, elle relie l'enregistrement à son point de contact d'un import à l'autre")
	}
	if r.id == "" {
		bad("id", "est obligatoire : c'est lui qui relie l'enregistrement à son point de contact d'un import à l'autre")
	} else if utf8.RuneCountInString(r.id) > 200 {
		bad("id", "ne doit pas dépasser 200 caractères")
	}
	if r.kind == DataInclusionService && r.structureID == "" {
		bad("structure_id", "est obligatoire pour un service")
	}
	if r.nom == "" {
		bad("nom", "est obligatoire")
	}
	cp := &domain.ContactPoint{Name: r.nom, Granularity: domain.GranularityService,
		Source: domain.Source{Kind: domain.SourceDataInclusion, ID: r.id, Dataset: r.source}}
	if r.dateMaj != "" {
		if cp.Source.UpdatedAt = parseDate(r.dateMaj); cp.Source.UpdatedAt == nil {
			warn("date_maj", "date illisible : « "+r.dateMaj+" » (attendu AAAA-MM-JJ), ignorée")
		}
	}

	// Description, and the structure that offers the service.
	desc := r.description
	if st != nil && st.nom != "" && !strings.Contains(strings.ToLower(r.nom), strings.ToLower(st.nom)) {
		desc = strings.TrimSpace("Proposé par " + st.nom + ".\n" + desc)
	}
	if utf8.RuneCountInString(desc) > maxDescription {
		desc = truncate(desc, maxDescription)
		warn("description", "coupée à 2 000 caractères, la longueur que l'annuaire d'Aiguillage accepte")
	}
	cp.Description = desc

	// What the service lacks comes from its structure.
	pick := func(own, inherited string) string {
		if own != "" || st == nil {
			return own
		}
		return inherited
	}
	var chans []domain.Channel
	add := func(field string, ch domain.Channel) {
		if ch.Value == "" || slices.ContainsFunc(chans, func(o domain.Channel) bool { return o.Kind == ch.Kind && o.Value == ch.Value }) {
			return
		}
		chans = append(chans, ch)
		out.ChannelFields = append(out.ChannelFields, field)
	}
	if p := pick(r.telephone, stField(st, func(s *diRecord) string { return s.telephone })); p != "" {
		add("telephone", domain.Channel{Kind: domain.ChannelPhone, Value: PartnerPhone(p)})
	}
	if e := pick(r.courriel, stField(st, func(s *diRecord) string { return s.courriel })); e != "" {
		if len(e) > 7 && strings.EqualFold(e[:7], "mailto:") {
			e = strings.TrimSpace(e[7:])
		}
		add("courriel", domain.Channel{Kind: domain.ChannelEmail, Value: e})
	}
	add("lien_mobilisation", domain.Channel{Kind: domain.ChannelOnlineProcedure, Value: partnerURL(r.lienMobilisation), Label: "Faire la demande en ligne"})
	add("prise_rdv", domain.Channel{Kind: domain.ChannelOnlineProcedure, Value: partnerURL(r.priseRdv), Label: "Prendre rendez-vous"})
	add("formulaire_en_ligne", domain.Channel{Kind: domain.ChannelContactForm, Value: partnerURL(r.form)})
	webField := "site_web"
	if r.kind == DataInclusionService {
		webField = "page_web"
	}
	add(webField, domain.Channel{Kind: domain.ChannelWebsite, Value: partnerURL(pick(r.siteWeb, stField(st, func(s *diRecord) string { return s.siteWeb })))})
	if r.lienSource != "" {
		add("lien_source", domain.Channel{Kind: domain.ChannelWebsite, Value: partnerURL(r.lienSource), Label: "Fiche détaillée (" + r.source + ")"})
	}

	// Address: the service's own, else its structure's.
	a := r
	if !r.hasOwnAddress && st != nil {
		a = st
	}
	addr := &domain.Address{City: a.commune}
	addr.Lines = appendLines(nil, a.adresse, a.complement)
	if pc := a.codePostal; pc != "" {
		if len(pc) == 4 && digitsOnly.MatchString(pc) {
			pc = "0" + pc
		}
		if !postalRE.MatchString(pc) {
			bad("code_postal", "code postal invalide : « "+pc+" » (5 chiffres)")
		}
		addr.PostalCode = pc
	}
	addr.CommuneCode = inseeCode(a.codeInsee)
	switch {
	case a.latGiven != a.lonGiven:
		if a == r && (a.lat != nil || a.lon != nil) {
			bad("latitude", "indiquez la latitude et la longitude, ou aucune des deux")
		}
	case a.lat != nil && a.lon != nil && !(*a.lat == 0 && *a.lon == 0):
		addr.Latitude, addr.Longitude = a.lat, a.lon
	}
	if len(addr.Lines) > 0 || addr.PostalCode != "" || addr.City != "" || addr.CommuneCode != "" || addr.Latitude != nil {
		cp.Address = addr
	}
	remoteOnly := len(r.modesAccueil) > 0 && !slices.Contains(r.modesAccueil, "en-presentiel")
	if cp.Address != nil && len(cp.Address.Lines) > 0 && !remoteOnly {
		add("adresse", domain.Channel{Kind: domain.ChannelAddress, Value: cp.Address.OneLine()})
	}
	cp.Channels = chans

	// Hours: OpenStreetMap syntax; what the plan cannot hold stays as text.
	if h := pick(r.horaires, stField(st, func(s *diRecord) string { return s.horaires })); h != "" {
		oh := ParseOSMHours(h)
		notes := oh.Notes
		if len(oh.Unread) > 0 {
			unread := strings.Join(oh.Unread, " ; ")
			notes = append(notes, "Horaires : "+unread)
			warn("horaires_accueil", "partie non reconnue, gardée telle quelle dans la remarque des horaires : « "+unread+" »")
		}
		cp.Hours = domain.OpeningHours{Weekly: oh.Weekly, Note: truncate(strings.Join(notes, " "), 1000)}
	}
	if remoteOnly {
		cp.Hours.Note = strings.TrimSpace(cp.Hours.Note + " Service à distance (téléphone ou internet).")
	}

	// Coverage.
	switch {
	case r.zoneGiven:
		out.CoverageField = "zone_eligibilite"
		cp.Coverage = domain.Coverage{Rule: domain.CoverageExplicit}
		for _, code := range r.zone {
			diZone(&cp.Coverage, code, "", bad, warn)
		}
		if !cp.Coverage.National && len(cp.Coverage.Communes)+len(cp.Coverage.Departements)+len(cp.Coverage.EPCIs)+len(cp.Coverage.Regions) == 0 &&
			!slices.ContainsFunc(out.Errors, func(f domain.FieldError) bool { return f.Field == "zone_eligibilite" }) {
			bad("zone_eligibilite", "aucune zone en France : indiquez des codes de communes, d'EPCI ou de départements, ou « france »")
		}
	case r.zoneType != "":
		out.CoverageField = "zone_diffusion_code"
		cp.Coverage = domain.Coverage{Rule: domain.CoverageExplicit}
		if r.zoneCode == "" && r.zoneType != "pays" {
			bad("zone_diffusion_code", "est obligatoire avec zone_diffusion_type « "+r.zoneType+" »")
		} else {
			diZone(&cp.Coverage, r.zoneCode, r.zoneType, bad, warn)
		}
	}

	// Themes.
	table, _ := diThematiques()
	var unknown []string
	for _, t := range r.thematiques {
		themes, ok := table.themes[t]
		if !ok {
			unknown = append(unknown, t)
			continue
		}
		for _, th := range themes {
			if !slices.Contains(cp.Themes, th) {
				cp.Themes = append(cp.Themes, th)
			}
		}
	}
	if len(unknown) > 0 {
		warn("thematiques", "thématique(s) inconnue(s) de la table de correspondance, ignorée(s) : « "+strings.Join(unknown, " », « ")+" »")
	}
	out.ContactPoint = cp
	return out
}

func stField(st *diRecord, get func(*diRecord) string) string {
	if st == nil {
		return ""
	}
	return get(st)
}

// diZone adds one code of a zone to the coverage. typ is the schema v0
// zone_diffusion_type; empty for a code of zone_eligibilite, whose kind is
// read from its shape: "france" or 99100 the whole country, 9 digits an
// EPCI, 5 characters a commune, 2 or 3 a département.
func diZone(c *domain.Coverage, code, typ string, bad, warn func(key, msg string)) {
	field := "zone_eligibilite"
	if typ != "" {
		field = "zone_diffusion_code"
	}
	code = strings.ToUpper(strings.TrimSpace(code))
	switch typ {
	case "":
	case "pays":
		if code == "" || code == "FRANCE" || code == "99100" || code == "FR" {
			c.National = true
			return
		}
		warn(field, "pays autre que la France : « "+code+" », ignoré")
		return
	case "region":
		if !regionCodeRE.MatchString(code) {
			bad(field, "code de région invalide : « "+code+" »")
			return
		}
		c.Regions = appendNew(c.Regions, code)
		return
	case "departement":
		c.Departements = appendNew(c.Departements, departementCode(code))
		return
	case "epci":
		c.EPCIs = appendNew(c.EPCIs, code)
		return
	case "commune":
		c.Communes = appendNew(c.Communes, inseeCode(code))
		return
	default:
		bad("zone_diffusion_type", "doit valoir commune, epci, departement, region ou pays, pas « "+typ+" »")
		return
	}
	switch {
	case code == "FRANCE" || code == "99100":
		c.National = true
	case strings.HasPrefix(code, "99") && len(code) == 5:
		warn(field, "pays autre que la France : « "+code+" », ignoré")
	case len(code) == 9 && digitsOnly.MatchString(code):
		c.EPCIs = appendNew(c.EPCIs, code)
	case len(code) == 5:
		c.Communes = appendNew(c.Communes, code)
	case len(code) == 2 || len(code) == 3:
		c.Departements = appendNew(c.Departements, code)
	default:
		bad(field, "code invalide : « "+code+" » (commune : 5 caractères, département : 2 ou 3, EPCI : 9 chiffres, ou « france »)")
	}
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
