package httpapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

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
} // @name ProblemField

type problemKind struct {
	status int
	slug   string
	title  string
}

var problemKinds = map[string]problemKind{
	domain.EINVALID:      {http.StatusBadRequest, "invalid", "Requête invalide"},
	domain.ENOTFOUND:     {http.StatusNotFound, "not-found", "Ressource introuvable"},
	domain.ECONFLICT:     {http.StatusConflict, "conflict", "Conflit"},
	domain.EUNAUTHORIZED: {http.StatusUnauthorized, "unauthorized", "Authentification requise"},
	domain.EFORBIDDEN:    {http.StatusForbidden, "forbidden", "Accès refusé"},
	domain.ETOOLARGE:     {http.StatusRequestEntityTooLarge, "too-large", "Requête trop volumineuse"},
	domain.EUNAVAILABLE:  {http.StatusServiceUnavailable, "unavailable", "Service indisponible"},
	domain.EINTERNAL:     {http.StatusInternalServerError, "internal", "Erreur interne"},
}

// echo's own errors (unknown route, wrong method, body too large…) by status.
var statusKinds = map[int]problemKind{
	http.StatusNotFound:              {http.StatusNotFound, "not-found", "Ressource introuvable"},
	http.StatusMethodNotAllowed:      {http.StatusMethodNotAllowed, "method-not-allowed", "Méthode non autorisée"},
	http.StatusRequestEntityTooLarge: {http.StatusRequestEntityTooLarge, "too-large", "Requête trop volumineuse"},
	http.StatusUnsupportedMediaType:  {http.StatusUnsupportedMediaType, "unsupported-media-type", "Type de contenu non pris en charge"},
	http.StatusTooManyRequests:       {http.StatusTooManyRequests, "rate-limited", "Trop de requêtes"},
	http.StatusBadRequest:            {http.StatusBadRequest, "invalid", "Requête invalide"},
	http.StatusServiceUnavailable:    {http.StatusServiceUnavailable, "unavailable", "Service indisponible"},
}

var statusDetails = map[int]string{
	http.StatusNotFound:              "Aucune ressource à cette adresse.",
	http.StatusMethodNotAllowed:      "Cette méthode n'est pas acceptée à cette adresse.",
	http.StatusRequestEntityTooLarge: "Le corps de la requête dépasse la taille autorisée.",
	http.StatusUnsupportedMediaType:  "Envoyez du JSON (Content-Type: application/json).",
	http.StatusTooManyRequests:       "Trop de requêtes : réessayez dans quelques instants.",
	http.StatusBadRequest:            "La requête est mal formée.",
	http.StatusServiceUnavailable:    "Le service est momentanément indisponible.",
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
		switch {
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
				p.Errors = append(p.Errors, ProblemField{Field: f.Field, Detail: f.Message})
			}
		case errors.As(err, &he) && he.Code < 500:
			k, ok := statusKinds[he.Code]
			if !ok {
				k = problemKind{he.Code, "http-" + http.StatusText(he.Code), http.StatusText(he.Code)}
			}
			p.Type, p.Title, p.Status = problemType(k.slug), k.title, k.status
			p.Detail = statusDetails[he.Code]
			if msg, ok := he.Message.(string); ok && he.Internal == nil && p.Detail == "" {
				p.Detail = msg
			}
		case errors.As(err, &he) && he.Code == http.StatusServiceUnavailable:
			k := statusKinds[he.Code]
			p.Type, p.Title, p.Status, p.Detail = problemType(k.slug), k.title, k.status, statusDetails[he.Code]
		default:
			k := problemKinds[domain.EINTERNAL]
			p.Type, p.Title, p.Status, p.Detail = problemType(k.slug), k.title, k.status, "Erreur interne"
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
