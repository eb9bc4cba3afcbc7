// Package impact measures the service without tracking anyone: residents'
// feedback, the widget's anonymous usage events (buffered in memory and
// written in batches by a background writer), their daily aggregates, the
// statistics built on them, and the retention of the raw rows.
//
// The README's « Mesure d'impact » section defines every indicator and
// says what is stored.
package impact

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/aiguillage/aiguillage/api/internal/admin"
	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// Store is what the service needs from the database.
type Store interface {
	domain.ImpactStore
	FindOrganisationBySlug(ctx context.Context, slug string) (*domain.Organisation, error)
	FindOrganisations(ctx context.Context, ids []string, p domain.Page) ([]*domain.Organisation, int, error)
	FindContactPointsByIDs(ctx context.Context, ids []string) (map[string]*domain.ContactPoint, error)
	FindOutcome(ctx context.Context, id string) (*domain.OutcomeRef, error)
	FindJourneys(ctx context.Context, organisationID string) ([]*domain.JourneyRecord, error)
	FindJourneyVersion(ctx context.Context, organisationID, slug string, number int) (*domain.JourneyVersion, error)
	PurgeSearchMisses(ctx context.Context, before time.Time) (int, error)
	Ping(ctx context.Context) error
}

// Defaults of Options.
const (
	DefaultBufferSize = 50_000
	DefaultBatchSize  = 500
	DefaultFlushEvery = time.Second
	// DefaultMaintenanceEvery is how often RunMaintenance rolls closed
	// days up and purges what the retention period has passed.
	DefaultMaintenanceEvery = time.Hour
	// RetryAfter is what a full buffer tells clients to wait, and
	// RetryAfterFailing what it tells them while the database refuses the
	// writes.
	RetryAfter        = 2 * time.Second
	RetryAfterFailing = 30 * time.Second
)

// Options configure New.
type Options struct {
	Store  Store
	Admin  *admin.Service
	Logger *slog.Logger
	Now    func() time.Time
	// BufferSize bounds the events held in memory before they are written
	// (DefaultBufferSize when 0). Beyond, ingestion answers "unavailable".
	BufferSize int
	// BatchSize is how many events one transaction writes, and how many
	// waiting events wake the writer before FlushEvery (DefaultBatchSize).
	BatchSize int
	// FlushEvery is the writer's period (DefaultFlushEvery).
	FlushEvery time.Duration
	// Cutoff returns the oldest time raw rows are kept for, given now (nil:
	// 13 months before now).
	Cutoff func(now time.Time) time.Time
	// Generation changes when organisations change; the partners known to
	// ingestion are read again then (and after 30 s in any case).
	Generation func() uint64
	// Registerer receives the ingestion metrics (nil: none).
	Registerer prometheus.Registerer
}

// Service records feedback and events and computes the statistics.
type Service struct {
	store      Store
	admin      *admin.Service
	log        *slog.Logger
	now        func() time.Time
	cutoff     func(time.Time) time.Time
	generation func() uint64
	partners   *expirable.LRU[string, *partner]
	// lastKnown keeps the last partners read, without expiry: events keep
	// being accepted (buffered) while the database does not answer.
	lastKnown *expirable.LRU[string, *partner]

	batchSize  int
	flushEvery time.Duration

	mu       sync.Mutex
	buf      []domain.UsageEvent
	inflight int // taken by the writer, not yet written
	max      int
	closed   bool
	failing  bool
	wake     chan struct{}
	closing  chan struct{}
	abort    chan struct{}
	done     chan struct{}
	stop     sync.Once

	// written moves on each time events or feedback reach the database:
	// caches of statistics key on it.
	written atomic.Uint64
	metrics *metrics
}

// New builds the service and starts its background writer; Close stops it.
func New(o Options) *Service {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Cutoff == nil {
		o.Cutoff = func(now time.Time) time.Time { return now.AddDate(0, -13, 0) }
	}
	if o.Generation == nil {
		o.Generation = func() uint64 { return 0 }
	}
	s := &Service{
		store: o.Store, admin: o.Admin, log: o.Logger, now: o.Now, cutoff: o.Cutoff, generation: o.Generation,
		partners:  expirable.NewLRU[string, *partner](4096, nil, 30*time.Second),
		lastKnown: expirable.NewLRU[string, *partner](4096, nil, 0),
		batchSize: o.BatchSize, flushEvery: o.FlushEvery, max: o.BufferSize,
		wake: make(chan struct{}, 1), closing: make(chan struct{}), abort: make(chan struct{}), done: make(chan struct{}),
		metrics: newMetrics(o.Registerer),
	}
	if s.batchSize <= 0 {
		s.batchSize = DefaultBatchSize
	}
	if s.flushEvery <= 0 {
		s.flushEvery = DefaultFlushEvery
	}
	if s.max <= 0 {
		s.max = DefaultBufferSize
	}
	if o.Registerer != nil {
		s.registerBuffered(o.Registerer)
	}
	go s.write()
	return s
}

// Written changes each time events or feedback are written.
func (s *Service) Written() uint64 { return s.written.Load() }

// partner is what ingestion needs to know of an organisation; a nil id
// records that no organisation has that slug.
type partner struct {
	id         string
	name       string
	entries    []string
	generation uint64
}

func notFoundPartner(slug string) error {
	return domain.Errorf(domain.ENOTFOUND, "Aucun partenaire ne porte l'identifiant %q.", slug)
}

// partner returns the organisation of a widget, from memory when it was
// read recently and organisations did not change since.
func (s *Service) partner(ctx context.Context, slug string) (*partner, error) {
	if !domain.ValidSlug(slug) {
		return nil, notFoundPartner(slug)
	}
	gen := s.generation()
	p, ok := s.partners.Get(slug)
	if !ok || p.generation != gen {
		org, err := s.store.FindOrganisationBySlug(ctx, slug)
		switch {
		case domain.ErrorCode(err) == domain.ENOTFOUND:
			p = &partner{generation: gen}
		case err != nil:
			// The database does not answer: the partner as last read.
			if known, ok := s.lastKnown.Get(slug); ok && domain.ErrorCode(err) == domain.EUNAVAILABLE {
				return known, nil
			}
			return nil, err
		default:
			p = &partner{id: org.ID, name: org.Name, generation: gen}
			for _, e := range org.EntryPoints {
				p.entries = append(p.entries, e.Slug)
			}
			s.lastKnown.Add(slug, p)
		}
		s.partners.Add(slug, p)
	}
	if p.id == "" {
		return nil, notFoundPartner(slug)
	}
	return p, nil
}

// checkEntry refuses an entry point the partner does not have.
func (p *partner) checkEntry(slug, entry string) error {
	if entry == "" {
		return nil
	}
	for _, e := range p.entries {
		if e == entry {
			return nil
		}
	}
	return domain.Errorf(domain.ENOTFOUND, "%s n'a pas de point d'entrée %q.", slug, entry)
}

type metrics struct {
	accepted, rejected, written, failed, dropped prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		accepted: prometheus.NewCounter(prometheus.CounterOpts{Name: "aiguillage_usage_events_accepted_total", Help: "Usage events accepted into the write buffer."}),
		rejected: prometheus.NewCounter(prometheus.CounterOpts{Name: "aiguillage_usage_events_rejected_total", Help: "Usage events refused with 503 because the write buffer was full or closing."}),
		written:  prometheus.NewCounter(prometheus.CounterOpts{Name: "aiguillage_usage_events_written_total", Help: "Usage events written to the database."}),
		failed:   prometheus.NewCounter(prometheus.CounterOpts{Name: "aiguillage_usage_event_writes_failed_total", Help: "Failed attempts to write a batch of usage events (the batch is kept and retried)."}),
		dropped:  prometheus.NewCounter(prometheus.CounterOpts{Name: "aiguillage_usage_events_dropped_total", Help: "Accepted usage events the database refused one by one (logged), e.g. of a partner deleted meanwhile."}),
	}
	if reg != nil {
		reg.MustRegister(m.accepted, m.rejected, m.written, m.failed, m.dropped)
	}
	return m
}

// registerBuffered exposes the buffer's length.
func (s *Service) registerBuffered(reg prometheus.Registerer) {
	g := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "aiguillage_usage_events_buffered", Help: "Usage events waiting in memory to be written."},
		func() float64 { return float64(s.Pending()) })
	reg.MustRegister(g)
}
