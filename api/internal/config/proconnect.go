package config

import (
	"errors"
	"net/url"
	"slices"
	"strings"
)

// ProConnect configures sign-in with ProConnect, the French public agents'
// OpenID Connect federation. Issuer empty: off.
type ProConnect struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	Scopes       []string
	// ACR is sent as acr_values when set (e.g. eidas1).
	ACR string
}

// Enabled reports whether sign-in with ProConnect is on.
func (p ProConnect) Enabled() bool { return p.Issuer != "" }

// ProConnectCallbackPath is where ProConnect sends the agent back: the
// redirect URL registered with it is AIGUILLAGE_PUBLIC_URL followed by it.
const ProConnectCallbackPath = "/api/v1/auth/proconnect/callback"

// loadProConnect reads the AIGUILLAGE_PROCONNECT_* settings: the issuer,
// client id and client secret are all set, or none (ProConnect off).
func (c *Config) loadProConnect(must func(string) string) []error {
	p := ProConnect{
		Issuer:       strings.TrimRight(strings.TrimSpace(must("AIGUILLAGE_PROCONNECT_ISSUER")), "/"),
		ClientID:     strings.TrimSpace(must("AIGUILLAGE_PROCONNECT_CLIENT_ID")),
		ClientSecret: strings.TrimSpace(must("AIGUILLAGE_PROCONNECT_CLIENT_SECRET")),
		Scopes:       strings.Fields(must("AIGUILLAGE_PROCONNECT_SCOPES")),
		ACR:          strings.TrimSpace(must("AIGUILLAGE_PROCONNECT_ACR")),
	}
	set := map[string]bool{"AIGUILLAGE_PROCONNECT_ISSUER": p.Issuer != "", "AIGUILLAGE_PROCONNECT_CLIENT_ID": p.ClientID != "",
		"AIGUILLAGE_PROCONNECT_CLIENT_SECRET": p.ClientSecret != ""}
	var have, lack []string
	for _, name := range []string{"AIGUILLAGE_PROCONNECT_ISSUER", "AIGUILLAGE_PROCONNECT_CLIENT_ID", "AIGUILLAGE_PROCONNECT_CLIENT_SECRET"} {
		if set[name] {
			have = append(have, name)
		} else {
			lack = append(lack, name)
		}
	}
	switch {
	case len(have) == 0:
		if p.ACR != "" {
			return []error{errors.New("AIGUILLAGE_PROCONNECT_ACR is set but ProConnect is off: set AIGUILLAGE_PROCONNECT_ISSUER, _CLIENT_ID and _CLIENT_SECRET, or unset it")}
		}
		return nil
	case len(lack) > 0:
		return []error{errors.New("ProConnect is half configured: " + strings.Join(have, ", ") + " set but " + strings.Join(lack, ", ") +
			" empty; set all three (sign-in with ProConnect) or none (off)")}
	}
	var errs []error
	if u, err := url.Parse(p.Issuer); err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" ||
		(u.Scheme != "https" && !(u.Scheme == "http" && loopbackURL(p.Issuer))) {
		errs = append(errs, errors.New("AIGUILLAGE_PROCONNECT_ISSUER: want an https URL such as https://auth.proconnect.gouv.fr/api/v2 (http only on a loopback address, for tests)"))
	}
	if !slices.Contains(p.Scopes, "openid") || !slices.Contains(p.Scopes, "email") {
		errs = append(errs, errors.New("AIGUILLAGE_PROCONNECT_SCOPES: openid and email are required"))
	}
	if u, err := url.Parse(c.PublicURL); err == nil && u.Scheme != "https" && !loopbackURL(c.PublicURL) {
		errs = append(errs, errors.New("AIGUILLAGE_PROCONNECT_ISSUER: sign-in with ProConnect needs AIGUILLAGE_PUBLIC_URL in https (its callback), or a local address (development)"))
	}
	c.ProConnect = p
	return errs
}
