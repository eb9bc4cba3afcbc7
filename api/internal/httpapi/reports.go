package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// ReportRequest is a resident's "Information incorrecte ?" about a contact point.
type ReportRequest struct {
	// Message says what is wrong. Personal data (phone numbers, e-mails,
	// names, addresses) is removed before storage.
	Message string `json:"message" minLength:"3" maxLength:"500" example:"Le numéro ne répond plus, l'accueil a déménagé."`
	// Partner is the slug of the partner whose widget the resident used.
	Partner string `json:"partner,omitempty" example:"var"`
} // @name ReportRequest

// ReportReceipt acknowledges a report.
type ReportReceipt struct {
	Status string `json:"status" enums:"received" example:"received"`
} // @name ReportReceipt

// Report is a resident's report, as référents read it.
type Report struct {
	ID             string `json:"id" format:"uuid"`
	ContactPointID string `json:"contact_point_id" format:"uuid"`
	// ContactPointName is the name the resident saw.
	ContactPointName string `json:"contact_point_name"`
	// Partner is the slug of the partner whose widget the report came from.
	Partner string `json:"partner,omitempty" example:"var"`
	// Message is what the resident wrote, scrubbed of personal data.
	Message   string `json:"message" example:"Le numéro [téléphone] ne répond plus."`
	Status    string `json:"status" enums:"open,resolved"`
	CreatedAt string `json:"created_at" format:"date-time"`
	// ResolvedAt and ResolvedBy (a user id) are set once resolved.
	ResolvedAt string `json:"resolved_at,omitempty" format:"date-time"`
	ResolvedBy string `json:"resolved_by,omitempty" format:"uuid"`
	// DueAt is the freshness deadline: the contact point should be checked by then (15 days).
	DueAt string `json:"due_at" format:"date-time"`
	// Overdue is true for an open report past its deadline.
	Overdue bool `json:"overdue"`
} // @name Report

// ReportList is one page of reports.
type ReportList struct {
	Total   int      `json:"total"`
	Reports []Report `json:"reports"`
} // @name ReportList

func reportDTO(r *domain.Report, now time.Time) Report {
	out := Report{ID: r.ID, ContactPointID: r.ContactPointID, ContactPointName: r.ContactPointName, Partner: r.PartnerSlug,
		Message: r.Message, Status: r.Status, CreatedAt: r.CreatedAt.UTC().Format(time.RFC3339), ResolvedBy: r.ResolvedBy,
		DueAt: r.DueAt().UTC().Format(time.RFC3339), Overdue: r.Overdue(now)}
	if r.ResolvedAt != nil {
		out.ResolvedAt = r.ResolvedAt.UTC().Format(time.RFC3339)
	}
	return out
}

// reportContactPoint godoc
//
//	@Summary		Report wrong information on a contact point
//	@Description	"Information incorrecte ?": a resident says a contact card is wrong (wrong number, office closed or moved…). The report reaches the référents of the organisation that owns the contact point (the national commons for the national directory; the partner for its own contact points and for its local adjustments of national ones). The message is scrubbed of personal data before it is stored. Rate-limited per client address: a few reports per minute.
//	@Tags			public
//	@Accept			json
//	@Produce		json
//	@Param			id		path		string			true	"Contact point identifier (UUID)"	format(uuid)
//	@Param			body	body		ReportRequest	true	"What is wrong"
//	@Success		202		{object}	ReportReceipt
//	@Failure		400		{object}	Problem	"Malformed identifier, message missing, too short or too long"
//	@Failure		404		{object}	Problem	"Unknown contact point or partner"
//	@Failure		413		{object}	Problem
//	@Failure		415		{object}	Problem
//	@Failure		429		{object}	Problem	"Too many requests from this address"
//	@Header			429		{integer}	Retry-After	"Seconds to wait before trying again"
//	@Param			X-API-Key	header		string	false	"A third-party portal's API key: raised rate limits, usage attributed to the portal"
//	@Failure		401		{object}	Problem	"The X-API-Key header holds a malformed, unknown or revoked key"
//	@Router			/api/v1/public/contact-points/{id}/reports [post]
func (h *adminHandlers) reportContactPoint(c echo.Context) error {
	var req ReportRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	if _, err := h.svc.ReportContactPoint(c.Request().Context(), c.Param("id"), req.Partner, req.Message); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusAccepted, ReportReceipt{Status: "received"})
}

// listReports godoc
//
//	@Summary		Residents' reports on the organisation's contact points
//	@Description	"Information incorrecte ?" reports on the contact points the organisation owns (including its local adjustments of national ones), newest first, scrubbed of personal data. On the national commons (platform admins), reports on the national directory. Viewers and up.
//	@Tags			admin
//	@Security		BearerAuth
//	@Produce		json
//	@Param			org		path		string	true	"Organisation slug"
//	@Param			status	query		string	false	"Only the reports with this status"	Enums(open,resolved)
//	@Param			limit	query		int		false	"Page size"							minimum(1)	maximum(200)	default(50)
//	@Param			offset	query		int		false	"Page start"						minimum(0)	default(0)
//	@Success		200		{object}	ReportList
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Router			/api/v1/admin/organisations/{org}/reports [get]
func (h *adminHandlers) listReports(c echo.Context) error {
	var v domain.Validation
	offset, limit := pageParams(c, &v)
	if err := v.Err("Paramètres invalides."); err != nil {
		return err
	}
	rs, total, err := h.svc.Reports(c.Request().Context(), actor(c), c.Param("org"), c.QueryParam("status"), domain.Page{Offset: offset, Limit: limit})
	if err != nil {
		return err
	}
	out := ReportList{Total: total, Reports: make([]Report, len(rs))}
	for i, r := range rs {
		out.Reports[i] = reportDTO(r, h.svc.Now())
	}
	return c.JSON(http.StatusOK, out)
}

// resolveReport godoc
//
//	@Summary	Mark a report dealt with (editors and up)
//	@Tags		admin
//	@Security	BearerAuth
//	@Produce	json
//	@Param		org	path		string	true	"Organisation slug"
//	@Param		id	path		string	true	"Report id"	format(uuid)
//	@Success	200	{object}	Report
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Failure	409	{object}	Problem	"Already resolved"
//	@Router		/api/v1/admin/organisations/{org}/reports/{id}/resolve [post]
func (h *adminHandlers) resolveReport(c echo.Context) error {
	r, err := h.svc.ResolveReport(c.Request().Context(), actor(c), c.Param("org"), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, reportDTO(r, h.svc.Now()))
}
