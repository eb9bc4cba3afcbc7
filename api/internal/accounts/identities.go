package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/auth"
	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// LoginCodeTTL is how long a login code may wait before it is exchanged.
const LoginCodeTTL = 60 * time.Second

// ExternalIdentity is an identity an OpenID Connect provider vouched for:
// its issuer and subject, and the verified address it gave.
type ExternalIdentity struct {
	Issuer, Subject, Email string
}

// ErrNoAccount refuses a provider identity that maps to no account: the
// organisation admin decides who joins, by an invitation.
var ErrNoAccount = domain.Errorf(domain.EFORBIDDEN, "Aucun compte Aiguillage n'est associé à cette adresse. "+
	"Demandez à l'administrateur de votre organisation de vous inviter.")

var errBadLoginCode = domain.Errorf(domain.EUNAUTHORIZED, "Code de connexion inconnu, déjà utilisé ou expiré : reconnectez-vous.")

var errNoIdentities = errors.New("accounts: sign-in with a provider is not configured (no identity store)")

// LinkIdentity returns the account of a provider identity: the one it is
// already linked to; else the account with its address (compared in lower
// case), which it is linked to; else, when invitations to that address are
// pending, a new account (without password) that accepts them, linked to
// it. Otherwise ErrNoAccount: no account is created.
func (s *Service) LinkIdentity(ctx context.Context, id ExternalIdentity) (*domain.User, error) {
	if s.o.Identities == nil {
		return nil, errNoIdentities
	}
	if id.Issuer == "" || id.Subject == "" {
		return nil, errors.New("accounts: identity without issuer or subject")
	}
	email, ok := domain.NormalizeEmail(id.Email)
	if !ok {
		return nil, ErrNoAccount
	}
	now := s.o.Now().UTC()
	u, err := s.o.Identities.FindUserByIdentity(ctx, id.Issuer, id.Subject)
	switch {
	case err == nil:
		if err := s.checkUsable(u); err != nil {
			return nil, err
		}
		if err := s.o.Identities.TouchIdentity(ctx, id.Issuer, id.Subject, email, now); err != nil {
			return nil, err
		}
		return u, nil
	case domain.ErrorCode(err) != domain.ENOTFOUND:
		return nil, err
	}
	u, err = s.o.Store.FindUserByEmail(ctx, email)
	switch {
	case domain.ErrorCode(err) == domain.ENOTFOUND:
		if u, err = s.acceptPendingInvitations(ctx, email, now); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	}
	if err := s.checkUsable(u); err != nil {
		return nil, err
	}
	err = s.o.Identities.LinkIdentity(ctx, &domain.Identity{UserID: u.ID, Issuer: id.Issuer, Subject: id.Subject, Email: email})
	if domain.ErrorCode(err) == domain.ECONFLICT {
		// Linked meanwhile, by a sign-in running at the same time.
		return s.o.Identities.FindUserByIdentity(ctx, id.Issuer, id.Subject)
	}
	if err != nil {
		return nil, err
	}
	s.o.Logger.InfoContext(ctx, "provider identity linked", "user_id", u.ID, "issuer", id.Issuer)
	return u, nil
}

// checkUsable refuses the demo accounts outside demo mode.
func (s *Service) checkUsable(u *domain.User) error {
	if u.Demo && !s.o.DemoMode {
		return domain.Errorf(domain.EFORBIDDEN, "Les comptes de démonstration sont désactivés hors du mode démonstration.")
	}
	return nil
}

// acceptPendingInvitations accepts every pending invitation to email for a
// new account without password, and returns the account; ErrNoAccount
// when there is none.
func (s *Service) acceptPendingInvitations(ctx context.Context, email string, now time.Time) (*domain.User, error) {
	invs, err := s.o.Identities.FindPendingInvitations(ctx, email, now)
	if err != nil {
		return nil, err
	}
	var u *domain.User
	for _, inv := range invs {
		if _, err := s.o.Store.AcceptInvitation(ctx, inv.TokenHash, now); domain.ErrorCode(err) == domain.ENOTFOUND {
			continue // accepted meanwhile
		} else if err != nil {
			return nil, err
		}
		if u == nil {
			u = &domain.User{Email: email}
			if err := s.o.Store.CreateUser(ctx, u); err != nil {
				// Created meanwhile (another sign-in, or an invitation
				// accepted with a password): join that account.
				found, ferr := s.o.Store.FindUserByEmail(ctx, email)
				if ferr != nil {
					return nil, fmt.Errorf("create the account of an invitation: %w", err)
				}
				u = found
			}
		}
		if err := s.o.Store.UpsertMembership(ctx, &domain.Membership{UserID: u.ID, OrganisationID: inv.OrganisationID, Role: inv.Role}); err != nil {
			return nil, err
		}
		if err := s.o.Store.AppendAudit(ctx, &domain.AuditEntry{OrganisationID: inv.OrganisationID, UserID: u.ID, UserEmail: u.Email,
			Action: "join", EntityType: "membership", EntityID: u.ID,
			Changes: map[string][2]any{"role": {nil, inv.Role}, "method": {nil, "proconnect"}}}); err != nil {
			return nil, err
		}
	}
	if u == nil {
		return nil, ErrNoAccount
	}
	return u, nil
}

// IssueLoginCode returns a single-use code that opens a session for u
// within LoginCodeTTL; method ("proconnect") goes to the audit log.
func (s *Service) IssueLoginCode(ctx context.Context, u *domain.User, method string) (string, error) {
	if s.o.Identities == nil {
		return "", errNoIdentities
	}
	code, hash, err := auth.NewOpaqueToken()
	if err != nil {
		return "", err
	}
	if err := s.o.Identities.CreateLoginCode(ctx, &domain.LoginCode{CodeHash: hash, UserID: u.ID, Method: method,
		ExpiresAt: s.o.Now().UTC().Add(LoginCodeTTL)}); err != nil {
		return "", err
	}
	return code, nil
}

// ExchangeLoginCode consumes a login code and opens a session, recorded in
// the audit log of each organisation of the user. Unknown, used and
// expired codes count as failures of the client's address, like refused
// passwords.
func (s *Service) ExchangeLoginCode(ctx context.Context, code, clientIP string) (*Session, error) {
	if s.o.Identities == nil {
		return nil, errNoIdentities
	}
	ipKey := clientKey(clientIP)
	if ok, retry := s.o.PerIP.Allow(ipKey); !ok {
		return nil, &RateLimited{RetryAfter: retry}
	}
	if code == "" {
		s.o.PerIP.Fail(ipKey)
		return nil, errBadLoginCode
	}
	lc, err := s.o.Identities.UseLoginCode(ctx, auth.HashOpaqueToken(code), s.o.Now())
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		s.o.PerIP.Fail(ipKey)
		return nil, errBadLoginCode
	}
	if err != nil {
		return nil, err
	}
	u, err := s.o.Store.FindUserByID(ctx, lc.UserID)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, errBadLoginCode
	}
	if err != nil {
		return nil, err
	}
	if err := s.checkUsable(u); err != nil {
		return nil, err
	}
	ms, err := s.o.Store.FindMembershipsOfUser(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	orgs := []string{""} // a platform admin without organisation: still recorded
	if len(ms) > 0 {
		orgs = orgs[:0]
		for _, m := range ms {
			orgs = append(orgs, m.OrganisationID)
		}
	}
	for _, org := range orgs {
		if err := s.o.Store.AppendAudit(ctx, &domain.AuditEntry{OrganisationID: org, UserID: u.ID, UserEmail: u.Email,
			Action: "login", EntityType: "session", EntityID: u.ID, Changes: map[string][2]any{"method": {nil, lc.Method}}}); err != nil {
			return nil, err
		}
	}
	return s.open(ctx, u, domain.NewID())
}
