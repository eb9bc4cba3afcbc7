package domain_test

import (
	"slices"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

func TestViewerMay(t *testing.T) {
	const own, other = "org-a", "org-b"
	public := domain.Viewer{}
	agentA := domain.Viewer{Agent: true, UserID: "u", Organisations: []string{own}}
	agentB := domain.Viewer{Agent: true, UserID: "v", Organisations: []string{other}}
	platform := domain.Viewer{Agent: true, UserID: "p", PlatformAdmin: true}
	// A member of A who did not ask for agent mode is the public.
	memberNotAgent := domain.Viewer{Organisations: []string{own}}
	for _, c := range []struct {
		name   string
		viewer domain.Viewer
		vis    domain.Visibility
		want   bool
	}{
		{"public sees empty", public, "", true},
		{"public sees public", public, domain.VisibilityPublic, true},
		{"public, all agents", public, domain.VisibilityAllAgents, false},
		{"public, organisation agents", public, domain.VisibilityOrganisationAgents, false},
		{"member without agent mode", memberNotAgent, domain.VisibilityOrganisationAgents, false},
		{"agent of A, all agents", agentA, domain.VisibilityAllAgents, true},
		{"agent of A, A's agents", agentA, domain.VisibilityOrganisationAgents, true},
		{"agent of B, all agents", agentB, domain.VisibilityAllAgents, true},
		{"agent of B, A's agents", agentB, domain.VisibilityOrganisationAgents, false},
		{"platform admin, A's agents", platform, domain.VisibilityOrganisationAgents, true},
		{"unknown visibility hides", platform, "secret", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.viewer.May(c.vis, own); got != c.want {
				t.Errorf("May(%q) = %v, want %v", c.vis, got, c.want)
			}
		})
	}
}

func TestViewerVisible(t *testing.T) {
	c := validContactPoint()
	c.OrganisationID = "org-a"
	c.Channels = []domain.Channel{
		{Kind: domain.ChannelPhone, Value: "3230"},
		{Kind: domain.ChannelPhone, Value: "04 65 71 83 01", Visibility: domain.VisibilityOrganisationAgents},
		{Kind: domain.ChannelPhone, Value: "04 65 71 83 02", Visibility: domain.VisibilityAllAgents},
	}
	values := func(c *domain.ContactPoint) []string {
		var out []string
		for _, ch := range c.Channels {
			out = append(out, ch.Value)
		}
		return out
	}
	got := domain.Viewer{}.Visible(c)
	if !slices.Equal(values(got), []string{"3230"}) {
		t.Errorf("public sees %v", values(got))
	}
	if len(c.Channels) != 3 {
		t.Fatal("Visible modified its argument")
	}
	got = domain.Viewer{Agent: true, Organisations: []string{"org-b"}}.Visible(c)
	if !slices.Equal(values(got), []string{"3230", "04 65 71 83 02"}) {
		t.Errorf("agent of B sees %v", values(got))
	}
	if got := (domain.Viewer{Agent: true, Organisations: []string{"org-a"}}).Visible(c); got != c {
		t.Errorf("agent of A: a copy when nothing is hidden")
	}
	c.Visibility = domain.VisibilityOrganisationAgents
	if got := (domain.Viewer{Agent: true, Organisations: []string{"org-b"}}).Visible(c); got != nil {
		t.Errorf("agent of B sees a contact point reserved to A's agents")
	}
}

func TestValidateVisibility(t *testing.T) {
	for _, c := range []struct {
		name  string
		edit  func(*domain.ContactPoint)
		field string // "" when valid
	}{
		{"default", func(*domain.ContactPoint) {}, ""},
		{"agents only", func(c *domain.ContactPoint) { c.Visibility = domain.VisibilityAllAgents }, ""},
		{"unknown", func(c *domain.ContactPoint) { c.Visibility = "prive" }, "visibility"},
		{"unknown channel visibility", func(c *domain.ContactPoint) { c.Channels[0].Visibility = "prive" }, "channels[0].visibility"},
		{"public point, agents' lines only", func(c *domain.ContactPoint) { c.Channels[0].Visibility = domain.VisibilityAllAgents }, "channels"},
		{"agents' point, agents' lines only", func(c *domain.ContactPoint) {
			c.Visibility, c.Channels[0].Visibility = domain.VisibilityOrganisationAgents, domain.VisibilityOrganisationAgents
		}, ""},
		{"public point, a public line and an agents' one", func(c *domain.ContactPoint) {
			c.Channels = append(c.Channels, domain.Channel{Kind: domain.ChannelPhone, Value: "04 65 71 83 01", Visibility: domain.VisibilityAllAgents})
		}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			cp := validContactPoint()
			c.edit(cp)
			fields := fieldsOf(cp.Validate())
			if c.field == "" && len(fields) > 0 || c.field != "" && !slices.Contains(fields, c.field) {
				t.Errorf("fields %v, want %q", fields, c.field)
			}
		})
	}
}
