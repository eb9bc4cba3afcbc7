package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/geo"
)

var update = flag.Bool("update", false, "rewrite testdata/want.tsv")

func gunzip(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "communes.tsv.gz")
	args := []string{"-decoupage", "testdata/decoupage", "-laposte", "testdata/laposte.csv", "-out", out}
	var stdout bytes.Buffer
	if err := run(context.Background(), args, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	first, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"8 communes, 2 municipal arrondissements, 3 former codes",
		"centre 1-own-code: 5: 75101 75102 83137 83800 83801",
		"centre 2-mean-of-arrondissements: 1: 75056",
		"centre 3-mean-of-former-codes: 1: 83500",
		"centre 4-same-name-in-departement: 1: 83600",
		"centre 5-approx-commune-of-2022-that-had-it-as-locality: 1: 83700",
		"centre 6-none: 1: 98412",
		"former codes left out (several current communes): 83900→83800|83801",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}

	// Same bytes on a second run.
	if err := run(context.Background(), args, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	second, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Error("two runs wrote different bytes")
	}

	text := gunzip(t, out)
	if *update {
		if err := os.WriteFile("testdata/want.tsv", text, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("testdata/want.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(text, want) {
		t.Errorf("output differs from testdata/want.tsv (go test -update to accept):\n%s", text)
	}

	ref, err := geo.Parse(bytes.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := ref.ResolveCommune("83501"); !ok || c.Code != "83500" {
		t.Errorf("ResolveCommune(83501) = %v, %v", c, ok)
	}
	if c, ok := ref.Commune("75101"); !ok || c.EPCI != "200054781" {
		t.Errorf("Commune(75101) = %+v, %v: want the EPCI of Paris", c, ok)
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "communes.tsv.gz")
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"no npm package", []string{"-decoupage", filepath.Join(dir, "nothing"), "-laposte", "testdata/laposte.csv", "-out", out}, "npm ci"},
		{"no La Poste file", []string{"-decoupage", "testdata/decoupage", "-laposte", filepath.Join(dir, "nothing.csv"), "-out", out}, "-laposte"},
		{"argument", []string{"extra"}, "unexpected argument"},
		{"flag", []string{"-nope"}, "not defined"},
		{"help", []string{"-h"}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), tt.args, io.Discard, io.Discard)
			if tt.want == "" {
				if err != nil {
					t.Errorf("run = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run = %v, want an error with %q", err, tt.want)
			}
		})
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed run wrote %s", out)
	}
}

// TestCommittedReference regenerates the embedded reference from the real
// sources, when they are installed (make communes), and compares it with
// the committed file.
func TestCommittedReference(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	npm := filepath.Join(root, "api/internal/geo/gen/node_modules/@etalab/decoupage-administratif")
	laposte := filepath.Join(root, "../shared/data/geo/communes_codes-postaux_laposte-2022.csv")
	for _, p := range []string{npm, laposte} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("sources not installed: %v", err)
		}
	}
	out := filepath.Join(t.TempDir(), "communes.tsv.gz")
	if err := run(context.Background(), []string{"-decoupage", npm, "-laposte", laposte, "-out", out}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	got := gunzip(t, out)
	want := gunzip(t, filepath.Join(root, "api/internal/geo/data/communes.tsv.gz"))
	if !bytes.Equal(got, want) {
		t.Error("api/internal/geo/data/communes.tsv.gz is not what the sources give: run make communes")
	}
}
