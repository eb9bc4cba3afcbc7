package orientation

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aiguillage/aiguillage/api/internal/admin"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/i18n"
	"github.com/aiguillage/aiguillage/api/internal/journeys"
)

// OutcomeID is the public id of an outcome step of an organisation's journey.
func OutcomeID(orgID, journey, step string) string {
	return domain.StableID("outcome:" + orgID + ":" + journey + ":" + step)
}

// Published is a live journey as the widget receives it.
type Published struct {
	Organisation *domain.Organisation
	Entry        *domain.EntryPoint
	Journey      *journeys.Journey
	Version      int
	// OutcomeIDs maps each outcome step to its public id.
	OutcomeIDs map[string]string
}

func (s *Service) organisation(ctx context.Context, slug string) (*domain.Organisation, error) {
	notFound := domain.Errorf(domain.ENOTFOUND, "Aucun partenaire ne porte l'identifiant %q.", slug)
	if !domain.ValidSlug(slug) {
		return nil, notFound
	}
	o, err := s.store.FindOrganisationBySlug(ctx, slug)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, notFound
	}
	return o, err
}

// PublishedJourney returns the live journey an entry point starts on.
func (s *Service) PublishedJourney(ctx context.Context, orgSlug, entrySlug string) (*Published, error) {
	org, err := s.organisation(ctx, orgSlug)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(org.EntryPoints, func(e domain.EntryPoint) bool { return e.Slug == entrySlug })
	if i < 0 {
		return nil, domain.Errorf(domain.ENOTFOUND, "%s n'a pas de point d'entrée %q.", org.Name, entrySlug)
	}
	entry := &org.EntryPoints[i]
	if entry.Journey == "" {
		return nil, domain.Errorf(domain.ENOTFOUND, "Le point d'entrée %q ne commence pas par un parcours.", entrySlug)
	}
	rec, err := s.store.FindJourney(ctx, org.ID, entry.Journey)
	if err != nil || rec.PublishedVersion == 0 {
		return nil, domain.Errorf(domain.ENOTFOUND, "Le parcours du point d'entrée %q n'est pas encore publié.", entrySlug)
	}
	v, err := s.store.FindJourneyVersion(ctx, org.ID, rec.Slug, rec.PublishedVersion)
	if err != nil {
		return nil, err
	}
	return s.published(org, entry, v)
}

func (s *Service) published(org *domain.Organisation, entry *domain.EntryPoint, v *domain.JourneyVersion) (*Published, error) {
	j, err := parse(v.Content)
	if err != nil {
		return nil, fmt.Errorf("published journey %s v%d: %w", v.Slug, v.Number, err)
	}
	return &Published{Organisation: org, Entry: entry, Journey: j, Version: v.Number, OutcomeIDs: outcomeIDs(org.ID, j)}, nil
}

func outcomeIDs(orgID string, j *journeys.Journey) map[string]string {
	ids := map[string]string{}
	for _, st := range j.Steps {
		if st.Kind == journeys.KindOutcome {
			ids[st.ID] = OutcomeID(orgID, j.Slug, st.ID)
		}
	}
	return ids
}

// OutcomeAnswer is an outcome resolved for a commune.
type OutcomeAnswer struct {
	ID           string
	Organisation *domain.Organisation
	JourneySlug  string
	Step         *journeys.Step
	Commune      *domain.Commune
	Contacts     []Resolved
}

// Outcome resolves a published outcome's contact points for a commune, as
// the public sees them (OutcomeFor the public).
func (s *Service) Outcome(ctx context.Context, id, communeCode string) (*OutcomeAnswer, error) {
	return s.OutcomeFor(ctx, id, communeCode, domain.Viewer{})
}

// OutcomeFor resolves a published outcome's contact points for a commune,
// as the viewer may see them (contact points and channels reserved to
// agents only for the agents they are meant for). The commune is
// required when the outcome has dynamic contact points.
func (s *Service) OutcomeFor(ctx context.Context, id, communeCode string, w domain.Viewer) (*OutcomeAnswer, error) {
	notFound := domain.Errorf(domain.ENOTFOUND, "Aucune issue de parcours publiée ne porte cet identifiant.")
	if !domain.ValidID(id) {
		return nil, notFound
	}
	ref, err := s.store.FindOutcome(ctx, id)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	org, err := s.store.FindOrganisationByID(ctx, ref.OrganisationID)
	if err != nil {
		return nil, err
	}
	rec, err := s.store.FindJourney(ctx, org.ID, ref.Slug)
	if err != nil {
		return nil, err
	}
	v, err := s.store.FindJourneyVersion(ctx, org.ID, ref.Slug, rec.PublishedVersion)
	if err != nil {
		return nil, err
	}
	j, err := parse(v.Content)
	if err != nil {
		return nil, err
	}
	st, ok := j.Step(ref.StepID)
	if !ok || st.Outcome == nil {
		return nil, notFound
	}
	return s.answer(ctx, id, org, j, st, communeCode, w)
}

// answer resolves the outcome step st of journey j for a commune, for the
// viewer: the commune is required when the outcome has dynamic contact
// points.
func (s *Service) answer(ctx context.Context, id string, org *domain.Organisation, j *journeys.Journey, st *journeys.Step, communeCode string, v domain.Viewer) (*OutcomeAnswer, error) {
	ans := &OutcomeAnswer{ID: id, Organisation: org, JourneySlug: j.Slug, Step: st}
	var err error
	if communeCode != "" {
		if ans.Commune, err = s.dir.Commune("commune", communeCode); err != nil {
			return nil, err
		}
	} else if len(st.Outcome.Pivots) > 0 {
		return nil, domain.Invalid("Commune requise.", domain.FieldError{Field: "commune",
			Message: "cette issue dépend de la commune de l'habitant : indiquez son code INSEE"})
	}
	if ans.Contacts, err = s.resolve(ctx, org, st.Outcome, ans.Commune, v); err != nil {
		return nil, err
	}
	return ans, nil
}

// ---- back office ----

// ListJourneys lists an organisation's journeys (viewers).
func (s *Service) ListJourneys(ctx context.Context, a admin.Actor, slug string) ([]*domain.JourneyRecord, error) {
	org, err := s.admin.Authorize(ctx, a, slug, domain.RoleViewer)
	if err != nil {
		return nil, err
	}
	return s.store.FindJourneys(ctx, org.ID)
}

// Draft is a journey's draft with its bookkeeping.
type Draft struct {
	Record  *domain.JourneyRecord
	Journey *journeys.Journey
}

func (s *Service) draft(ctx context.Context, orgID, slug string) (*Draft, error) {
	if !domain.ValidSlug(slug) {
		return nil, domain.Errorf(domain.ENOTFOUND, "Parcours introuvable.")
	}
	rec, err := s.store.FindJourney(ctx, orgID, slug)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, domain.Errorf(domain.ENOTFOUND, "Parcours introuvable dans cette organisation.")
	}
	if err != nil {
		return nil, err
	}
	j, err := parse(rec.Draft)
	if err != nil {
		return nil, fmt.Errorf("draft of %s: %w", slug, err)
	}
	return &Draft{Record: rec, Journey: j}, nil
}

// authorizedDraft checks the actor's role in the organisation and returns
// the journey's draft there.
func (s *Service) authorizedDraft(ctx context.Context, a admin.Actor, orgSlug, slug string, need domain.Role) (*domain.Organisation, *Draft, error) {
	org, err := s.admin.Authorize(ctx, a, orgSlug, need)
	if err != nil {
		return nil, nil, err
	}
	d, err := s.draft(ctx, org.ID, slug)
	if err != nil {
		return nil, nil, err
	}
	return org, d, nil
}

// GetJourney returns a journey's draft (viewers).
func (s *Service) GetJourney(ctx context.Context, a admin.Actor, orgSlug, slug string) (*Draft, error) {
	_, d, err := s.authorizedDraft(ctx, a, orgSlug, slug, domain.RoleViewer)
	return d, err
}

// shape checks what a draft must satisfy to be saved at all (publishing
// checks the rest): a parsable document whose slug is the journey's.
func shape(doc []byte) (*journeys.Journey, []byte, error) {
	j, err := journeys.Parse(bytes.NewReader(doc))
	if err != nil {
		return nil, nil, domain.Invalid("Document de parcours illisible.", domain.FieldError{Field: "body", Message: err.Error()})
	}
	if !domain.ValidSlug(j.Slug) {
		return nil, nil, domain.Invalid("Identifiant de parcours invalide.", domain.FieldError{Field: "slug", Message: "minuscules, chiffres et tirets"})
	}
	out, err := j.MarshalIndent()
	if err != nil {
		return nil, nil, err
	}
	return j, out, nil
}

// CreateJourney creates a journey from a document (also the import).
func (s *Service) CreateJourney(ctx context.Context, a admin.Actor, orgSlug string, doc []byte) (*Draft, error) {
	org, err := s.admin.Authorize(ctx, a, orgSlug, domain.RoleEditor)
	if err != nil {
		return nil, err
	}
	j, canonical, err := shape(doc)
	if err != nil {
		return nil, err
	}
	rec := &domain.JourneyRecord{OrganisationID: org.ID, Slug: j.Slug, Title: j.Title, Draft: canonical}
	if err := s.store.CreateJourney(ctx, rec, audit(a, org.ID, "create", j.Slug, nil)); err != nil {
		return nil, err
	}
	return &Draft{Record: rec, Journey: j}, nil
}

func audit(a admin.Actor, orgID, action, slug string, changes []journeys.Change) *domain.AuditEntry {
	e := &domain.AuditEntry{OrganisationID: orgID, UserID: a.UserID, UserEmail: a.Email, Action: action, EntityType: "journey", EntityID: slug}
	if len(changes) > 0 {
		e.Changes = map[string][2]any{}
		for _, c := range changes {
			key := c.Field
			if c.Step != "" {
				key = c.Step + "." + c.Field
			}
			e.Changes[key] = [2]any{c.From, c.To}
		}
	}
	return e
}

// SaveDraft replaces a journey's draft, made on draft version expectedVersion.
func (s *Service) SaveDraft(ctx context.Context, a admin.Actor, orgSlug, slug string, expectedVersion int, doc []byte) (*Draft, error) {
	org, old, err := s.authorizedDraft(ctx, a, orgSlug, slug, domain.RoleEditor)
	if err != nil {
		return nil, err
	}
	return s.saveDraft(ctx, a, org, old, expectedVersion, doc)
}

// saveDraft replaces an already loaded draft with doc.
func (s *Service) saveDraft(ctx context.Context, a admin.Actor, org *domain.Organisation, old *Draft, expectedVersion int, doc []byte) (*Draft, error) {
	slug := old.Record.Slug
	j, canonical, err := shape(doc)
	if err != nil {
		return nil, err
	}
	if j.Slug != slug {
		return nil, domain.Invalid("L'identifiant d'un parcours ne change pas.", domain.FieldError{Field: "slug", Message: "doit rester " + slug})
	}
	rec := *old.Record
	rec.Title, rec.Draft = j.Title, canonical
	if err := s.store.SaveJourneyDraft(ctx, &rec, expectedVersion, audit(a, org.ID, "update", slug, journeys.Diff(old.Journey, j))); err != nil {
		return nil, err
	}
	return &Draft{Record: &rec, Journey: j}, nil
}

// PutStep adds or replaces one step of the draft.
func (s *Service) PutStep(ctx context.Context, a admin.Actor, orgSlug, slug string, expectedVersion int, step journeys.Step) (*Draft, error) {
	return s.editSteps(ctx, a, orgSlug, slug, expectedVersion, func(j *journeys.Journey) error {
		if i := slices.IndexFunc(j.Steps, func(st journeys.Step) bool { return st.ID == step.ID }); i >= 0 {
			j.Steps[i] = step
		} else {
			j.Steps = append(j.Steps, step)
		}
		return nil
	})
}

// DeleteStep removes one step of the draft.
func (s *Service) DeleteStep(ctx context.Context, a admin.Actor, orgSlug, slug string, expectedVersion int, stepID string) (*Draft, error) {
	return s.editSteps(ctx, a, orgSlug, slug, expectedVersion, func(j *journeys.Journey) error {
		i := slices.IndexFunc(j.Steps, func(st journeys.Step) bool { return st.ID == stepID })
		if i < 0 {
			return domain.Errorf(domain.ENOTFOUND, "Aucune étape %q dans ce parcours.", stepID)
		}
		j.Steps = slices.Delete(j.Steps, i, i+1)
		return nil
	})
}

func (s *Service) editSteps(ctx context.Context, a admin.Actor, orgSlug, slug string, expectedVersion int, edit func(*journeys.Journey) error) (*Draft, error) {
	org, d, err := s.authorizedDraft(ctx, a, orgSlug, slug, domain.RoleEditor)
	if err != nil {
		return nil, err
	}
	j := *d.Journey
	j.Steps = slices.Clone(d.Journey.Steps)
	if err := edit(&j); err != nil {
		return nil, err
	}
	doc, err := json.Marshal(&j)
	if err != nil {
		return nil, err
	}
	return s.saveDraft(ctx, a, org, d, expectedVersion, doc)
}

// DeleteJourney removes a journey, its versions and its outcomes.
func (s *Service) DeleteJourney(ctx context.Context, a admin.Actor, orgSlug, slug string) error {
	org, err := s.admin.Authorize(ctx, a, orgSlug, domain.RoleEditor)
	if err != nil {
		return err
	}
	if _, err := s.draft(ctx, org.ID, slug); err != nil {
		return err
	}
	for _, e := range org.EntryPoints {
		if e.Journey == slug {
			return domain.Errorf(domain.ECONFLICT, "Le point d'entrée %q commence par ce parcours : changez-le d'abord.", e.Slug)
		}
	}
	return s.store.DeleteJourney(ctx, org.ID, slug, audit(a, org.ID, "delete", slug, nil))
}

// Validate checks a journey as publishing would, for the organisation's territory.
func (s *Service) validate(ctx context.Context, org *domain.Organisation, j *journeys.Journey) ([]journeys.Problem, error) {
	allowed, err := s.allowed(ctx, org)
	if err != nil {
		return nil, err
	}
	found := map[string]*domain.ContactPoint{}
	find := func(id string) *domain.ContactPoint {
		c, ok := found[id]
		if !ok {
			if cp, err := s.store.FindContactPointByID(ctx, id); err == nil && slices.Contains(allowed, cp.OrganisationID) {
				c = cp
			}
			found[id] = c
		}
		return c
	}
	return journeys.Validate(ctx, j, journeys.ValidateOptions{
		Territory: org.Territory,
		Resolver: resolverFunc(func(ctx context.Context, pivot, commune string) (bool, error) {
			return s.resolvable(ctx, allowed, pivot, commune)
		}),
		ContactPointExists:    func(id string) bool { return find(id) != nil },
		ContactPointWithdrawn: func(id string) bool { c := find(id); return c != nil && c.Withdrawn() },
		ContactPointAgentOnly: func(id string) bool { c := find(id); return c != nil && !c.Visibility.IsPublic() },
		KnownPivot:            s.knownPivot,
	}), nil
}

// ValidateDraft returns the problems that would stop the draft's
// publication, and the warnings (missing translations) that would not.
func (s *Service) ValidateDraft(ctx context.Context, a admin.Actor, orgSlug, slug string) ([]journeys.Problem, []journeys.Warning, error) {
	org, d, err := s.authorizedDraft(ctx, a, orgSlug, slug, domain.RoleViewer)
	if err != nil {
		return nil, nil, err
	}
	ps, err := s.validate(ctx, org, d.Journey)
	if err != nil {
		return nil, nil, err
	}
	return ps, journeys.Warnings(d.Journey), nil
}

// ProblemFields names each validation problem as a field error: the field
// is steps[<step id>].<field>.
func ProblemFields(ps []journeys.Problem) []domain.FieldError {
	fields := make([]domain.FieldError, len(ps))
	for i, p := range ps {
		fields[i] = domain.FieldError{Field: fieldPath(p.Step, p.Field), Message: p.Message, Communes: p.Communes}
	}
	return fields
}

// fieldPath names a field of a journey: journey.<field> or
// steps[<step id>].<field>.
func fieldPath(step, field string) string {
	path := "journey"
	if step != "" {
		path = "steps[" + step + "]"
	}
	if field != "" {
		path += "." + field
	}
	return path
}

// TranslationField is one French text of a draft with its translation.
type TranslationField struct {
	Field  string // named as ProblemFields names fields
	French string
	Text   string // "" when missing
}

// DraftTranslations lists every French text of the draft with its
// translation in lang, a shipped language other than French (viewers).
func (s *Service) DraftTranslations(ctx context.Context, a admin.Actor, orgSlug, slug, lang string) ([]TranslationField, error) {
	if lang == i18n.French || !i18n.Supported(lang) {
		return nil, domain.Invalid("Langue de traduction invalide.", domain.FieldError{Field: "lang",
			Message: "indiquez une langue de traduction : " + strings.Join(i18n.Translations(), ", ")})
	}
	_, d, err := s.authorizedDraft(ctx, a, orgSlug, slug, domain.RoleViewer)
	if err != nil {
		return nil, err
	}
	texts := journeys.Texts(d.Journey, lang)
	out := make([]TranslationField, len(texts))
	for i, t := range texts {
		out[i] = TranslationField{Field: fieldPath(t.Step, t.Field), French: t.French, Text: t.Text}
	}
	return out, nil
}

// WarningField is a warning located as ProblemFields locates problems.
type WarningField struct {
	Field   string
	Lang    string
	Message string
}

// WarningFields names each warning's field as ProblemFields does.
func WarningFields(ws []journeys.Warning) []WarningField {
	out := make([]WarningField, len(ws))
	for i, w := range ws {
		out[i] = WarningField{Field: fieldPath(w.Step, w.Field), Lang: w.Lang, Message: w.Message}
	}
	return out
}

// problemsError turns validation problems into a field-level error.
func problemsError(ps []journeys.Problem) error {
	fields := ProblemFields(ps)
	return domain.Invalid("Le parcours ne peut pas être publié : "+strconv.Itoa(len(ps))+" problème(s).", fields...)
}

// Publish validates the draft and makes it the next live version. The
// warnings (missing translations) do not stop it: they are returned with
// the version.
func (s *Service) Publish(ctx context.Context, a admin.Actor, orgSlug, slug, note string) (*domain.JourneyVersion, []journeys.Warning, error) {
	org, d, err := s.authorizedDraft(ctx, a, orgSlug, slug, domain.RoleEditor)
	if err != nil {
		return nil, nil, err
	}
	problems, err := s.validate(ctx, org, d.Journey)
	if err != nil {
		return nil, nil, err
	}
	if len(problems) > 0 {
		return nil, nil, problemsError(problems)
	}
	v, err := s.publish(ctx, a, org, d.Journey, d.Record.Draft, note)
	if err != nil {
		return nil, nil, err
	}
	return v, journeys.Warnings(d.Journey), nil
}

func (s *Service) publish(ctx context.Context, a admin.Actor, org *domain.Organisation, j *journeys.Journey, content []byte, note string) (*domain.JourneyVersion, error) {
	var refs []domain.OutcomeRef
	for step, id := range outcomeIDs(org.ID, j) {
		refs = append(refs, domain.OutcomeRef{ID: id, OrganisationID: org.ID, Slug: j.Slug, StepID: step})
	}
	slices.SortFunc(refs, func(x, y domain.OutcomeRef) int { return strings.Compare(x.StepID, y.StepID) })
	v := &domain.JourneyVersion{OrganisationID: org.ID, Slug: j.Slug, Content: content, Author: a.Email, Note: note}
	if err := s.store.PublishJourney(ctx, v, refs, audit(a, org.ID, "publish", j.Slug, nil)); err != nil {
		return nil, err
	}
	return v, nil
}

// Versions lists a journey's published versions, newest first.
func (s *Service) Versions(ctx context.Context, a admin.Actor, orgSlug, slug string) ([]*domain.JourneyVersion, int, error) {
	org, d, err := s.authorizedDraft(ctx, a, orgSlug, slug, domain.RoleViewer)
	if err != nil {
		return nil, 0, err
	}
	vs, err := s.store.FindJourneyVersions(ctx, org.ID, slug)
	return vs, d.Record.PublishedVersion, err
}

// Rollback publishes again the content of an earlier version, as a new
// version (history stays linear). It is validated again: the directory may
// have changed since. Its warnings (missing translations) are returned.
func (s *Service) Rollback(ctx context.Context, a admin.Actor, orgSlug, slug string, number int) (*domain.JourneyVersion, []journeys.Warning, error) {
	v, j, err := s.rollback(ctx, a, orgSlug, slug, number)
	if err != nil {
		return nil, nil, err
	}
	return v, journeys.Warnings(j), nil
}

func (s *Service) rollback(ctx context.Context, a admin.Actor, orgSlug, slug string, number int) (*domain.JourneyVersion, *journeys.Journey, error) {
	org, err := s.admin.Authorize(ctx, a, orgSlug, domain.RoleEditor)
	if err != nil {
		return nil, nil, err
	}
	if _, err := s.draft(ctx, org.ID, slug); err != nil {
		return nil, nil, err
	}
	old, err := s.store.FindJourneyVersion(ctx, org.ID, slug, number)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, nil, domain.Invalid("Version inconnue.", domain.FieldError{Field: "version", Message: "ce parcours n'a pas de version " + strconv.Itoa(number)})
	}
	if err != nil {
		return nil, nil, err
	}
	j, err := parse(old.Content)
	if err != nil {
		return nil, nil, err
	}
	problems, err := s.validate(ctx, org, j)
	if err != nil {
		return nil, nil, err
	}
	if len(problems) > 0 {
		return nil, nil, problemsError(problems)
	}
	v, err := s.publish(ctx, a, org, j, old.Content, "retour à la version "+strconv.Itoa(number))
	return v, j, err
}

// Diff compares the draft with the live version (everything is "added"
// when nothing is published yet).
func (s *Service) Diff(ctx context.Context, a admin.Actor, orgSlug, slug string) ([]journeys.Change, int, error) {
	org, d, err := s.authorizedDraft(ctx, a, orgSlug, slug, domain.RoleViewer)
	if err != nil {
		return nil, 0, err
	}
	live := &journeys.Journey{}
	if d.Record.PublishedVersion > 0 {
		v, err := s.store.FindJourneyVersion(ctx, org.ID, slug, d.Record.PublishedVersion)
		if err != nil {
			return nil, 0, err
		}
		if live, err = parse(v.Content); err != nil {
			return nil, 0, err
		}
	}
	return journeys.Diff(live, d.Journey), d.Record.PublishedVersion, nil
}

// Preview returns the draft in the published shape, for an authenticated
// preview in the widget.
func (s *Service) Preview(ctx context.Context, a admin.Actor, orgSlug, slug string) (*Published, error) {
	org, d, err := s.authorizedDraft(ctx, a, orgSlug, slug, domain.RoleViewer)
	if err != nil {
		return nil, err
	}
	return draftPublished(org, d), nil
}

// EntryPointInput creates or edits an entry point.
type EntryPointInput struct {
	Name        string
	Description string
	Themes      []string
	Journey     string
	Branding    *domain.Branding
	// ExpectedVersion, when not 0, is the organisation's version the edit
	// was made on (If-Match): another version is ECONFLICT, nothing saved.
	ExpectedVersion int
}

// expected is the organisation version a write must find: the caller's
// (If-Match), else the one just read.
func expected(org *domain.Organisation, ifMatch int) int {
	if ifMatch != 0 {
		return ifMatch
	}
	return org.Version
}

// PutEntryPoint creates or replaces an entry point of the organisation (admins).
func (s *Service) PutEntryPoint(ctx context.Context, a admin.Actor, orgSlug, slug string, in EntryPointInput) (*domain.Organisation, error) {
	org, err := s.admin.Authorize(ctx, a, orgSlug, domain.RoleAdmin)
	if err != nil {
		return nil, err
	}
	if in.Journey != "" {
		if _, err := s.draft(ctx, org.ID, in.Journey); err != nil {
			return nil, domain.Invalid("Parcours inconnu.", domain.FieldError{Field: "journey", Message: "aucun parcours " + in.Journey + " dans cette organisation"})
		}
	}
	if in.Journey == "" && len(in.Themes) == 0 {
		return nil, domain.Invalid("Point d'entrée vide.", domain.FieldError{Field: "journey", Message: "indiquez un parcours ou des thèmes"})
	}
	o := *org
	o.EntryPoints = slices.Clone(org.EntryPoints)
	e := domain.EntryPoint{Slug: slug, Name: in.Name, Description: in.Description, Themes: in.Themes, Journey: in.Journey, Branding: in.Branding}
	if i := slices.IndexFunc(o.EntryPoints, func(x domain.EntryPoint) bool { return x.Slug == slug }); i >= 0 {
		o.EntryPoints[i] = e
	} else {
		o.EntryPoints = append(o.EntryPoints, e)
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if err := s.store.UpdateOrganisation(ctx, &o, expected(org, in.ExpectedVersion), &domain.AuditEntry{OrganisationID: org.ID, UserID: a.UserID, UserEmail: a.Email,
		Action: "update", EntityType: "entry_point", EntityID: slug, Changes: map[string][2]any{"journey": {nil, in.Journey}}}); err != nil {
		return nil, err
	}
	return &o, nil
}

// DeleteEntryPoint removes an entry point (admins); ifMatch as in
// EntryPointInput.ExpectedVersion.
func (s *Service) DeleteEntryPoint(ctx context.Context, a admin.Actor, orgSlug, slug string, ifMatch int) error {
	org, err := s.admin.Authorize(ctx, a, orgSlug, domain.RoleAdmin)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(org.EntryPoints, func(x domain.EntryPoint) bool { return x.Slug == slug })
	if i < 0 {
		return domain.Errorf(domain.ENOTFOUND, "Point d'entrée introuvable.")
	}
	o := *org
	o.EntryPoints = slices.Delete(slices.Clone(org.EntryPoints), i, i+1)
	return s.store.UpdateOrganisation(ctx, &o, expected(org, ifMatch), &domain.AuditEntry{OrganisationID: org.ID, UserID: a.UserID, UserEmail: a.Email,
		Action: "delete", EntityType: "entry_point", EntityID: slug})
}

// reviewFinder is the store's list of journeys naming withdrawn contact
// points (store.FindJourneysToReview).
type reviewFinder interface {
	FindJourneysToReview(ctx context.Context, organisationID string) ([]domain.JourneyReview, error)
}

// JourneysToReview lists the organisation's journeys whose draft or
// published outcomes name a contact point withdrawn by its source (the
// annuaire no longer lists it), with the outcomes at fault (viewers).
func (s *Service) JourneysToReview(ctx context.Context, a admin.Actor, slug string) ([]domain.JourneyReview, error) {
	org, err := s.admin.Authorize(ctx, a, slug, domain.RoleViewer)
	if err != nil {
		return nil, err
	}
	f, ok := s.store.(reviewFinder)
	if !ok {
		return nil, nil
	}
	return f.FindJourneysToReview(ctx, org.ID)
}
