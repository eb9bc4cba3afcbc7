// Package admin is the référents' service: every read and write of the back
// office goes through it, scoped to one organisation and checked against the
// actor's role there. An object of another organisation is "not found",
// never "forbidden", so its existence does not leak.
package admin

import (
	"context"
	"encoding/json"
	"reflect"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// Actor is the authenticated user behind a request.
type Actor struct {
	UserID        string
	Email         string
	PlatformAdmin bool
}

// Store is what the service needs from the database.
type Store interface {
	domain.DirectoryStore
	domain.ContactPointEditor
	domain.OrganisationEditor
	domain.AccountStore
	domain.SearchMissStore
	domain.ReportStore
	// FindOverrides returns an organisation's local overrides of national
	// contact points, by the id of the contact point they override.
	FindOverrides(ctx context.Context, organisationID string) (map[string]*domain.ContactPoint, error)
}

// Service implements the back office rules.
type Service struct {
	store      Store
	communes   domain.Communes
	knownPivot func(string) bool
	now        func() time.Time
}

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// New wires the service.
func New(store Store, communes domain.Communes, knownPivot func(string) bool, now func() time.Time) *Service {
	return &Service{store: store, communes: communes, knownPivot: knownPivot, now: now}
}

// Authorize returns the organisation named by slug if the actor holds at
// least the role need there (platform admins hold every role everywhere).
// A member of another organisation gets ENOTFOUND; a member with too weak a
// role gets EFORBIDDEN.
func (s *Service) Authorize(ctx context.Context, a Actor, slug string, need domain.Role) (*domain.Organisation, error) {
	notFound := domain.Errorf(domain.ENOTFOUND, "Aucune organisation %q parmi les vôtres.", slug)
	if !domain.ValidSlug(slug) {
		return nil, notFound
	}
	org, err := s.store.FindOrganisationBySlug(ctx, slug)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	if a.PlatformAdmin {
		return org, nil
	}
	if org.Kind == domain.KindCommons {
		// Only platform admins manage the national commons.
		if _, err := s.store.FindMembership(ctx, a.UserID, org.ID); err != nil {
			return nil, notFound
		}
		if need != domain.RoleViewer {
			return nil, domain.Errorf(domain.EFORBIDDEN, "Seuls les administrateurs de la plateforme modifient les communs nationaux.")
		}
		return org, nil
	}
	m, err := s.store.FindMembership(ctx, a.UserID, org.ID)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	if !m.Role.Allows(need) {
		return nil, domain.Errorf(domain.EFORBIDDEN, "Votre rôle (%s) ne permet pas cette action : il faut le rôle %s.", m.Role, need)
	}
	return org, nil
}

func (s *Service) audit(a Actor, orgID, action, entityType, entityID string, changes map[string][2]any) *domain.AuditEntry {
	return &domain.AuditEntry{OrganisationID: orgID, UserID: a.UserID, UserEmail: a.Email, Action: action,
		EntityType: entityType, EntityID: entityID, Changes: changes}
}

// diff lists the fields whose JSON form changed between two values of the
// same struct type: {"name": [old, new]}.
func diff(before, after any) map[string][2]any {
	out := map[string][2]any{}
	bv, av := reflect.ValueOf(before), reflect.ValueOf(after)
	if bv.Kind() == reflect.Pointer {
		bv, av = bv.Elem(), av.Elem()
	}
	t := bv.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		switch f.Name {
		case "Version", "CreatedAt", "UpdatedAt":
			continue
		}
		b, _ := json.Marshal(bv.Field(i).Interface())
		a, _ := json.Marshal(av.Field(i).Interface())
		if string(a) != string(b) {
			var bo, ao any
			_ = json.Unmarshal(b, &bo)
			_ = json.Unmarshal(a, &ao)
			out[f.Name] = [2]any{bo, ao}
		}
	}
	return out
}

// AuditLog returns an organisation's audit log, newest first (admins only).
// SearchMisses lists the searches of an organisation's residents that found
// nothing, most frequent first (viewers and up). On the national commons
// (platform admins), the searches made without a partner.
func (s *Service) SearchMisses(ctx context.Context, a Actor, slug string, p domain.Page) ([]*domain.SearchMiss, int, error) {
	org, err := s.Authorize(ctx, a, slug, domain.RoleViewer)
	if err != nil {
		return nil, 0, err
	}
	id := org.ID
	if org.Kind == domain.KindCommons {
		id = ""
	}
	return s.store.FindSearchMisses(ctx, id, p)
}

func (s *Service) AuditLog(ctx context.Context, a Actor, slug string, p domain.Page) ([]*domain.AuditEntry, int, error) {
	org, err := s.Authorize(ctx, a, slug, domain.RoleAdmin)
	if err != nil {
		return nil, 0, err
	}
	return s.store.FindAudit(ctx, org.ID, p)
}
