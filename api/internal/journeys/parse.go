package journeys

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"
)

// ErrTooLarge is wrapped by the ParseError of a document over MaxSize bytes.
var ErrTooLarge = errors.New("journeys: document too large")

// ParseError is a document that cannot be read. Line and Column (1-based,
// columns in characters) locate the problem when it has a place; Message is
// French, for the person who wrote the document.
type ParseError struct {
	Line    int
	Column  int
	Offset  int64 // byte offset; meaningful when Line > 0
	Message string
	Err     error // the underlying error, if any
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("ligne %d, colonne %d : %s", e.Line, e.Column, e.Message)
	}
	return e.Message
}

func (e *ParseError) Unwrap() error { return e.Err }

// Parse reads one journey document (see the package documentation). It is
// strict: unknown fields, fields in another case, duplicated fields, trailing
// data and documents over MaxSize bytes are errors. Errors are *ParseError.
// Parse does not validate the journey: see Validate.
func Parse(r io.Reader) (*Journey, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, &ParseError{Message: "lecture du document impossible", Err: err}
	}
	if len(data) > MaxSize {
		return nil, &ParseError{Message: fmt.Sprintf("document trop volumineux : %d Kio au plus", MaxSize>>10), Err: ErrTooLarge}
	}
	if !utf8.Valid(data) {
		return nil, &ParseError{Message: "le document n'est pas en UTF-8"}
	}
	start := skipSpace(data, 0)
	if start == len(data) {
		return nil, &ParseError{Message: "document vide"}
	}
	if data[start] != '{' {
		return nil, at(data, int64(start), "le document doit être un objet JSON, commençant par « { »", nil)
	}

	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var j Journey
	if err := dec.Decode(&j); err != nil {
		return nil, decodeError(data, err)
	}
	end := dec.InputOffset()
	if rest := skipSpace(data, int(end)); rest < len(data) {
		return nil, at(data, int64(rest), "données en trop après la fin du document", nil)
	}
	if err := checkKeys(data); err != nil {
		return nil, err
	}
	return &j, nil
}

// decodeError translates an encoding/json error into a located ParseError.
func decodeError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		// Offset counts the offending byte; point at it.
		return at(data, syn.Offset-1, "JSON invalide ("+syn.Error()+")", err)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "document"
		}
		return at(data, typ.Offset, fmt.Sprintf("« %s » : %s attendu, %s trouvé", field, jsonKind(typ.Type), frenchValue(typ.Value)), err)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return at(data, int64(len(data)), "document JSON incomplet", err)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// Locate it: checkKeys finds the first unknown or duplicated key.
		if kerr := checkKeys(data); kerr != nil {
			return kerr
		}
		return &ParseError{Message: "champ inconnu (" + strings.TrimPrefix(err.Error(), "json: ") + ")", Err: err}
	}
	return &ParseError{Message: "document illisible (" + err.Error() + ")", Err: err}
}

func jsonKind(t reflect.Type) string {
	if t == nil {
		return "une valeur"
	}
	switch t.Kind() {
	case reflect.String:
		return "un texte"
	case reflect.Bool:
		return "un booléen (true ou false)"
	case reflect.Slice, reflect.Array:
		return "une liste"
	case reflect.Struct, reflect.Pointer, reflect.Map:
		return "un objet"
	}
	return "une valeur de type " + t.String()
}

func frenchValue(v string) string {
	switch {
	case v == "string":
		return "un texte"
	case v == "bool":
		return "un booléen"
	case v == "array":
		return "une liste"
	case v == "object":
		return "un objet"
	case strings.HasPrefix(v, "number"):
		return "un nombre"
	}
	return v
}

// at builds a ParseError located at a byte offset of data.
func at(data []byte, off int64, msg string, err error) *ParseError {
	off = max(0, min(off, int64(len(data))))
	line, col := 1, 1
	before := data[:off]
	if i := bytes.LastIndexByte(before, '\n'); i >= 0 {
		line += bytes.Count(before, []byte{'\n'})
		before = before[i+1:]
	}
	col += utf8.RuneCount(before)
	return &ParseError{Line: line, Column: col, Offset: off, Message: msg, Err: err}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// shape is the kind of object expected at some place of the document.
type shape int

const (
	shapeAny shape = iota
	shapeJourney
	shapeStep
	shapeOption
	shapeOutcome
	shapeJourneyText
	shapeStepText
	shapeOptionText
	shapeOutcomeText
)

func (s shape) fields() []string {
	switch s {
	case shapeJourney:
		return []string{"slug", "title", "description", "i18n", "themes", "languages", "first_step", "steps"}
	case shapeStep:
		return []string{"id", "kind", "text", "help", "i18n", "options", "next", "outcome"}
	case shapeOption:
		return []string{"label", "next", "i18n"}
	case shapeOutcome:
		return []string{"explanation", "documents", "i18n", "contact_points", "pivots", "emergency"}
	case shapeJourneyText:
		return []string{"title", "description"}
	case shapeStepText:
		return []string{"text", "help"}
	case shapeOptionText:
		return []string{"label"}
	case shapeOutcomeText:
		return []string{"explanation", "documents"}
	}
	return nil
}

// container says how a value holds the shape its key gives.
type container int

const (
	single container = iota // the value is of the shape
	list                    // a list of values of the shape
	dict                    // an object whose keys are free (language codes) and values of the shape
)

// child is the shape of the value of key in an object of shape s, and how
// the value holds it.
func (s shape) child(key string) (shape, container) {
	switch {
	case s == shapeJourney && key == "steps":
		return shapeStep, list
	case s == shapeStep && key == "options":
		return shapeOption, list
	case s == shapeStep && key == "outcome":
		return shapeOutcome, single
	case key == "i18n":
		switch s {
		case shapeJourney:
			return shapeJourneyText, dict
		case shapeStep:
			return shapeStepText, dict
		case shapeOption:
			return shapeOptionText, dict
		case shapeOutcome:
			return shapeOutcomeText, dict
		}
	}
	return shapeAny, single
}

func (s shape) name() string {
	switch s {
	case shapeJourney:
		return "du parcours"
	case shapeStep:
		return "d'une étape"
	case shapeOption:
		return "d'un choix"
	case shapeOutcome:
		return "d'une issue"
	case shapeJourneyText, shapeStepText, shapeOptionText, shapeOutcomeText:
		return "d'une traduction"
	}
	return ""
}

// checkKeys walks a syntactically valid document and reports the first key
// that is unknown (in exact case) or repeated in its object. encoding/json
// matches keys regardless of case and keeps the last of duplicates; both
// would silently lose what the author wrote.
func checkKeys(data []byte) error {
	w := keyWalker{dec: json.NewDecoder(bytes.NewReader(data)), data: data}
	return w.value(shapeJourney, single)
}

type keyWalker struct {
	dec  *json.Decoder
	data []byte
}

func (w *keyWalker) value(s shape, c container) error {
	tok, err := w.dec.Token()
	if err != nil {
		return decodeError(w.data, err)
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	switch d {
	case '[':
		elem := shapeAny
		if c == list {
			elem = s
		}
		for w.dec.More() {
			if err := w.value(elem, single); err != nil {
				return err
			}
		}
	case '{':
		obj := shapeAny
		if c == single {
			obj = s
		}
		var seen map[string]bool
		for w.dec.More() {
			start := skipComma(w.data, int(w.dec.InputOffset()))
			tok, err := w.dec.Token()
			if err != nil {
				return decodeError(w.data, err)
			}
			key, _ := tok.(string)
			if c == dict && s != shapeAny {
				// A translation map: any key (validation checks the
				// language), each once.
				if seen[key] {
					return at(w.data, int64(start), fmt.Sprintf("langue « %s » en double %s", key, s.name()), nil)
				}
				if seen == nil {
					seen = map[string]bool{}
				}
				seen[key] = true
				if err := w.value(s, single); err != nil {
					return err
				}
				continue
			}
			if obj != shapeAny {
				fields := obj.fields()
				if !slices.Contains(fields, key) {
					msg := fmt.Sprintf("champ inconnu « %s » %s (champs possibles : %s)", key, obj.name(), strings.Join(fields, ", "))
					for _, f := range fields {
						if strings.EqualFold(f, key) {
							msg = fmt.Sprintf("champ inconnu « %s » %s : vouliez-vous dire « %s » ?", key, obj.name(), f)
						}
					}
					return at(w.data, int64(start), msg, nil)
				}
				if seen[key] {
					return at(w.data, int64(start), fmt.Sprintf("champ « %s » en double %s", key, obj.name()), nil)
				}
				if seen == nil {
					seen = make(map[string]bool, len(fields))
				}
				seen[key] = true
			}
			child, childC := obj.child(key)
			if err := w.value(child, childC); err != nil {
				return err
			}
		}
	}
	if _, err := w.dec.Token(); err != nil { // the closing delimiter
		return decodeError(w.data, err)
	}
	return nil
}

func skipComma(data []byte, i int) int {
	i = skipSpace(data, i)
	if i < len(data) && data[i] == ',' {
		i = skipSpace(data, i+1)
	}
	return i
}
