package auth_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/aiguillage/aiguillage/api/internal/auth"
	"github.com/aiguillage/aiguillage/api/internal/testclock"
)

const previewAudience = "https://aiguillage.example.fr/api/v1/public/previews"

func newPreviews(t *testing.T, c *testclock.Clock, active string, keys ...testKey) *auth.PreviewTokens {
	t.Helper()
	var ks []auth.Key
	for _, k := range keys {
		ks = append(ks, k.key)
	}
	p, err := auth.NewPreviewTokens(issuer, previewAudience, ks, active, c.Now)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPreviewIssueVerify(t *testing.T) {
	c := newClock()
	k := genKey(t, "2026-03")
	p := newPreviews(t, c, "2026-03", k)
	tok, exp, err := p.Issue(auth.PreviewClaims{OrganisationID: "org-1", Journey: "logement"})
	if err != nil {
		t.Fatal(err)
	}
	if !exp.Equal(c.Now().Add(auth.PreviewTTL)) {
		t.Errorf("expires %v", exp)
	}
	got, err := p.Verify(tok)
	if err != nil || got.OrganisationID != "org-1" || got.Journey != "logement" {
		t.Fatalf("Verify = %+v, %v", got, err)
	}
	// Valid until the end of its life (and the leeway), then expired.
	c.Add(auth.PreviewTTL)
	if _, err := p.Verify(tok); err != nil {
		t.Fatalf("at expiry (within leeway): %v", err)
	}
	c.Add(auth.ClockLeeway + time.Second)
	if _, err := p.Verify(tok); !errors.Is(err, auth.ErrPreviewExpired) {
		t.Fatalf("after expiry: %v", err)
	}
	if _, _, err := p.Issue(auth.PreviewClaims{OrganisationID: "org-1"}); err == nil {
		t.Error("a token without journey was issued")
	}
}

// Preview tokens and access tokens come from the same key material but can
// never stand for one another, even with the same kid.
func TestPreviewTokensAreNotAccessTokens(t *testing.T) {
	c := newClock()
	k := genKey(t, "k1")
	ring := newRing(t, c, "k1", k)
	p := newPreviews(t, c, "k1", k)
	access, _, err := ring.Issue(auth.AccessClaims{UserID: "u1"})
	if err != nil {
		t.Fatal(err)
	}
	preview, _, err := p.Issue(auth.PreviewClaims{OrganisationID: "org-1", Journey: "j"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Verify(access); !errors.Is(err, auth.ErrPreviewInvalid) {
		t.Errorf("access token verified as a preview token: %v", err)
	}
	if _, err := ring.Verify(preview); !errors.Is(err, auth.ErrTokenInvalid) {
		t.Errorf("preview token verified as an access token: %v", err)
	}
	// A preview-shaped token signed with the access key itself (not the
	// derived one) is refused: the keys differ, not only the typ.
	forged := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims{
		"iss": issuer, "aud": previewAudience, "iat": c.Now().Unix(), "nbf": c.Now().Unix(),
		"exp": c.Now().Add(time.Minute).Unix(), "org": "org-1", "journey": "j",
	})
	forged.Header["typ"], forged.Header["kid"] = "preview+jwt", "k1"
	s, err := forged.SignedString(k.priv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Verify(s); !errors.Is(err, auth.ErrPreviewInvalid) {
		t.Errorf("token signed with the access key accepted: %v", err)
	}
}

func TestPreviewTampered(t *testing.T) {
	c := newClock()
	k := genKey(t, "k1")
	p := newPreviews(t, c, "k1", k)
	tok, _, err := p.Issue(auth.PreviewClaims{OrganisationID: "org-1", Journey: "j"})
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok, ".")
	other, _, _ := p.Issue(auth.PreviewClaims{OrganisationID: "org-2", Journey: "j"})
	swapped := parts[0] + "." + strings.Split(other, ".")[1] + "." + parts[2]
	for name, bad := range map[string]string{
		"payload of another token": swapped,
		"signature cut":            tok[:len(tok)-4],
		"empty":                    "",
		"garbage":                  "a.b.c",
	} {
		if _, err := p.Verify(bad); !errors.Is(err, auth.ErrPreviewInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Another server's keys (or another issuer) do not verify it.
	stranger := newPreviews(t, c, "k1", genKey(t, "k1"))
	if _, err := stranger.Verify(tok); !errors.Is(err, auth.ErrPreviewInvalid) {
		t.Errorf("verified with other keys: %v", err)
	}
}

// Preview keys rotate with the access-token keys: a token signed by the
// previous active key still verifies while that key is listed.
func TestPreviewKeyRotation(t *testing.T) {
	c := newClock()
	old, cur := genKey(t, "old"), genKey(t, "new")
	tok, _, err := newPreviews(t, c, "old", old).Issue(auth.PreviewClaims{OrganisationID: "o", Journey: "j"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newPreviews(t, c, "new", cur, old).Verify(tok); err != nil {
		t.Errorf("after rotation: %v", err)
	}
	if _, err := newPreviews(t, c, "new", cur).Verify(tok); !errors.Is(err, auth.ErrPreviewInvalid) {
		t.Errorf("after the old key was dropped: %v", err)
	}
	if _, err := auth.NewPreviewTokens(issuer, previewAudience, []auth.Key{cur.key}, "absent", c.Now); err == nil {
		t.Error("an absent active key was accepted")
	}
}
