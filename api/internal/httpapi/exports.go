package httpapi

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/opendata"
)

// exportHandlers serve the partners' exports (back office) and the open
// data dump of the national commons (public, under /opendata/).
type exportHandlers struct {
	svc *opendata.Service
	log *slog.Logger
	// dumps bounds the open data files written at once: each one reads the
	// whole commons (a CDN in front serves the rest from its cache).
	dumps chan struct{}
	page  *template.Template
}

// maxDumps is how many open data files are written at once.
const maxDumps = 2

// Cache lifetime of the open data files: their ETag is cheap to check, so
// a CDN or browser revalidates after an hour.
const openDataMaxAge, openDataStale = time.Hour, 24 * time.Hour

// licenceLink is the Link header of the open data (RFC 8288 rel=license).
var licenceLink = `<` + opendata.OpenLicence.URL + `>; rel="license"; title="` + opendata.OpenLicence.Name + `"`

//go:embed static/opendata.html
var openDataHTML string

func newExportHandlers(d Deps) (*exportHandlers, error) {
	if d.OpenData == nil {
		return nil, nil
	}
	page, err := template.New("opendata").Funcs(template.FuncMap{
		"date": frLongDate,
	}).Parse(openDataHTML)
	if err != nil {
		return nil, fmt.Errorf("parse the open data page: %w", err)
	}
	return &exportHandlers{svc: d.OpenData, log: d.Logger, dumps: make(chan struct{}, maxDumps), page: page}, nil
}

var frMonths = [...]string{"", "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// frLongDate writes a date the French way: 27 novembre 2026.
func frLongDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(parisTZ)
	return fmt.Sprintf("%d %s %d", t.Day(), frMonths[t.Month()], t.Year())
}

var parisTZ = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// stream writes an export as the answer. Once the first byte is sent an
// error can no longer become a problem: the connection is cut, so that
// the client sees a broken transfer rather than a complete file.
// The file is gzip-compressed on the fly when the client accepts it (JSON
// shrinks about tenfold).
func (h *exportHandlers) stream(c echo.Context, e *opendata.Export, disposition string, gz bool) error {
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, e.ContentType)
	res.Header().Set(echo.HeaderContentDisposition, disposition+`; filename="`+e.Filename+`"`)
	res.Header().Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
	if gz {
		res.Header().Set(echo.HeaderContentEncoding, "gzip")
	}
	res.WriteHeader(http.StatusOK)
	if c.Request().Method == http.MethodHead {
		return nil
	}
	var w io.Writer = res
	var zw *gzip.Writer
	if gz {
		zw, _ = gzip.NewWriterLevel(res, gzip.BestSpeed) // a valid level: no error
		w = zw
	}
	err := e.WriteTo(c.Request().Context(), w)
	if err == nil && zw != nil {
		err = zw.Close()
	}
	if err != nil {
		h.log.ErrorContext(c.Request().Context(), "export interrupted", "error", err, "file", e.Filename,
			"request_id", res.Header().Get(echo.HeaderXRequestID))
		panic(http.ErrAbortHandler)
	}
	return nil
}

// exportContactPoints godoc
//
//	@Summary		Export the organisation's contact points: CSV, JSON, HSDS 3.0 or data·inclusion
//	@Description	A file to download (Content-Disposition: attachment), written as it is read, page by page, whatever the number of contact points. Formats:
//	@Description	- csv: the columns of the import template (GET …/contact-points/import/template.csv), UTF-8 with a byte order mark, « ; » separators. The Référence column is the reference a contact point was imported with, else its id; importing the file unchanged changes nothing (every row "unchanged"). Cells a spreadsheet would read as a formula (starting with = or @) are prefixed with a quote.
//	@Description	- json: {format: "aiguillage/contact-points", format_version, organisation, generated_at, contact_points: [the API's contact point fields with version, created_at, updated_at, withdrawn_at], total}.
//	@Description	- hsds: Open Referral HSDS 3.0, shaped as a page of its /services API: contents holds services with their definitions (phones, schedules with byday/opens_at/closes_at in Paris time, service_areas, service_at_locations with their location and address, attributes linking the themes and the data·inclusion thématiques as taxonomy terms); the organization and the two taxonomies are described once, at the head of the file. Identifiers are stable UUIDs. Withdrawn contact points have status "inactive".
//	@Description	- data-inclusion: the data·inclusion schema v1.0.8, {structures: […], services: […]}: each contact point is a structure and its service; themes are mapped to thématiques where a mapping exists, opening hours written in the OpenStreetMap syntax. Withdrawn contact points are left out.
//	@Description	Compressed with gzip when the request accepts it (Accept-Encoding). Viewers and up.
//	@Tags			admin
//	@Security		BearerAuth
//	@Produce		text/csv,json
//	@Param			org		path		string	true	"Organisation slug"
//	@Param			format	query		string	false	"File format"	Enums(csv,json,hsds,data-inclusion)	default(csv)
//	@Success		200		{file}		file	"The file"
//	@Header			200		{string}	Content-Disposition	"attachment; filename=…"
//	@Failure		400		{object}	Problem	"Unknown format"
//	@Failure		401		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Router			/api/v1/admin/organisations/{org}/exports/contact-points [get]
func (h *exportHandlers) contactPoints(c echo.Context) error {
	e, err := h.svc.ContactPoints(c.Request().Context(), actor(c), c.Param("org"), formatParam(c))
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return h.stream(c, e, "attachment", acceptsGzip(c))
}

// exportJourneys godoc
//
//	@Summary		Export the organisation's journeys: JSON or CSV
//	@Description	A file to download (Content-Disposition: attachment) with every journey of the organisation, its published version (the one residents follow) and its draft.
//	@Description	- json: {format: "aiguillage/journeys", format_version, organisation, generated_at, journeys: [{slug, title, draft_version, published_version, published_at, updated_at, published: journey document, draft: journey document}]}; a journey document is what GET …/journeys/{journey}/export gives and POST …/journeys imports.
//	@Description	- csv: one row per option of a question and per other step, published version first, then the draft. Columns: Parcours, Titre du parcours, Version, Étape, Type d'étape, Première étape, Texte, Aide, Option, Étape suivante, Explication, Documents, Points de contact, Types d'établissement, Urgence. UTF-8 with a byte order mark, « ; » separators.
//	@Description	Viewers and up.
//	@Tags			journeys
//	@Security		BearerAuth
//	@Produce		text/csv,json
//	@Param			org		path		string	true	"Organisation slug"
//	@Param			format	query		string	false	"File format"	Enums(json,csv)	default(json)
//	@Success		200		{file}		file	"The file"
//	@Header			200		{string}	Content-Disposition	"attachment; filename=…"
//	@Failure		400		{object}	Problem	"Unknown format"
//	@Failure		401		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Router			/api/v1/admin/organisations/{org}/exports/journeys [get]
func (h *exportHandlers) journeys(c echo.Context) error {
	f := formatParam(c)
	if c.QueryParam("format") == "" {
		f = opendata.JSON
	}
	e, err := h.svc.Journeys(c.Request().Context(), actor(c), c.Param("org"), f)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return h.stream(c, e, "attachment", acceptsGzip(c))
}

// acceptsGzip reports whether the client takes a gzip-compressed answer.
func acceptsGzip(c echo.Context) bool {
	return negotiateEncoding(c.Request().Header.Values(echo.HeaderAcceptEncoding), false, true) == "gzip"
}

// formatParam is the format query parameter, csv when absent.
func formatParam(c echo.Context) opendata.Format {
	if f := c.QueryParam("format"); f != "" {
		return opendata.Format(f)
	}
	return opendata.CSV
}

// openDataFiles are the files of /opendata/, by name.
var openDataFiles = func() map[string]opendata.Format {
	m := map[string]opendata.Format{}
	for _, f := range opendata.OpenDataFormats {
		m[opendata.OpenDataName(f)] = f
	}
	return m
}()

// openDataFile serves a file of the open data dump of the national commons
// at a stable address (/opendata/contact-points.csv…), under the Licence
// Ouverte 2.0 (Link: rel="license", and a licence member in the JSON
// files). The ETag is known before the file is written: a conditional
// request is answered 304 without reading the contact points.
func (h *exportHandlers) openDataFile(c echo.Context) error {
	f, ok := openDataFiles[c.Param("file")]
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound, "Aucun fichier de ce nom : voir la liste sur /opendata.")
	}
	file, err := h.svc.OpenData(c.Request().Context(), f)
	if err != nil {
		return err
	}
	// Each encoding is its own representation, with its own strong ETag.
	gz := acceptsGzip(c)
	etag := file.ETag
	if gz {
		etag = strings.TrimSuffix(etag, `"`) + `-gzip"`
	}
	hd := c.Response().Header()
	hd.Set("ETag", etag)
	hd.Set(echo.HeaderCacheControl, cacheControl(openDataMaxAge, openDataStale))
	hd.Set("Link", licenceLink)
	hd.Set(echo.HeaderAccessControlAllowOrigin, "*")
	hd.Set(echo.HeaderAccessControlExposeHeaders, "ETag, Link")
	if !file.Modified.IsZero() {
		hd.Set(echo.HeaderLastModified, file.Modified.UTC().Format(http.TimeFormat))
	}
	if etagMatch(c.Request().Header.Get("If-None-Match"), etag) {
		hd.Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
		return c.NoContent(http.StatusNotModified)
	}
	if c.Request().Method == http.MethodHead {
		return h.stream(c, &file.Export, "inline", gz)
	}
	select {
	case h.dumps <- struct{}{}:
		defer func() { <-h.dumps }()
	default:
		hd.Set("Retry-After", "30")
		return echo.NewHTTPError(http.StatusServiceUnavailable, "Trop de téléchargements en cours : réessayez dans quelques instants.")
	}
	return h.stream(c, &file.Export, "inline", gz)
}

// openDataPage is what the open data page shows.
type openDataPage struct {
	CSS      template.CSS
	Modified time.Time
	Licence  opendata.Licence
	Sources  []opendata.Source
	Files    []openDataLink
	HSDS     string
	DI       string
}

type openDataLink struct {
	Name, Format, Desc string
}

// openDataIndex is the page of the open data dump: what the files hold,
// their formats, their licence and their sources.
func (h *exportHandlers) openDataIndex(c echo.Context) error {
	p := openDataPage{CSS: template.CSS(statsCSS), Licence: opendata.OpenLicence, Sources: opendata.CommonsSources,
		HSDS: opendata.HSDSVersion, DI: opendata.DataInclusionVersion}
	if file, err := h.svc.OpenData(c.Request().Context(), opendata.JSON); err == nil {
		p.Modified = file.Modified
	}
	for _, f := range opendata.OpenDataFormats {
		l := openDataLink{Name: opendata.OpenDataName(f)}
		switch f {
		case opendata.CSV:
			l.Format, l.Desc = "CSV (UTF-8, séparateur « ; »)", "Une ligne par point de contact, avec les colonnes du modèle d'import des référents : le fichier s'ouvre dans un tableur."
		case opendata.JSON:
			l.Format, l.Desc = "JSON (format Aiguillage)", "Les points de contact tels que l'API publique les décrit : moyens de contact, adresse, horaires, territoire servi, thèmes, source."
		case opendata.HSDS:
			l.Format, l.Desc = "JSON, Open Referral HSDS "+opendata.HSDSVersion, "Le standard international des annuaires de services sociaux : services, lieux, téléphones, horaires, territoires, thèmes."
		case opendata.DataInclusion:
			l.Format, l.Desc = "JSON, schéma data·inclusion "+opendata.DataInclusionVersion, "Le schéma des services d'insertion (DORA, data·inclusion) : structures et services, thématiques correspondant à nos thèmes."
		}
		p.Files = append(p.Files, l)
	}
	var b bytes.Buffer
	if err := h.page.Execute(&b, p); err != nil {
		return err
	}
	c.Response().Header().Set("Link", licenceLink)
	return c.HTMLBlob(http.StatusOK, b.Bytes())
}
