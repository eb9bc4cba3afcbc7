package httpapi_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// lockedBuffer collects log lines from concurrent requests.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestLogsCarryNoPersonalData logs every request at debug level through
// logins (good and bad), refreshes, admin reads and writes and public
// reads, then looks for what must never be logged: e-mail addresses,
// passwords, tokens, query strings, what a resident typed.
func TestLogsCarryNoPersonalData(t *testing.T) {
	var logs lockedBuffer
	e := newAdminEnv(t, storetest.New(t, store.SQLite), func(d *httpapi.Deps) {
		d.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	tr := e.login(t, "a-admin")
	e.do(t, http.MethodPost, "/api/v1/auth/login", "", `{"email":"a-viewer@exemple.fr","password":"un mauvais mot de passe secret"}`)
	e.do(t, http.MethodPost, "/api/v1/auth/login", "", `{"email":"inconnu@exemple.fr","password":"un autre secret"}`)
	refreshed := e.do(t, http.MethodPost, "/api/v1/auth/refresh", "", `{"refresh_token":"`+tr.RefreshToken+`"}`)
	e.do(t, http.MethodGet, "/api/v1/admin/organisations/partenaire-a/contact-points?q=Dupont", tr.AccessToken, "")
	e.do(t, http.MethodPost, "/api/v1/admin/organisations/partenaire-a/invitations", tr.AccessToken, `{"email":"invitee@exemple.fr","role":"viewer"}`)
	e.do(t, http.MethodGet, "/api/v1/public/contact-points?commune=83137&pivot=mds", "", "")
	e.send(http.MethodPost, "/api/v1/public/feedback", "", `{"partner":"partenaire-a","helpful":false,"comment":"Je m'appelle Jeanne Martin, 06 12 34 56 78"}`)
	e.send(http.MethodGet, "/api/v1/admin/me", "Bearer.forged", "")
	got := logs.String()
	if !strings.Contains(got, `"request"`) {
		t.Fatalf("no request logged:\n%s", got)
	}
	for _, secret := range []string{"@exemple.fr", testPassword, "mauvais mot de passe", tr.AccessToken, tr.RefreshToken,
		strings.SplitN(refreshed.Body.String(), `"`, 5)[3], "Dupont", "Jeanne", "06 12 34 56 78", "q=", "commune="} {
		if secret != "" && strings.Contains(got, secret) {
			t.Errorf("the logs hold %q:\n%s", secret, got)
		}
	}
}
