package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/accounts"
	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// Problem is an RFC 9457 problem detail.
type Problem struct {
	// Type is a stable URI naming the kind of problem.
	Type   string `json:"type" example:"urn:aiguillage:problem:invalid"`
	Title  string `json:"title" example:"Requête invalide"`
	Status int    `json:"status" example:"400"`
	Detail string `json:"detail,omitempty" example:"Commune inconnue."`
	// Instance is the path of the request.
	Instance string `json:"instance,omitempty" example:"/api/v1/public/contact-points"`
	// RequestID lets support find the request in the logs.
	RequestID string `json:"request_id,omitempty"`
	// Errors lists the fields at fault (validation errors only).
	Errors []ProblemField `json:"errors,omitempty"`
} // @name Problem

// ProblemField names one field at fault.
type ProblemField struct {
	Field  string `json:"field" example:"commune"`
	Detail string `json:"detail" example:"aucune commune ne porte le code INSEE 99999"`
	// Communes lists the INSEE codes concerned, when any.
	Communes []string `json:"communes,omitempty"`
} // @name ProblemField

type problemKind struct {
	status int
	slug   string
	title  string
}

var problemKinds = map[string]problemKind{
	domain.EINVALID:             {http.StatusBadRequest, "invalid", "Requête invalide"},
	domain.ENOTFOUND:            {http.StatusNotFound, "not-found", "Ressource introuvable"},
	domain.EGONE:                {http.StatusGone, "gone", "Ressource retirée"},
	domain.ECONFLICT:            {http.StatusConflict, "conflict", "Conflit"},
	domain.EUNAUTHORIZED:        {http.StatusUnauthorized, "unauthorized", "Authentification requise"},
	domain.EFORBIDDEN:           {http.StatusForbidden, "forbidden", "Accès refusé"},
	domain.ETOOLARGE:            {http.StatusRequestEntityTooLarge, "too-large", "Requête trop volumineuse"},
	domain.EUNAVAILABLE:         {http.StatusServiceUnavailable, "unavailable", "Service indisponible"},
	domain.EINSUFFICIENTSTORAGE: {http.StatusInsufficientStorage, "insufficient-storage", "Espace de stockage insuffisant"},
	domain.EINTERNAL:            {http.StatusInternalServerError, "internal", "Erreur interne"},
}

// echo's own errors (unknown route, wrong method, body too large…) by status,
// with the French detail shown to the client.
var statusKinds = map[int]struct {
	problemKind
	detail string
}{
	http.StatusBadRequest:            {problemKinds[domain.EINVALID], "La requête est mal formée."},
	http.StatusNotFound:              {problemKinds[domain.ENOTFOUND], "Aucune ressource à cette adresse."},
	http.StatusMethodNotAllowed:      {problemKind{http.StatusMethodNotAllowed, "method-not-allowed", "Méthode non autorisée"}, "Cette méthode n'est pas acceptée à cette adresse."},
	http.StatusRequestEntityTooLarge: {problemKinds[domain.ETOOLARGE], "Le corps de la requête dépasse la taille autorisée."},
	http.StatusUnsupportedMediaType:  {problemKind{http.StatusUnsupportedMediaType, "unsupported-media-type", "Type de contenu non pris en charge"}, "Envoyez du JSON (Content-Type: application/json)."},
	http.StatusTooManyRequests:       {problemKind{http.StatusTooManyRequests, "rate-limited", "Trop de requêtes"}, "Trop de requêtes : réessayez dans quelques instants."},
	http.StatusServiceUnavailable:    {problemKinds[domain.EUNAVAILABLE], "Le service est momentanément indisponible."},
	http.StatusPreconditionRequired:  {problemKind{http.StatusPreconditionRequired, "precondition-required", "Version requise"}, ""},
}

func problemType(slug string) string { return "urn:aiguillage:problem:" + slug }

// errorHandler writes every error as application/problem+json. Internal
// errors are logged with their detail and answered without it.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		p := Problem{Instance: c.Request().URL.Path, RequestID: c.Response().Header().Get(echo.HeaderXRequestID)}
		var he *echo.HTTPError
		var de *domain.Error
		var rl *accounts.RateLimited
		switch {
		case errors.As(err, &rl):
			k := statusKinds[http.StatusTooManyRequests]
			p.Type, p.Title, p.Status = problemType(k.slug), k.title, k.status
			secs := int(rl.RetryAfter.Seconds() + 0.999)
			p.Detail = "Trop de tentatives de connexion : réessayez dans " + strconv.Itoa(secs) + " secondes."
			c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
		case errors.As(err, &de):
			k, ok := problemKinds[de.Code]
			if !ok {
				k = problemKinds[domain.EINTERNAL]
			}
			p.Type, p.Title, p.Status = problemType(k.slug), k.title, k.status
			if de.Code == domain.EINTERNAL {
				p.Detail = "Erreur interne"
			} else {
				p.Detail = de.Message
			}
			for _, f := range de.Fields {
				p.Errors = append(p.Errors, ProblemField{Field: f.Field, Detail: f.Message, Communes: f.Communes})
			}
		case errors.As(err, &he) && (he.Code < 500 || he.Code == http.StatusServiceUnavailable):
			k, ok := statusKinds[he.Code]
			if !ok {
				k.problemKind = problemKind{he.Code, "http-" + strconv.Itoa(he.Code), http.StatusText(he.Code)}
			}
			p.Type, p.Title, p.Status, p.Detail = problemType(k.slug), k.title, k.status, k.detail
			// Echo's own errors carry the English status text; ours carry French.
			if msg, ok := he.Message.(string); ok && msg != "" && msg != http.StatusText(he.Code) {
				p.Detail = msg
			}
		case databaseDown(err):
			// A database error the store did not translate (a transaction
			// that could not begin…): the database is down or too slow.
			k := problemKinds[domain.EUNAVAILABLE]
			p.Type, p.Title, p.Status, p.Detail = problemType(k.slug), k.title, k.status, "La base de données ne répond pas : réessayez dans quelques instants."
		default:
			k := problemKinds[domain.EINTERNAL]
			p.Type, p.Title, p.Status, p.Detail = problemType(k.slug), k.title, k.status, "Erreur interne"
		}
		if p.Status == http.StatusServiceUnavailable && c.Response().Header().Get("Retry-After") == "" {
			c.Response().Header().Set("Retry-After", "5")
		}
		if p.Status >= 500 {
			log.ErrorContext(c.Request().Context(), "request failed",
				"error", err, "method", c.Request().Method, "route", c.Path(), "request_id", p.RequestID)
		}
		if err := writeProblem(c, p); err != nil {
			log.WarnContext(c.Request().Context(), "write problem", "error", err)
		}
	}
}

func writeProblem(c echo.Context, p Problem) error {
	if c.Request().Method == http.MethodHead {
		return c.NoContent(p.Status)
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	c.Response().WriteHeader(p.Status)
	return jsonEncode(c.Response(), p)
}
