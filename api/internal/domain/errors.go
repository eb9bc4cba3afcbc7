// Package domain holds Aiguillage's entities, their rules, the interfaces the
// services and stores implement, and the application error type. It imports
// neither Echo nor GORM.
package domain

import (
	"errors"
	"fmt"
)

// Error codes. The HTTP layer maps each code to a status and a problem type.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ETOOLARGE     = "too_large"
	EUNAVAILABLE  = "unavailable"
	EINTERNAL     = "internal"
	EGONE         = "gone" // withdrawn (a contact point its source no longer lists): 410 Gone
	// EINSUFFICIENTSTORAGE: the database has no room left (disk or database
	// full); writes are refused with 507 until an operator makes room.
	EINSUFFICIENTSTORAGE = "insufficient_storage"
)

// FieldError names one field at fault and says why, in French.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	// Communes lists the INSEE codes concerned, when the error is about some
	// communes of a territory.
	Communes []string `json:"communes,omitempty"`
}

// Error is the application error: a code, a French message meant for the
// resident or référent, and, for validation errors, the fields at fault.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	// Err is the underlying cause; never shown to clients.
	Err error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an application error with a formatted French message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns a validation error listing the fields at fault.
func Invalid(message string, fields ...FieldError) *Error {
	return &Error{Code: EINVALID, Message: message, Fields: fields}
}

// ErrorCode returns the code of an application error, or EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the French message of an application error, or a
// generic one for internal errors (their detail is never shown).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "Erreur interne"
}

// Validation accumulates field errors.
type Validation struct {
	Fields []FieldError
}

// Add records a field error.
func (v *Validation) Add(field, format string, args ...any) {
	v.Fields = append(v.Fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns nil when no field error was recorded.
func (v *Validation) Err(message string) error {
	if len(v.Fields) == 0 {
		return nil
	}
	return Invalid(message, v.Fields...)
}
