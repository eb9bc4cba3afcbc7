package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"strings"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/commons/data"
	"github.com/aiguillage/aiguillage/api/internal/config"
	"github.com/aiguillage/aiguillage/api/internal/directory"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/geo"
	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/orientation"
	"github.com/aiguillage/aiguillage/api/internal/store"
)

// demoAccount is a référent of a demo partner. Its password is published in
// the README: it can log in only when AIGUILLAGE_DEMO_MODE=true.
type demoAccount struct {
	Email, Password, Org string
	Role                 domain.Role
	PlatformAdmin        bool
}

var demoAccounts = []demoAccount{
	{"plateforme@demo.aiguillage.fr", "demo-plateforme-2026", "", "", true},
	{"admin@var.demo.aiguillage.fr", "demo-var-admin-2026", "var", domain.RoleAdmin, false},
	{"editeur@var.demo.aiguillage.fr", "demo-var-editeur-2026", "var", domain.RoleEditor, false},
	{"lecteur@var.demo.aiguillage.fr", "demo-var-lecteur-2026", "var", domain.RoleViewer, false},
	{"admin@lille.demo.aiguillage.fr", "demo-lille-admin-2026", "lille", domain.RoleAdmin, false},
}

// shownDemoAccounts are the demo accounts the sign-in page offers
// (GET /api/v1/auth/providers): only in demo mode, the only one in which
// they may log in.
func shownDemoAccounts(demoMode bool) []httpapi.DemoAccount {
	if !demoMode {
		return nil
	}
	out := make([]httpapi.DemoAccount, len(demoAccounts))
	for i, a := range demoAccounts {
		out[i] = httpapi.DemoAccount{Email: a.Email, Password: a.Password, Role: a.label()}
	}
	return out
}

// label says in French what the account may do.
func (a demoAccount) label() string {
	switch {
	case a.PlatformAdmin:
		return "Administrateur de la plateforme"
	case a.Role == domain.RoleAdmin:
		return "Administrateur de " + a.Org
	case a.Role == domain.RoleEditor:
		return "Éditeur de " + a.Org
	case a.Role == domain.RoleViewer:
		return "Lecteur de " + a.Org
	}
	return string(a.Role) + " de " + a.Org
}

func runUser(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: aiguillage user create --email E [--org SLUG --role ROLE] [--platform-admin] [--password-file F]")
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(stdout)
	email := fs.String("email", "", "e-mail address of the account")
	org := fs.String("org", "", "slug of the organisation to join")
	role := fs.String("role", "", "role in that organisation: admin, editor or viewer")
	platformAdmin := fs.Bool("platform-admin", false, "manages every organisation and the national commons")
	passwordFile := fs.String("password-file", "", "file holding the password (default: generate one and print it)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *email == "" || (*org == "") != (*role == "") || (*org == "" && !*platformAdmin) {
		return errors.New("user create needs --email, and --org with --role, or --platform-admin")
	}
	password, generated := "", false
	if *passwordFile != "" {
		b, err := os.ReadFile(*passwordFile)
		if err != nil {
			return fmt.Errorf("--password-file: %w", err)
		}
		password = strings.TrimRight(string(b), "\r\n")
	} else {
		password, generated = rand.Text(), true
	}
	return withReadyStore(ctx, cfg, log, func(s *store.Store, ref *geo.Reference) error {
		svc, err := newServices(cfg, log, s, ref)
		if err != nil {
			return err
		}
		u, err := svc.acc.CreateUser(ctx, *email, password, *org, domain.Role(*role), *platformAdmin, false)
		if err != nil {
			var de *domain.Error
			if errors.As(err, &de) && len(de.Fields) > 0 {
				msgs := make([]string, len(de.Fields))
				for i, f := range de.Fields {
					msgs[i] = f.Field + " : " + f.Message
				}
				return fmt.Errorf("%s %s", de.Message, strings.Join(msgs, " ; "))
			}
			return err
		}
		fmt.Fprintf(stdout, "Compte %s prêt (id %s)\n", u.Email, u.ID)
		if generated {
			fmt.Fprintf(stdout, "Mot de passe (affiché une seule fois) : %s\n", password)
		}
		return nil
	})
}

// seedJourneys publishes the demo journeys shipped in the commons data.
func seedJourneys(ctx context.Context, s *store.Store, ref *geo.Reference, cfg *config.Config, log *slog.Logger) (int, error) {
	services, err := newServices(cfg, log, s, ref)
	if err != nil {
		return 0, err
	}
	svc := orientation.New(s, directory.New(s, ref, services.knownPivot), services.adm, ref, services.knownPivot, time.Now)
	entries, err := fs.ReadDir(data.FS, data.Journeys)
	if err != nil {
		return 0, fmt.Errorf("demo journeys: %w", err)
	}
	changed := 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		b, err := data.FS.ReadFile(path.Join(data.Journeys, e.Name()))
		if err != nil {
			return 0, err
		}
		var f orientation.SeedFile
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			return 0, fmt.Errorf("demo journey %s: %w", e.Name(), err)
		}
		ok, err := svc.Seed(ctx, f, "demo@aiguillage.fr")
		if err != nil {
			return 0, fmt.Errorf("demo journey %s: %w", e.Name(), err)
		}
		if ok {
			changed++
		}
	}
	return changed, nil
}
