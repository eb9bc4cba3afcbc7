// Package accounts authenticates référents: login with throttling, short
// access tokens, rotating refresh tokens with reuse detection, logout,
// invitations, and the first account from the command line.
package accounts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/auth"
	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// Store is what the service needs from the database.
type Store interface {
	domain.AccountStore
	FindOrganisationBySlug(ctx context.Context, slug string) (*domain.Organisation, error)
}

// Tokens issues and verifies access tokens.
type Tokens interface {
	Issue(c auth.AccessClaims) (string, time.Time, error)
	Verify(token string) (*auth.AccessClaims, error)
}

// Limiter throttles failed logins for one key.
type Limiter interface {
	Allow(key string) (bool, time.Duration)
	Fail(key string)
	Reset(key string)
}

// Options configure the service.
type Options struct {
	Store Store
	// Identities links provider identities (ProConnect) to accounts and
	// keeps the login codes; nil: no sign-in with a provider.
	Identities domain.IdentityStore
	Hasher     *auth.Hasher
	Tokens     Tokens
	PerAccount Limiter
	PerIP      Limiter
	RefreshTTL time.Duration
	// DemoMode allows the demo accounts (published passwords) to log in.
	DemoMode bool
	Now      func() time.Time
	Logger   *slog.Logger
}

// Service authenticates référents.
type Service struct {
	o Options
	// hashing bounds the password checks running at once: each takes about
	// 19 MiB and 20 ms, so a burst of logins must queue, not exhaust memory.
	hashing chan struct{}
}

// maxConcurrentHashes is how many password checks run at once.
const maxConcurrentHashes = 4

// New wires the service.
func New(o Options) *Service {
	if o.RefreshTTL == 0 {
		o.RefreshTTL = 30 * 24 * time.Hour
	}
	return &Service{o: o, hashing: make(chan struct{}, maxConcurrentHashes)}
}

// withHashSlot runs fn when a password-hashing slot is free.
func (s *Service) withHashSlot(ctx context.Context, fn func()) error {
	select {
	case s.hashing <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.hashing }()
	fn()
	return nil
}

// clientKey keys the per-address throttle: an IPv6 client owns a whole /64.
func clientKey(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return "ip:" + ip
	}
	if addr.Is6() && !addr.Is4In6() {
		p, _ := addr.Prefix(64)
		return "ip:" + p.String()
	}
	return "ip:" + addr.Unmap().String()
}

// Session is what a successful login or refresh returns.
type Session struct {
	AccessToken     string
	AccessExpiresAt time.Time
	RefreshToken    string
	RefreshExpires  time.Time
	User            *domain.User
}

// RateLimited is returned when too many attempts failed.
type RateLimited struct{ RetryAfter time.Duration }

func (e *RateLimited) Error() string {
	return fmt.Sprintf("trop de tentatives : réessayez dans %s", e.RetryAfter.Round(time.Second))
}

var errBadCredentials = domain.Errorf(domain.EUNAUTHORIZED, "Adresse électronique ou mot de passe incorrect.")

// Login checks a password and opens a session. clientIP keys the per-IP
// throttle and is never stored.
func (s *Service) Login(ctx context.Context, email, password, clientIP string) (*Session, error) {
	email, _ = domain.NormalizeEmail(email)
	accountKey, ipKey := "account:"+email, clientKey(clientIP)
	for _, l := range []struct {
		lim Limiter
		key string
	}{{s.o.PerAccount, accountKey}, {s.o.PerIP, ipKey}} {
		if ok, retry := l.lim.Allow(l.key); !ok {
			return nil, &RateLimited{RetryAfter: retry}
		}
	}
	fail := func() {
		s.o.PerAccount.Fail(accountKey)
		s.o.PerIP.Fail(ipKey)
	}
	u, err := s.o.Store.FindUserByEmail(ctx, email)
	if domain.ErrorCode(err) == domain.ENOTFOUND || (err == nil && u.PasswordHash == "") {
		// Same cost as a real check: no user enumeration by timing. An
		// account made by a sign-in with ProConnect has no password.
		if err := s.withHashSlot(ctx, func() { s.o.Hasher.DummyVerify(password) }); err != nil {
			return nil, err
		}
		fail()
		return nil, errBadCredentials
	}
	if err != nil {
		return nil, err
	}
	var ok, rehash bool
	if herr := s.withHashSlot(ctx, func() { ok, rehash, err = s.o.Hasher.Verify(u.PasswordHash, password) }); herr != nil {
		return nil, herr
	}
	if err != nil {
		return nil, fmt.Errorf("verify password of user %s: %w", u.ID, err)
	}
	if !ok {
		fail()
		return nil, errBadCredentials
	}
	if u.Demo && !s.o.DemoMode {
		return nil, domain.Errorf(domain.EFORBIDDEN, "Les comptes de démonstration sont désactivés hors du mode démonstration.")
	}
	s.o.PerAccount.Reset(accountKey)
	if rehash {
		if h, err := s.o.Hasher.Hash(password); err == nil {
			if err := s.o.Store.UpdateUserPassword(ctx, u.ID, h); err != nil {
				s.o.Logger.WarnContext(ctx, "rehash password", "user_id", u.ID, "error", err)
			}
		}
	}
	return s.open(ctx, u, domain.NewID())
}

func (s *Service) open(ctx context.Context, u *domain.User, family string) (*Session, error) {
	access, exp, err := s.o.Tokens.Issue(auth.AccessClaims{UserID: u.ID, PlatformAdmin: u.PlatformAdmin, SessionID: family})
	if err != nil {
		return nil, fmt.Errorf("issue access token: %w", err)
	}
	token, hash, err := auth.NewOpaqueToken()
	if err != nil {
		return nil, err
	}
	rt := &domain.RefreshToken{UserID: u.ID, FamilyID: family, TokenHash: hash, ExpiresAt: s.o.Now().UTC().Add(s.o.RefreshTTL)}
	if err := s.o.Store.CreateRefreshToken(ctx, rt); err != nil {
		return nil, err
	}
	return &Session{AccessToken: access, AccessExpiresAt: exp, RefreshToken: token, RefreshExpires: rt.ExpiresAt, User: u}, nil
}

var errBadRefresh = domain.Errorf(domain.EUNAUTHORIZED, "Session expirée ou révoquée : reconnectez-vous.")

// Refresh rotates a refresh token. A token used a second time means it was
// stolen (or replayed): the whole session family is revoked.
func (s *Service) Refresh(ctx context.Context, token string) (*Session, error) {
	if token == "" {
		return nil, errBadRefresh
	}
	rt, err := s.o.Store.UseRefreshToken(ctx, auth.HashOpaqueToken(token))
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, errBadRefresh
	}
	if err != nil {
		return nil, err
	}
	switch {
	case rt.RevokedAt != nil:
		return nil, errBadRefresh
	case rt.UsedAt != nil:
		if err := s.o.Store.RevokeRefreshFamily(ctx, rt.FamilyID); err != nil {
			return nil, err
		}
		s.o.Logger.WarnContext(ctx, "refresh token reused: session family revoked", "user_id", rt.UserID, "family_id", rt.FamilyID)
		return nil, errBadRefresh
	case !s.o.Now().Before(rt.ExpiresAt):
		return nil, errBadRefresh
	}
	u, err := s.o.Store.FindUserByID(ctx, rt.UserID)
	if err != nil {
		return nil, errBadRefresh
	}
	if u.Demo && !s.o.DemoMode {
		return nil, errBadRefresh
	}
	return s.open(ctx, u, rt.FamilyID)
}

// Logout revokes the session family of a refresh token.
func (s *Service) Logout(ctx context.Context, token string) error {
	rt, err := s.o.Store.UseRefreshToken(ctx, auth.HashOpaqueToken(token))
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil // already gone: logging out is idempotent
	}
	if err != nil {
		return err
	}
	return s.o.Store.RevokeRefreshFamily(ctx, rt.FamilyID)
}

// Authenticate verifies an access token and returns its user.
func (s *Service) Authenticate(ctx context.Context, token string) (*domain.User, error) {
	c, err := s.o.Tokens.Verify(token)
	switch {
	case errors.Is(err, auth.ErrTokenExpired):
		return nil, domain.Errorf(domain.EUNAUTHORIZED, "Jeton d'accès expiré : rafraîchissez la session.")
	case err != nil:
		return nil, domain.Errorf(domain.EUNAUTHORIZED, "Jeton d'accès invalide.")
	}
	u, err := s.o.Store.FindUserByID(ctx, c.UserID)
	if domain.ErrorCode(err) == domain.ENOTFOUND || (err == nil && u.Demo && !s.o.DemoMode) {
		return nil, domain.Errorf(domain.EUNAUTHORIZED, "Compte inconnu ou désactivé.")
	}
	return u, err
}

// checkPassword applies the password policy.
func checkPassword(password, email string) error {
	if msgs := auth.CheckPassword(password, email); len(msgs) > 0 {
		fields := make([]domain.FieldError, len(msgs))
		for i, m := range msgs {
			fields[i] = domain.FieldError{Field: "password", Message: m}
		}
		return domain.Invalid("Mot de passe refusé.", fields...)
	}
	return nil
}

// CreateUser creates an account (or gives an existing one the role) in an
// organisation: the command-line bootstrap of the first référent.
func (s *Service) CreateUser(ctx context.Context, email, password, orgSlug string, role domain.Role, platformAdmin, demo bool) (*domain.User, error) {
	var v domain.Validation
	email, ok := domain.NormalizeEmail(email)
	if !ok {
		v.Add("email", "adresse électronique invalide")
	}
	if orgSlug != "" && !domain.ValidRole(role) {
		v.Add("role", "doit valoir admin, editor ou viewer")
	}
	if err := v.Err("Compte invalide."); err != nil {
		return nil, err
	}
	var org *domain.Organisation
	if orgSlug != "" {
		o, err := s.o.Store.FindOrganisationBySlug(ctx, orgSlug)
		if err != nil {
			return nil, domain.Invalid("Organisation inconnue.", domain.FieldError{Field: "org", Message: "aucune organisation " + orgSlug})
		}
		org = o
	}
	u, err := s.o.Store.FindUserByEmail(ctx, email)
	switch {
	case domain.ErrorCode(err) == domain.ENOTFOUND:
		if !demo {
			if err := checkPassword(password, email); err != nil {
				return nil, err
			}
		}
		hash, err := s.o.Hasher.Hash(password)
		if err != nil {
			return nil, err
		}
		u = &domain.User{Email: email, PasswordHash: hash, PlatformAdmin: platformAdmin, Demo: demo}
		if err := s.o.Store.CreateUser(ctx, u); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	}
	if org == nil {
		return u, nil
	}
	var before any
	m, err := s.o.Store.FindMembership(ctx, u.ID, org.ID)
	switch {
	case err == nil && m.Role == role:
		return u, nil // already so: change nothing
	case err == nil:
		before = m.Role
	case domain.ErrorCode(err) != domain.ENOTFOUND:
		return nil, err
	}
	if err := s.o.Store.UpsertMembership(ctx, &domain.Membership{UserID: u.ID, OrganisationID: org.ID, Role: role}); err != nil {
		return nil, err
	}
	if err := s.o.Store.AppendAudit(ctx, &domain.AuditEntry{OrganisationID: org.ID, UserID: u.ID, UserEmail: u.Email,
		Action: "join", EntityType: "membership", EntityID: u.ID, Changes: map[string][2]any{"role": {before, role}}}); err != nil {
		return nil, err
	}
	return u, nil
}

var errBadInvitation = domain.Errorf(domain.ENOTFOUND, "Invitation inconnue, déjà utilisée ou expirée.")

// AcceptInvitation consumes an invitation: it creates the account (with
// that password) or, for an existing account, checks its password, then
// adds the membership and opens a session. A refused password leaves the
// invitation usable.
func (s *Service) AcceptInvitation(ctx context.Context, token, password string) (*Session, error) {
	hash := auth.HashOpaqueToken(token)
	inv, err := s.o.Store.FindInvitationByHash(ctx, hash)
	if domain.ErrorCode(err) == domain.ENOTFOUND || (err == nil && (inv.AcceptedAt != nil || !s.o.Now().Before(inv.ExpiresAt))) {
		return nil, errBadInvitation
	}
	if err != nil {
		return nil, err
	}
	u, err := s.o.Store.FindUserByEmail(ctx, inv.Email)
	newUser := domain.ErrorCode(err) == domain.ENOTFOUND
	switch {
	case newUser:
		if err := checkPassword(password, inv.Email); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	default:
		if ok, _, err := s.o.Hasher.Verify(u.PasswordHash, password); err != nil || !ok {
			return nil, errBadCredentials
		}
	}
	if _, err := s.o.Store.AcceptInvitation(ctx, hash, s.o.Now()); err != nil {
		return nil, errBadInvitation
	}
	if newUser {
		h, err := s.o.Hasher.Hash(password)
		if err != nil {
			return nil, err
		}
		u = &domain.User{Email: inv.Email, PasswordHash: h}
		if err := s.o.Store.CreateUser(ctx, u); err != nil {
			return nil, err
		}
	}
	if err := s.o.Store.UpsertMembership(ctx, &domain.Membership{UserID: u.ID, OrganisationID: inv.OrganisationID, Role: inv.Role}); err != nil {
		return nil, err
	}
	if err := s.o.Store.AppendAudit(ctx, &domain.AuditEntry{OrganisationID: inv.OrganisationID, UserID: u.ID, UserEmail: u.Email,
		Action: "join", EntityType: "membership", EntityID: u.ID, Changes: map[string][2]any{"role": {nil, inv.Role}}}); err != nil {
		return nil, err
	}
	return s.open(ctx, u, domain.NewID())
}
