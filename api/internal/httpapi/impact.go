package httpapi

import (
	"encoding/csv"
	"errors"
	"html/template"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/impact"
)

type impactHandlers struct {
	svc  *impact.Service
	now  func() time.Time
	page *template.Template
}

// bindBeacon decodes a JSON body sent as application/json or as
// text/plain: navigator.sendBeacon sends text/plain, which needs no CORS
// preflight.
func bindBeacon(c echo.Context, v any) error {
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if mt != echo.MIMEApplicationJSON && mt != echo.MIMETextPlain {
		return echo.NewHTTPError(http.StatusUnsupportedMediaType, "Envoyez du JSON (Content-Type: application/json, ou text/plain pour navigator.sendBeacon).")
	}
	return c.Echo().JSONSerializer.Deserialize(c, v)
}

// unavailable sets Retry-After on a 503 before the error handler answers.
func (h *impactHandlers) unavailable(c echo.Context, err error) error {
	if domain.ErrorCode(err) == domain.EUNAVAILABLE {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(h.svc.RetryAfter().Seconds()))))
	}
	return err
}

// FeedbackRequest is a resident's answer to « Cette réponse vous a-t-elle aidé ? ».
type FeedbackRequest struct {
	// Partner is the slug of the partner whose widget the resident used.
	Partner string `json:"partner" example:"var"`
	// Entry is the entry point of the widget, when it has one.
	Entry string `json:"entry,omitempty" example:"logement"`
	// Outcome is the public id of the journey outcome the feedback is about.
	Outcome string `json:"outcome,omitempty" format:"uuid"`
	// Query is what the resident searched, when the answer came from a search (scrubbed, lower-cased, cut to 200 characters).
	Query string `json:"query,omitempty" maxLength:"500" example:"aide pour payer mon loyer"`
	// Useful: did the answer help?
	Useful *bool `json:"useful"`
	// Comment, optional; personal data (numbers, e-mails, names, addresses) is removed before storage.
	Comment string `json:"comment,omitempty" maxLength:"1000"`
	// LookingFor says what the resident was looking for, optional; scrubbed as the comment.
	LookingFor string `json:"looking_for,omitempty" maxLength:"300"`
} // @name FeedbackRequest

// FeedbackReceipt acknowledges a feedback.
type FeedbackReceipt struct {
	Status string `json:"status" enums:"received" example:"received"`
} // @name FeedbackReceipt

// postFeedback godoc
//
//	@Summary		Give feedback on an answer
//	@Description	« Cette réponse vous a-t-elle aidé ? »: useful yes or no about an outcome of a journey or a search, with an optional comment and what the resident was looking for. Free texts are scrubbed of personal data (phone numbers, e-mails, long digit runs, names after « je m'appelle », street names) before storage; the query is stored scrubbed and lower-cased. The partner's référents read feedback in their inbox. The body may be sent as text/plain (navigator.sendBeacon). Rate-limited per client address.
//	@Tags			public
//	@Accept			json
//	@Accept			plain
//	@Produce		json
//	@Param			body	body		FeedbackRequest	true	"The feedback"
//	@Success		202		{object}	FeedbackReceipt
//	@Failure		400		{object}	Problem	"A field is missing, malformed or too long"
//	@Failure		404		{object}	Problem	"Unknown partner, entry point or outcome"
//	@Failure		413		{object}	Problem
//	@Failure		415		{object}	Problem
//	@Failure		429		{object}	Problem	"Too many requests from this address"
//	@Header			429		{integer}	Retry-After	"Seconds to wait before trying again"
//	@Param			X-API-Key	header		string	false	"A third-party portal's API key: raised rate limits, usage attributed to the portal"
//	@Failure		401		{object}	Problem	"The X-API-Key header holds a malformed, unknown or revoked key"
//	@Router			/api/v1/public/feedback [post]
func (h *impactHandlers) postFeedback(c echo.Context) error {
	var req FeedbackRequest
	if err := bindBeacon(c, &req); err != nil {
		return err
	}
	_, err := h.svc.RecordFeedback(c.Request().Context(), impact.FeedbackInput{Partner: req.Partner, Entry: req.Entry, Outcome: req.Outcome,
		Query: req.Query, Useful: req.Useful, Comment: req.Comment, LookingFor: req.LookingFor, PortalID: portalID(c)})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusAccepted, FeedbackReceipt{Status: "received"})
}

// EventsRequest is a batch of anonymous usage events from one widget.
type EventsRequest struct {
	// Partner is the slug of the widget's partner.
	Partner string `json:"partner" example:"var"`
	// Entry is the widget's entry point, when it has one.
	Entry string `json:"entry,omitempty" example:"logement"`
	// Session is a random id the widget draws when it starts and keeps in memory only, for the life of the page: no cookie, no storage.
	Session string `json:"session" minLength:"16" maxLength:"64" pattern:"^[A-Za-z0-9_-]{16,64}$" example:"k3J9xQ2mVb7LpT4wZr8N"`
	// Events since the widget's last batch, at most 50.
	Events []WidgetEvent `json:"events" minItems:"1" maxItems:"50"`
} // @name EventsRequest

// WidgetEvent is one anonymous usage event. Fields that do not apply to its type are ignored.
type WidgetEvent struct {
	// Type: loaded (the widget is displayed), search (a search ran), step (a journey step is shown; answered: true when the resident answers it), outcome (an answer is shown: a journey outcome, or a search result's contact points), contact (a channel of a contact point is used), emergency (the emergency panel is opened), feedback (feedback given), exit (the page is left or hidden).
	Type string `json:"type" enums:"loaded,search,step,outcome,contact,emergency,feedback,exit"`
	// At is the client's time (RFC 3339); clamped to the server's time ± 1 day; default: the time received.
	At string `json:"at,omitempty" format:"date-time" example:"2026-11-27T10:00:00.000Z"`
	// Journey and Step locate a step event, or an outcome reached through a journey (then Step is the outcome step).
	Journey string `json:"journey,omitempty" example:"logement-loyer"`
	Step    string `json:"step,omitempty" example:"situation"`
	// Outcome is the public id of the journey outcome shown (outcome, contact and feedback events).
	Outcome string `json:"outcome,omitempty" format:"uuid"`
	// ContactPoint is the contact point whose channel was used (contact events), or one contact point shown (outcome events).
	ContactPoint string `json:"contact_point,omitempty" format:"uuid"`
	// ContactPoints are the contact points an outcome event shows (at most 20).
	ContactPoints []string `json:"contact_points,omitempty" maxItems:"20"`
	// Channel used (contact events): online stands for online procedures, contact forms and chats.
	Channel string `json:"channel,omitempty" enums:"phone,email,address,online,sms,website"`
	// Results is the number of results of a search event (0: no answer).
	Results *int `json:"results,omitempty" minimum:"0" maximum:"10000"`
	// Answered: true when a step event records the resident's answer, false (default) when the step is shown.
	Answered *bool `json:"answered,omitempty"`
	// Query is the search text of a search event: stored scrubbed of personal data and lower-cased; shown in statistics only once seen 5 times.
	Query string `json:"query,omitempty" maxLength:"500"`
} // @name WidgetEvent

// EventsReceipt acknowledges a batch of events.
type EventsReceipt struct {
	Status   string `json:"status" enums:"received" example:"received"`
	Accepted int    `json:"accepted" example:"3"`
} // @name EventsReceipt

// postEvents godoc
//
//	@Summary		Record anonymous usage events
//	@Description	The widget's anonymous usage events, in batches of at most 50 (navigator.sendBeacon on page hide, so the body may be text/plain, parsed as JSON). Nothing identifies the resident: no address, no user agent, no cookie is stored, and the session id lives in the page's memory only; raw events are deleted after the retention period (13 months by default), daily aggregates are kept. The events are checked, then queued in memory and written in batches: the answer never waits for the database. When the queue is full (or the server is stopping), the answer is 503 with Retry-After and nothing of the batch is kept: send it again later.
//	@Tags			public
//	@Accept			json
//	@Accept			plain
//	@Produce		json
//	@Param			body	body		EventsRequest	true	"The events"
//	@Success		202		{object}	EventsReceipt
//	@Failure		400		{object}	Problem	"A field is missing or malformed (named in errors)"
//	@Failure		404		{object}	Problem	"Unknown partner or entry point"
//	@Failure		413		{object}	Problem
//	@Failure		415		{object}	Problem
//	@Failure		429		{object}	Problem		"Too many requests from this address"
//	@Header			429		{integer}	Retry-After	"Seconds to wait before trying again"
//	@Failure		503		{object}	Problem		"Queue full or server stopping: nothing was kept, send the batch again"
//	@Header			503		{integer}	Retry-After	"Seconds to wait before sending again"
//	@Param			X-API-Key	header		string	false	"A third-party portal's API key: raised rate limits, usage attributed to the portal"
//	@Failure		401		{object}	Problem	"The X-API-Key header holds a malformed, unknown or revoked key"
//	@Router			/api/v1/public/events [post]
func (h *impactHandlers) postEvents(c echo.Context) error {
	var req EventsRequest
	if err := bindBeacon(c, &req); err != nil {
		return err
	}
	b := impact.EventBatch{Partner: req.Partner, Entry: req.Entry, Session: req.Session, Events: make([]impact.Event, len(req.Events)), PortalID: portalID(c)}
	var v domain.Validation
	for i, e := range req.Events {
		ev := impact.Event{Type: e.Type, Journey: e.Journey, Step: e.Step, Outcome: e.Outcome, ContactPoint: e.ContactPoint,
			ContactPoints: e.ContactPoints, Channel: e.Channel, Results: e.Results, Answered: e.Answered, Query: e.Query}
		if e.At != "" {
			at, err := time.Parse(time.RFC3339Nano, e.At)
			if err != nil {
				v.Add("events["+strconv.Itoa(i)+"].at", "date et heure attendues au format RFC 3339 (2026-11-27T10:00:00Z)")
			}
			ev.At = at
		}
		b.Events[i] = ev
	}
	if err := v.Err("Événements invalides."); err != nil {
		return err
	}
	n, err := h.svc.RecordEvents(c.Request().Context(), b)
	if err != nil {
		return h.unavailable(c, err)
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusAccepted, EventsReceipt{Status: "received", Accepted: n})
}

// Feedback is a resident's feedback as référents read it.
type Feedback struct {
	ID        string `json:"id" format:"uuid"`
	CreatedAt string `json:"created_at" format:"date-time"`
	Entry     string `json:"entry,omitempty" example:"logement"`
	// Outcome, Journey and Step locate the journey outcome it is about.
	Outcome string `json:"outcome,omitempty" format:"uuid"`
	Journey string `json:"journey,omitempty" example:"logement-loyer"`
	Step    string `json:"step,omitempty" example:"caf"`
	// Query is what the resident searched (scrubbed, lower-cased).
	Query  string `json:"query,omitempty"`
	Useful bool   `json:"useful"`
	// Comment and LookingFor are what the resident wrote, scrubbed of personal data.
	Comment    string `json:"comment,omitempty" example:"Le numéro [téléphone] ne répond pas le samedi."`
	LookingFor string `json:"looking_for,omitempty"`
} // @name Feedback

// FeedbackList is one page of feedback.
type FeedbackList struct {
	Total    int        `json:"total"`
	Feedback []Feedback `json:"feedback"`
} // @name FeedbackList

// feedbackFilter reads the inbox filters.
func feedbackFilter(c echo.Context, v *domain.Validation, now time.Time) domain.FeedbackFilter {
	var f domain.FeedbackFilter
	switch u := c.QueryParam("useful"); u {
	case "":
	case "true", "false":
		b := u == "true"
		f.Useful = &b
	default:
		v.Add("useful", "doit valoir true ou false")
	}
	p, err := impact.ParsePeriod(c.QueryParam("from"), c.QueryParam("to"), now, 0)
	var de *domain.Error
	if errors.As(err, &de) {
		v.Fields = append(v.Fields, de.Fields...)
	}
	f.From, f.To = p.From, p.To
	if e := c.QueryParam("entry"); e != "" && !domain.ValidSlug(e) {
		v.Add("entry", "identifiant de point d'entrée invalide")
	} else {
		f.Entry = e
	}
	return f
}

// listFeedback godoc
//
//	@Summary		Residents' feedback
//	@Description	The feedback residents gave on the partner's widget, newest first, comments scrubbed of personal data. Filters: useful, period (Europe/Paris dates, both included), entry point. Viewers and up.
//	@Tags			admin
//	@Security		BearerAuth
//	@Produce		json
//	@Param			org		path		string	true	"Organisation slug"
//	@Param			useful	query		bool	false	"Only useful (true) or not useful (false) feedback"
//	@Param			from	query		string	false	"First day (YYYY-MM-DD)"	format(date)
//	@Param			to		query		string	false	"Last day (YYYY-MM-DD)"		format(date)
//	@Param			entry	query		string	false	"Entry point slug"
//	@Param			limit	query		int		false	"Page size"		minimum(1)	maximum(200)	default(50)
//	@Param			offset	query		int		false	"Page start"	minimum(0)	default(0)
//	@Success		200		{object}	FeedbackList
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Router			/api/v1/admin/organisations/{org}/feedback [get]
func (h *impactHandlers) listFeedback(c echo.Context) error {
	var v domain.Validation
	f := feedbackFilter(c, &v, h.now())
	f.Offset, f.Limit = pageParams(c, &v)
	if err := v.Err("Paramètres invalides."); err != nil {
		return err
	}
	list, total, err := h.svc.Feedback(c.Request().Context(), actor(c), c.Param("org"), f)
	if err != nil {
		return err
	}
	out := FeedbackList{Total: total, Feedback: make([]Feedback, len(list))}
	for i, fb := range list {
		out.Feedback[i] = Feedback{ID: fb.ID, CreatedAt: fb.CreatedAt.UTC().Format(time.RFC3339), Entry: fb.Entry, Outcome: fb.OutcomeID,
			Journey: fb.Journey, Step: fb.Step, Query: fb.Query, Useful: fb.Useful, Comment: fb.Comment, LookingFor: fb.LookingFor}
	}
	return c.JSON(http.StatusOK, out)
}

// csvCell neutralises spreadsheet formulas: a cell starting with = + - @,
// a tab or a carriage return is prefixed with a quote (OWASP CSV
// injection).
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// exportFeedback godoc
//
//	@Summary		Residents' feedback as CSV
//	@Description	The same feedback as the inbox, with the same filters, as a CSV file for a spreadsheet: UTF-8 with a byte order mark, « ; » as separator, French column headers (Date, Point d'entrée, Parcours, Étape, Issue, Recherche, Utile, Commentaire, Ce qui manquait). Cells that a spreadsheet would read as a formula are prefixed with a quote. At most 100 000 rows, newest first. Viewers and up.
//	@Tags			admin
//	@Security		BearerAuth
//	@Produce		text/csv
//	@Param			org		path		string	true	"Organisation slug"
//	@Param			useful	query		bool	false	"Only useful (true) or not useful (false) feedback"
//	@Param			from	query		string	false	"First day (YYYY-MM-DD)"	format(date)
//	@Param			to		query		string	false	"Last day (YYYY-MM-DD)"		format(date)
//	@Param			entry	query		string	false	"Entry point slug"
//	@Success		200		{string}	string	"CSV file"
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Router			/api/v1/admin/organisations/{org}/feedback.csv [get]
func (h *impactHandlers) exportFeedback(c echo.Context) error {
	var v domain.Validation
	now := h.now()
	f := feedbackFilter(c, &v, now)
	if err := v.Err("Paramètres invalides."); err != nil {
		return err
	}
	f.Limit = impact.MaxFeedbackExport
	list, _, err := h.svc.Feedback(c.Request().Context(), actor(c), c.Param("org"), f)
	if err != nil {
		return err
	}
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition, `attachment; filename="avis-`+c.Param("org")+"-"+domain.ParisDay(now)+`.csv"`)
	res.Header().Set(echo.HeaderCacheControl, "no-store")
	res.WriteHeader(http.StatusOK)
	if _, err := res.Write([]byte("\ufeff")); err != nil {
		return err
	}
	w := csv.NewWriter(res)
	w.Comma = ';'
	_ = w.Write([]string{"Date", "Point d'entrée", "Parcours", "Étape", "Issue", "Recherche", "Utile", "Commentaire", "Ce qui manquait"})
	paris := domain.Paris()
	for _, fb := range list {
		useful := "non"
		if fb.Useful {
			useful = "oui"
		}
		_ = w.Write([]string{fb.CreatedAt.In(paris).Format("2006-01-02 15:04"), csvCell(fb.Entry), csvCell(fb.Journey), csvCell(fb.Step),
			fb.OutcomeID, csvCell(fb.Query), useful, csvCell(fb.Comment), csvCell(fb.LookingFor)})
	}
	w.Flush()
	return w.Error()
}
