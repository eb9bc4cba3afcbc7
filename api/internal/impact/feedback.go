package impact

import (
	"context"
	"errors"
	"time"
	"unicode/utf8"

	"github.com/aiguillage/aiguillage/api/internal/admin"
	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// FeedbackInput is a resident's feedback as the widget sends it.
type FeedbackInput struct {
	Partner string
	Entry   string
	// Outcome is the public id of the journey outcome it is about.
	Outcome string
	// Query is what the resident searched, when the answer came from a
	// search.
	Query      string
	Useful     *bool
	Comment    string
	LookingFor string
	// PortalID is the third-party portal whose API key came with the
	// feedback ("": none).
	PortalID string
}

// RecordFeedback checks a feedback, scrubs the resident's words of
// personal data and stores it.
func (s *Service) RecordFeedback(ctx context.Context, in FeedbackInput) (*domain.Feedback, error) {
	var v domain.Validation
	if in.Partner == "" {
		v.Add("partner", "est obligatoire")
	}
	if in.Entry != "" && !domain.ValidSlug(in.Entry) {
		v.Add("entry", "identifiant de point d'entrée invalide")
	}
	if in.Outcome != "" && !domain.ValidID(in.Outcome) {
		v.Add("outcome", "doit être un UUID")
	}
	if in.Useful == nil {
		v.Add("useful", "est obligatoire : true (utile) ou false")
	}
	if utf8.RuneCountInString(in.Query) > domain.MaxEventQueryRunes {
		v.Add("query", "ne doit pas dépasser %d caractères", domain.MaxEventQueryRunes)
	}
	f := &domain.Feedback{Entry: in.Entry, OutcomeID: in.Outcome, Query: domain.SearchMissQuery(in.Query), PortalID: in.PortalID}
	addFields := func(err error) {
		var de *domain.Error
		if errors.As(err, &de) {
			v.Fields = append(v.Fields, de.Fields...)
		}
	}
	var err error
	if f.Comment, err = domain.FeedbackText("comment", in.Comment, domain.MaxFeedbackCommentRunes); err != nil {
		addFields(err)
	}
	if f.LookingFor, err = domain.FeedbackText("looking_for", in.LookingFor, domain.MaxFeedbackLookingForRunes); err != nil {
		addFields(err)
	}
	if err := v.Err("Avis invalide."); err != nil {
		return nil, err
	}
	f.Useful = *in.Useful
	p, err := s.partner(ctx, in.Partner)
	if err != nil {
		return nil, err
	}
	if err := p.checkEntry(in.Partner, in.Entry); err != nil {
		return nil, err
	}
	f.OrganisationID = p.id
	if f.OutcomeID != "" {
		ref, err := s.store.FindOutcome(ctx, f.OutcomeID)
		if domain.ErrorCode(err) == domain.ENOTFOUND || (err == nil && ref.OrganisationID != p.id) {
			return nil, domain.Errorf(domain.ENOTFOUND, "%s n'a publié aucune issue de parcours portant cet identifiant.", p.name)
		}
		if err != nil {
			return nil, err
		}
		f.Journey, f.Step = ref.Slug, ref.StepID
	}
	f.CreatedAt = s.now()
	if err := s.store.CreateFeedback(ctx, f); err != nil {
		return nil, err
	}
	s.written.Add(1)
	return f, nil
}

// MaxFeedbackExport bounds the rows of one CSV export.
const MaxFeedbackExport = 100_000

// Feedback lists an organisation's feedback, newest first (viewers and
// up), and their total number.
func (s *Service) Feedback(ctx context.Context, a admin.Actor, slug string, f domain.FeedbackFilter) ([]*domain.Feedback, int, error) {
	org, err := s.admin.Authorize(ctx, a, slug, domain.RoleViewer)
	if err != nil {
		return nil, 0, err
	}
	return s.store.FindFeedback(ctx, org.ID, f)
}

// Period is a range of Europe/Paris dates, both included.
type Period struct {
	From, To string
}

// MaxPeriodDays bounds the periods statistics are asked for.
const MaxPeriodDays = 731

// ParsePeriod reads a period; from and to are YYYY-MM-DD, either may be
// empty. Without to, the period ends today (Europe/Paris); without from, it
// spans defaultDays days, and at most MaxPeriodDays. With defaultDays 0,
// empty bounds stay empty (no bound) and the span is not limited.
func ParsePeriod(from, to string, now time.Time, defaultDays int) (Period, error) {
	var v domain.Validation
	if from != "" && !domain.ValidDay(from) {
		v.Add("from", "date attendue au format AAAA-MM-JJ")
	}
	if to != "" && !domain.ValidDay(to) {
		v.Add("to", "date attendue au format AAAA-MM-JJ")
	}
	if err := v.Err("Période invalide."); err != nil {
		return Period{}, err
	}
	if defaultDays == 0 {
		p := Period{From: from, To: to}
		if from != "" && to != "" && from > to {
			v.Add("to", "doit suivre from")
		}
		return p, v.Err("Période invalide.")
	}
	if to == "" {
		to = domain.ParisDay(now)
	}
	end, _ := time.Parse(time.DateOnly, to)
	if from == "" {
		from = end.AddDate(0, 0, 1-defaultDays).Format(time.DateOnly)
	}
	start, _ := time.Parse(time.DateOnly, from)
	switch days := int(end.Sub(start).Hours()/24) + 1; {
	case days < 1:
		v.Add("to", "doit suivre from")
	case days > MaxPeriodDays:
		v.Add("from", "la période couvre %d jours au plus", MaxPeriodDays)
	}
	return Period{From: from, To: to}, v.Err("Période invalide.")
}
