package search

import (
	"slices"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// Keys of the area buckets.
const (
	areaNational = "n"  // national coverage: every commune
	areaAnywhere = "x"  // an EPCI list: checked for every commune (rare)
	areaDept     = "d:" // + département code
	areaRegion   = "r:" // + région code
	areaNowhere  = "-"  // serves no commune (indexed documents only)
)

// byArea holds the contact points of one kind (a pivot or a theme) bucketed
// by the areas they may serve, so a search for a commune resolves coverage
// only for the candidates of its département and région and the national
// ones, not for every office of that kind in the country. Candidates keep
// the order they were added in (the directory's), as directory.Resolve's
// stable sort expects: buckets hold positions in all, ascending.
type byArea struct {
	all     []*domain.ContactPoint
	buckets map[string][]int32
}

// areaKeys are the buckets a contact point belongs to: a superset of the
// communes its coverage can match (directory.Resolve decides).
func areaKeys(c *domain.ContactPoint) []string {
	cov := c.Coverage
	if cov.Rule == domain.CoverageNearest {
		if c.Address == nil || c.Address.CommuneCode == "" {
			return nil // Resolve never keeps it: nearest needs an address
		}
		return []string{areaDept + domain.DepartementOf(c.Address.CommuneCode)}
	}
	var keys []string
	if cov.National {
		keys = append(keys, areaNational)
	}
	if len(cov.EPCIs) > 0 {
		keys = append(keys, areaAnywhere)
	}
	for _, r := range cov.Regions {
		keys = append(keys, areaRegion+r)
	}
	for _, d := range cov.Departements {
		keys = append(keys, areaDept+d)
	}
	for _, code := range cov.Communes {
		keys = append(keys, areaDept+domain.DepartementOf(code))
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// contactAreas are the area keys a contact point's document is indexed
// with; one that can serve no commune (nearest without an address) gets a
// key no commune asks for.
func contactAreas(c *domain.ContactPoint) []string {
	if keys := areaKeys(c); len(keys) > 0 {
		return keys
	}
	return []string{areaNowhere}
}

// communeAreas are the area keys of the documents that may serve the
// commune: those tied to no area, and the buckets near() reads.
func communeAreas(commune *domain.Commune) []string {
	return []string{anyArea, areaNational, areaAnywhere, areaDept + commune.Departement, areaRegion + commune.Region}
}

func (b *byArea) add(c *domain.ContactPoint) {
	if b.buckets == nil {
		b.buckets = map[string][]int32{}
	}
	for _, k := range areaKeys(c) {
		b.buckets[k] = append(b.buckets[k], int32(len(b.all)))
	}
	b.all = append(b.all, c)
}

// list returns every contact point of the kind, in directory order.
func (b *byArea) list() []*domain.ContactPoint {
	if b == nil {
		return nil
	}
	return b.all
}

// near returns, in directory order and once each, the contact points that
// may serve the commune.
func (b *byArea) near(commune *domain.Commune) []*domain.ContactPoint {
	if b == nil {
		return nil
	}
	var pos []int32
	for _, k := range communeAreas(commune)[1:] {
		pos = append(pos, b.buckets[k]...)
	}
	slices.Sort(pos)
	pos = slices.Compact(pos)
	out := make([]*domain.ContactPoint, len(pos))
	for i, p := range pos {
		out[i] = b.all[p]
	}
	return out
}
