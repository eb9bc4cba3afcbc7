package httpapi

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/admin"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/importer"
)

// ImportReport says, row by row, what an import of contact points does, or
// would do in a dry run.
type ImportReport struct {
	DryRun bool `json:"dry_run"`
	// Applied is true when the contact points were written (dry_run=false and no row rejected).
	Applied bool `json:"applied"`
	// Format is the format read.
	Format string `json:"format" enums:"csv,xlsx,annuaire,data-inclusion"`
	// AnnuaireFormat is the kind of annuaire extract read.
	AnnuaireFormat string `json:"annuaire_format,omitempty" example:"annuaire-v4-api"`
	// Encoding is how the text of a CSV file was decoded (XLSX for a workbook).
	Encoding string `json:"encoding,omitempty" enums:"UTF-8,UTF-16,Windows-1252,XLSX"`
	// Separator is the CSV field separator found in the header row.
	Separator string `json:"separator,omitempty" example:";"`
	// IgnoredColumns are header cells that name no column of the template.
	IgnoredColumns []string `json:"ignored_columns,omitempty"`
	Created        int      `json:"created"`
	Updated        int      `json:"updated"`
	Unchanged      int      `json:"unchanged"`
	Rejected       int      `json:"rejected"`
	// Rows, by row number.
	Rows []ImportRow `json:"rows"`
} // @name ImportReport

// ImportRow is what the import does with one row of the file.
type ImportRow struct {
	// Row is the spreadsheet row (the header is row 1), or the record's position in an annuaire or data·inclusion file.
	Row int `json:"row" example:"12"`
	// Reference is the row's reference (CSV, XLSX) or the record's identifier (annuaire, data·inclusion id).
	Reference string `json:"reference,omitempty" example:"MDS-TOULON-01"`
	// ID is the contact point the row creates or updates.
	ID     string `json:"id,omitempty" format:"uuid"`
	Name   string `json:"name,omitempty"`
	Action string `json:"action" enums:"create,update,unchanged,reject"`
	// Errors say why the row is rejected; field is a column of the template
	// (telephones, horaires…), for an annuaire record a field of the contact
	// point, for a data·inclusion record a field of its schema (nom,
	// telephone, horaires_accueil, zone_eligibilite…).
	Errors []ProblemField `json:"errors,omitempty"`
	// Warnings say what was left out or adapted without rejecting the row
	// (data·inclusion: unknown thématiques, hours kept as text, no zone).
	Warnings []ProblemField `json:"warnings,omitempty"`
	// Changes names the fields an update changes.
	Changes []string `json:"changes,omitempty" example:"channels,opening_hours"`
} // @name ImportRow

// ImportProblem is the problem+json answer of an import refused because
// some rows are rejected: nothing was written; import is the report.
type ImportProblem struct {
	Type      string       `json:"type" example:"urn:aiguillage:problem:import-rejected"`
	Title     string       `json:"title" example:"Import refusé"`
	Status    int          `json:"status" example:"422"`
	Detail    string       `json:"detail,omitempty"`
	Instance  string       `json:"instance,omitempty"`
	RequestID string       `json:"request_id,omitempty"`
	Import    ImportReport `json:"import"`
} // @name ImportProblem

func importReportDTO(r *admin.ImportReport) ImportReport {
	out := ImportReport{DryRun: r.DryRun, Applied: r.Applied, Format: r.Format, AnnuaireFormat: r.AnnuaireFormat, Encoding: r.Encoding,
		Separator: r.Separator, IgnoredColumns: r.IgnoredColumns, Created: r.Created, Updated: r.Updated, Unchanged: r.Unchanged,
		Rejected: r.Rejected, Rows: make([]ImportRow, len(r.Rows))}
	for i, row := range r.Rows {
		o := ImportRow{Row: row.Row, Reference: row.Reference, ID: row.ID, Name: row.Name, Action: row.Action, Changes: row.Changes}
		for _, f := range row.Errors {
			o.Errors = append(o.Errors, ProblemField{Field: f.Field, Detail: f.Message, Communes: f.Communes})
		}
		for _, f := range row.Warnings {
			o.Warnings = append(o.Warnings, ProblemField{Field: f.Field, Detail: f.Message, Communes: f.Communes})
		}
		out.Rows[i] = o
	}
	return out
}

// importMediaTypes are the Content-Types an imported file may be sent with
// (a browser names a .csv file application/vnd.ms-excel on Windows).
var importMediaTypes = []string{"", "text/csv", "text/plain", "text/tab-separated-values", "application/json", "application/geo+json",
	"application/x-ndjson", "application/jsonl", "application/json-seq",
	"application/octet-stream", "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

// importPath reports whether a request goes to the import endpoint, whose
// body limit is admin.MaxImportBytes instead of the server's.
func importPath(p string) bool {
	return strings.HasPrefix(p, "/api/v1/admin/organisations/") && strings.HasSuffix(p, "/contact-points/import")
}

// importContactPoints godoc
//
//	@Summary		Import contact points from a file (CSV, XLSX, annuaire or data·inclusion), with a dry run
//	@Description	The body is the file itself (at most 10 MiB): the CSV template (GET …/import/template.csv; UTF-8 with or without BOM, UTF-16 or Windows-1252; separator ";", "," or tab, found in the header row; values over several lines in quotes), the same template as an XLSX workbook (first sheet), a service-public.fr annuaire or France services extract (JSON, GeoJSON, TSV, CSV) imported as the organisation's own contact points, or a data·inclusion file (schema v1, v0 fields read too: a JSON list of services and/or structures, an object {"structures": […], "services": […]}, or JSON Lines), each service joined to its structure, with warnings per row for what is left out (unknown thématiques, hours kept as text). Each row is checked exactly as a contact point created through this API. The same reference always designates the same contact point, so importing a file again updates in place, and a file applied twice changes nothing the second time (every row "unchanged").
//	@Description	With dry_run=true (the default) nothing is written: 200 and the report, row by row (create, update, unchanged, reject with the reasons). With dry_run=false the import is atomic: when a row is rejected nothing is written and the answer is 422 problem+json (type urn:aiguillage:problem:import-rejected) whose "import" member is the same report; otherwise every created and updated contact point is written in one transaction, with its audit entry, and the answer is 200 with the report (applied=true). A contact point edited by someone else meanwhile answers 409 and writes nothing. Editors and admins only.
//	@Tags			admin
//	@Security		BearerAuth
//	@Accept			text/csv,application/json,application/x-ndjson,application/octet-stream,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Produce		json
//	@Param			org		path		string	true	"Organisation slug"
//	@Param			format	query		string	false	"Format of the file; detected when absent"	Enums(csv,xlsx,annuaire,data-inclusion)
//	@Param			dry_run	query		bool	false	"Only report what the import would do"		default(true)
//	@Param			body	body		string	true	"The file"
//	@Success		200		{object}	ImportReport
//	@Failure		400		{object}	Problem	"Unreadable file, missing column, unknown format"
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		413		{object}	Problem
//	@Failure		415		{object}	Problem
//	@Failure		422		{object}	ImportProblem	"Rows rejected: nothing written"
//	@Router			/api/v1/admin/organisations/{org}/contact-points/import [post]
func (h *adminHandlers) importContactPoints(c echo.Context) error {
	var v domain.Validation
	format := c.QueryParam("format")
	switch format {
	case "", admin.ImportCSV, admin.ImportXLSX, admin.ImportAnnuaire, admin.ImportDataInclusion:
	default:
		v.Add("format", "doit valoir csv, xlsx, annuaire ou data-inclusion")
	}
	dryRun := true
	if s := c.QueryParam("dry_run"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			v.Add("dry_run", "doit valoir true ou false")
		}
		dryRun = b
	}
	if err := v.Err("Paramètres invalides."); err != nil {
		return err
	}
	req := c.Request()
	if ct := req.Header.Get(echo.HeaderContentType); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !slices.Contains(importMediaTypes, mt) {
			return echo.NewHTTPError(http.StatusUnsupportedMediaType, "Envoyez le fichier lui-même comme corps de la requête (Content-Type text/csv, application/json, application/octet-stream ou le type XLSX), pas un formulaire.")
		}
	}
	tooLarge := domain.Errorf(domain.ETOOLARGE, "Le fichier dépasse %d Mo : découpez-le en plusieurs fichiers.", admin.MaxImportBytes>>20)
	if req.ContentLength > admin.MaxImportBytes {
		return tooLarge
	}
	data, err := io.ReadAll(io.LimitReader(req.Body, admin.MaxImportBytes+1))
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "Lecture du fichier impossible.").SetInternal(err)
	}
	if len(data) > admin.MaxImportBytes {
		return tooLarge
	}
	rep, err := h.svc.ImportContactPoints(req.Context(), actor(c), c.Param("org"), format, data, dryRun)
	if err != nil {
		return err
	}
	out := importReportDTO(rep)
	if !rep.DryRun && !rep.Applied {
		p := ImportProblem{Type: problemType("import-rejected"), Title: "Import refusé", Status: http.StatusUnprocessableEntity,
			Detail:   strconv.Itoa(rep.Rejected) + " ligne(s) rejetée(s) : rien n'a été importé. Corrigez-les, puis importez le fichier à nouveau.",
			Instance: req.URL.Path, RequestID: c.Response().Header().Get(echo.HeaderXRequestID), Import: out}
		c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		c.Response().WriteHeader(p.Status)
		return jsonEncode(c.Response(), p)
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusOK, out)
}

// importTemplate godoc
//
//	@Summary		The CSV template of the contact point import
//	@Description	UTF-8 with a byte order mark (Excel reads the accents right), ";" separators, a header row with the French column names and one example row to replace. Columns: Référence (required: the same reference updates the same contact point), Nom (required), Type, Description, Thèmes, Téléphones, Courriel, Site web, Démarche en ligne, Adresse, Code postal, Ville, Code commune, Latitude, Longitude, Accessibilité, Horaires, Remarque horaires, Départements desservis, Communes desservies; lists separated by "|". Each column is documented in the importer's README.
//	@Tags			admin
//	@Security		BearerAuth
//	@Produce		text/csv
//	@Param			org	path		string	true	"Organisation slug"
//	@Success		200	{string}	string	"The template"
//	@Failure		401	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Router			/api/v1/admin/organisations/{org}/contact-points/import/template.csv [get]
func (h *adminHandlers) importTemplate(c echo.Context) error {
	if err := h.svc.ImportTemplate(c.Request().Context(), actor(c), c.Param("org")); err != nil {
		return err
	}
	var b bytes.Buffer
	if err := importer.WritePartnerTemplate(&b); err != nil {
		return err
	}
	res := c.Response()
	res.Header().Set(echo.HeaderContentDisposition, `attachment; filename="modele-points-de-contact.csv"`)
	res.Header().Set(echo.HeaderCacheControl, "no-store")
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", b.Bytes())
}
