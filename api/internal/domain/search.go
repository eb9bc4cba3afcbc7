package domain

import (
	"context"
	"strings"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/privacy"
)

// MaxSearchMissQueryRunes bounds the length of a stored search query.
const MaxSearchMissQueryRunes = 200

// SearchMiss counts the searches that found nothing useful, per
// organisation and query, so référents see what residents look for.
type SearchMiss struct {
	// OrganisationID is the partner whose widget took the search; "" when
	// the search was made without a partner.
	OrganisationID string
	// Query is the resident's words as SearchMissQuery returns them:
	// scrubbed of personal data, lower-case, at most
	// MaxSearchMissQueryRunes runes.
	Query string
	// Departement is the département code of the resident's commune, ""
	// when unknown; never the commune itself. When one query comes from
	// several départements, it is the one of the latest search.
	Departement string
	// Count is how many times the query missed. When recording, how many
	// misses to add (0 counts as 1).
	Count int
	// FirstSeen and LastSeen date the first and the latest miss.
	FirstSeen, LastSeen time.Time
}

// SearchMissQuery returns the form of a resident's query that may be
// stored: personal data replaced by placeholders (privacy.Scrub), lower
// case, cut between words to MaxSearchMissQueryRunes runes, without
// trailing punctuation. It is idempotent.
func SearchMissQuery(raw string) string {
	q := strings.ToLower(privacy.Scrub(raw))
	q = privacy.Truncate(q, MaxSearchMissQueryRunes)
	return strings.TrimRight(q, " .,;:!?…")
}

// Validate checks a miss before it is recorded. A query not in the form
// SearchMissQuery gives is refused, so nothing unscrubbed is ever stored.
func (m *SearchMiss) Validate() error {
	var v Validation
	switch {
	case m.Query == "":
		v.Add("query", "obligatoire")
	case m.Query != SearchMissQuery(m.Query):
		v.Add("query", "doit être nettoyée des données personnelles, en minuscules, et faire %d caractères au plus", MaxSearchMissQueryRunes)
	}
	if m.Departement != "" && !ValidDepartement(m.Departement) {
		v.Add("departement", "code de département invalide : %q", m.Departement)
	}
	if m.Count < 0 {
		v.Add("count", "ne peut pas être négatif")
	}
	return v.Err("Recherche sans résultat invalide.")
}

// SearchMissStore persists search misses.
type SearchMissStore interface {
	// RecordSearchMiss adds m.Count misses (1 when 0) of m.Query for
	// m.OrganisationID, atomically: the first records the query, later ones
	// increment its count and move LastSeen on. LastSeen defaults to now and
	// FirstSeen to LastSeen. On return m holds the stored totals.
	RecordSearchMiss(ctx context.Context, m *SearchMiss) error
	// FindSearchMisses lists the misses of one organisation ("" for searches
	// made without a partner), most frequent first, then most recent, and
	// their total number.
	FindSearchMisses(ctx context.Context, organisationID string, p Page) ([]*SearchMiss, int, error)
	// PurgeSearchMisses deletes the misses last seen before that time and
	// returns how many it deleted.
	PurgeSearchMisses(ctx context.Context, before time.Time) (int, error)
}
