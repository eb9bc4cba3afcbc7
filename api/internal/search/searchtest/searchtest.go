// Package searchtest builds a search service over a fresh SQLite database
// holding the national commons, the service-public.fr fiches and the demo
// directory (optionally the whole national annuaire), for the evaluation
// harness, the benchmarks and the tests.
package searchtest

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/admin"
	"github.com/aiguillage/aiguillage/api/internal/commons"
	"github.com/aiguillage/aiguillage/api/internal/commons/data"
	"github.com/aiguillage/aiguillage/api/internal/directory"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/geo"
	"github.com/aiguillage/aiguillage/api/internal/importer"
	"github.com/aiguillage/aiguillage/api/internal/orientation"
	"github.com/aiguillage/aiguillage/api/internal/scalegen"
	"github.com/aiguillage/aiguillage/api/internal/search"
	"github.com/aiguillage/aiguillage/api/internal/store"
)

// National is the whole-of-France extract of the 2017 annuaire (46
// resident-facing kinds of office, 20,786 offices), compressed; see
// testdata/SOURCES.md.
//
//go:embed testdata/*.csv.gz
var National embed.FS

// NationalFile is its name inside National.
const NationalFile = "testdata/etablissements-publics-v1_2017-12_national_services-usagers.csv.gz"

// Env is a search service over its own database.
type Env struct {
	Store     *store.Store
	Reference *geo.Reference
	Directory *directory.Service
	Search    *search.Service
}

// Options choose what the database holds.
type Options struct {
	// Dir receives the SQLite file.
	Dir string
	// National imports the whole national annuaire extract too.
	National bool
	// Scale adds the synthetic national directory of the load benchmark
	// (scalegen: 10,000 contact points and 50 partners per unit), without
	// its usage events.
	Scale float64
	// Journeys publishes the demo partners' journeys too, as `aiguillage
	// demo` does: their outcomes are searchable with the partner.
	Journeys bool
	// StampEvery is how often the change stamp is polled (default 10 s).
	StampEvery time.Duration
	Logger     *slog.Logger
}

// Setup creates the database, loads the data and builds the index.
func Setup(ctx context.Context, opt Options) (*Env, error) {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	ref, err := geo.Load()
	if err != nil {
		return nil, err
	}
	s, err := store.Open(ctx, "sqlite://"+filepath.Join(opt.Dir, "search.db"), store.Options{Logger: opt.Logger})
	if err != nil {
		return nil, err
	}
	if _, err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if _, err := commons.LoadDemo(ctx, s, ref, opt.Logger); err != nil {
		s.Close()
		return nil, fmt.Errorf("load the demo data: %w", err)
	}
	if opt.National {
		org, err := s.FindOrganisationBySlug(ctx, domain.CommonsSlug)
		if err != nil {
			s.Close()
			return nil, err
		}
		if _, err := importer.ImportFS(ctx, National, NationalFile, importer.Options{Store: s, Communes: ref, OrganisationID: org.ID, Logger: opt.Logger}); err != nil {
			s.Close()
			return nil, fmt.Errorf("import the national annuaire: %w", err)
		}
	}
	if opt.Scale > 0 {
		// Events: -1 generates none (0 would mean "the default count").
		if _, err := scalegen.Generate(ctx, s, ref, scalegen.Options{Scale: opt.Scale, Events: -1, Seed: 1, NoRollUp: true, Logger: opt.Logger}); err != nil {
			s.Close()
			return nil, fmt.Errorf("generate the synthetic directory: %w", err)
		}
	}
	types, err := commons.PivotTypes()
	if err != nil {
		s.Close()
		return nil, err
	}
	sh, err := search.LoadShipped()
	if err != nil {
		s.Close()
		return nil, err
	}
	knownPivot := func(code string) bool { _, ok := types[code]; return ok }
	dir := directory.New(s, ref, knownPivot)
	if opt.Journeys {
		if err := seedJourneys(ctx, s, ref, dir, knownPivot); err != nil {
			s.Close()
			return nil, err
		}
	}
	svc := search.New(search.Options{Source: s, Directory: dir, Detector: sh.Detector, Lexicon: sh.Lexicon, Pivots: sh.Pivots, Misses: s,
		Generation: s.Generation, Stamp: s.ChangeStamp, StampEvery: opt.StampEvery, Logger: opt.Logger, Now: time.Now})
	if err := svc.Refresh(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return &Env{Store: s, Reference: ref, Directory: dir, Search: svc}, nil
}

// Close closes the database.
func (e *Env) Close() error { return e.Store.Close() }

// seedJourneys publishes the demo journeys shipped in the commons data.
func seedJourneys(ctx context.Context, s *store.Store, ref *geo.Reference, dir *directory.Service, knownPivot func(string) bool) error {
	svc := orientation.New(s, dir, admin.New(s, ref, knownPivot, time.Now), ref, knownPivot, time.Now)
	entries, err := fs.ReadDir(data.FS, data.Journeys)
	if err != nil {
		return fmt.Errorf("demo journeys: %w", err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		b, err := data.FS.ReadFile(path.Join(data.Journeys, e.Name()))
		if err != nil {
			return fmt.Errorf("demo journey %s: %w", e.Name(), err)
		}
		var f orientation.SeedFile
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			return fmt.Errorf("demo journey %s: %w", e.Name(), err)
		}
		if _, err := svc.Seed(ctx, f, "demo@aiguillage.fr"); err != nil {
			return fmt.Errorf("demo journey %s: %w", e.Name(), err)
		}
	}
	return nil
}
