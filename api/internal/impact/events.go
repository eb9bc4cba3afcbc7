package impact

import (
	"context"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// EventBatch is what a widget sends: its partner, entry point and session,
// and the events since its last batch.
type EventBatch struct {
	Partner string
	Entry   string
	// Session is the widget's random id for the life of the page.
	Session string
	Events  []Event
	// PortalID is the third-party portal whose API key came with the
	// batch ("": none).
	PortalID string
}

// Event is one event as a widget sends it. Fields that do not apply to
// its type are ignored.
type Event struct {
	Type string
	// At is the client's time (zero: now).
	At            time.Time
	Journey       string
	Step          string
	Outcome       string
	ContactPoint  string
	ContactPoints []string
	Channel       string
	Results       *int
	Answered      *bool
	Query         string
}

// maxResults bounds the result count of a search event.
const maxResults = 10_000

// RecordEvents checks a batch and queues its events for the background
// writer; it returns how many events it accepted. It never waits for the
// database, except to look up a partner not seen in the last 30 seconds.
func (s *Service) RecordEvents(ctx context.Context, b EventBatch) (int, error) {
	var v domain.Validation
	if b.Partner == "" {
		v.Add("partner", "est obligatoire")
	}
	if b.Entry != "" && !domain.ValidSlug(b.Entry) {
		v.Add("entry", "identifiant de point d'entrée invalide")
	}
	if !domain.ValidSessionID(b.Session) {
		v.Add("session", "doit faire de 16 à 64 caractères parmi A-Z, a-z, 0-9, « _ » et « - »")
	}
	var out []domain.UsageEvent
	switch n := len(b.Events); {
	case n == 0:
		v.Add("events", "au moins un événement")
	case n > domain.MaxEventsPerBatch:
		v.Add("events", "%d événements au plus par envoi", domain.MaxEventsPerBatch)
	default:
		now := s.now()
		for i, e := range b.Events {
			out = appendEvent(&v, fmt.Sprintf("events[%d]", i), e, now, out)
		}
	}
	if err := v.Err("Événements invalides."); err != nil {
		return 0, err
	}
	p, err := s.partner(ctx, b.Partner)
	if err != nil {
		return 0, err
	}
	if err := p.checkEntry(b.Partner, b.Entry); err != nil {
		return 0, err
	}
	for i := range out {
		out[i].OrganisationID, out[i].Entry, out[i].SessionID, out[i].PortalID = p.id, b.Entry, b.Session, b.PortalID
	}
	if err := s.push(out); err != nil {
		return 0, err
	}
	return len(b.Events), nil
}

// appendEvent checks one event and appends what is stored of it: the event
// itself, and for an outcome one "shown" row per contact point it listed.
func appendEvent(v *domain.Validation, p string, e Event, now time.Time, out []domain.UsageEvent) []domain.UsageEvent {
	t := domain.EventType(e.Type)
	if !slices.Contains(domain.ClientEventTypes, t) {
		v.Add(p+".type", "doit valoir loaded, search, step, outcome, contact, emergency, feedback ou exit")
		return out
	}
	at := e.At
	switch {
	case at.IsZero():
		at = now
	case at.Before(now.Add(-domain.EventClockSkew)):
		at = now.Add(-domain.EventClockSkew)
	case at.After(now.Add(domain.EventClockSkew)):
		at = now.Add(domain.EventClockSkew)
	}
	ev := domain.UsageEvent{Type: t, At: at.UTC().Truncate(time.Microsecond), Day: domain.ParisDay(at), Journey: e.Journey, Step: e.Step, OutcomeID: e.Outcome}
	if e.Journey != "" && !domain.ValidSlug(e.Journey) {
		v.Add(p+".journey", "identifiant de parcours invalide")
	}
	if e.Step != "" && !domain.ValidSlug(e.Step) {
		v.Add(p+".step", "identifiant d'étape invalide")
	}
	if e.Step != "" && e.Journey == "" {
		v.Add(p+".journey", "obligatoire avec step")
	}
	if e.Outcome != "" && !domain.ValidID(e.Outcome) {
		v.Add(p+".outcome", "doit être un UUID")
	}
	if e.ContactPoint != "" && !domain.ValidID(e.ContactPoint) {
		v.Add(p+".contact_point", "doit être un UUID")
	}
	if e.Channel != "" && !slices.Contains(domain.EventChannels, e.Channel) {
		v.Add(p+".channel", "doit valoir phone, email, address, online, sms ou website")
	}
	if len(e.ContactPoints) > domain.MaxShownContactPoints {
		v.Add(p+".contact_points", "%d points de contact au plus", domain.MaxShownContactPoints)
	}
	for i, id := range e.ContactPoints {
		if !domain.ValidID(id) {
			v.Add(fmt.Sprintf("%s.contact_points[%d]", p, i), "doit être un UUID")
		}
	}
	if e.Results != nil && (*e.Results < 0 || *e.Results > maxResults) {
		v.Add(p+".results", "doit être compris entre 0 et %d", maxResults)
	}
	if utf8.RuneCountInString(e.Query) > domain.MaxEventQueryRunes {
		v.Add(p+".query", "ne doit pas dépasser %d caractères", domain.MaxEventQueryRunes)
	}
	switch t {
	case domain.EventSearch:
		ev.Results, ev.Query = e.Results, domain.SearchMissQuery(e.Query)
	case domain.EventStep:
		if e.Journey == "" || e.Step == "" {
			v.Add(p+".step", "journey et step sont obligatoires pour un événement step")
		}
		ev.Answered = e.Answered != nil && *e.Answered
	case domain.EventContact:
		if e.Channel == "" {
			v.Add(p+".channel", "obligatoire pour un événement contact")
		}
		ev.Channel, ev.ContactPointID = e.Channel, e.ContactPoint
	}
	out = append(out, ev)
	if t == domain.EventOutcome {
		shown := slices.Clone(e.ContactPoints)
		if e.ContactPoint != "" {
			shown = append(shown, e.ContactPoint)
		}
		slices.Sort(shown)
		for _, id := range slices.Compact(shown) {
			sh := ev
			sh.Type, sh.ContactPointID = domain.EventShown, id
			out = append(out, sh)
		}
	}
	return out
}
