package domain

import (
	"slices"
	"strings"
)

// Visibility says who may see a contact point or one of its channels.
type Visibility string

const (
	// VisibilityPublic: everyone, residents included (the default; the
	// empty value means the same).
	VisibilityPublic Visibility = "public"
	// VisibilityOrganisationAgents: the signed-in members of the contact
	// point's organisation (and the platform admins), in agent mode.
	VisibilityOrganisationAgents Visibility = "organisation_agents"
	// VisibilityAllAgents: every signed-in user, in agent mode.
	VisibilityAllAgents Visibility = "all_agents"
)

// Visibilities lists every valid visibility.
var Visibilities = []Visibility{VisibilityPublic, VisibilityOrganisationAgents, VisibilityAllAgents}

// IsPublic reports whether v lets everyone see (empty is public).
func (v Visibility) IsPublic() bool { return v == "" || v == VisibilityPublic }

// Or returns v, or public when v is empty: the value the API shows.
func (v Visibility) Or() Visibility {
	if v == "" {
		return VisibilityPublic
	}
	return v
}

func validVisibility(v Visibility) bool { return v == "" || slices.Contains(Visibilities, v) }

func validateVisibility(v *Validation, field string, vis Visibility) {
	if !validVisibility(vis) {
		names := make([]string, len(Visibilities))
		for i, x := range Visibilities {
			names[i] = string(x)
		}
		v.Add(field, "doit valoir l'un de : %s", strings.Join(names, ", "))
	}
}

// Viewer is who a public answer is made for: the public (the zero Viewer),
// or a signed-in agent asking in agent mode, who may also see the contact
// points and channels reserved to agents.
type Viewer struct {
	// Agent is true for a signed-in user asking in agent mode.
	Agent bool
	// UserID is the agent's account (never recorded with what they ask).
	UserID string
	// PlatformAdmin sees what every organisation reserves to its agents.
	PlatformAdmin bool
	// Organisations are the IDs of the organisations the agent is a member of.
	Organisations []string
}

// May reports whether the viewer may see an item of visibility vis that
// belongs to the organisation orgID. An unknown visibility hides.
func (w Viewer) May(vis Visibility, orgID string) bool {
	switch {
	case vis.IsPublic():
		return true
	case !w.Agent:
		return false
	case vis == VisibilityAllAgents:
		return true
	case vis == VisibilityOrganisationAgents:
		return w.PlatformAdmin || slices.Contains(w.Organisations, orgID)
	}
	return false
}

// Sees reports whether the viewer may see the contact point at all.
func (w Viewer) Sees(c *ContactPoint) bool { return w.May(c.Visibility, c.OrganisationID) }

// Visible returns c as the viewer may see it: nil when the contact point
// is hidden from the viewer, else c itself, or a copy of it without the
// channels hidden from the viewer (c is never modified).
func (w Viewer) Visible(c *ContactPoint) *ContactPoint {
	if c == nil || !w.Sees(c) {
		return nil
	}
	if !slices.ContainsFunc(c.Channels, func(ch Channel) bool { return !w.May(ch.Visibility, c.OrganisationID) }) {
		return c
	}
	cp := *c
	cp.Channels = make([]Channel, 0, len(c.Channels))
	for _, ch := range c.Channels {
		if w.May(ch.Visibility, c.OrganisationID) {
			cp.Channels = append(cp.Channels, ch)
		}
	}
	return &cp
}

// AgentOnly reports whether the contact point or one of its channels is
// reserved to agents.
func (c *ContactPoint) AgentOnly() bool {
	return !c.Visibility.IsPublic() || slices.ContainsFunc(c.Channels, func(ch Channel) bool { return !ch.Visibility.IsPublic() })
}
