// Package geo is the reference of French communes, départements and régions,
// embedded in the binary. It implements domain.Communes.
//
// The data come from the INSEE Code officiel géographique as published by
// @etalab/decoupage-administratif, with commune centres from La Poste's base
// of postal codes; see data/SOURCES.md. api/cmd/gencommunes writes
// data/communes.tsv.gz, whose format is described at Parse.
//
// Load parses the embedded file; the Reference it returns is read-only and
// safe for concurrent use. The *domain.Commune values it hands out are
// shared by every caller and must not be modified.
package geo

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

//go:embed data/communes.tsv.gz
var embedded []byte

// FormatVersion is the version of the data file format that Parse reads.
const FormatVersion = "1"

// Reference is the parsed reference of communes, départements and régions.
type Reference struct {
	communes []domain.Commune // sorted by code
	parents  map[int32]int32  // arrondissement → its commune
	regions  []domain.Region  // sorted by code
	deps     []domain.Departement
	aliases  []alias // sorted by former code
	byDep    map[string][]*domain.Commune

	// Search indexes.
	rank   []int32   // rank[i]: place of commune i by population desc, name, code
	names  []nameKey // sorted by key
	postal []uint64  // postal code<<32 | commune index, sorted
	ptrs   []*domain.Commune
}

type alias struct{ former, current string }

// childOf is an arrondissement's parent code, while parsing.
type childOf struct {
	child  int
	parent string
}

// nameKey is one normalised name under which a commune is found.
type nameKey struct {
	prefix uint64 // prefix8(key)
	key    string
	idx    int32
}

var _ domain.Communes = (*Reference)(nil)

// Load parses the reference embedded in the binary.
func Load() (*Reference, error) { return load(embedded) }

// load parses a gzipped reference.
func load(gz []byte) (*Reference, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("geo: embedded reference: %w", err)
	}
	// Decompress while parsing: the two take about as long.
	chunks := make(chan string, 4)
	done := make(chan struct{})
	var readErr error
	go func() {
		defer close(chunks)
		readErr = readChunks(zr, func(chunk string) error {
			select {
			case chunks <- chunk:
				return nil
			case <-done:
				return errStopped
			}
		})
		if readErr == nil {
			readErr = zr.Close()
		}
	}()
	p := newParser()
	var parseErr error
	for chunk := range chunks {
		if parseErr == nil {
			if parseErr = p.feed(chunk); parseErr != nil {
				close(done)
			}
		}
	}
	// chunks is closed: readErr is set.
	if parseErr != nil {
		return nil, parseErr
	}
	if readErr != nil {
		return nil, fmt.Errorf("geo: embedded reference: %w", readErr)
	}
	return p.finish()
}

var errStopped = errors.New("stopped")

// Parse reads a reference in the uncompressed text format written by
// api/cmd/gencommunes, for instance a small one made for a test.
//
// The format is UTF-8 text, one record a line, fields separated by tabs.
// Lines that start with # are comments. The first field names the record:
//
//	V  format-version  communes                    first: version, number of C records
//	R  code  name                                  a région
//	D  code  region  name                          a département
//	C  code  name  departement  region  epci  population  postal-codes  latitude  longitude  parent
//	A  former-code  current-code                   a former INSEE code
//
// C records, sorted by code, are communes (and the municipal arrondissements
// of Paris, Lyon and Marseille, whose parent is the commune's code). Postal
// codes are separated by commas. epci, population, postal codes, latitude
// with longitude, and parent may be empty. A records are sorted by former
// code. Every département and région that a record names must be defined.
func Parse(r io.Reader) (*Reference, error) {
	p := newParser()
	if err := readChunks(r, p.feed); err != nil {
		return nil, fmt.Errorf("geo: %w", err)
	}
	return p.finish()
}

// chunkSize is how much text readChunks hands over at a time.
const chunkSize = 256 << 10

// readChunks reads r and hands it to f in chunks of whole lines.
func readChunks(r io.Reader, f func(string) error) error {
	buf := make([]byte, chunkSize)
	carry := 0 // bytes of an incomplete line at the start of buf
	for {
		n, err := io.ReadFull(r, buf[carry:])
		end := carry + n
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			if end == 0 {
				return nil
			}
			return f(string(buf[:end]))
		}
		if err != nil {
			return err
		}
		cut := bytes.LastIndexByte(buf[:end], '\n') + 1
		if cut == 0 { // a line longer than buf
			buf = append(buf, make([]byte, len(buf))...)
			carry = end
			continue
		}
		if err := f(string(buf[:cut])); err != nil {
			return err
		}
		carry = copy(buf, buf[cut:end])
	}
}

// parser reads the text format, a chunk of whole lines at a time.
type parser struct {
	ref         *Reference
	lineNo      int
	version     bool
	announced   int // number of communes announced by the V record
	postalStore []string
	parentCodes []childOf
	fields      [12]string
}

func newParser() *parser { return &parser{ref: &Reference{}} }

func (p *parser) feed(data string) error {
	for data != "" {
		var line string
		if i := strings.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, ""
		}
		p.lineNo++
		if line == "" || line[0] == '#' {
			continue
		}
		if err := p.record(splitTabs(line, p.fields[:0])); err != nil {
			return fmt.Errorf("geo: line %d: %w", p.lineNo, err)
		}
	}
	return nil
}

func (p *parser) record(f []string) error {
	ref := p.ref
	want := fieldCount(f[0])
	if want == 0 {
		return fmt.Errorf("unknown record %q", f[0])
	}
	if len(f) != want {
		return fmt.Errorf("%s record with %d fields, want %d", f[0], len(f), want)
	}
	if (f[0] == "V") == p.version {
		return errors.New("the format version must come first, once")
	}
	switch f[0] {
	case "V":
		if f[1] != FormatVersion {
			return fmt.Errorf("format version %q, this program reads %q", f[1], FormatVersion)
		}
		n, err := strconv.Atoi(f[2])
		if err != nil || n < 0 || n > 1e6 {
			return fmt.Errorf("number of communes %q", f[2])
		}
		p.version, p.announced = true, n
		// Allocate once; the values must not move once pointers to them
		// are taken (they are taken after parsing).
		ref.communes = make([]domain.Commune, 0, n)
		p.postalStore = make([]string, 0, n*9/8)
	case "R":
		if n := len(ref.regions); n > 0 && ref.regions[n-1].Code >= f[1] {
			return fmt.Errorf("région %s out of order", f[1])
		}
		ref.regions = append(ref.regions, domain.Region{Code: f[1], Name: f[2]})
	case "D":
		if n := len(ref.deps); n > 0 && ref.deps[n-1].Code >= f[1] {
			return fmt.Errorf("département %s out of order", f[1])
		}
		ref.deps = append(ref.deps, domain.Departement{Code: f[1], Region: f[2], Name: f[3]})
	case "A":
		if n := len(ref.aliases); n > 0 && ref.aliases[n-1].former >= f[1] {
			return fmt.Errorf("former code %s out of order", f[1])
		}
		ref.aliases = append(ref.aliases, alias{former: f[1], current: f[2]})
	case "C":
		return p.commune(f)
	}
	return nil
}

func (p *parser) commune(f []string) error {
	ref := p.ref
	if n := len(ref.communes); n > 0 && ref.communes[n-1].Code >= f[1] {
		return fmt.Errorf("commune %s out of order", f[1])
	}
	c := domain.Commune{Code: f[1], Name: f[2], Departement: f[3], Region: f[4], EPCI: f[5]}
	if c.Code == "" || c.Name == "" {
		return errors.New("commune without code or name")
	}
	if f[6] != "" {
		pop, err := strconv.Atoi(f[6])
		if err != nil || pop < 0 || pop > math.MaxInt32 {
			return fmt.Errorf("commune %s: population %q", c.Code, f[6])
		}
		c.Population = pop
	}
	if f[7] != "" {
		start := len(p.postalStore)
		for pc := range strings.SplitSeq(f[7], ",") {
			if !isPostalCode(pc) {
				return fmt.Errorf("commune %s: postal code %q", c.Code, pc)
			}
			p.postalStore = append(p.postalStore, pc)
		}
		c.PostalCodes = p.postalStore[start:len(p.postalStore):len(p.postalStore)]
	}
	if f[8] != "" || f[9] != "" {
		lat, err1 := strconv.ParseFloat(f[8], 64)
		lon, err2 := strconv.ParseFloat(f[9], 64)
		if err1 != nil || err2 != nil || !(math.Abs(lat) <= 90) || !(math.Abs(lon) <= 180) {
			return fmt.Errorf("commune %s: location %q %q", c.Code, f[8], f[9])
		}
		c.Latitude, c.Longitude, c.HasLocation = lat, lon, true
	}
	ref.communes = append(ref.communes, c)
	if f[10] != "" {
		p.parentCodes = append(p.parentCodes, childOf{len(ref.communes) - 1, f[10]})
	}
	return nil
}

// finish checks and indexes what was parsed.
func (p *parser) finish() (*Reference, error) {
	if !p.version {
		return nil, errors.New("geo: no format version: not a communes reference")
	}
	if n := len(p.ref.communes); n != p.announced {
		return nil, fmt.Errorf("geo: %d communes announced, %d found", p.announced, n)
	}
	if err := p.ref.link(p.parentCodes); err != nil {
		return nil, err
	}
	p.ref.buildIndexes()
	return p.ref, nil
}

// link resolves and checks the references between records.
func (ref *Reference) link(parentCodes []childOf) error {
	for _, d := range ref.deps {
		if _, ok := ref.Region(d.Region); !ok {
			return fmt.Errorf("geo: département %s: unknown région %q", d.Code, d.Region)
		}
	}
	ref.byDep = make(map[string][]*domain.Commune, len(ref.deps))
	ref.ptrs = make([]*domain.Commune, len(ref.communes))
	runStart := 0 // communes come in runs of one département
	for i := range ref.communes {
		c := &ref.communes[i]
		ref.ptrs[i] = c
		if i == 0 || c.Departement != ref.communes[i-1].Departement {
			if _, ok := ref.Departement(c.Departement); !ok {
				return fmt.Errorf("geo: commune %s: unknown département %q", c.Code, c.Departement)
			}
			if i > 0 {
				ref.addRun(runStart, i)
			}
			runStart = i
		}
		if i == 0 || c.Region != ref.communes[i-1].Region {
			if _, ok := ref.Region(c.Region); !ok {
				return fmt.Errorf("geo: commune %s: unknown région %q", c.Code, c.Region)
			}
		}
	}
	ref.parents = make(map[int32]int32, len(parentCodes))
	for _, pc := range parentCodes {
		j, ok := ref.index(pc.parent)
		if !ok || j == pc.child {
			return fmt.Errorf("geo: commune %s: parent %q is no commune", ref.communes[pc.child].Code, pc.parent)
		}
		ref.parents[int32(pc.child)] = int32(j)
	}
	for _, pc := range parentCodes {
		if _, ok := ref.parents[ref.parents[int32(pc.child)]]; ok {
			return fmt.Errorf("geo: commune %s: parent %q has a parent", ref.communes[pc.child].Code, pc.parent)
		}
	}
	if len(ref.communes) > 0 {
		ref.addRun(runStart, len(ref.communes))
	}
	j := 0 // both lists are sorted by code: walk them together
	for _, a := range ref.aliases {
		if _, ok := ref.index(a.current); !ok {
			return fmt.Errorf("geo: former code %s: unknown commune %q", a.former, a.current)
		}
		for j < len(ref.communes) && ref.communes[j].Code < a.former {
			j++
		}
		if j < len(ref.communes) && ref.communes[j].Code == a.former {
			return fmt.Errorf("geo: former code %s is a current commune", a.former)
		}
	}
	return nil
}

// fieldCount returns how many fields a record of that kind has, 0 for an
// unknown kind.
func fieldCount(kind string) int {
	switch kind {
	case "R", "A", "V":
		return 3
	case "D":
		return 4
	case "C":
		return 11
	}
	return 0
}

// addRun lists the communes i to j-1, of one département, under it.
func (ref *Reference) addRun(i, j int) {
	dep := ref.communes[i].Departement
	if prev, ok := ref.byDep[dep]; ok {
		ref.byDep[dep] = append(prev[:len(prev):len(prev)], ref.ptrs[i:j]...)
		return
	}
	ref.byDep[dep] = ref.ptrs[i:j:j]
}

func splitTabs(s string, dst []string) []string {
	for {
		i := strings.IndexByte(s, '\t')
		if i < 0 || len(dst) == cap(dst)-1 {
			return append(dst, s)
		}
		dst = append(dst, s[:i])
		s = s[i+1:]
	}
}

func isPostalCode(s string) bool {
	if len(s) != 5 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// index returns the position of the commune with that code.
func (ref *Reference) index(code string) (int, bool) {
	return slices.BinarySearchFunc(ref.communes, code, func(c domain.Commune, code string) int {
		return strings.Compare(c.Code, code)
	})
}

// Commune returns the commune with that INSEE code, which may also be the
// code of a municipal arrondissement of Paris, Lyon or Marseille (75101…).
func (ref *Reference) Commune(code string) (*domain.Commune, bool) {
	i, ok := ref.index(code)
	if !ok {
		return nil, false
	}
	return ref.ptrs[i], true
}

// ResolveCommune is Commune, and also accepts the former code of a commune
// that has since merged into another, or the code of a commune déléguée or
// associée: it then returns the current commune. Older data, such as
// directory entries, carry such codes.
func (ref *Reference) ResolveCommune(code string) (*domain.Commune, bool) {
	if c, ok := ref.Commune(code); ok {
		return c, true
	}
	i, ok := slices.BinarySearchFunc(ref.aliases, code, func(a alias, code string) int {
		return strings.Compare(a.former, code)
	})
	if !ok {
		return nil, false
	}
	return ref.Commune(ref.aliases[i].current)
}

// ParentCommune returns the commune of which c is a municipal arrondissement
// (Paris for 75101), and false when c is not an arrondissement.
func (ref *Reference) ParentCommune(c *domain.Commune) (*domain.Commune, bool) {
	if c == nil {
		return nil, false
	}
	i, ok := ref.index(c.Code)
	if !ok {
		return nil, false
	}
	p, ok := ref.parents[int32(i)]
	if !ok {
		return nil, false
	}
	return ref.ptrs[p], true
}

// Communes returns how many codes Commune resolves: communes and municipal
// arrondissements.
func (ref *Reference) Communes() int { return len(ref.communes) }

// CommunesOfDepartement returns the communes of a département, municipal
// arrondissements included, sorted by code; nil for an unknown département.
// The slice is shared: do not modify it.
func (ref *Reference) CommunesOfDepartement(code string) []*domain.Commune {
	cs := ref.byDep[code]
	return cs[:len(cs):len(cs)]
}

// Departement returns the département (or collectivité with a département
// code, such as 976 Mayotte or 987 Polynésie française) with that code.
func (ref *Reference) Departement(code string) (*domain.Departement, bool) {
	i, ok := slices.BinarySearchFunc(ref.deps, code, func(d domain.Departement, code string) int {
		return strings.Compare(d.Code, code)
	})
	if !ok {
		return nil, false
	}
	return &ref.deps[i], true
}

// Departements returns every département, sorted by code. The slice is a
// copy; the values it points to are shared.
func (ref *Reference) Departements() []*domain.Departement {
	out := make([]*domain.Departement, len(ref.deps))
	for i := range ref.deps {
		out[i] = &ref.deps[i]
	}
	return out
}

// Region returns the région (or collectivité with a région code) with that code.
func (ref *Reference) Region(code string) (*domain.Region, bool) {
	i, ok := slices.BinarySearchFunc(ref.regions, code, func(r domain.Region, code string) int {
		return strings.Compare(r.Code, code)
	})
	if !ok {
		return nil, false
	}
	return &ref.regions[i], true
}

// Regions returns every région, sorted by code. The slice is a copy; the
// values it points to are shared.
func (ref *Reference) Regions() []*domain.Region {
	out := make([]*domain.Region, len(ref.regions))
	for i := range ref.regions {
		out[i] = &ref.regions[i]
	}
	return out
}
