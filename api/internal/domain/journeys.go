package domain

import (
	"context"
	"time"
)

// JourneyRecord is a stored journey: its draft and which version is live.
// The draft is the journey document (package journeys' JSON).
type JourneyRecord struct {
	OrganisationID   string
	Slug             string
	Title            string
	Draft            []byte
	DraftVersion     int
	PublishedVersion int // 0: never published
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// JourneyVersion is one immutable published version.
type JourneyVersion struct {
	OrganisationID string
	Slug           string
	Number         int
	Content        []byte
	Author         string
	Note           string
	CreatedAt      time.Time
}

// OutcomeRef names an outcome step of a published journey by its public id.
type OutcomeRef struct {
	ID             string
	OrganisationID string
	Slug           string
	StepID         string
}

// JourneyStore persists journeys, their versions and the public outcome ids.
// Every method is scoped by organisation. Writes append their audit entry in
// the same transaction.
type JourneyStore interface {
	FindJourneys(ctx context.Context, organisationID string) ([]*JourneyRecord, error)
	FindJourney(ctx context.Context, organisationID, slug string) (*JourneyRecord, error)
	CreateJourney(ctx context.Context, j *JourneyRecord, audit *AuditEntry) error
	// SaveJourneyDraft replaces the draft if its version is expectedVersion, else ECONFLICT.
	SaveJourneyDraft(ctx context.Context, j *JourneyRecord, expectedVersion int, audit *AuditEntry) error
	DeleteJourney(ctx context.Context, organisationID, slug string, audit *AuditEntry) error
	// PublishJourney stores content as the next version, makes it live and
	// replaces the journey's public outcome ids.
	PublishJourney(ctx context.Context, v *JourneyVersion, outcomes []OutcomeRef, audit *AuditEntry) error
	FindJourneyVersions(ctx context.Context, organisationID, slug string) ([]*JourneyVersion, error)
	FindJourneyVersion(ctx context.Context, organisationID, slug string, number int) (*JourneyVersion, error)
	FindOutcome(ctx context.Context, id string) (*OutcomeRef, error)
	// FindOverrides returns the organisation's local overrides of national
	// contact points, by the id of the contact point they override.
	FindOverrides(ctx context.Context, organisationID string) (map[string]*ContactPoint, error)
}
