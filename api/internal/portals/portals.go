// Package portals manages the API keys of third-party portals (issue 10):
// platform admins create and revoke them; the public API authenticates the
// requests that carry one, from an in-memory cache that every replica drops
// within a second of a key created or revoked anywhere.
package portals

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"

	"github.com/aiguillage/aiguillage/api/internal/admin"
	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// Cache bounds. An entry is used only while the store's portal generation
// is the one it was read at; cacheTTL bounds its life should an
// announcement be lost. Unknown prefixes are cached too, so a flood of
// made-up keys costs one read per prefix per cacheTTL.
const (
	cacheEntries = 10_000
	cacheTTL     = time.Minute
	// TouchEvery is how often, at most, a server records a key's last use.
	TouchEvery = time.Minute
)

// Service creates, lists, revokes and authenticates the portals' keys.
type Service struct {
	store domain.PortalStore
	now   func() time.Time
	log   *slog.Logger
	cache *expirable.LRU[string, cached]

	mu      sync.Mutex
	touched map[string]time.Time // portal id → last recorded use
}

type cached struct {
	portal     *domain.Portal // nil: no portal has this prefix
	generation uint64
}

// New returns the service. now and log may be nil.
func New(store domain.PortalStore, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: store, now: now, log: log, cache: expirable.NewLRU[string, cached](cacheEntries, nil, cacheTTL),
		touched: map[string]time.Time{}}
}

func requirePlatformAdmin(a admin.Actor) error {
	if !a.PlatformAdmin {
		return domain.Errorf(domain.EFORBIDDEN, "Réservé aux administrateurs de la plateforme.")
	}
	return nil
}

// CreateInput is what a platform admin chooses for a new portal.
type CreateInput struct {
	Name         string
	ContactEmail string
	// RateMultiplier: domain.DefaultRateMultiplier when nil.
	RateMultiplier *int
}

// Create adds a portal and draws its key, returned once: only the hash of
// its secret is kept.
func (s *Service) Create(ctx context.Context, a admin.Actor, in CreateInput) (*domain.Portal, string, error) {
	if err := requirePlatformAdmin(a); err != nil {
		return nil, "", err
	}
	p := &domain.Portal{Name: in.Name, ContactEmail: in.ContactEmail, RateMultiplier: domain.DefaultRateMultiplier, CreatedBy: a.UserID}
	if e, ok := domain.NormalizeEmail(in.ContactEmail); ok {
		p.ContactEmail = e
	}
	if in.RateMultiplier != nil {
		p.RateMultiplier = *in.RateMultiplier
	}
	if err := p.Validate(); err != nil {
		return nil, "", err
	}
	key, prefix, hash := domain.NewAPIKey()
	p.KeyPrefix, p.KeyHash = prefix, hash
	// The contact address stays out of the audit log.
	audit := &domain.AuditEntry{UserID: a.UserID, UserEmail: a.Email, Action: "create", EntityType: "portal",
		Changes: map[string][2]any{"name": {nil, p.Name}, "key_prefix": {nil, prefix}, "rate_multiplier": {nil, p.RateMultiplier}}}
	if err := s.store.CreatePortal(ctx, p, audit); err != nil {
		return nil, "", err
	}
	return p, key, nil
}

// List returns every portal, newest first.
func (s *Service) List(ctx context.Context, a admin.Actor) ([]*domain.Portal, error) {
	if err := requirePlatformAdmin(a); err != nil {
		return nil, err
	}
	return s.store.FindPortals(ctx)
}

// Revoke revokes a portal's key; revoking it again changes nothing.
func (s *Service) Revoke(ctx context.Context, a admin.Actor, id string) (*domain.Portal, error) {
	if err := requirePlatformAdmin(a); err != nil {
		return nil, err
	}
	if !domain.ValidID(id) {
		return nil, domain.Errorf(domain.ENOTFOUND, "Portail introuvable.")
	}
	p, err := s.store.FindPortalByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Revoked() {
		return p, nil
	}
	audit := &domain.AuditEntry{UserID: a.UserID, UserEmail: a.Email, Action: "revoke", EntityType: "portal", EntityID: id,
		Changes: map[string][2]any{"name": {p.Name, p.Name}, "key_prefix": {p.KeyPrefix, p.KeyPrefix}, "revoked": {false, true}}}
	p, err = s.store.RevokePortal(ctx, id, a.UserID, s.now(), audit)
	if err != nil {
		return nil, err
	}
	// The store's generation moved on too; this frees the entry at once.
	s.cache.Remove(p.KeyPrefix)
	return p, nil
}

// Unauthorized errors of Authenticate. Their messages are French, shown to
// the portal's developers.
var (
	errMalformed = domain.Errorf(domain.EUNAUTHORIZED, "La clé d'API (en-tête X-API-Key) est mal formée : elle doit ressembler à agk_xxxxxxxx_… .")
	errUnknown   = domain.Errorf(domain.EUNAUTHORIZED, "La clé d'API (en-tête X-API-Key) n'est pas reconnue. Retirez l'en-tête pour un accès anonyme.")
	errRevoked   = domain.Errorf(domain.EUNAUTHORIZED, "La clé d'API (en-tête X-API-Key) a été révoquée. Retirez l'en-tête pour un accès anonyme, ou demandez une nouvelle clé.")
)

// Authenticate returns the portal whose key this is, or an EUNAUTHORIZED
// error if the key is malformed, unknown or revoked. It reads the database
// once per key per minute at most (and after a key is created or revoked
// anywhere), and records the key's last use at most once a minute.
func (s *Service) Authenticate(ctx context.Context, key string) (*domain.Portal, error) {
	prefix, secret, ok := domain.ParseAPIKey(strings.TrimSpace(key))
	if !ok {
		return nil, errMalformed
	}
	gen := s.store.PortalGeneration()
	e, hit := s.cache.Get(prefix)
	if !hit || e.generation != gen {
		// The generation is read before the portal: a revocation during
		// the read leaves the entry stale, never wrongly fresh.
		p, err := s.store.FindPortalByPrefix(ctx, prefix)
		if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
			return nil, err
		}
		e = cached{portal: p, generation: gen}
		s.cache.Add(prefix, e)
	}
	p := e.portal
	if p == nil || !p.MatchesSecret(secret) {
		return nil, errUnknown
	}
	if p.Revoked() {
		return nil, errRevoked
	}
	s.touch(ctx, p)
	return p, nil
}

// touch records the portal's last use if this server has not in the last
// TouchEvery.
func (s *Service) touch(ctx context.Context, p *domain.Portal) {
	now := s.now()
	s.mu.Lock()
	last, ok := s.touched[p.ID]
	if !ok && p.LastUsedAt != nil {
		last, ok = *p.LastUsedAt, true
	}
	due := !ok || now.Sub(last) >= TouchEvery
	if due {
		s.touched[p.ID] = now
	}
	s.mu.Unlock()
	if !due {
		return
	}
	if err := s.store.TouchPortal(context.WithoutCancel(ctx), p.ID, now); err != nil {
		s.log.WarnContext(ctx, "portals: cannot record a key's last use", "portal", p.ID, "err", err)
	}
}
