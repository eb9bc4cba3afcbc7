package admin

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/jpeg"
	"image/png"
	"strconv"
	"strings"

	_ "golang.org/x/image/webp" // registers the WebP decoder for image.Decode

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// OrganisationInput edits an organisation. Nil fields are left unchanged.
// Slug, name, kind and territory belong to platform admins; branding and
// allowed origins to the organisation's admins too.
type OrganisationInput struct {
	Slug           *string
	Name           *string
	Kind           *domain.OrganisationKind
	Territory      *[]string
	Branding       *domain.Branding
	AllowedOrigins *[]string
}

func (in OrganisationInput) platformOnly() bool {
	return in.Slug != nil || in.Name != nil || in.Kind != nil || in.Territory != nil
}

func (in OrganisationInput) apply(o *domain.Organisation) {
	if in.Slug != nil {
		o.Slug = strings.TrimSpace(*in.Slug)
	}
	if in.Name != nil {
		o.Name = strings.TrimSpace(*in.Name)
	}
	if in.Kind != nil {
		o.Kind = *in.Kind
	}
	if in.Territory != nil {
		o.Territory = *in.Territory
	}
	if in.Branding != nil {
		logo := o.Branding.LogoURL
		o.Branding = *in.Branding
		o.Branding.LogoURL = logo // set by the logo upload only
	}
	if in.AllowedOrigins != nil {
		o.AllowedOrigins = *in.AllowedOrigins
	}
}

func (s *Service) validateOrganisation(o *domain.Organisation) error {
	err := o.Validate()
	var v domain.Validation
	if e, ok := err.(*domain.Error); ok {
		v.Fields = e.Fields
	} else if err != nil {
		return err
	}
	for i, code := range o.Territory {
		if _, ok := s.communes.Commune(code); domain.ValidINSEE(code) && !ok {
			v.Add("territory["+strconv.Itoa(i)+"]", "aucune commune ne porte le code INSEE %s", code)
		}
	}
	if o.Kind == domain.KindCommons {
		v.Add("kind", "il n'y a qu'une organisation des communs nationaux")
	}
	return v.Err("L'organisation contient des erreurs.")
}

// ListOrganisations lists the organisations the actor may see: all of them
// for platform admins, their own for others.
func (s *Service) ListOrganisations(ctx context.Context, a Actor, p domain.Page) ([]*domain.Organisation, int, error) {
	var ids []string
	if !a.PlatformAdmin {
		ms, err := s.store.FindMembershipsOfUser(ctx, a.UserID)
		if err != nil {
			return nil, 0, err
		}
		ids = make([]string, 0, len(ms))
		for _, m := range ms {
			ids = append(ids, m.OrganisationID)
		}
	}
	return s.store.FindOrganisations(ctx, ids, p)
}

// GetOrganisation returns one of the actor's organisations.
func (s *Service) GetOrganisation(ctx context.Context, a Actor, slug string) (*domain.Organisation, error) {
	return s.Authorize(ctx, a, slug, domain.RoleViewer)
}

func (s *Service) requirePlatformAdmin(a Actor) error {
	if !a.PlatformAdmin {
		return domain.Errorf(domain.EFORBIDDEN, "Réservé aux administrateurs de la plateforme.")
	}
	return nil
}

// CreateOrganisation adds a partner (platform admins).
func (s *Service) CreateOrganisation(ctx context.Context, a Actor, in OrganisationInput) (*domain.Organisation, error) {
	if err := s.requirePlatformAdmin(a); err != nil {
		return nil, err
	}
	o := &domain.Organisation{}
	in.apply(o)
	if err := s.validateOrganisation(o); err != nil {
		return nil, err
	}
	if err := s.store.CreateOrganisation(ctx, o, s.audit(a, "", "create", "organisation", "", diff(&domain.Organisation{}, o))); err != nil {
		return nil, err
	}
	return o, nil
}

// UpdateOrganisation edits an organisation made on version expectedVersion.
func (s *Service) UpdateOrganisation(ctx context.Context, a Actor, slug string, expectedVersion int, in OrganisationInput) (*domain.Organisation, error) {
	org, err := s.Authorize(ctx, a, slug, domain.RoleAdmin)
	if err != nil {
		return nil, err
	}
	if in.platformOnly() {
		if err := s.requirePlatformAdmin(a); err != nil {
			return nil, domain.Errorf(domain.EFORBIDDEN, "Seuls les administrateurs de la plateforme changent l'identifiant, le nom, le type ou le territoire d'une organisation.")
		}
	}
	o := *org
	in.apply(&o)
	if err := s.validateOrganisation(&o); err != nil {
		return nil, err
	}
	changes := diff(org, &o)
	if len(changes) == 0 && org.Version == expectedVersion {
		return org, nil
	}
	if err := s.store.UpdateOrganisation(ctx, &o, expectedVersion, s.audit(a, org.ID, "update", "organisation", org.ID, changes)); err != nil {
		return nil, err
	}
	return &o, nil
}

// DeleteOrganisation removes a partner and everything it owns (platform admins).
func (s *Service) DeleteOrganisation(ctx context.Context, a Actor, slug string) error {
	org, err := s.Authorize(ctx, a, slug, domain.RoleAdmin)
	if err != nil {
		return err
	}
	if err := s.requirePlatformAdmin(a); err != nil {
		return err
	}
	if org.Kind == domain.KindCommons {
		return domain.Errorf(domain.EFORBIDDEN, "Les communs nationaux ne peuvent pas être supprimés.")
	}
	return s.store.DeleteOrganisation(ctx, org.ID, s.audit(a, org.ID, "delete", "organisation", org.ID, map[string][2]any{"slug": {org.Slug, nil}}))
}

// Logo limits.
const (
	MaxLogoBytes     = 512 << 10
	MaxLogoDimension = 2048
)

var logoFormats = map[string]string{"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}

// SetLogo validates an uploaded image and makes it the organisation's logo.
// Only PNG, JPEG and WebP are accepted (never SVG, which can carry scripts);
// PNG and JPEG are decoded and re-encoded, which drops any metadata or
// trailing payload; WebP is fully decoded to prove it is an image.
func (s *Service) SetLogo(ctx context.Context, a Actor, slug string, data []byte, publicURL string) (*domain.Organisation, error) {
	org, err := s.Authorize(ctx, a, slug, domain.RoleAdmin)
	if err != nil {
		return nil, err
	}
	invalid := func(msg string) error {
		return domain.Invalid("Logo refusé.", domain.FieldError{Field: "logo", Message: msg})
	}
	if len(data) == 0 {
		return nil, invalid("le fichier est vide")
	}
	if len(data) > MaxLogoBytes {
		return nil, invalid("le fichier dépasse 512 Ko")
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, invalid("formats acceptés : PNG, JPEG ou WebP (le SVG est refusé)")
	}
	contentType, ok := logoFormats[format]
	if !ok {
		return nil, invalid("formats acceptés : PNG, JPEG ou WebP (le SVG est refusé)")
	}
	if cfg.Width < 16 || cfg.Height < 16 || cfg.Width > MaxLogoDimension || cfg.Height > MaxLogoDimension {
		return nil, invalid("l'image doit mesurer entre 16 et 2048 pixels de côté")
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, invalid("l'image est illisible ou tronquée")
	}
	var out bytes.Buffer
	switch format {
	case "png":
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, img)
	case "jpeg":
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 90})
	default:
		// No WebP encoder in Go: the file is kept as sent, but only its
		// RIFF container, not bytes appended after it (a payload).
		out.Write(riffContainer(data))
	}
	if err != nil {
		return nil, err
	}
	o := *org
	o.Branding.LogoURL = publicURL + "/api/v1/public/organisations/" + org.Slug + "/logo"
	logo := &domain.Logo{ContentType: contentType, Data: out.Bytes()}
	if err := s.store.SaveLogo(ctx, org.ID, logo, s.audit(a, org.ID, "update", "logo", org.ID,
		map[string][2]any{"logo": {nil, map[string]any{"type": contentType, "bytes": out.Len(), "width": cfg.Width, "height": cfg.Height}}})); err != nil {
		return nil, err
	}
	if org.Branding.LogoURL != o.Branding.LogoURL {
		if err := s.store.UpdateOrganisation(ctx, &o, org.Version, s.audit(a, org.ID, "update", "organisation", org.ID, diff(org, &o))); err != nil {
			return nil, err
		}
	}
	return &o, nil
}

// Logo returns a partner's logo, for the public API.
func (s *Service) Logo(ctx context.Context, slug string) (*domain.Logo, error) {
	notFound := domain.Errorf(domain.ENOTFOUND, "Pas de logo pour ce partenaire.")
	if !domain.ValidSlug(slug) {
		return nil, notFound
	}
	org, err := s.store.FindOrganisationBySlug(ctx, slug)
	if err != nil {
		return nil, notFound
	}
	l, err := s.store.FindLogo(ctx, org.ID)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, notFound
	}
	return l, err
}

// riffContainer returns the RIFF file (WebP) at the start of data without
// what follows it: its header gives the length of the rest.
func riffContainer(data []byte) []byte {
	if len(data) < 12 || string(data[:4]) != "RIFF" {
		return data
	}
	if n := uint64(binary.LittleEndian.Uint32(data[4:8])) + 8; n < uint64(len(data)) {
		return data[:n]
	}
	return data
}
