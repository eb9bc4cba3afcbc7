package httpapi

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/impact"
	"github.com/aiguillage/aiguillage/api/internal/portals"
)

// PortalKeys authenticates the API keys of third-party portals.
type PortalKeys interface {
	// Authenticate returns the portal whose key this is, or an
	// EUNAUTHORIZED error when the key is malformed, unknown or revoked.
	Authenticate(ctx context.Context, key string) (*domain.Portal, error)
}

type portalHandlers struct {
	svc    *portals.Service
	impact *impact.Service
	// requests: nil when the requests with a key are not counted.
	requests *portals.RequestCounter
	now      func() time.Time
}

// PortalRequest creates a third-party portal and its API key.
type PortalRequest struct {
	// Name of the portal, shown in the back office and the statistics.
	Name string `json:"name" minLength:"1" maxLength:"120" example:"Portail des aidants du Var"`
	// ContactEmail of the portal's technical contact, optional; shown to platform admins only, never logged.
	ContactEmail string `json:"contact_email,omitempty" example:"technique@exemple.fr"`
	// RateMultiplier multiplies the public rate limits of one address for the requests carrying the key (default 10).
	RateMultiplier *int `json:"rate_multiplier,omitempty" minimum:"1" maximum:"100" example:"10"`
} // @name PortalRequest

// Portal is a third-party portal and its API key's public details: never the key's secret nor its hash.
type Portal struct {
	ID           string `json:"id" format:"uuid"`
	Name         string `json:"name"`
	ContactEmail string `json:"contact_email,omitempty"`
	// KeyPrefix identifies the key: its first characters after « agk_ ».
	KeyPrefix      string  `json:"key_prefix" example:"3f9a0c1e"`
	RateMultiplier int     `json:"rate_multiplier" example:"10"`
	CreatedAt      string  `json:"created_at" format:"date-time"`
	LastUsedAt     *string `json:"last_used_at,omitempty" format:"date-time"`
	RevokedAt      *string `json:"revoked_at,omitempty" format:"date-time"`
	Revoked        bool    `json:"revoked"`
} // @name Portal

// PortalList lists the portals, newest first.
type PortalList struct {
	Portals []Portal `json:"portals"`
} // @name PortalList

// CreatedPortal is a new portal with its API key, shown this once: only its hash is kept.
type CreatedPortal struct {
	Portal Portal `json:"portal"`
	// APIKey goes in the X-API-Key header of the portal's requests to the public API.
	APIKey string `json:"api_key" example:"agk_3f9a0c1e_5mYb1cG9tJkq0i0bV1aQm6zXr3n8KpL2wHs7dEf4uTo"`
} // @name CreatedPortal

// PortalUsage are a portal's impact indicators over a period.
type PortalUsage struct {
	// ID is empty for the usage without API key (the widget and anonymous callers).
	ID        string      `json:"id,omitempty" format:"uuid"`
	Name      string      `json:"name"`
	KeyPrefix string      `json:"key_prefix,omitempty"`
	Revoked   bool        `json:"revoked"`
	Totals    StatsTotals `json:"totals"`
	// Requests made to the public API with the portal's key; absent for the usage without key (not counted).
	Requests *PortalRequestCounts `json:"requests,omitempty"`
} // @name PortalUsage

// PortalRequestCounts are the requests a portal made to the public API with its key over a period (every server adds its counts to the database every 30 seconds). Counts only: no query text, no address.
type PortalRequestCounts struct {
	Total int64 `json:"total" example:"1520"`
	// Success: answered 2xx or 3xx (304 Not Modified included).
	Success int64 `json:"success" example:"1490"`
	// ClientErrors: answered 4xx, rate limit refusals (429) included.
	ClientErrors int64 `json:"client_errors" example:"28"`
	// ServerErrors: answered 5xx.
	ServerErrors int64 `json:"server_errors" example:"2"`
	// ByFamily: every family of endpoints, in a fixed order, with its requests.
	ByFamily []PortalRequestFamily `json:"by_family"`
} // @name PortalRequestCounts

// PortalRequestFamily counts the requests to one family of endpoints of the public API.
type PortalRequestFamily struct {
	// Family: search (/search), journeys (/organisations/{slug}/journeys/…), outcomes (/outcomes/…), contact-points (/contact-points…), communes (/communes), organisations (/organisations/{slug}, its logo and themes), emergency (/emergency), other (pivots, statistics, usage events, feedback, previews…).
	Family   string `json:"family" enums:"search,journeys,outcomes,contact-points,communes,organisations,emergency,other"`
	Requests int64  `json:"requests" example:"640"`
} // @name PortalRequestFamily

func requestCountsDTO(t *portals.RequestTotals) *PortalRequestCounts {
	if t == nil {
		t = &portals.RequestTotals{}
	}
	out := &PortalRequestCounts{Total: t.Total(), Success: t.Class(domain.Status2xx) + t.Class(domain.Status3xx),
		ClientErrors: t.Class(domain.Status4xx), ServerErrors: t.Class(domain.Status5xx),
		ByFamily: make([]PortalRequestFamily, domain.NumRequestFamilies)}
	for f := range domain.NumRequestFamilies {
		out.ByFamily[f] = PortalRequestFamily{Family: f.String(), Requests: t.Family(f)}
	}
	return out
}

// PortalUsageList breaks usage down by portal over a period.
type PortalUsageList struct {
	From string `json:"from" format:"date"`
	To   string `json:"to" format:"date"`
	// Portals: every portal (revoked ones included), then the usage without key.
	Portals []PortalUsage `json:"portals"`
} // @name PortalUsageList

func (r *PortalRequestCounts) total() int64 {
	if r == nil {
		return 0
	}
	return r.Total
}

func timeString(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func portalDTO(p *domain.Portal) Portal {
	return Portal{ID: p.ID, Name: p.Name, ContactEmail: p.ContactEmail, KeyPrefix: p.KeyPrefix, RateMultiplier: p.RateMultiplier,
		CreatedAt: p.CreatedAt.UTC().Format(time.RFC3339), LastUsedAt: timeString(p.LastUsedAt), RevokedAt: timeString(p.RevokedAt),
		Revoked: p.Revoked()}
}

// listPortals godoc
//
//	@Summary		Third-party portals and their API keys (platform admins)
//	@Description	Every portal, newest first, with its key's prefix, last use (recorded at most once a minute) and revocation. Never the key's secret nor its hash.
//	@Tags			admin
//	@Security		BearerAuth
//	@Produce		json
//	@Success		200	{object}	PortalList
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Router			/api/v1/admin/portals [get]
func (h *portalHandlers) list(c echo.Context) error {
	ps, err := h.svc.List(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	out := PortalList{Portals: make([]Portal, len(ps))}
	for i, p := range ps {
		out.Portals[i] = portalDTO(p)
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusOK, out)
}

// createPortal godoc
//
//	@Summary		Create a third-party portal and its API key (platform admins)
//	@Description	Draws the portal's API key (agk_ + an 8-character prefix + _ + a 43-character secret) and returns it this once: only the SHA-256 of its secret is stored. The portal sends it in the X-API-Key header to get raised public rate limits and its usage attributed in the statistics.
//	@Tags			admin
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		PortalRequest	true	"The portal"
//	@Success		201		{object}	CreatedPortal
//	@Failure		400		{object}	Problem	"A field is missing or invalid, or an unknown field was sent"
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Router			/api/v1/admin/portals [post]
func (h *portalHandlers) create(c echo.Context) error {
	var req PortalRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	p, key, err := h.svc.Create(c.Request().Context(), actor(c), portals.CreateInput{Name: req.Name, ContactEmail: req.ContactEmail, RateMultiplier: req.RateMultiplier})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusCreated, CreatedPortal{Portal: portalDTO(p), APIKey: key})
}

// revokePortal godoc
//
//	@Summary		Revoke a portal's API key (platform admins)
//	@Description	From then on, requests carrying the key are refused with 401 by every server within a second. Revoking a revoked key changes nothing. The portal stays listed, and its figures in the statistics.
//	@Tags			admin
//	@Security		BearerAuth
//	@Produce		json
//	@Param			id	path		string	true	"Portal id"	format(uuid)
//	@Success		200	{object}	Portal
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Router			/api/v1/admin/portals/{id}/revoke [post]
func (h *portalHandlers) revoke(c echo.Context) error {
	p, err := h.svc.Revoke(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, portalDTO(p))
}

// portalUsage godoc
//
//	@Summary		Usage by third-party portal (platform admins)
//	@Description	The impact indicators of a period (default: the last 30 days; at most 731 days) for each portal, revoked ones included, then for the usage without API key; and, for each portal, the requests it made to the public API with its key, by family of endpoints (written every 30 seconds by each server: the last seconds may be missing). Aggregated counts only: no search text, no address, nothing about a resident.
//	@Tags			admin
//	@Security		BearerAuth
//	@Produce		json
//	@Param			from	query		string	false	"First day (YYYY-MM-DD, Europe/Paris)"	format(date)
//	@Param			to		query		string	false	"Last day (YYYY-MM-DD), default today"	format(date)
//	@Success		200		{object}	PortalUsageList
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Router			/api/v1/admin/portals/stats [get]
func (h *portalHandlers) usage(c echo.Context) error {
	ctx := c.Request().Context()
	ps, err := h.svc.List(ctx, actor(c))
	if err != nil {
		return err
	}
	period, err := impact.ParsePeriod(c.QueryParam("from"), c.QueryParam("to"), h.now(), impact.DefaultPeriodDays)
	if err != nil {
		return err
	}
	totals := map[string]*impact.Totals{}
	if h.impact != nil {
		if totals, err = h.impact.PortalUsage(ctx, period); err != nil {
			return err
		}
	}
	var requests map[string]*portals.RequestTotals
	if h.requests != nil {
		if requests, err = h.requests.Requests(ctx, period.From, period.To); err != nil {
			return err
		}
	}
	out := PortalUsageList{From: period.From, To: period.To, Portals: make([]PortalUsage, 0, len(ps)+1)}
	for _, p := range ps {
		u := PortalUsage{ID: p.ID, Name: p.Name, KeyPrefix: p.KeyPrefix, Revoked: p.Revoked()}
		if t := totals[p.ID]; t != nil {
			u.Totals = totalsDTO(*t)
		} else {
			u.Totals = totalsDTO(impact.Totals{})
		}
		if h.requests != nil {
			u.Requests = requestCountsDTO(requests[p.ID])
		}
		out.Portals = append(out.Portals, u)
	}
	// Widget usage first, then the calls to the API.
	slices.SortStableFunc(out.Portals, func(a, b PortalUsage) int {
		return cmp.Or(cmp.Compare(b.Totals.Loads+b.Totals.Searches, a.Totals.Loads+a.Totals.Searches), cmp.Compare(b.Requests.total(), a.Requests.total()))
	})
	anon := PortalUsage{Name: "Sans clé d'API"}
	if t := totals[""]; t != nil {
		anon.Totals = totalsDTO(*t)
	} else {
		anon.Totals = totalsDTO(impact.Totals{})
	}
	out.Portals = append(out.Portals, anon)
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusOK, out)
}
