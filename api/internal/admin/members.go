package admin

import (
	"context"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/auth"
	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// InvitationTTL is how long an invitation link stays valid.
const InvitationTTL = 7 * 24 * time.Hour

// Members lists the organisation's members (admins only).
func (s *Service) Members(ctx context.Context, a Actor, slug string) ([]*domain.Membership, error) {
	org, err := s.Authorize(ctx, a, slug, domain.RoleAdmin)
	if err != nil {
		return nil, err
	}
	return s.store.FindMembers(ctx, org.ID)
}

// SetMemberRole changes a member's role.
func (s *Service) SetMemberRole(ctx context.Context, a Actor, slug, userID string, role domain.Role) (*domain.Membership, error) {
	org, err := s.Authorize(ctx, a, slug, domain.RoleAdmin)
	if err != nil {
		return nil, err
	}
	if !domain.ValidRole(role) {
		return nil, domain.Invalid("Rôle invalide.", domain.FieldError{Field: "role", Message: "doit valoir admin, editor ou viewer"})
	}
	m, err := s.member(ctx, org.ID, userID)
	if err != nil {
		return nil, err
	}
	if m.Role == domain.RoleAdmin && role != domain.RoleAdmin {
		if err := s.keepOneAdmin(ctx, org.ID); err != nil {
			return nil, err
		}
	}
	old := m.Role
	m.Role = role
	if err := s.store.UpsertMembership(ctx, m); err != nil {
		return nil, err
	}
	if err := s.store.AppendAudit(ctx, s.audit(a, org.ID, "role", "membership", userID, map[string][2]any{"role": {old, role}})); err != nil {
		return nil, err
	}
	return m, nil
}

// RemoveMember removes a member from the organisation.
func (s *Service) RemoveMember(ctx context.Context, a Actor, slug, userID string) error {
	org, err := s.Authorize(ctx, a, slug, domain.RoleAdmin)
	if err != nil {
		return err
	}
	m, err := s.member(ctx, org.ID, userID)
	if err != nil {
		return err
	}
	if m.Role == domain.RoleAdmin {
		if err := s.keepOneAdmin(ctx, org.ID); err != nil {
			return err
		}
	}
	if err := s.store.DeleteMembership(ctx, userID, org.ID); err != nil {
		return err
	}
	return s.store.AppendAudit(ctx, s.audit(a, org.ID, "delete", "membership", userID, map[string][2]any{"role": {m.Role, nil}}))
}

func (s *Service) member(ctx context.Context, orgID, userID string) (*domain.Membership, error) {
	if !domain.ValidID(userID) {
		return nil, domain.Errorf(domain.ENOTFOUND, "Membre introuvable.")
	}
	return s.store.FindMembership(ctx, userID, orgID)
}

// keepOneAdmin refuses to remove the last admin of an organisation.
func (s *Service) keepOneAdmin(ctx context.Context, orgID string) error {
	members, err := s.store.FindMembers(ctx, orgID)
	if err != nil {
		return err
	}
	admins := 0
	for _, m := range members {
		if m.Role == domain.RoleAdmin {
			admins++
		}
	}
	if admins <= 1 {
		return domain.Errorf(domain.ECONFLICT, "L'organisation doit garder au moins un administrateur.")
	}
	return nil
}

// Invite creates a single-use invitation and returns it with its token (the
// only time the token exists in clear: the link is given to the inviter).
func (s *Service) Invite(ctx context.Context, a Actor, slug, email string, role domain.Role) (*domain.Invitation, string, error) {
	org, err := s.Authorize(ctx, a, slug, domain.RoleAdmin)
	if err != nil {
		return nil, "", err
	}
	var v domain.Validation
	email, ok := domain.NormalizeEmail(email)
	if !ok {
		v.Add("email", "adresse électronique invalide")
	}
	if !domain.ValidRole(role) {
		v.Add("role", "doit valoir admin, editor ou viewer")
	}
	if err := v.Err("Invitation invalide."); err != nil {
		return nil, "", err
	}
	token, hash, err := auth.NewOpaqueToken()
	if err != nil {
		return nil, "", err
	}
	inv := &domain.Invitation{OrganisationID: org.ID, Email: email, Role: role, TokenHash: hash, CreatedBy: a.UserID,
		ExpiresAt: s.now().UTC().Add(InvitationTTL)}
	if err := s.store.CreateInvitation(ctx, inv); err != nil {
		return nil, "", err
	}
	if err := s.store.AppendAudit(ctx, s.audit(a, org.ID, "invite", "invitation", inv.ID, map[string][2]any{"email": {nil, email}, "role": {nil, role}})); err != nil {
		return nil, "", err
	}
	return inv, token, nil
}

// MembershipsOf lists the actor's own memberships.
func (s *Service) MembershipsOf(ctx context.Context, a Actor) ([]*domain.Membership, error) {
	return s.store.FindMembershipsOfUser(ctx, a.UserID)
}
