package importer

import (
	"bytes"
	"encoding/json"
	"strings"
)

// The annuaire's JSON is polymorphic (a field may hold an object or an array
// of objects, a string or an object with a "$t" member) and, in the
// Opendatasoft export, nested fields are JSON documents encoded as strings.
// The types below read such values leniently: a valid document never fails
// to decode, a value of an unexpected shape reads as empty. Whether the
// record is then usable is decided by domain validation, record by record.

// text reads a string, a number or a boolean as text, and an object as its
// "$t" or "valeur" member; anything else reads as "".
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	*t = ""
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	switch b[0] {
	case '"':
		if len(b) >= 2 && b[len(b)-1] == '"' && bytes.IndexByte(b[1:len(b)-1], '\\') < 0 && bytes.IndexByte(b[1:len(b)-1], '"') < 0 {
			*t = text(b[1 : len(b)-1]) // no escape: the common case
			return nil
		}
		var s string
		if json.Unmarshal(b, &s) == nil {
			*t = text(s)
		}
	case '{':
		var o struct {
			T      *text `json:"$t"`
			Valeur *text `json:"valeur"`
		}
		if json.Unmarshal(b, &o) == nil {
			switch {
			case o.T != nil:
				*t = *o.T
			case o.Valeur != nil:
				*t = *o.Valeur
			}
		}
	case '[', 'n':
		// Arrays and null carry no single text.
	default:
		*t = text(b) // number or boolean
	}
	return nil
}

// String returns the text with surrounding spaces removed.
func (t text) String() string { return strings.TrimSpace(string(t)) }

// list reads a JSON array of E, a single E, or a string holding either as a
// JSON document (the Opendatasoft export). A plain string that is not a JSON
// document is read as a one-element list (E must accept strings then).
type list[E any] []E

func (l *list[E]) UnmarshalJSON(b []byte) error {
	*l = nil
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if json.Unmarshal(b, &s) != nil {
			return nil
		}
		inner := strings.TrimSpace(s)
		if inner == "" {
			return nil
		}
		if (inner[0] == '[' || inner[0] == '{') && json.Valid([]byte(inner)) {
			b = []byte(inner)
		}
	}
	if len(b) == 0 || b[0] == 'n' {
		return nil
	}
	if b[0] != '[' {
		var e E
		_ = json.Unmarshal(b, &e)
		*l = list[E]{e}
		return nil
	}
	// Elements are lenient themselves, so a valid array always decodes.
	var out []E
	if json.Unmarshal(b, &out) == nil {
		*l = out
	}
	return nil
}

// decodeObject decodes b into v when b is a JSON object, and leaves v at its
// zero value otherwise. Fields of v must themselves be lenient.
func decodeObject(b []byte, v any) {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		_ = json.Unmarshal(b, v)
	}
}
