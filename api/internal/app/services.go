package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/accounts"
	"github.com/aiguillage/aiguillage/api/internal/admin"
	"github.com/aiguillage/aiguillage/api/internal/auth"
	"github.com/aiguillage/aiguillage/api/internal/commons"
	"github.com/aiguillage/aiguillage/api/internal/config"
	"github.com/aiguillage/aiguillage/api/internal/directory"
	"github.com/aiguillage/aiguillage/api/internal/geo"
	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/proconnect"
	"github.com/aiguillage/aiguillage/api/internal/search"
	"github.com/aiguillage/aiguillage/api/internal/store"
)

// services are the account and back-office services and what they share.
type services struct {
	acc        *accounts.Service
	adm        *admin.Service
	knownPivot func(string) bool
	// previews signs journey draft preview tokens with keys derived from
	// the access-token keys.
	previews *auth.PreviewTokens
	// proconnect signs agents in with ProConnect; nil when it is off.
	proconnect *httpapi.ProConnect
}

// newServices builds the account and back-office services over the store.
func newServices(cfg *config.Config, log *slog.Logger, s *store.Store, ref *geo.Reference) (*services, error) {
	pivots, err := commons.PivotTypes()
	if err != nil {
		return nil, fmt.Errorf("load pivot types: %w", err)
	}
	knownPivot := func(code string) bool { _, ok := pivots[code]; return ok }
	var keys []auth.Key
	if cfg.JWTKeys != "" {
		if keys, err = auth.ParseKeys(cfg.JWTKeys); err != nil {
			return nil, fmt.Errorf("AIGUILLAGE_JWT_KEYS: %w", err)
		}
	} else {
		k, _, err := auth.GenerateKey("ephemeral-" + randomSuffix())
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	ring, err := auth.NewKeyRing(cfg.PublicURL, cfg.PublicURL+"/api/v1/admin", keys, keys[0].ID, time.Now, auth.WithAccessTTL(cfg.AccessTokenTTL))
	if err != nil {
		return nil, fmt.Errorf("access token keys: %w", err)
	}
	hasher, err := auth.NewHasher(auth.DefaultArgon2Params())
	if err != nil {
		return nil, err
	}
	acc := accounts.New(accounts.Options{
		Store: s, Identities: s, Hasher: hasher, Tokens: ring,
		PerAccount: auth.NewLimiter(auth.AccountFailureLimit, auth.FailureWindow, time.Now),
		PerIP:      auth.NewLimiter(auth.IPFailureLimit, auth.FailureWindow, time.Now),
		RefreshTTL: cfg.RefreshTokenTTL, DemoMode: cfg.DemoMode, Now: time.Now, Logger: log,
	})
	previews, err := auth.NewPreviewTokens(cfg.PublicURL, cfg.PublicURL+"/api/v1/public/previews", keys, keys[0].ID, time.Now)
	if err != nil {
		return nil, fmt.Errorf("preview token keys: %w", err)
	}
	pc, err := newProConnect(cfg, s, acc, keys)
	if err != nil {
		return nil, err
	}
	return &services{acc: acc, adm: admin.New(s, ref, knownPivot, time.Now), knownPivot: knownPivot, previews: previews, proconnect: pc}, nil
}

// newProConnect builds the sign-in with ProConnect, or nil when it is off.
// Its state cookie is sealed with keys derived from the access-token keys:
// every replica, sharing them, can open it.
func newProConnect(cfg *config.Config, s *store.Store, acc *accounts.Service, keys []auth.Key) (*httpapi.ProConnect, error) {
	if !cfg.ProConnect.Enabled() {
		return nil, nil
	}
	p := cfg.ProConnect
	client, err := proconnect.New(proconnect.Config{Issuer: p.Issuer, ClientID: p.ClientID, ClientSecret: p.ClientSecret,
		Scopes: p.Scopes, ACR: p.ACR, RedirectURL: cfg.PublicURL + config.ProConnectCallbackPath})
	if err != nil {
		return nil, err
	}
	sealer, err := auth.NewSealer("proconnect", keys, keys[0].ID)
	if err != nil {
		return nil, fmt.Errorf("ProConnect sealing keys: %w", err)
	}
	return &httpapi.ProConnect{Client: client, Accounts: acc, Sealer: sealer, Origins: s}, nil
}

func randomSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// newSearch builds the search service and its first index. The caller runs
// its Run method to keep the index fresh.
func newSearch(ctx context.Context, log *slog.Logger, s *store.Store, dir *directory.Service) (*search.Service, error) {
	sh, err := search.LoadShipped()
	if err != nil {
		return nil, err
	}
	svc := search.New(search.Options{
		Source: s, Directory: dir, Detector: sh.Detector, Lexicon: sh.Lexicon, Pivots: sh.Pivots, Misses: s,
		Generation: s.Generation, Stamp: s.ChangeStamp, Logger: log, Now: time.Now,
	})
	if err := svc.Refresh(ctx); err != nil {
		return nil, err
	}
	return svc, nil
}
