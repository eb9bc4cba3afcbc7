package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// JourneyReview is a journey whose outcomes name a contact point withdrawn
// by its source.
type JourneyReview struct {
	Slug     string                 `json:"slug"`
	Title    string                 `json:"title"`
	Outcomes []JourneyReviewOutcome `json:"outcomes"`
} // @name JourneyReview

// JourneyReviewOutcome is one outcome step naming a withdrawn contact point.
type JourneyReviewOutcome struct {
	StepID         string `json:"step_id"`
	ContactPointID string `json:"contact_point_id"`
	// ContactPointName is the withdrawn contact point's name.
	ContactPointName string `json:"contact_point_name"`
	// InDraft and InPublished say where the outcome names it.
	InDraft     bool `json:"in_draft"`
	InPublished bool `json:"in_published"`
} // @name JourneyReviewOutcome

// JourneyReviewList lists the journeys to review.
type JourneyReviewList struct {
	Journeys []JourneyReview `json:"journeys"`
} // @name JourneyReviewList

// listJourneyReviews godoc
//
//	@Summary		Journeys to review
//	@Description	The organisation's journeys whose draft or published outcomes name a contact point its source (the service-public.fr annuaire, France services) no longer lists: withdrawn contact points are never shown to residents, so these outcomes lose them. Validation reports each one at its outcome.
//	@Tags			journeys
//	@Security		BearerAuth
//	@Produce		json
//	@Param			org	path		string	true	"Organisation slug"
//	@Success		200	{object}	JourneyReviewList
//	@Failure		401	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Router			/api/v1/admin/organisations/{org}/journey-reviews [get]
func (h *journeyHandlers) reviews(c echo.Context) error {
	rs, err := h.svc.JourneysToReview(c.Request().Context(), actor(c), c.Param("org"))
	if err != nil {
		return err
	}
	out := JourneyReviewList{Journeys: make([]JourneyReview, len(rs))}
	for i, r := range rs {
		j := JourneyReview{Slug: r.Slug, Title: r.Title, Outcomes: make([]JourneyReviewOutcome, len(r.Outcomes))}
		for k, o := range r.Outcomes {
			j.Outcomes[k] = JourneyReviewOutcome{StepID: o.StepID, ContactPointID: o.ContactPointID, ContactPointName: o.ContactPointName, InDraft: o.Draft, InPublished: o.Published}
		}
		out.Journeys[i] = j
	}
	return c.JSON(http.StatusOK, out)
}
