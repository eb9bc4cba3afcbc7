// Command gencommunes writes the embedded reference of French communes,
// api/internal/geo/data/communes.tsv.gz, from the pinned npm package
// @etalab/decoupage-administratif (communes, départements, régions, EPCI) and
// La Poste's base of postal codes (commune centres).
//
// Run it from the repository root, after installing the npm package:
//
//	cd api/internal/geo/gen && npm ci && cd - && go run ./api/cmd/gencommunes
//
// Flags (paths relative to the working directory):
//
//	-decoupage  the npm package folder
//	            (default api/internal/geo/gen/node_modules/@etalab/decoupage-administratif)
//	-laposte    La Poste's CSV with centroids
//	            (default ../shared/data/geo/communes_codes-postaux_laposte-2022.csv)
//	-out        the file to write (default api/internal/geo/data/communes.tsv.gz)
//
// The output is the same bytes on every run with the same inputs.
package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/aiguillage/aiguillage/api/internal/genfile"
	"github.com/aiguillage/aiguillage/api/internal/geo"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gencommunes:", err)
		os.Exit(1)
	}
}

func run(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gencommunes", flag.ContinueOnError)
	fs.SetOutput(stderr)
	decoupage := fs.String("decoupage", "api/internal/geo/gen/node_modules/@etalab/decoupage-administratif",
		"folder of the npm package @etalab/decoupage-administratif (run npm ci in api/internal/geo/gen)")
	laposte := fs.String("laposte", "../shared/data/geo/communes_codes-postaux_laposte-2022.csv",
		"La Poste's base of postal codes with commune centroids (CSV)")
	out := fs.String("out", "api/internal/geo/data/communes.tsv.gz", "file to write")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}

	src, err := readDecoupage(*decoupage)
	if err != nil {
		return err
	}
	lp, err := readLaPoste(*laposte)
	if err != nil {
		return err
	}
	ref, report, err := build(src, lp)
	if err != nil {
		return err
	}
	var text bytes.Buffer
	if err := writeText(&text, ref); err != nil {
		return err
	}
	// The text must read back.
	if _, err := geo.Parse(bytes.NewReader(text.Bytes())); err != nil {
		return fmt.Errorf("the output does not parse: %w", err)
	}
	gz, err := genfile.Compress(text.Bytes())
	if err != nil {
		return err
	}
	if err := genfile.WriteAtomic(*out, gz); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %d bytes (%d uncompressed)\n", *out, len(gz), text.Len())
	report.print(stdout)
	return nil
}

// Inputs ---------------------------------------------------------------

type decoupageCommune struct {
	Code        string   `json:"code"`
	Name        string   `json:"nom"`
	Type        string   `json:"type"`
	Departement string   `json:"departement"`
	Region      string   `json:"region"`
	PostalCodes []string `json:"codesPostaux"`
	Population  *int     `json:"population"`
	FormerCodes []string `json:"anciensCodes"`
	Commune     string   `json:"commune"`  // parent of an arrondissement
	ChefLieu    string   `json:"chefLieu"` // current commune of a commune déléguée or associée
}

type decoupageDepartement struct {
	Code   string `json:"code"`
	Name   string `json:"nom"`
	Region string `json:"region"`
}

type decoupageRegion struct {
	Code string `json:"code"`
	Name string `json:"nom"`
}

type decoupageEPCI struct {
	Code    string `json:"code"`
	Members []struct {
		Code string `json:"code"`
	} `json:"membres"`
}

type decoupage struct {
	Version      string
	Communes     []decoupageCommune
	Departements []decoupageDepartement
	Regions      []decoupageRegion
	EPCI         []decoupageEPCI
}

func readDecoupage(dir string) (*decoupage, error) {
	var pkg struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	if err := readJSON(filepath.Join(dir, "package.json"), &pkg); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%w (run npm ci in api/internal/geo/gen first)", err)
		}
		return nil, err
	}
	if pkg.Name != "@etalab/decoupage-administratif" {
		return nil, fmt.Errorf("%s: package %q, want @etalab/decoupage-administratif", dir, pkg.Name)
	}
	d := &decoupage{Version: pkg.Version}
	for name, v := range map[string]any{
		"communes.json":     &d.Communes,
		"departements.json": &d.Departements,
		"regions.json":      &d.Regions,
		"epci.json":         &d.EPCI,
	} {
		if err := readJSON(filepath.Join(dir, "data", name), v); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// laPoste holds the centroids of La Poste's base, by INSEE code, and the
// codes under which a normalised name appears in a département, as the
// commune's name or as a locality (ligne 5) of that commune.
type laPoste struct {
	File       string
	Centre     map[string]point
	Names      map[string][]string // "dep|name" → codes
	Localities map[string][]string // "dep|locality" → codes
}

type point struct{ Lat, Lon float64 }

func readLaPoste(path string) (*laPoste, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w (the La Poste CSV is in the project's shared data, geo/; pass -laposte)", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	for _, name := range []string{"code_commune_insee", "nom_commune_poste", "ligne_5", "latitude", "longitude", "code_departement"} {
		if _, ok := col[name]; !ok {
			return nil, fmt.Errorf("%s: no column %s", path, name)
		}
	}
	type tally struct {
		counts map[point]int
		first  []point // in order of appearance
	}
	tallies := map[string]*tally{}
	lp := &laPoste{
		File:       filepath.Base(path),
		Centre:     map[string]point{},
		Names:      map[string][]string{},
		Localities: map[string][]string{},
	}
	addCode := func(m map[string][]string, key, code string) {
		if !slices.Contains(m[key], code) {
			m[key] = append(m[key], code)
		}
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		code, dep := rec[col["code_commune_insee"]], rec[col["code_departement"]]
		addCode(lp.Names, dep+"|"+geo.NormalizeName(rec[col["nom_commune_poste"]]), code)
		if l5 := rec[col["ligne_5"]]; l5 != "" {
			addCode(lp.Localities, dep+"|"+geo.NormalizeName(l5), code)
		}
		latS, lonS := rec[col["latitude"]], rec[col["longitude"]]
		if latS == "" && lonS == "" {
			continue
		}
		lat, err1 := strconv.ParseFloat(latS, 64)
		lon, err2 := strconv.ParseFloat(lonS, 64)
		if err1 != nil || err2 != nil {
			line, _ := r.FieldPos(0)
			return nil, fmt.Errorf("%s:%d: bad location %q %q", path, line, latS, lonS)
		}
		p := point{lat, lon}
		t := tallies[code]
		if t == nil {
			t = &tally{counts: map[point]int{}}
			tallies[code] = t
		}
		if t.counts[p] == 0 {
			t.first = append(t.first, p)
		}
		t.counts[p]++
	}
	// A few communes have rows with different centroids: keep the most
	// frequent, the first seen on a tie.
	for code, t := range tallies {
		best := t.first[0]
		for _, p := range t.first[1:] {
			if t.counts[p] > t.counts[best] {
				best = p
			}
		}
		lp.Centre[code] = best
	}
	return lp, nil
}

// Build ----------------------------------------------------------------

type reference struct {
	Sources      []string
	Regions      []decoupageRegion
	Departements []decoupageDepartement
	Communes     []commune
	Aliases      [][2]string // former code, current code
}

type commune struct {
	Code, Name, Departement, Region, EPCI string
	Population                            *int
	PostalCodes                           []string
	Centre                                *point
	Parent                                string
}

// report says how the centres were found, for the person who regenerates.
type report struct {
	Communes, Arrondissements, Aliases int
	CentreBy                           map[string][]string // method → codes
	AmbiguousAliases                   []string
}

func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "%d communes, %d municipal arrondissements, %d former codes\n", r.Communes, r.Arrondissements, r.Aliases)
	for _, m := range slices.Sorted(maps.Keys(r.CentreBy)) {
		codes := r.CentreBy[m]
		if len(codes) > 30 {
			fmt.Fprintf(w, "centre %s: %d\n", m, len(codes))
			continue
		}
		fmt.Fprintf(w, "centre %s: %d: %s\n", m, len(codes), strings.Join(codes, " "))
	}
	if len(r.AmbiguousAliases) > 0 {
		fmt.Fprintf(w, "former codes left out (several current communes): %s\n", strings.Join(r.AmbiguousAliases, " "))
	}
}

// Ways a commune's centre is found, in the order they are tried.
const (
	centreOwn          = "1-own-code"
	centreArrondisment = "2-mean-of-arrondissements"
	centreFormer       = "3-mean-of-former-codes"
	centreName         = "4-same-name-in-departement"
	centreLocality     = "5-approx-commune-of-2022-that-had-it-as-locality"
	centreNone         = "6-none"
)

func build(src *decoupage, lp *laPoste) (*reference, *report, error) {
	ref := &reference{
		Sources: []string{
			"@etalab/decoupage-administratif " + src.Version + " (INSEE COG, DGCL EPCI, La Poste codes postaux; Licence Ouverte)",
			"La Poste base officielle des codes postaux, " + lp.File + " (centres; Licence Ouverte)",
		},
		Regions:      slices.Clone(src.Regions),
		Departements: slices.Clone(src.Departements),
	}
	rep := &report{CentreBy: map[string][]string{}}
	slices.SortFunc(ref.Regions, func(a, b decoupageRegion) int { return strings.Compare(a.Code, b.Code) })
	slices.SortFunc(ref.Departements, func(a, b decoupageDepartement) int { return strings.Compare(a.Code, b.Code) })

	epciOf := map[string]string{}
	for _, e := range src.EPCI {
		for _, m := range e.Members {
			if prev, ok := epciOf[m.Code]; ok && prev != e.Code {
				return nil, nil, fmt.Errorf("commune %s is a member of EPCI %s and %s", m.Code, prev, e.Code)
			}
			epciOf[m.Code] = e.Code
		}
	}

	var kept []decoupageCommune
	current := map[string]bool{}
	for _, c := range src.Communes {
		switch c.Type {
		case "commune-actuelle", "arrondissement-municipal":
			if current[c.Code] {
				return nil, nil, fmt.Errorf("commune %s appears twice", c.Code)
			}
			current[c.Code] = true
			kept = append(kept, c)
		case "commune-deleguee", "commune-associee":
		default:
			return nil, nil, fmt.Errorf("commune %s: unknown type %q", c.Code, c.Type)
		}
	}
	slices.SortFunc(kept, func(a, b decoupageCommune) int { return strings.Compare(a.Code, b.Code) })

	arrondissements := map[string][]string{} // parent → codes
	for _, c := range kept {
		if c.Type == "arrondissement-municipal" {
			if c.Commune == "" || !current[c.Commune] {
				return nil, nil, fmt.Errorf("arrondissement %s: unknown commune %q", c.Code, c.Commune)
			}
			arrondissements[c.Commune] = append(arrondissements[c.Commune], c.Code)
		}
	}

	for _, c := range kept {
		for _, s := range []string{c.Code, c.Name} {
			if strings.ContainsAny(s, "\t\n\r") || s == "" {
				return nil, nil, fmt.Errorf("commune %q %q: empty field or control character", c.Code, c.Name)
			}
		}
		out := commune{
			Code: c.Code, Name: c.Name, Departement: c.Departement, Region: c.Region,
			Population: c.Population, Parent: c.Commune, EPCI: epciOf[c.Code],
		}
		if out.Parent != "" {
			out.EPCI = epciOf[out.Parent]
			rep.Arrondissements++
		} else {
			rep.Communes++
		}
		out.PostalCodes = slices.Compact(slices.Sorted(slices.Values(c.PostalCodes)))
		for _, p := range out.PostalCodes {
			if len(p) != 5 || strings.Trim(p, "0123456789") != "" {
				return nil, nil, fmt.Errorf("commune %s: postal code %q", c.Code, p)
			}
		}
		method, centre := findCentre(c, arrondissements[c.Code], lp)
		out.Centre = centre
		rep.CentreBy[method] = append(rep.CentreBy[method], c.Code)
		ref.Communes = append(ref.Communes, out)
	}

	// Former codes, and communes déléguées and associées, lead to the
	// current commune, unless that is ambiguous.
	targets := map[string][]string{}
	link := func(former, cur string) {
		if former != "" && former != cur && !current[former] && !slices.Contains(targets[former], cur) {
			targets[former] = append(targets[former], cur)
		}
	}
	for _, c := range kept {
		for _, f := range c.FormerCodes {
			link(f, c.Code)
		}
	}
	for _, c := range src.Communes {
		if c.Type == "commune-deleguee" || c.Type == "commune-associee" {
			if !current[c.ChefLieu] {
				return nil, nil, fmt.Errorf("%s %s: unknown chef-lieu %q", c.Type, c.Code, c.ChefLieu)
			}
			link(c.Code, c.ChefLieu)
		}
	}
	for _, former := range slices.Sorted(maps.Keys(targets)) {
		if t := targets[former]; len(t) == 1 {
			ref.Aliases = append(ref.Aliases, [2]string{former, t[0]})
		} else {
			slices.Sort(t)
			rep.AmbiguousAliases = append(rep.AmbiguousAliases, former+"→"+strings.Join(t, "|"))
		}
	}
	rep.Aliases = len(ref.Aliases)
	return ref, rep, nil
}

// findCentre finds a commune's centre in La Poste's base of 2022, which
// predates some mergers and splits.
func findCentre(c decoupageCommune, arrondissements []string, lp *laPoste) (string, *point) {
	if p, ok := lp.Centre[c.Code]; ok {
		return centreOwn, &p
	}
	if p := mean(arrondissements, lp); p != nil {
		return centreArrondisment, p
	}
	if p := mean(c.FormerCodes, lp); p != nil {
		return centreFormer, p
	}
	key := c.Departement + "|" + geo.NormalizeName(c.Name)
	if codes := lp.Names[key]; len(codes) == 1 {
		if p, ok := lp.Centre[codes[0]]; ok {
			return centreName, &p
		}
	}
	if codes := lp.Localities[key]; len(codes) == 1 {
		if p, ok := lp.Centre[codes[0]]; ok {
			return centreLocality, &p
		}
	}
	return centreNone, nil
}

func mean(codes []string, lp *laPoste) *point {
	var sum point
	n := 0
	for _, code := range codes {
		if p, ok := lp.Centre[code]; ok {
			sum.Lat += p.Lat
			sum.Lon += p.Lon
			n++
		}
	}
	if n == 0 {
		return nil
	}
	return &point{sum.Lat / float64(n), sum.Lon / float64(n)}
}

// Output ---------------------------------------------------------------

func writeText(w io.Writer, ref *reference) error {
	bw := &errWriter{w: w}
	bw.printf("# Reference of French communes for package geo. Generated by api/cmd/gencommunes: do not edit.\n")
	for _, s := range ref.Sources {
		bw.printf("# Source: %s\n", s)
	}
	bw.printf("# Records (tab-separated; see geo.Parse):\n")
	bw.printf("#   V version communes\n#   R code name\n#   D code region name\n")
	bw.printf("#   C code name departement region epci population postal_codes latitude longitude parent\n")
	bw.printf("#   A former_code current_code\n")
	bw.printf("V\t%s\t%d\n", geo.FormatVersion, len(ref.Communes))
	for _, r := range ref.Regions {
		bw.printf("R\t%s\t%s\n", r.Code, r.Name)
	}
	for _, d := range ref.Departements {
		bw.printf("D\t%s\t%s\t%s\n", d.Code, d.Region, d.Name)
	}
	for _, c := range ref.Communes {
		pop, lat, lon := "", "", ""
		if c.Population != nil {
			pop = strconv.Itoa(*c.Population)
		}
		if c.Centre != nil {
			// 4 decimals: about 10 m, finer than a centroid means.
			lat = strconv.FormatFloat(c.Centre.Lat, 'f', 4, 64)
			lon = strconv.FormatFloat(c.Centre.Lon, 'f', 4, 64)
		}
		bw.printf("C\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Code, c.Name, c.Departement, c.Region,
			c.EPCI, pop, strings.Join(c.PostalCodes, ","), lat, lon, c.Parent)
	}
	for _, a := range ref.Aliases {
		bw.printf("A\t%s\t%s\n", a[0], a[1])
	}
	return bw.err
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
