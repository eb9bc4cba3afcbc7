package domain

// Commune is one French commune of the reference (INSEE COG).
type Commune struct {
	Code        string   // INSEE code, e.g. 83137
	Name        string   // accented name, e.g. Toulon
	PostalCodes []string // La Poste codes
	Departement string   // département code, e.g. 83
	Region      string   // région code, e.g. 93
	EPCI        string   // SIREN of the EPCI, when any
	Population  int
	// Latitude and Longitude locate the commune (centre), when known.
	Latitude, Longitude float64
	HasLocation         bool
}

// Departement is a French département.
type Departement struct {
	Code   string
	Name   string
	Region string
}

// Region is a French région.
type Region struct {
	Code string
	Name string
}

// Communes is the read-only reference of communes, départements and régions.
type Communes interface {
	// Commune returns the commune with that INSEE code.
	Commune(code string) (*Commune, bool)
	// SearchCommunes finds communes by name prefix (case- and accent-
	// insensitive, hyphens and apostrophes treated as spaces) or by postal code prefix,
	// most populous first.
	SearchCommunes(q string, limit int) []*Commune
	Departement(code string) (*Departement, bool)
	Region(code string) (*Region, bool)
}
