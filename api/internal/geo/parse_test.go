package geo

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// tiny is a small reference in the text format.
const tiny = `# a test reference
V	1	4
R	11	Île-de-France
R	93	Provence-Alpes-Côte d'Azur
D	75	11	Paris
D	83	93	Var
C	75056	Paris	75	11	200054781	2103778	75001,75002	48.8603	2.3444	
C	75101	Paris 1er Arrondissement	75	11	200054781	15114	75001	48.8626	2.3363	75056
C	83137	Toulon	83	93	248300543	179116	83000,83100,83200	43.1362	5.9324	
C	83999	Sans Lieu	83	93						
A	83000	83137
`

func TestParse(t *testing.T) {
	ref, err := Parse(strings.NewReader(tiny))
	if err != nil {
		t.Fatal(err)
	}
	if ref.Communes() != 4 {
		t.Errorf("Communes() = %d", ref.Communes())
	}
	c, ok := ref.Commune("83999")
	if !ok || c.HasLocation || c.Population != 0 || c.PostalCodes != nil || c.EPCI != "" {
		t.Errorf("Commune(83999) = %+v, %v", c, ok)
	}
	if got := codes(ref.SearchCommunes("83", 10)); strings.Join(got, " ") != "83137" {
		t.Errorf("SearchCommunes(83) = %v", got)
	}
	if got := codes(ref.SearchCommunes("75001", 10)); strings.Join(got, " ") != "75056 75101" {
		t.Errorf("SearchCommunes(75001) = %v", got)
	}
	if got := codes(ref.SearchCommunes("pa", 10)); strings.Join(got, " ") != "75056 75101" {
		t.Errorf("SearchCommunes(pa) = %v", got)
	}
	if c, ok := ref.ResolveCommune("83000"); !ok || c.Code != "83137" {
		t.Errorf("ResolveCommune(83000) = %v, %v", c, ok)
	}
	if got := codes(ref.CommunesOfDepartement("83")); strings.Join(got, " ") != "83137 83999" {
		t.Errorf("CommunesOfDepartement(83) = %v", got)
	}

	// The same text read a byte at a time, and without its final newline.
	for _, r := range []io.Reader{
		iotest.OneByteReader(strings.NewReader(tiny)),
		strings.NewReader(strings.TrimSuffix(tiny, "\n")),
	} {
		again, err := Parse(r)
		if err != nil || again.Communes() != 4 {
			t.Errorf("Parse again: %v, %v", again, err)
		}
	}
}

func TestParseLongLines(t *testing.T) {
	// A line longer than a chunk, and enough lines to span several chunks.
	var b strings.Builder
	b.WriteString("# " + strings.Repeat("x", 3*chunkSize) + "\n")
	b.WriteString(tiny)
	for range chunkSize / 10 {
		b.WriteString("#\n")
	}
	ref, err := Parse(strings.NewReader(b.String()))
	if err != nil || ref.Communes() != 4 {
		t.Fatalf("Parse: %v, %v", ref, err)
	}
}

func TestParseErrors(t *testing.T) {
	replace := func(old, new string) string {
		if !strings.Contains(tiny, old) {
			t.Fatalf("%q not in the test reference", old)
		}
		return strings.Replace(tiny, old, new, 1)
	}
	for _, tt := range []struct{ name, text, want string }{
		{"empty", "", "no format version"},
		{"no version", replace("V\t1\t4\n", ""), "format version must come first"},
		{"two versions", replace("R\t11", "V\t1\t4\nR\t11"), "format version must come first"},
		{"future version", replace("V\t1", "V\t2"), `format version "2"`},
		{"bad count", replace("V\t1\t4", "V\t1\tfour"), "number of communes"},
		{"truncated", strings.Split(tiny, "C\t83999")[0], "4 communes announced, 3 found"},
		{"unknown record", replace("R\t11", "X\t11"), `unknown record "X"`},
		{"missing field", replace("D\t83\t93\tVar", "D\t83\tVar"), "D record with 3 fields"},
		{"extra field", replace("A\t83000\t83137", "A\t83000\t83137\tx"), "A record with 4 fields"},
		{"région order", replace("R\t93", "R\t10"), "région 10 out of order"},
		{"département order", replace("D\t83", "D\t70"), "département 70 out of order"},
		{"commune order", replace("C\t83999", "C\t83100"), "commune 83100 out of order"},
		{"alias order", replace("A\t83000\t83137", "A\t83000\t83137\nA\t00001\t83137"), "former code 00001 out of order"},
		{"no name", replace("Sans Lieu", ""), "without code or name"},
		{"population", replace("179116", "-1"), `population "-1"`},
		{"postal code", replace("83000,83100", "83000,8310"), `postal code "8310"`},
		{"latitude", replace("43.1362", "91"), "location"},
		{"half a location", replace("43.1362\t5.9324", "43.1362\t"), "location"},
		{"NaN", replace("43.1362", "NaN"), "location"},
		{"unknown département", replace("Toulon\t83", "Toulon\t84"), `unknown département "84"`},
		{"unknown région", replace("Toulon\t83\t93", "Toulon\t83\t94"), `unknown région "94"`},
		{"département's région", replace("D\t83\t93", "D\t83\t94"), `unknown région "94"`},
		{"unknown parent", replace("15114\t75001\t48.8626\t2.3363\t75056", "15114\t75001\t48.8626\t2.3363\t75057"), `parent "75057"`},
		{"own parent", replace("15114\t75001\t48.8626\t2.3363\t75056", "15114\t75001\t48.8626\t2.3363\t75101"), `parent "75101"`},
		{"alias target", replace("A\t83000\t83137", "A\t83000\t83138"), `unknown commune "83138"`},
		{"alias is current", replace("A\t83000\t83137", "A\t83137\t75056"), "is a current commune"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ref, err := Parse(strings.NewReader(tt.text))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse = %v, %v; want an error with %q", ref, err, tt.want)
			}
		})
	}
}

func TestParseReadError(t *testing.T) {
	boom := errors.New("boom")
	if _, err := Parse(iotest.ErrReader(boom)); !errors.Is(err, boom) {
		t.Errorf("Parse = %v, want %v", err, boom)
	}
}

func gzipped(t *testing.T, text string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(text)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestLoadErrors(t *testing.T) {
	// Enough text for several chunks, so that the decompressing goroutine
	// is still sending when the parser fails.
	long := strings.Repeat("#"+strings.Repeat(".", 99)+"\n", 4*chunkSize/100)
	good := gzipped(t, tiny)
	for _, tt := range []struct {
		name string
		gz   []byte
		want string
	}{
		{"not gzip", []byte("V\t1\t0\n"), "embedded reference"},
		{"truncated gzip", good[:len(good)-10], "embedded reference"},
		{"corrupt gzip", append(slices.Clone(good[:len(good)-8]), 0, 0, 0, 0, 0, 0, 0, 0), "embedded reference"},
		{"parse error first", gzipped(t, "X\n"+long), `unknown record "X"`},
		{"parse error last", gzipped(t, tiny+long+"X\n"), `unknown record "X"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ref, err := load(tt.gz)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("load = %v, %v; want an error with %q", ref, err, tt.want)
			}
		})
	}
	ref, err := load(gzipped(t, long+tiny+long))
	if err != nil || ref.Communes() != 4 {
		t.Errorf("load = %v, %v", ref, err)
	}
}

func TestSearchTieBreak(t *testing.T) {
	const text = "V\t1\t5\nR\t93\tR\nD\t83\t93\tD\n" +
		"C\t83001\tSaint-Zoé\t83\t93\t\t10\t\t\t\t\n" +
		"C\t83002\tSaint-Éloi\t83\t93\t\t10\t\t\t\t\n" +
		"C\t83003\tSaint-Abel\t83\t93\t\t10\t\t\t\t\n" +
		"C\t83004\tSaint-Abel\t83\t93\t\t10\t\t\t\t\n" +
		"C\t83005\tSaint-Gros\t83\t93\t\t99\t\t\t\t\n"
	ref, err := Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	// Most populous, then by name without accents, then by code; an exact
	// name first.
	for q, want := range map[string]string{
		"saint":      "83005 83003 83004 83002 83001",
		"saint-zoe":  "83001",
		"saint-":     "83005 83003 83004 83002 83001",
		"st-abel":    "83003 83004",
		"saint eloi": "83002",
	} {
		if got := strings.Join(codes(ref.SearchCommunes(q, 10)), " "); got != want {
			t.Errorf("SearchCommunes(%q) = %s, want %s", q, got, want)
		}
	}
}
