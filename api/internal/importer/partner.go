package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/textnorm"
)

// Partner files are the spreadsheets référents fill in to import their own
// contact points through the admin API (CSV, or XLSX read into rows by the
// caller): one row per contact point, a header row naming the columns. This
// file reads them into PartnerRows; checking them against the reference data
// (communes, themes, kinds of office) and writing them is the admin
// service's job. See README.md, « Import des référents ».

// PartnerColumn documents one column of the template.
type PartnerColumn struct {
	// Key is the column's name once folded (lower case, no accent, "_"
	// between words): what the header cell must fold to, and the field
	// named in row errors.
	Key string
	// Label is the header written in the template.
	Label    string
	Required bool
	// Help says in French what to write.
	Help    string
	Example string
}

// Partner column keys.
const (
	ColReference       = "reference"
	ColName            = "nom"
	ColPivot           = "type"
	ColDescription     = "description"
	ColThemes          = "themes"
	ColPhones          = "telephones"
	ColEmail           = "courriel"
	ColWebsite         = "site_web"
	ColOnlineProcedure = "demarche_en_ligne"
	ColAddress         = "adresse"
	ColPostalCode      = "code_postal"
	ColCity            = "ville"
	ColCommune         = "code_commune"
	ColLatitude        = "latitude"
	ColLongitude       = "longitude"
	ColAccessibility   = "accessibilite"
	ColHours           = "horaires"
	ColHoursNote       = "remarque_horaires"
	ColDepartements    = "departements_desservis"
	ColCommunes        = "communes_desservies"
	// ColRow names a fault of the whole row (too many cells).
	ColRow = "ligne"
)

// PartnerColumns are the columns of the template, in its order.
var PartnerColumns = []PartnerColumn{
	{ColReference, "Référence", true, "Votre identifiant stable de ce point de contact (100 caractères au plus). La même référence met à jour le même point de contact à chaque import ; deux lignes ne peuvent pas avoir la même.", "MDS-TOULON-01"},
	{ColName, "Nom", true, "Nom affiché aux habitants (300 caractères au plus).", "Maison départementale des solidarités de Toulon"},
	{ColPivot, "Type", false, "Code du type d'établissement dans l'annuaire de service-public.fr (mds, caf, ccas, mairie…), s'il y en a un.", "mds"},
	{ColDescription, "Description", false, "Ce que le service fait pour les habitants (2 000 caractères au plus).", "Accueil, écoute et accompagnement social."},
	{ColThemes, "Thèmes", false, "Identifiants des thèmes (nationaux ou les vôtres), séparés par « | ».", "logement|aide-financiere"},
	{ColPhones, "Téléphones", false, "Numéros séparés par « | » : 04 94 12 34 56, 04.94.12.34.56, +33 4 94 12 34 56, numéros courts (3230). Un 0 initial perdu par le tableur est rétabli.", "04 94 12 34 56"},
	{ColEmail, "Courriel", false, "Adresse électronique (plusieurs : séparées par « | »).", "mds-toulon@exemple.fr"},
	{ColWebsite, "Site web", false, "Adresse du site (https:// ajouté s'il manque).", "https://www.exemple.fr/mds-toulon"},
	{ColOnlineProcedure, "Démarche en ligne", false, "Adresse d'une démarche à faire en ligne.", ""},
	{ColAddress, "Adresse", false, "Lignes de l'adresse postale du lieu d'accueil, séparées par « | » ou des retours à la ligne.", "Immeuble Le Mayol|Rue Melpomène"},
	{ColPostalCode, "Code postal", false, "5 chiffres.", "83000"},
	{ColCity, "Ville", false, "", "Toulon"},
	{ColCommune, "Code commune", false, "Code INSEE de la commune du lieu d'accueil (5 caractères, 2A004 en Corse ; pas le code postal).", "83137"},
	{ColLatitude, "Latitude", false, "En degrés décimaux, virgule ou point (43,1242).", "43,1242"},
	{ColLongitude, "Longitude", false, "En degrés décimaux, virgule ou point (5,9280).", "5,9280"},
	{ColAccessibility, "Accessibilité", false, "Accueil des personnes à mobilité réduite : « accessible », « sur demande » ou « non accessible ».", "accessible"},
	{ColHours, "Horaires", false, "Jours puis créneaux, groupes séparés par « ; » : lundi-vendredi 09:00-12:00 13:30-17:00 ; samedi 09:00-12:00 (9h30-12h accepté).", "lundi-vendredi 08:30-12:00 13:30-17:00 ; samedi 09:00-12:00"},
	{ColHoursNote, "Remarque horaires", false, "Précision libre sur les horaires.", "Sur rendez-vous le samedi."},
	{ColDepartements, "Départements desservis", false, "Codes des départements servis, séparés par « | » (83, 2A, 971).", ""},
	{ColCommunes, "Communes desservies", false, "Codes INSEE des communes servies, séparés par « | ». Vide avec les départements : le territoire de votre organisation à la création, inchangé ensuite.", "83137|83062"},
}

// headerAliases are other names accepted in the header row, folded.
var headerAliases = map[string]string{
	"ref": ColReference, "identifiant": ColReference,
	"name": ColName, "nom_du_point_de_contact": ColName,
	"pivot": ColPivot, "type_d_etablissement": ColPivot,
	"theme":     ColThemes,
	"telephone": ColPhones, "tel": ColPhones,
	"email": ColEmail, "e_mail": ColEmail, "mail": ColEmail, "courriels": ColEmail, "adresse_electronique": ColEmail,
	"site": ColWebsite, "site_internet": ColWebsite,
	"demarche": ColOnlineProcedure, "demarches_en_ligne": ColOnlineProcedure,
	"code_insee": ColCommune, "code_commune_insee": ColCommune, "insee": ColCommune,
	"commune":              ColCity,
	"horaires_d_ouverture": ColHours,
	"horaires_remarque":    ColHoursNote,
	"departements":         ColDepartements, "departements_servis": ColDepartements,
	"communes": ColCommunes, "communes_servies": ColCommunes,
}

// PartnerChannel is a channel read from a row, with the column it comes from.
type PartnerChannel struct {
	Column  string
	Channel domain.Channel
}

// PartnerRow is one data row of a partner file, read but not checked
// against the reference data. Cells of absent columns are zero: see
// PartnerFile.Has.
type PartnerRow struct {
	// Row is the row number in the spreadsheet: the header is row 1; a
	// value spread over several lines of the CSV file stays one row.
	Row          int
	Reference    string
	Name         string
	Description  string
	Pivot        string
	Themes       []string
	Channels     []PartnerChannel // phones, e-mails, websites, online procedures, in that order
	AddressLines []string
	PostalCode   string
	City         string
	CommuneCode  string
	Latitude     *float64
	Longitude    *float64
	// Accessibility is ACC, DEM, NAC or empty.
	Accessibility string
	Weekly        []domain.OpeningSlot
	HoursNote     string
	Departements  []string
	Communes      []string
	// Errors lists the cells that could not be read, by column key.
	Errors []domain.FieldError
}

// PartnerFile is a partner file read into rows.
type PartnerFile struct {
	// Columns are the keys of the recognised columns, in the file's order.
	Columns []string
	// Ignored are the header cells that name no column, as written.
	Ignored []string
	// Encoding is how the text was decoded: UTF-8, UTF-16 or Windows-1252.
	Encoding string
	// Separator is the CSV field separator found in the header: ";", "," or tab.
	Separator string
	Rows      []PartnerRow
}

// Has reports whether the file has the column.
func (f *PartnerFile) Has(key string) bool { return slices.Contains(f.Columns, key) }

// MaxPartnerRows bounds the data rows of one file.
const MaxPartnerRows = 20000

// fileError is a file that cannot be read at all, as a validation error.
func fileError(message string, fields ...domain.FieldError) error {
	return domain.Invalid(message, fields...)
}

// DecodeText returns the text of a file: UTF-8 (with or without byte order
// mark), UTF-16 with a byte order mark, else Windows-1252 (what Excel
// writes for « CSV (séparateur : point-virgule) » on a French Windows).
func DecodeText(data []byte) (text, encoding string, err error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data, encoding = data[3:], "UTF-8"
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
		if data, err = dec.Bytes(data); err != nil {
			return "", "", fileError("Le fichier n'a pas pu être lu en UTF-16.")
		}
		encoding = "UTF-16"
	case utf8.Valid(data):
		encoding = "UTF-8"
	default:
		if data, err = charmap.Windows1252.NewDecoder().Bytes(data); err != nil {
			return "", "", fileError("Le fichier n'est ni en UTF-8 ni en Windows-1252.")
		}
		encoding = "Windows-1252"
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return "", "", fileError("Ce fichier n'est pas un fichier texte : enregistrez votre tableau au format CSV.")
	}
	return string(data), encoding, nil
}

// sniffSeparator picks the field separator of a CSV file from its first
// line: the most frequent of ";", "," and tab outside quotes (";" on a tie,
// the template's).
func sniffSeparator(text string) rune {
	counts := map[rune]int{}
	quoted := false
	for _, r := range text {
		if r == '"' {
			quoted = !quoted
			continue
		}
		if quoted {
			continue
		}
		if r == '\n' {
			break
		}
		if r == ';' || r == ',' || r == '\t' {
			counts[r]++
		}
	}
	best := ';'
	for _, r := range []rune{',', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

// ReadPartnerCSV reads a partner CSV file. A file that cannot be read (not
// text, no header, a required column missing, no data row) is a
// *domain.Error; a row's unreadable cells are listed in its Errors.
func ReadPartnerCSV(data []byte) (*PartnerFile, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fileError("Le fichier est vide.")
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return nil, fileError("Ce fichier est un classeur (XLSX ou ODS) : choisissez le format XLSX, ou enregistrez-le au format CSV.")
	}
	text, enc, err := DecodeText(data)
	if err != nil {
		return nil, err
	}
	sep := sniffSeparator(text)
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	// A value spread over several lines is one row of the spreadsheet:
	// count the line breaks inside values to give spreadsheet row numbers.
	extra := 0
	next := func() ([]string, int, error) {
		rec, err := cr.Read()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, 0, fileError("Le fichier CSV est mal formé.",
					domain.FieldError{Field: ColRow, Message: "ligne " + strconv.Itoa(pe.Line) + " du fichier : " + csvReason(pe.Err)})
			}
			return nil, 0, err
		}
		line, _ := cr.FieldPos(0)
		row := line - extra
		for _, f := range rec {
			extra += strings.Count(f, "\n")
		}
		return rec, row, nil
	}
	f, err := readPartnerTable(next)
	if err != nil {
		return nil, err
	}
	f.Encoding = enc
	f.Separator = string(sep)
	return f, nil
}

func csvReason(err error) string {
	switch {
	case errors.Is(err, csv.ErrQuote):
		return "guillemet mal placé"
	case errors.Is(err, csv.ErrBareQuote):
		return "guillemet dans une valeur qui n'est pas entre guillemets"
	}
	return err.Error()
}

// ReadPartnerRows reads a partner file already split into rows, such as a
// spreadsheet's first sheet: rows[0] is the header, rows[i] is row i+1.
func ReadPartnerRows(rows [][]string) (*PartnerFile, error) {
	i := 0
	return readPartnerTable(func() ([]string, int, error) {
		if i >= len(rows) {
			return nil, 0, io.EOF
		}
		i++
		return rows[i-1], i, nil
	})
}

// HeaderKey folds a header cell to a column key: "Code postal" →
// "code_postal", "Téléphones" → "telephones". Unknown names fold too.
func HeaderKey(cell string) string {
	k := strings.ReplaceAll(textnorm.Fold(cell), " ", "_")
	if a, ok := headerAliases[k]; ok {
		return a
	}
	return k
}

func isPartnerColumn(key string) bool {
	return slices.ContainsFunc(PartnerColumns, func(c PartnerColumn) bool { return c.Key == key })
}

// readPartnerTable reads the header, then every row; next returns io.EOF
// after the last row.
func readPartnerTable(next func() ([]string, int, error)) (*PartnerFile, error) {
	var header []string
	for {
		rec, _, err := next()
		if errors.Is(err, io.EOF) {
			return nil, fileError("Le fichier est vide.")
		}
		if err != nil {
			return nil, err
		}
		if !blank(rec) {
			header = rec
			break
		}
	}
	f := &PartnerFile{}
	index := make([]string, len(header)) // cell position → column key ("" when ignored)
	for i, cell := range header {
		k := HeaderKey(cell)
		switch {
		case k == "":
		case !isPartnerColumn(k):
			f.Ignored = append(f.Ignored, strings.TrimSpace(cell))
		case f.Has(k):
			return nil, fileError("La ligne d'en-tête nomme deux fois la même colonne.",
				domain.FieldError{Field: k, Message: "colonne en double dans la ligne d'en-tête"})
		default:
			index[i] = k
			f.Columns = append(f.Columns, k)
		}
	}
	var missing []domain.FieldError
	for _, c := range PartnerColumns {
		if c.Required && !f.Has(c.Key) {
			missing = append(missing, domain.FieldError{Field: c.Key, Message: "colonne obligatoire absente de la ligne d'en-tête (« " + c.Label + " »)"})
		}
	}
	if len(missing) > 0 {
		return nil, fileError("Le fichier n'a pas les colonnes attendues : la première ligne doit nommer les colonnes, comme dans le modèle.", missing...)
	}
	for {
		rec, row, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if blank(rec) {
			continue
		}
		if len(f.Rows) >= MaxPartnerRows {
			return nil, fileError("Le fichier a plus de " + strconv.Itoa(MaxPartnerRows) + " lignes : découpez-le en plusieurs fichiers.")
		}
		cells := map[string]string{}
		var extra int
		for i, v := range rec {
			if i >= len(index) {
				if strings.TrimSpace(v) != "" {
					extra++
				}
				continue
			}
			if index[i] != "" {
				cells[index[i]] = v
			}
		}
		r := readPartnerRow(row, cells)
		if extra > 0 {
			r.Errors = append(r.Errors, domain.FieldError{Field: ColRow, Message: "la ligne a " + strconv.Itoa(len(rec)) + " cellules, l'en-tête " +
				strconv.Itoa(len(header)) + " : une valeur contient-elle le séparateur sans être entre guillemets ?"})
		}
		f.Rows = append(f.Rows, r)
	}
	if len(f.Rows) == 0 {
		return nil, fileError("Le fichier ne contient aucune ligne de points de contact sous la ligne d'en-tête.")
	}
	return f, nil
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

var (
	digitsOnly  = regexp.MustCompile(`^[0-9]+$`)
	postalRE    = regexp.MustCompile(`^[0-9]{5}$`)
	listSplitRE = regexp.MustCompile(`[|\n]`)
	codeSplitRE = regexp.MustCompile(`[|\n,; ]+`)
	// Phones: also "/" and ";" (04 94 00 00 00 / 04 94 00 00 01).
	phoneSplitRE = regexp.MustCompile(`[|/;\n]`)
)

// cellList splits a cell on "|" and line breaks, dropping empty items.
func cellList(s string) []string {
	var out []string
	for _, p := range listSplitRE.Split(s, -1) {
		if p = clean(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// cellCodes splits a cell of codes on "|", commas, semicolons, spaces and line breaks.
func cellCodes(s string) []string {
	var out []string
	for _, p := range codeSplitRE.Split(strings.TrimSpace(s), -1) {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// inseeCode restores a commune code a spreadsheet read as a number (1004 → 01004).
func inseeCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) == 4 && digitsOnly.MatchString(s) {
		return "0" + s
	}
	return s
}

// departementCode restores a département code read as a number (1 → 01).
func departementCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) == 1 && digitsOnly.MatchString(s) {
		return "0" + s
	}
	return s
}

var phoneStrip = strings.NewReplacer(" ", "", ".", "", "-", "", "(", "", ")", "", "\u00a0", "", "\u202f", "")

// PartnerPhone writes a French number the usual way (04 94 12 34 56,
// +33 4 94 12 34 56), restoring the leading 0 a spreadsheet drops from a
// number typed as such (494123456); other values are returned cleaned, for
// the validation to judge.
func PartnerPhone(s string) string {
	s = clean(s)
	d := phoneStrip.Replace(s)
	if strings.HasPrefix(d, "0033") {
		d = "+33" + d[4:]
	}
	pairs := func(nine string) string {
		return nine[:1] + " " + nine[1:3] + " " + nine[3:5] + " " + nine[5:7] + " " + nine[7:9]
	}
	switch {
	case len(d) == 10 && d[0] == '0' && d[1] != '0' && digitsOnly.MatchString(d):
		return "0" + pairs(d[1:])
	case len(d) == 9 && d[0] != '0' && digitsOnly.MatchString(d):
		return "0" + pairs(d)
	case len(d) == 12 && strings.HasPrefix(d, "+33") && d[3] != '0' && digitsOnly.MatchString(d[1:]):
		return "+33 " + pairs(d[3:])
	}
	return s
}

// partnerURL adds https:// to a bare host name (www.exemple.fr); other
// values are returned as they are, for the validation to judge.
func partnerURL(s string) string {
	s = strings.TrimSpace(s)
	lower := strings.ToLower(s)
	if s != "" && !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") && domainLike.MatchString(s) {
		return "https://" + s
	}
	return s
}

// partnerAccessibility reads the accessibility cell.
func partnerAccessibility(s string) (string, bool) {
	switch strings.ReplaceAll(textnorm.Fold(s), " ", "") {
	case "":
		return "", true
	case "acc", "accessible", "oui":
		return "ACC", true
	case "dem", "surdemande", "accessiblesurdemande":
		return "DEM", true
	case "nac", "nonaccessible", "inaccessible", "non":
		return "NAC", true
	}
	return "", false
}

func readPartnerRow(row int, cells map[string]string) PartnerRow {
	get := func(k string) string { return strings.TrimSpace(cells[k]) }
	r := PartnerRow{Row: row}
	bad := func(col, format string, args ...any) {
		v := domain.Validation{}
		v.Add(col, format, args...)
		r.Errors = append(r.Errors, v.Fields...)
	}
	r.Reference = clean(get(ColReference))
	switch n := utf8.RuneCountInString(r.Reference); {
	case n == 0:
		bad(ColReference, "est obligatoire : c'est elle qui relie la ligne à son point de contact d'un import à l'autre")
	case n > 100:
		bad(ColReference, "ne doit pas dépasser 100 caractères")
	}
	r.Name = clean(get(ColName))
	r.Description = strings.TrimSpace(strings.ReplaceAll(get(ColDescription), "\r\n", "\n"))
	r.Pivot = strings.ToLower(get(ColPivot))
	for _, t := range cellCodes(get(ColThemes)) {
		r.Themes = append(r.Themes, strings.ToLower(t))
	}
	for _, p := range phoneList(get(ColPhones)) {
		r.Channels = append(r.Channels, PartnerChannel{ColPhones, domain.Channel{Kind: domain.ChannelPhone, Value: PartnerPhone(p)}})
	}
	for _, e := range cellList(get(ColEmail)) {
		if len(e) > 7 && strings.EqualFold(e[:7], "mailto:") {
			e = strings.TrimSpace(e[7:])
		}
		r.Channels = append(r.Channels, PartnerChannel{ColEmail, domain.Channel{Kind: domain.ChannelEmail, Value: e}})
	}
	for _, u := range cellList(get(ColWebsite)) {
		r.Channels = append(r.Channels, PartnerChannel{ColWebsite, domain.Channel{Kind: domain.ChannelWebsite, Value: partnerURL(u)}})
	}
	for _, u := range cellList(get(ColOnlineProcedure)) {
		r.Channels = append(r.Channels, PartnerChannel{ColOnlineProcedure, domain.Channel{Kind: domain.ChannelOnlineProcedure, Value: partnerURL(u)}})
	}
	r.AddressLines = cellList(get(ColAddress))
	if pc := get(ColPostalCode); pc != "" {
		if len(pc) == 4 && digitsOnly.MatchString(pc) {
			pc = "0" + pc
		}
		if !postalRE.MatchString(pc) {
			bad(ColPostalCode, "code postal invalide : %q (5 chiffres)", pc)
		}
		r.PostalCode = pc
	}
	r.City = clean(get(ColCity))
	r.CommuneCode = inseeCode(get(ColCommune))
	if r.CommuneCode != "" && !domain.ValidINSEE(r.CommuneCode) {
		bad(ColCommune, "code INSEE invalide : %q (5 caractères, par exemple 83137 ; ce n'est pas le code postal)", r.CommuneCode)
	}
	lat, lon := get(ColLatitude), get(ColLongitude)
	if lat != "" || lon != "" {
		la, ok1 := coordinate(lat, 90)
		lo, ok2 := coordinate(lon, 180)
		switch {
		case lat == "" || lon == "":
			bad(ColLatitude, "indiquez la latitude et la longitude, ou aucune des deux")
		case !ok1:
			bad(ColLatitude, "latitude illisible : %q (degrés décimaux entre -90 et 90, par exemple 43,1242)", lat)
		case !ok2:
			bad(ColLongitude, "longitude illisible : %q (degrés décimaux entre -180 et 180, par exemple 5,9280)", lon)
		default:
			r.Latitude, r.Longitude = la, lo
		}
	}
	if a, ok := partnerAccessibility(get(ColAccessibility)); ok {
		r.Accessibility = a
	} else {
		bad(ColAccessibility, "valeur inconnue : %q (accessible, sur demande ou non accessible)", get(ColAccessibility))
	}
	if h := get(ColHours); h != "" {
		slots, err := ParseWeeklyHours(h)
		if err != nil {
			bad(ColHours, "%s", err.Error())
		}
		r.Weekly = slots
	}
	r.HoursNote = strings.TrimSpace(get(ColHoursNote))
	for _, d := range cellCodes(get(ColDepartements)) {
		r.Departements = append(r.Departements, departementCode(d))
	}
	for _, c := range cellCodes(get(ColCommunes)) {
		r.Communes = append(r.Communes, inseeCode(c))
	}
	return r
}

// phoneList splits a phone cell on "|", "/", ";" and line breaks.
func phoneList(s string) []string {
	var out []string
	for _, p := range phoneSplitRE.Split(s, -1) {
		if p = clean(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// WritePartnerTemplate writes the CSV template: UTF-8 with a byte order mark
// (so that Excel reads the accents right), ";" separators (Excel's in
// French), CRLF line ends, the header row and one example row.
func WritePartnerTemplate(w io.Writer) error {
	if _, err := w.Write([]byte{0xEF, 0xBB, 0xBF}); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	header := make([]string, len(PartnerColumns))
	example := make([]string, len(PartnerColumns))
	for i, c := range PartnerColumns {
		header[i], example[i] = c.Label, c.Example
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := cw.Write(example); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
