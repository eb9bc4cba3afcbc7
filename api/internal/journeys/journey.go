package journeys

import (
	"bytes"
	"encoding/json"
)

// StepKind is the kind of a step.
type StepKind string

// The kinds of step.
const (
	KindQuestion StepKind = "question" // a question with 2–8 options
	KindLocation StepKind = "location" // asks for the commune, then goes to Next
	KindOutcome  StepKind = "outcome"  // an answer: explanation and contacts
)

// Readable limits, in characters (runes), and other bounds of a journey.
const (
	MaxIDLength       = 64  // slug and step ids
	MaxTitle          = 100 // journey title and outcome title (the outcome step's text)
	MaxQuestionText   = 150 // question or location text
	MaxLabel          = 80  // option label
	MaxHelp           = 300 // step help
	MaxExplanation    = 600 // outcome explanation
	MinOptions        = 2
	MaxOptions        = 8
	MaxSize           = 256 << 10 // bytes of a journey document
	maxListedCommunes = 10        // communes named in a problem's message
)

// Journey is a partner's orientation journey.
//
// Its texts are French. I18n maps (on the journey, its steps, options and
// outcomes) hold their translations, keyed by language code (i18n
// package: never "fr"); Languages lists the languages the référent
// maintains, whose missing translations publishing warns about.
type Journey struct {
	Slug        string                 `json:"slug"`
	Title       string                 `json:"title"`
	Description string                 `json:"description,omitempty"`
	I18n        map[string]JourneyText `json:"i18n,omitempty"`
	Themes      []string               `json:"themes,omitempty"`
	Languages   []string               `json:"languages,omitempty"`
	FirstStep   string                 `json:"first_step"`
	Steps       []Step                 `json:"steps"`
}

// JourneyText is a journey's title and description in one language.
type JourneyText struct {
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
}

// Step is one step of a journey.
type Step struct {
	ID      string              `json:"id"`
	Kind    StepKind            `json:"kind"`
	Text    string              `json:"text"`
	Help    string              `json:"help,omitempty"`
	I18n    map[string]StepText `json:"i18n,omitempty"`
	Options []Option            `json:"options,omitempty"` // question only
	Next    string              `json:"next,omitempty"`    // location only
	Outcome *Outcome            `json:"outcome,omitempty"` // outcome only
}

// StepText is a step's text (an outcome's title) and help in one language.
type StepText struct {
	Text string `json:"text,omitempty"`
	Help string `json:"help,omitempty"`
}

// Option is one answer to a question and the step it leads to.
type Option struct {
	Label string                `json:"label"`
	Next  string                `json:"next"`
	I18n  map[string]OptionText `json:"i18n,omitempty"`
}

// OptionText is an option's label in one language.
type OptionText struct {
	Label string `json:"label,omitempty"`
}

// Outcome is what an outcome step shows.
type Outcome struct {
	Explanation   string                 `json:"explanation"`
	Documents     []string               `json:"documents,omitempty"`
	I18n          map[string]OutcomeText `json:"i18n,omitempty"`
	ContactPoints []string               `json:"contact_points,omitempty"`
	Pivots        []string               `json:"pivots,omitempty"`
	Emergency     bool                   `json:"emergency,omitempty"`
}

// OutcomeText is an outcome's explanation and documents in one language.
// Documents is the whole list in that language, item for item the French
// one.
type OutcomeText struct {
	Explanation string   `json:"explanation,omitempty"`
	Documents   []string `json:"documents,omitempty"`
}

// Step returns the first step with the given id.
func (j *Journey) Step(id string) (*Step, bool) {
	if j == nil {
		return nil, false
	}
	for i := range j.Steps {
		if j.Steps[i].ID == id {
			return &j.Steps[i], true
		}
	}
	return nil, false
}

// MarshalIndent exports the journey in the document format: stable output,
// two-space indent, no HTML escaping, a final newline.
func (j *Journey) MarshalIndent() ([]byte, error) {
	out := Journey{}
	if j != nil {
		out = *j
	}
	if out.Steps == nil {
		out.Steps = []Step{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// validID reports whether s is lowercase letters and digits in groups joined
// by single dashes, at most MaxIDLength bytes.
func validID(s string) bool {
	if s == "" || len(s) > MaxIDLength || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && s[i-1] != '-':
		default:
			return false
		}
	}
	return true
}
