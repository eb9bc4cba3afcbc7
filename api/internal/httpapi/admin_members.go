package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// Member is a user's membership in an organisation.
type Member struct {
	UserID       string `json:"user_id" format:"uuid"`
	Email        string `json:"email"`
	Organisation string `json:"organisation" example:"var"`
	Role         string `json:"role" enums:"admin,editor,viewer"`
	Since        string `json:"since"`
} // @name Member

// MemberList lists members.
type MemberList struct {
	Members []Member `json:"members"`
} // @name MemberList

// RoleRequest changes a member's role.
type RoleRequest struct {
	Role string `json:"role" enums:"admin,editor,viewer"`
} // @name RoleRequest

// InvitationRequest invites someone.
type InvitationRequest struct {
	Email string `json:"email" example:"collegue@exemple.fr"`
	Role  string `json:"role" enums:"admin,editor,viewer"`
} // @name InvitationRequest

// InvitationResponse is the invitation link to hand over (no e-mail is sent).
type InvitationResponse struct {
	ID        string `json:"id" format:"uuid"`
	Email     string `json:"email"`
	Role      string `json:"role"`
	ExpiresAt string `json:"expires_at"`
	// Token is shown once; the link carries it.
	Token string `json:"token"`
	URL   string `json:"url"`
} // @name InvitationResponse

// AuditEntry is one write in the audit log.
type AuditEntry struct {
	At         string            `json:"at"`
	UserEmail  string            `json:"user_email"`
	Action     string            `json:"action" example:"update"`
	EntityType string            `json:"entity_type" example:"contact_point"`
	EntityID   string            `json:"entity_id"`
	Changes    map[string][2]any `json:"changes" swaggertype:"object"`
} // @name AuditEntry

// AuditList is one page of the audit log.
type AuditList struct {
	Total   int          `json:"total"`
	Entries []AuditEntry `json:"entries"`
} // @name AuditList

// Me is the authenticated user with their organisations.
type Me struct {
	UserID        string   `json:"user_id" format:"uuid"`
	Email         string   `json:"email"`
	PlatformAdmin bool     `json:"platform_admin"`
	Memberships   []Member `json:"memberships"`
} // @name Me

func memberDTO(m *domain.Membership) Member {
	return Member{UserID: m.UserID, Email: m.Email, Organisation: m.OrganisationSlug, Role: string(m.Role), Since: m.CreatedAt.Format(time.RFC3339)}
}

// me godoc
//
//	@Summary	The authenticated user and their organisations
//	@Tags		admin
//	@Security	BearerAuth
//	@Produce	json
//	@Success	200	{object}	Me
//	@Failure	401	{object}	Problem
//	@Router		/api/v1/admin/me [get]
func (h *adminHandlers) me(c echo.Context) error {
	a := actor(c)
	ms, err := h.svc.MembershipsOf(c.Request().Context(), a)
	if err != nil {
		return err
	}
	out := Me{UserID: a.UserID, Email: a.Email, PlatformAdmin: a.PlatformAdmin, Memberships: make([]Member, len(ms))}
	for i, m := range ms {
		out.Memberships[i] = memberDTO(m)
	}
	return c.JSON(http.StatusOK, out)
}

// listMembers godoc
//
//	@Summary	Members of an organisation (admins)
//	@Tags		admin
//	@Security	BearerAuth
//	@Produce	json
//	@Param		org	path		string	true	"Organisation slug"
//	@Success	200	{object}	MemberList
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/admin/organisations/{org}/members [get]
func (h *adminHandlers) listMembers(c echo.Context) error {
	ms, err := h.svc.Members(c.Request().Context(), actor(c), c.Param("org"))
	if err != nil {
		return err
	}
	out := MemberList{Members: make([]Member, len(ms))}
	for i, m := range ms {
		out.Members[i] = memberDTO(m)
	}
	return c.JSON(http.StatusOK, out)
}

// setMemberRole godoc
//
//	@Summary	Change a member's role (admins)
//	@Tags		admin
//	@Security	BearerAuth
//	@Accept		json
//	@Produce	json
//	@Param		org		path		string		true	"Organisation slug"
//	@Param		user	path		string		true	"User id"	format(uuid)
//	@Param		body	body		RoleRequest	true	"New role"
//	@Success	200		{object}	Member
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	403		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Failure	409		{object}	Problem	"Last admin"
//	@Router		/api/v1/admin/organisations/{org}/members/{user} [patch]
func (h *adminHandlers) setMemberRole(c echo.Context) error {
	var req RoleRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	m, err := h.svc.SetMemberRole(c.Request().Context(), actor(c), c.Param("org"), c.Param("user"), domain.Role(req.Role))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, memberDTO(m))
}

// removeMember godoc
//
//	@Summary	Remove a member (admins)
//	@Tags		admin
//	@Security	BearerAuth
//	@Param		org		path	string	true	"Organisation slug"
//	@Param		user	path	string	true	"User id"	format(uuid)
//	@Success	204
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Failure	409	{object}	Problem	"Last admin"
//	@Router		/api/v1/admin/organisations/{org}/members/{user} [delete]
func (h *adminHandlers) removeMember(c echo.Context) error {
	if err := h.svc.RemoveMember(c.Request().Context(), actor(c), c.Param("org"), c.Param("user")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// invite godoc
//
//	@Summary		Invite someone (admins)
//	@Description	Returns a single-use link valid 7 days, to hand over by any means (no e-mail is sent): the admin app's invitation page (AIGUILLAGE_ADMIN_URL, by default the public URL + /admin, then /invitation#token).
//	@Tags			admin
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			org		path		string				true	"Organisation slug"
//	@Param			body	body		InvitationRequest	true	"Who and with which role"
//	@Success		201		{object}	InvitationResponse
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Router			/api/v1/admin/organisations/{org}/invitations [post]
func (h *adminHandlers) invite(c echo.Context) error {
	var req InvitationRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	inv, token, err := h.svc.Invite(c.Request().Context(), actor(c), c.Param("org"), req.Email, domain.Role(req.Role))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, InvitationResponse{ID: inv.ID, Email: inv.Email, Role: string(inv.Role),
		ExpiresAt: inv.ExpiresAt.Format(time.RFC3339), Token: token, URL: h.adminURL + "/invitation#" + token})
}

// auditLog godoc
//
//	@Summary	Audit log of an organisation (admins), newest first
//	@Tags		admin
//	@Security	BearerAuth
//	@Produce	json
//	@Param		org		path		string	true	"Organisation slug"
//	@Param		limit	query		int		false	"Page size"		minimum(1)	maximum(200)	default(50)
//	@Param		offset	query		int		false	"Page start"	minimum(0)	default(0)
//	@Success	200		{object}	AuditList
//	@Failure	401		{object}	Problem
//	@Failure	403		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Router		/api/v1/admin/organisations/{org}/audit [get]
func (h *adminHandlers) auditLog(c echo.Context) error {
	var v domain.Validation
	offset, limit := pageParams(c, &v)
	if err := v.Err("Paramètres invalides."); err != nil {
		return err
	}
	es, total, err := h.svc.AuditLog(c.Request().Context(), actor(c), c.Param("org"), domain.Page{Offset: offset, Limit: limit})
	if err != nil {
		return err
	}
	out := AuditList{Total: total, Entries: make([]AuditEntry, len(es))}
	for i, e := range es {
		out.Entries[i] = AuditEntry{At: e.CreatedAt.Format(time.RFC3339), UserEmail: e.UserEmail, Action: e.Action,
			EntityType: e.EntityType, EntityID: e.EntityID, Changes: e.Changes}
	}
	return c.JSON(http.StatusOK, out)
}
