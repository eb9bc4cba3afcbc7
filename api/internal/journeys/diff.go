package journeys

import (
	"maps"
	"reflect"
	"slices"
)

// The kinds of Change.
const (
	Added   = "added"
	Removed = "removed"
	Changed = "changed"
)

// Change is one difference between two versions of a journey.
//
// Step is "" for journey-level fields. For a whole step added or removed,
// Field is "" and From/To hold the Step. Otherwise Field is the JSON path of
// the field (e.g. "title", "options", "outcome.pivots") and From/To its old
// and new values (nil on the side where the field is absent or empty). Kind
// is Added when the field was empty, Removed when it becomes empty, else
// Changed.
type Change struct {
	Step  string `json:"step,omitempty"`
	Field string `json:"field,omitempty"`
	Kind  string `json:"kind"`
	From  any    `json:"from,omitempty"`
	To    any    `json:"to,omitempty"`
}

// Diff returns the changes from one version of a journey to another:
// journey-level fields first (slug, title, description, i18n, themes,
// languages, first_step),
// then the steps in the order of the new version (added or changed, fields in
// document order), then the removed steps in the order of the old version.
// Moving a step within the list is not a change. A nil journey is empty. When
// a version repeats a step id, its first step with that id counts.
func Diff(from, to *Journey) []Change {
	if from == nil {
		from = &Journey{}
	}
	if to == nil {
		to = &Journey{}
	}
	var d differ
	d.field("", "slug", from.Slug, to.Slug)
	d.field("", "title", from.Title, to.Title)
	d.field("", "description", from.Description, to.Description)
	d.field("", "i18n", from.I18n, to.I18n)
	d.field("", "themes", from.Themes, to.Themes)
	d.field("", "languages", from.Languages, to.Languages)
	d.field("", "first_step", from.FirstStep, to.FirstStep)

	seen := make(map[string]bool, len(to.Steps))
	for i := range to.Steps {
		t := &to.Steps[i]
		if seen[t.ID] {
			continue
		}
		seen[t.ID] = true
		f, ok := from.Step(t.ID)
		if !ok {
			d.add(t.ID, "", Added, nil, cloneStep(t))
			continue
		}
		d.step(f, t)
	}
	removed := make(map[string]bool)
	for i := range from.Steps {
		f := &from.Steps[i]
		if !seen[f.ID] && !removed[f.ID] {
			removed[f.ID] = true
			d.add(f.ID, "", Removed, cloneStep(f), nil)
		}
	}
	return d.changes
}

type differ struct{ changes []Change }

func (d *differ) add(step, field, kind string, from, to any) {
	d.changes = append(d.changes, Change{Step: step, Field: field, Kind: kind, From: from, To: to})
}

func (d *differ) step(f, t *Step) {
	id := t.ID
	d.field(id, "kind", f.Kind, t.Kind)
	d.field(id, "text", f.Text, t.Text)
	d.field(id, "help", f.Help, t.Help)
	d.field(id, "i18n", f.I18n, t.I18n)
	d.field(id, "options", f.Options, t.Options)
	d.field(id, "next", f.Next, t.Next)
	switch {
	case f.Outcome == nil && t.Outcome == nil:
	case f.Outcome == nil:
		d.add(id, "outcome", Added, nil, cloneOutcome(t.Outcome))
	case t.Outcome == nil:
		d.add(id, "outcome", Removed, cloneOutcome(f.Outcome), nil)
	default:
		fo, to := f.Outcome, t.Outcome
		d.field(id, "outcome.explanation", fo.Explanation, to.Explanation)
		d.field(id, "outcome.documents", fo.Documents, to.Documents)
		d.field(id, "outcome.i18n", fo.I18n, to.I18n)
		d.field(id, "outcome.contact_points", fo.ContactPoints, to.ContactPoints)
		d.field(id, "outcome.pivots", fo.Pivots, to.Pivots)
		d.field(id, "outcome.emergency", fo.Emergency, to.Emergency)
	}
}

// field records a change of a string, bool, slice or map field (a
// translation map changes as a whole). Empty and nil slices and maps are
// equal; they are copied so later edits do not alter the change.
func (d *differ) field(step, name string, from, to any) {
	fz, tz := empty(from), empty(to)
	if fz && tz || !fz && !tz && reflect.DeepEqual(from, to) {
		return
	}
	var fa, ta any = clone(from), clone(to)
	kind := Changed
	switch {
	case fz:
		kind, fa = Added, nil
	case tz:
		kind, ta = Removed, nil
	}
	d.add(step, name, kind, fa, ta)
}

func empty(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.IsZero() || (rv.Kind() == reflect.Slice || rv.Kind() == reflect.Map) && rv.Len() == 0
}

func clone(v any) any {
	switch v := v.(type) {
	case []string:
		return slices.Clone(v)
	case []Option:
		return cloneOptions(v)
	case map[string]JourneyText:
		return maps.Clone(v)
	case map[string]StepText:
		return maps.Clone(v)
	case map[string]OutcomeText:
		return cloneOutcomeTexts(v)
	}
	return v
}

func cloneOptions(os []Option) []Option {
	out := slices.Clone(os)
	for i := range out {
		out[i].I18n = maps.Clone(out[i].I18n)
	}
	return out
}

func cloneOutcomeTexts(m map[string]OutcomeText) map[string]OutcomeText {
	if m == nil {
		return nil
	}
	out := make(map[string]OutcomeText, len(m))
	for l, t := range m {
		t.Documents = slices.Clone(t.Documents)
		out[l] = t
	}
	return out
}

func cloneOutcome(o *Outcome) *Outcome {
	c := *o
	c.Documents = slices.Clone(o.Documents)
	c.I18n = cloneOutcomeTexts(o.I18n)
	c.ContactPoints = slices.Clone(o.ContactPoints)
	c.Pivots = slices.Clone(o.Pivots)
	return &c
}

func cloneStep(s *Step) *Step {
	c := *s
	c.I18n = maps.Clone(s.I18n)
	c.Options = cloneOptions(s.Options)
	if s.Outcome != nil {
		c.Outcome = cloneOutcome(s.Outcome)
	}
	return &c
}
