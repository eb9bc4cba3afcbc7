package domain

import "context"

// RequestFamily groups the public API's endpoints for counting the requests
// a third-party portal makes with its key (issue 10).
type RequestFamily uint8

// The families, in the order the statistics list them.
const (
	FamilySearch RequestFamily = iota
	FamilyJourneys
	FamilyOutcomes
	FamilyContactPoints
	FamilyCommunes
	FamilyOrganisations
	FamilyEmergency
	// FamilyOther: pivots, statistics, usage events, feedback, reports,
	// previews, unknown routes.
	FamilyOther
	// NumRequestFamilies is the number of families.
	NumRequestFamilies
)

var familyNames = [NumRequestFamilies]string{"search", "journeys", "outcomes", "contact-points", "communes", "organisations", "emergency", "other"}

// String is the family's name, as stored and as the API shows it.
func (f RequestFamily) String() string {
	if f >= NumRequestFamilies {
		return familyNames[FamilyOther]
	}
	return familyNames[f]
}

// ParseRequestFamily reads a family's name.
func ParseRequestFamily(s string) (RequestFamily, bool) {
	for i, n := range familyNames {
		if n == s {
			return RequestFamily(i), true
		}
	}
	return FamilyOther, false
}

// StatusClass groups the HTTP statuses of the counted requests.
type StatusClass uint8

// The classes: 1xx and 2xx count as 2xx; a 304 Not Modified (revalidation
// with an ETag) is a 3xx; a 429 (rate limit) is a 4xx.
const (
	Status2xx StatusClass = iota
	Status3xx
	Status4xx
	Status5xx
	// NumStatusClasses is the number of classes.
	NumStatusClasses
)

var statusClassNames = [NumStatusClasses]string{"2xx", "3xx", "4xx", "5xx"}

// String is the class's name, as stored.
func (c StatusClass) String() string {
	if c >= NumStatusClasses {
		return statusClassNames[Status5xx]
	}
	return statusClassNames[c]
}

// ClassOfStatus returns the class of an HTTP status.
func ClassOfStatus(status int) StatusClass {
	switch {
	case status < 300:
		return Status2xx
	case status < 400:
		return Status3xx
	case status < 500:
		return Status4xx
	default:
		return Status5xx
	}
}

// ParseStatusClass reads a class's name.
func ParseStatusClass(s string) (StatusClass, bool) {
	for i, n := range statusClassNames {
		if n == s {
			return StatusClass(i), true
		}
	}
	return Status5xx, false
}

// PortalRequests counts the public API requests a portal made with its key
// on one day (Europe/Paris, YYYY-MM-DD), to one family of endpoints,
// answered with one class of status. Nothing else is kept about them: no
// query, no address.
type PortalRequests struct {
	Day      string
	PortalID string
	Family   RequestFamily
	Status   StatusClass
	Count    int64
}

// PortalRequestStore persists the daily counts of the portals' requests.
type PortalRequestStore interface {
	// AddPortalRequests adds the counts to the stored ones, in one
	// transaction: servers writing at once add up.
	AddPortalRequests(ctx context.Context, counts []PortalRequests) error
	// SumPortalRequests sums the counts of the days from to to (both
	// included, YYYY-MM-DD; "" is no bound) by portal, family and status
	// class (Day is left empty).
	SumPortalRequests(ctx context.Context, from, to string) ([]PortalRequests, error)
}
