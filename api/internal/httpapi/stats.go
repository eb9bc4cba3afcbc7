package httpapi

import (
	"math"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/impact"
)

// StatsTotals are the impact indicators of a period, a day, a partner or an
// entry point (README « Mesure d'impact »). Sessions are counted per day.
type StatsTotals struct {
	// Loads: widget displays (sessions with a « loaded » event).
	Loads int64 `json:"loads"`
	// Searches made, and those without any result.
	Searches           int64 `json:"searches"`
	SearchesUnanswered int64 `json:"searches_unanswered"`
	// JourneysStarted: sessions that answered a step of a journey (per journey); JourneysCompleted: those that reached one of its outcomes.
	JourneysStarted   int64 `json:"journeys_started"`
	JourneysCompleted int64 `json:"journeys_completed"`
	// CompletionRate is journeys_completed / journeys_started (absent when none started).
	CompletionRate *float64 `json:"completion_rate,omitempty" example:"0.72"`
	// EmergencyOpenings: openings of the emergency panel.
	EmergencyOpenings int64 `json:"emergency_openings"`
	// ContactClicks: channels of contact points used (calls, e-mails, maps, online procedures…).
	ContactClicks int64 `json:"contact_clicks"`
	// Feedback given, useful ones, and the satisfaction rate (useful / given; absent without feedback).
	Feedback         int64    `json:"feedback"`
	FeedbackUseful   int64    `json:"feedback_useful"`
	SatisfactionRate *float64 `json:"satisfaction_rate,omitempty" example:"0.85"`
	// SessionsEngaged: sessions that searched, answered a step, were shown an answer, used a contact or opened the emergency panel; SessionsAnswered: those shown an answer, that used a contact or opened the emergency panel.
	SessionsEngaged  int64 `json:"sessions_engaged"`
	SessionsAnswered int64 `json:"sessions_answered"`
	// UnansweredShare is 1 - sessions_answered / sessions_engaged (absent when none engaged).
	UnansweredShare *float64 `json:"unanswered_share,omitempty" example:"0.1"`
	// CallsDiverted estimates the calls taken off the partner's switchboard: sessions shown or using at least one contact point that is not a switchboard of the partner (README).
	CallsDiverted int64 `json:"calls_diverted"`
} // @name StatsTotals

// StatsDay are the indicators of one day.
type StatsDay struct {
	Date string `json:"date" format:"date" example:"2026-11-27"`
	StatsTotals
} // @name StatsDay

// StatsChannel counts the uses of one kind of channel.
type StatsChannel struct {
	Channel string `json:"channel" enums:"phone,email,address,online,sms,website"`
	Clicks  int64  `json:"clicks"`
} // @name StatsChannel

// StatsSearch is a search seen at least k_anonymity times in the period.
type StatsSearch struct {
	Query string `json:"query" example:"aide au logement"`
	Count int64  `json:"count"`
} // @name StatsSearch

// StatsContactPoint says how often a contact point was shown and used.
type StatsContactPoint struct {
	ID string `json:"id" format:"uuid"`
	// Name is absent when the contact point was deleted since.
	Name string `json:"name,omitempty"`
	// Switchboard: a switchboard of the partner (its own contact point of granularity « administration »), not counted in calls_diverted.
	Switchboard bool `json:"switchboard"`
	// Shown: sessions shown it in an answer; Clicks: uses of its channels.
	Shown  int64 `json:"shown"`
	Clicks int64 `json:"clicks"`
} // @name StatsContactPoint

// StatsGroup are the indicators of one partner or one entry point.
type StatsGroup struct {
	// Slug is "" for the widget used without entry point.
	Slug string `json:"slug"`
	// Name is absent for an entry point removed since.
	Name string `json:"name,omitempty"`
	StatsTotals
} // @name StatsGroup

// StatsStep are the figures of one step of a journey.
type StatsStep struct {
	ID string `json:"id" example:"situation"`
	// Kind is absent for a step the published journey no longer has.
	Kind string `json:"kind,omitempty" enums:"question,location,outcome"`
	Text string `json:"text,omitempty"`
	// Reached: sessions shown the step (outcome: that reached it through the journey); Answered: sessions that answered it.
	Reached  int64 `json:"reached"`
	Answered int64 `json:"answered"`
	// DropOff: reached but not answered; DropOffRate = drop_off / reached (questions and locations).
	DropOff     int64    `json:"drop_off"`
	DropOffRate *float64 `json:"drop_off_rate,omitempty"`
	// Outcome is the public id of an outcome step, with its feedback and satisfaction rate.
	Outcome          string   `json:"outcome,omitempty" format:"uuid"`
	Feedback         int64    `json:"feedback"`
	FeedbackUseful   int64    `json:"feedback_useful"`
	SatisfactionRate *float64 `json:"satisfaction_rate,omitempty"`
} // @name StatsStep

// StatsJourney are the per-path analytics of one journey.
type StatsJourney struct {
	Slug  string `json:"slug" example:"logement-loyer"`
	Title string `json:"title,omitempty"`
	// Started and Completed: sessions that started it, that reached one of its outcomes through it.
	Started        int64    `json:"started"`
	Completed      int64    `json:"completed"`
	CompletionRate *float64 `json:"completion_rate,omitempty"`
	// UnansweredShare: share of the started sessions that ended without reaching an outcome.
	UnansweredShare *float64    `json:"unanswered_share,omitempty"`
	Steps           []StatsStep `json:"steps"`
} // @name StatsJourney

// StatsPartner names the partner of partner statistics.
type StatsPartner struct {
	Slug string `json:"slug" example:"var"`
	Name string `json:"name"`
} // @name StatsPartner

// Stats are the open impact figures of a period, national or of one partner.
type Stats struct {
	Scope   string        `json:"scope" enums:"national,partner"`
	Partner *StatsPartner `json:"partner,omitempty"`
	Entry   string        `json:"entry,omitempty"`
	// From and To bound the period (Europe/Paris dates, both included).
	From string `json:"from" format:"date"`
	To   string `json:"to" format:"date"`
	// KAnonymity is how many times a search must have been seen in the period to be listed.
	KAnonymity int         `json:"k_anonymity" example:"5"`
	Totals     StatsTotals `json:"totals"`
	// Daily holds every day of the period, for charts over time.
	Daily         []StatsDay          `json:"daily"`
	Channels      []StatsChannel      `json:"channels"`
	ContactPoints []StatsContactPoint `json:"contact_points"`
	// TopSearches and UnansweredSearches: the most frequent searches, and those without result, seen at least k_anonymity times.
	TopSearches        []StatsSearch `json:"top_searches"`
	UnansweredSearches []StatsSearch `json:"unanswered_searches"`
	// Partners (national statistics), EntryPoints and Journeys (a partner's).
	Partners    []StatsGroup   `json:"partners"`
	EntryPoints []StatsGroup   `json:"entry_points"`
	Journeys    []StatsJourney `json:"journeys"`
} // @name Stats

// ratio returns part/whole rounded to 4 decimals, nil when whole is zero.
func ratio(part, whole int64) *float64 {
	r, ok := impact.Rate(part, whole)
	if !ok {
		return nil
	}
	r = math.Round(r*1e4) / 1e4
	return &r
}

func totalsDTO(t impact.Totals) StatsTotals {
	out := StatsTotals{Loads: t.Loads, Searches: t.Searches, SearchesUnanswered: t.SearchesUnanswered, JourneysStarted: t.JourneysStarted,
		JourneysCompleted: t.JourneysCompleted, CompletionRate: ratio(t.JourneysCompleted, t.JourneysStarted), EmergencyOpenings: t.EmergencyOpenings,
		ContactClicks: t.ContactClicks, Feedback: t.Feedback, FeedbackUseful: t.FeedbackUseful, SatisfactionRate: ratio(t.FeedbackUseful, t.Feedback),
		SessionsEngaged: t.SessionsEngaged, SessionsAnswered: t.SessionsAnswered, CallsDiverted: t.CallsDiverted}
	if t.SessionsEngaged > 0 {
		out.UnansweredShare = ratio(max(t.SessionsEngaged-t.SessionsAnswered, 0), t.SessionsEngaged)
	}
	return out
}

func statsDTO(st *impact.Stats) Stats {
	out := Stats{Scope: "national", Entry: st.Entry, From: st.From, To: st.To, KAnonymity: domain.KAnonymity, Totals: totalsDTO(st.Totals),
		Daily: make([]StatsDay, len(st.Daily)), Channels: make([]StatsChannel, len(st.Channels)), ContactPoints: make([]StatsContactPoint, len(st.ContactPoints)),
		TopSearches: searchesDTO(st.TopSearches), UnansweredSearches: searchesDTO(st.UnansweredSearches),
		Partners: groupsDTO(st.Partners), EntryPoints: groupsDTO(st.EntryPoints), Journeys: make([]StatsJourney, len(st.Journeys))}
	if st.Partner != nil {
		out.Scope, out.Partner = "partner", &StatsPartner{Slug: st.Partner.Slug, Name: st.Partner.Name}
	}
	for i, d := range st.Daily {
		out.Daily[i] = StatsDay{Date: d.Day, StatsTotals: totalsDTO(d.Totals)}
	}
	for i, c := range st.Channels {
		out.Channels[i] = StatsChannel{Channel: c.Key, Clicks: c.Count}
	}
	for i, c := range st.ContactPoints {
		out.ContactPoints[i] = StatsContactPoint{ID: c.ID, Name: c.Name, Switchboard: c.Switchboard, Shown: c.Shown, Clicks: c.Clicks}
	}
	for i, j := range st.Journeys {
		sj := StatsJourney{Slug: j.Slug, Title: j.Title, Started: j.Started, Completed: j.Completed,
			CompletionRate: ratio(j.Completed, j.Started), Steps: make([]StatsStep, len(j.Steps))}
		if j.Started > 0 {
			sj.UnansweredShare = ratio(max(j.Started-j.Completed, 0), j.Started)
		}
		for k, s := range j.Steps {
			ss := StatsStep{ID: s.ID, Kind: s.Kind, Text: s.Text, Reached: s.Reached, Answered: s.Answered, Outcome: s.OutcomeID,
				Feedback: s.Feedback, FeedbackUseful: s.FeedbackUseful, SatisfactionRate: ratio(s.FeedbackUseful, s.Feedback)}
			if s.OutcomeID == "" {
				ss.DropOff = max(s.Reached-s.Answered, 0)
				ss.DropOffRate = ratio(ss.DropOff, s.Reached)
			}
			sj.Steps[k] = ss
		}
		out.Journeys[i] = sj
	}
	return out
}

func searchesDTO(cs []impact.Count) []StatsSearch {
	out := make([]StatsSearch, len(cs))
	for i, c := range cs {
		out[i] = StatsSearch{Query: c.Key, Count: c.Count}
	}
	return out
}

func groupsDTO(gs []impact.GroupStats) []StatsGroup {
	out := make([]StatsGroup, len(gs))
	for i, g := range gs {
		out[i] = StatsGroup{Slug: g.Slug, Name: g.Name, StatsTotals: totalsDTO(g.Totals)}
	}
	return out
}

// statsQuery reads the period of a statistics request.
func (h *impactHandlers) statsQuery(c echo.Context, partner, entry string) (impact.StatsQuery, error) {
	if entry != "" && !domain.ValidSlug(entry) {
		return impact.StatsQuery{}, domain.Invalid("Paramètres invalides.", domain.FieldError{Field: "entry", Message: "identifiant de point d'entrée invalide"})
	}
	p, err := impact.ParsePeriod(c.QueryParam("from"), c.QueryParam("to"), h.now(), impact.DefaultPeriodDays)
	return impact.StatsQuery{Partner: partner, Entry: entry, Period: p}, err
}

// nationalStats godoc
//
//	@Summary		National impact statistics
//	@Description	The open impact figures of every partner together, for a period (default: the last 30 days; at most 731 days): usage, completion of journeys, satisfaction, searches without answer, estimated calls diverted, per day and per partner. Searches are listed only once seen 5 times in the period (k-anonymity). Anonymous aggregates only; the same figures as the page /stats. Cacheable.
//	@Tags			public
//	@Produce		json
//	@Param			from	query		string	false	"First day (YYYY-MM-DD, Europe/Paris)"	format(date)
//	@Param			to		query		string	false	"Last day (YYYY-MM-DD), default today"	format(date)
//	@Success		200		{object}	Stats
//	@Failure		400		{object}	Problem
//	@Param			X-API-Key	header		string	false	"A third-party portal's API key: raised rate limits, usage attributed to the portal"
//	@Failure		401		{object}	Problem	"The X-API-Key header holds a malformed, unknown or revoked key"
//	@Router			/api/v1/public/stats [get]
func (h *impactHandlers) nationalStats(c echo.Context) error {
	return h.writeStats(c, "", "")
}

// partnerStats godoc
//
//	@Summary		A partner's impact statistics
//	@Description	A partner's open impact figures for a period (default: the last 30 days), optionally for one of its entry points: usage, completion, satisfaction, searches without answer, estimated calls diverted, per day and per entry point, with per-path analytics of each journey (reached, answered and drop-off at each step, share ending without answer, satisfaction per outcome) and the contact points shown and used. Searches are listed only once seen 5 times in the period (k-anonymity). The same figures as the page /stats/{slug}. Cacheable.
//	@Tags			public
//	@Produce		json
//	@Param			slug	path		string	true	"Partner slug"	example(var)
//	@Param			from	query		string	false	"First day (YYYY-MM-DD, Europe/Paris)"	format(date)
//	@Param			to		query		string	false	"Last day (YYYY-MM-DD), default today"	format(date)
//	@Param			entry	query		string	false	"Entry point slug"
//	@Success		200		{object}	Stats
//	@Failure		400		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Param			X-API-Key	header		string	false	"A third-party portal's API key: raised rate limits, usage attributed to the portal"
//	@Failure		401		{object}	Problem	"The X-API-Key header holds a malformed, unknown or revoked key"
//	@Router			/api/v1/public/stats/{slug} [get]
func (h *impactHandlers) partnerStats(c echo.Context) error {
	return h.writeStats(c, c.Param("slug"), c.QueryParam("entry"))
}

func (h *impactHandlers) writeStats(c echo.Context, partner, entry string) error {
	q, err := h.statsQuery(c, partner, entry)
	if err != nil {
		return err
	}
	st, err := h.svc.Stats(c.Request().Context(), q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, statsDTO(st))
}
