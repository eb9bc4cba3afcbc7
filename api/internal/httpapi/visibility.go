package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// Agent mode: the public reads that embed contact points (a contact point,
// a list, an outcome, a preview's outcome, a search) answer a signed-in
// agent who asks with mode=agent and an access token (Authorization:
// Bearer …) with the contact points and channels reserved to agents too.
// Such answers are private: Cache-Control "private, no-store", Vary
// Authorization, and never read from nor written to the response cache.
// Without mode=agent the answer is the public one, token or not.

// modeParam is the query parameter that asks for agent mode.
const modeParam = "mode"

// viewerKey holds the domain.Viewer of an agent-mode request.
const viewerKey = "aiguillage.viewer"

// agentModeRequest reports whether a request asks for agent mode.
func agentModeRequest(r *http.Request) bool {
	return r.URL.Query().Get(modeParam) == "agent"
}

// agentViewers recognises the agents on public reads.
type agentViewers struct {
	accounts Accounts
	// memberships lists a user's organisations (nil: none are known, and
	// only what is reserved to all agents is shown).
	memberships func(ctx context.Context, userID string) ([]*domain.Membership, error)
}

// mode authenticates the agent of a request with mode=agent (401
// problem+json without a valid access token) and makes its answer
// private; a request without it goes on as a public one.
func (a *agentViewers) mode(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !agentModeRequest(c.Request()) {
			return next(c)
		}
		h := c.Response().Header()
		h.Set(echo.HeaderCacheControl, "private, no-store")
		h.Add(echo.HeaderVary, echo.HeaderAuthorization)
		token, ok := strings.CutPrefix(c.Request().Header.Get(echo.HeaderAuthorization), "Bearer ")
		if !ok || strings.TrimSpace(token) == "" || a == nil || a.accounts == nil {
			h.Set("WWW-Authenticate", `Bearer realm="aiguillage"`)
			return domain.Errorf(domain.EUNAUTHORIZED, "Le mode agent demande d'être connecté : envoyez le jeton d'accès de votre session (en-tête Authorization: Bearer <jeton>), ou retirez mode=agent pour la réponse publique.")
		}
		ctx := c.Request().Context()
		u, err := a.accounts.Authenticate(ctx, strings.TrimSpace(token))
		if err != nil {
			h.Set("WWW-Authenticate", `Bearer realm="aiguillage", error="invalid_token"`)
			if domain.ErrorCode(err) == domain.EUNAUTHORIZED {
				return domain.Errorf(domain.EUNAUTHORIZED, "Mode agent refusé. %s (Sans mode=agent, la réponse est la réponse publique.)", domain.ErrorMessage(err))
			}
			return err
		}
		v := domain.Viewer{Agent: true, UserID: u.ID, PlatformAdmin: u.PlatformAdmin}
		if a.memberships != nil {
			ms, err := a.memberships(ctx, u.ID)
			if err != nil {
				return err
			}
			for _, m := range ms {
				v.Organisations = append(v.Organisations, m.OrganisationID)
			}
		}
		c.Set(viewerKey, v)
		return next(c)
	}
}

// viewer returns who a public read is answered for: the agent authenticated
// by mode, else the public.
func viewer(c echo.Context) domain.Viewer {
	v, _ := c.Get(viewerKey).(domain.Viewer)
	return v
}

// withVisibility marks a contact point and its channels with their
// visibility (the back office, and agent-mode answers). out must have been
// made from c (one channel of out per channel of c, in order).
func withVisibility(out ContactPoint, c *domain.ContactPoint) ContactPoint {
	out.Visibility = string(c.Visibility.Or())
	for i := range out.Channels {
		if i < len(c.Channels) {
			out.Channels[i].Visibility = string(c.Channels[i].Visibility.Or())
		}
	}
	return out
}

// forViewer adapts a public answer's contact point, made from c, to its
// viewer. An agent sees every item marked with its visibility. For the
// public, the services leave nothing reserved to agents; as a second lock
// any channel reserved to agents is dropped here all the same, and no
// visibility is shown.
func forViewer(out ContactPoint, c *domain.ContactPoint, v domain.Viewer) ContactPoint {
	if v.Agent {
		return withVisibility(out, c)
	}
	out.Visibility = ""
	kept := out.Channels[:0:0]
	for i, ch := range out.Channels {
		if i < len(c.Channels) && !c.Channels[i].Visibility.IsPublic() {
			continue
		}
		ch.Visibility = ""
		kept = append(kept, ch)
	}
	out.Channels = kept
	return out
}
