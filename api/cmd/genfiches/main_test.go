package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/fiches"
)

func TestRun(t *testing.T) {
	in := filepath.Join("..", "..", "internal", "fiches", "testdata", "package")
	dir := t.TempDir()
	var written [][]byte
	for i := range 2 {
		out := filepath.Join(dir, "fiches.jsonl.gz")
		var stdout, stderr bytes.Buffer
		if err := run(context.Background(), []string{"-in", in, "-out", out}, &stdout, &stderr); err != nil {
			t.Fatalf("run %d: %v\n%s", i, err, stderr.String())
		}
		if !strings.Contains(stdout.String(), "8 fiches, 1 dossiers kept; 1 resources and 0 others left out") {
			t.Errorf("summary: %s", stdout.String())
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		written = append(written, b)
	}
	if !bytes.Equal(written[0], written[1]) {
		t.Error("two runs on the same input wrote different bytes")
	}
	got, rep, err := fiches.LoadPath(context.Background(), filepath.Join(dir, "fiches.jsonl.gz"))
	if err != nil || len(got) != 9 || len(rep.Skipped) != 0 {
		t.Fatalf("%d fiches read back, report %+v, %v", len(got), rep, err)
	}
	want, _, err := fiches.LoadPath(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if got[i].ID != want[i].ID || got[i].Title != want[i].Title || len(got[i].Places) != len(want[i].Places) {
			t.Errorf("fiche %d: %s differs from %s", i, got[i].ID, want[i].ID)
		}
	}
}

func TestRunErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-in", t.TempDir()},
		{"-in", "x", "extra"},
		{"-bogus"},
	} {
		var stdout, stderr bytes.Buffer
		if err := run(context.Background(), args, &stdout, &stderr); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
}
