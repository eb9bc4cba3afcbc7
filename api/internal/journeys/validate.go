package journeys

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Problem is one reason a journey cannot be published.
//
// Step is the id of the step concerned ("" for the journey itself; "#n" for
// the n-th step when it has no id). Field is the JSON path of the field
// inside the journey or the step (e.g. "first_step", "options[1].next",
// "outcome.pivots[0]"), "" for the step as a whole. Message is French, for
// the référent. Communes lists, sorted, the communes a pivot does not serve.
type Problem struct {
	Step     string   `json:"step,omitempty"`
	Field    string   `json:"field,omitempty"`
	Message  string   `json:"message"`
	Communes []string `json:"communes,omitempty"`
}

// Resolver tells whether a pivot (e.g. "caf") resolves to at least one
// contact point for a commune (INSEE code).
type Resolver interface {
	Resolve(ctx context.Context, pivot, commune string) (bool, error)
}

// ValidateOptions gives Validate what it needs to know outside the journey.
// Nil functions and an empty territory skip the checks that need them.
type ValidateOptions struct {
	Territory          []string // INSEE codes of the partner's communes
	Resolver           Resolver
	ContactPointExists func(id string) bool
	// ContactPointWithdrawn tells whether an existing contact point was
	// withdrawn by its source (the annuaire no longer lists it): an outcome
	// naming it must be reviewed.
	ContactPointWithdrawn func(id string) bool
	// ContactPointAgentOnly tells whether an existing contact point is
	// reserved to agents (residents never see it): an outcome whose only
	// way out is such contact points would leave residents with nothing.
	ContactPointAgentOnly func(id string) bool
	KnownPivot            func(pivot string) bool
}

// Validate returns the problems that stop j from being published, sorted by
// step order (journey-level problems first), then field, then message. An
// empty result means the journey can be published.
//
// Each (pivot, commune) pair is resolved at most once per call. When ctx is
// done, the remaining pairs are reported as not verified.
func Validate(ctx context.Context, j *Journey, opts ValidateOptions) []Problem {
	if j == nil {
		return []Problem{{Message: "le parcours est vide"}}
	}
	v := &validator{j: j, opts: opts, index: make(map[string]int, len(j.Steps))}
	v.journey()
	for i := range j.Steps {
		v.step(i)
	}
	v.translations()
	v.graph()
	v.territory(ctx)
	return v.sorted()
}

type located struct {
	pos int // step index, -1 for the journey
	Problem
}

type validator struct {
	j        *Journey
	opts     ValidateOptions
	index    map[string]int // step id → index of its first occurrence
	problems []located
}

func (v *validator) add(pos int, field, format string, args ...any) *located {
	step := ""
	if pos >= 0 {
		step = v.j.Steps[pos].ID
		if step == "" {
			step = "#" + strconv.Itoa(pos+1)
		}
	}
	v.problems = append(v.problems, located{pos: pos, Problem: Problem{Step: step, Field: field, Message: fmt.Sprintf(format, args...)}})
	return &v.problems[len(v.problems)-1]
}

func (v *validator) sorted() []Problem {
	slices.SortStableFunc(v.problems, func(a, b located) int {
		return cmp.Or(cmp.Compare(a.pos, b.pos), naturalCompare(a.Field, b.Field), strings.Compare(a.Message, b.Message))
	})
	out := make([]Problem, len(v.problems))
	for i, p := range v.problems {
		out[i] = p.Problem
	}
	return out
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// tooLong reports a text over max runes.
func (v *validator) tooLong(pos int, field, what, s string, max int) {
	if n := utf8.RuneCountInString(s); n > max {
		v.add(pos, field, "%s dépasse la longueur lisible : %d caractères pour %d au plus", what, n, max)
	}
}

func (v *validator) journey() {
	j := v.j
	switch {
	case j.Slug == "":
		v.add(-1, "slug", "l'identifiant du parcours est obligatoire")
	case !validID(j.Slug):
		v.add(-1, "slug", "identifiant « %s » invalide : lettres minuscules sans accent, chiffres et tirets, %d caractères au plus", j.Slug, MaxIDLength)
	}
	if blank(j.Title) {
		v.add(-1, "title", "le titre du parcours est obligatoire")
	}
	v.tooLong(-1, "title", "le titre du parcours", j.Title, MaxTitle)
	if len(j.Steps) == 0 {
		v.add(-1, "steps", "le parcours n'a aucune étape")
	}
	for i, s := range j.Steps {
		switch prev, dup := v.index[s.ID]; {
		case s.ID == "":
			v.add(i, "id", "l'identifiant de l'étape est obligatoire")
		case !validID(s.ID):
			v.add(i, "id", "identifiant « %s » invalide : lettres minuscules sans accent, chiffres et tirets, %d caractères au plus", s.ID, MaxIDLength)
			fallthrough
		default:
			if dup {
				v.add(i, "id", "l'identifiant « %s » est déjà celui de l'étape n° %d", s.ID, prev+1)
			} else {
				v.index[s.ID] = i
			}
		}
	}
	if j.FirstStep == "" {
		v.add(-1, "first_step", "la première étape n'est pas indiquée")
	} else if _, ok := v.index[j.FirstStep]; !ok {
		v.add(-1, "first_step", "la première étape « %s » n'existe pas", j.FirstStep)
	}
}

func (v *validator) step(i int) {
	s := &v.j.Steps[i]
	v.tooLong(i, "help", "le texte d'aide", s.Help, MaxHelp)
	switch s.Kind {
	case KindQuestion:
		v.question(i, s)
	case KindLocation:
		v.tooLong(i, "text", "le texte de l'étape", s.Text, MaxQuestionText)
		v.target(i, "next", s.Next, "l'étape qui suit la localisation")
		v.stray(i, s)
	case KindOutcome:
		v.outcome(i, s)
	case "":
		v.add(i, "kind", "le type d'étape est obligatoire : question, location ou outcome")
	default:
		v.add(i, "kind", "type d'étape « %s » inconnu : question, location ou outcome", s.Kind)
	}
}

// target checks a reference to another step.
func (v *validator) target(i int, field, next, what string) {
	if next == "" {
		v.add(i, field, "%s n'est pas indiquée", what)
	} else if _, ok := v.index[next]; !ok {
		v.add(i, field, "%s, « %s », n'existe pas", what, next)
	}
}

// stray reports fields that the step's kind ignores.
func (v *validator) stray(i int, s *Step) {
	if s.Kind != KindQuestion && len(s.Options) > 0 {
		v.add(i, "options", "seule une question propose des choix")
	}
	if s.Kind != KindLocation && s.Next != "" {
		v.add(i, "next", "seule une étape de localisation a une étape suivante (next) : pour une question, chaque choix indique la sienne")
	}
	if s.Kind != KindOutcome && s.Outcome != nil {
		v.add(i, "outcome", "seule une issue a un contenu d'issue")
	}
}

func (v *validator) question(i int, s *Step) {
	if blank(s.Text) {
		v.add(i, "text", "la question est vide")
	}
	v.tooLong(i, "text", "la question", s.Text, MaxQuestionText)
	if n := len(s.Options); n < MinOptions || n > MaxOptions {
		v.add(i, "options", "une question propose de %d à %d choix, celle-ci en a %d", MinOptions, MaxOptions, n)
	}
	for k, o := range s.Options {
		field := "options[" + strconv.Itoa(k) + "]"
		name := fmt.Sprintf("le choix n° %d", k+1)
		if blank(o.Label) {
			v.add(i, field+".label", "%s n'a pas de libellé", name)
		} else {
			name = "le choix « " + o.Label + " »"
		}
		v.tooLong(i, field+".label", "le libellé du choix n° "+strconv.Itoa(k+1), o.Label, MaxLabel)
		v.target(i, field+".next", o.Next, "l'étape où mène "+name)
	}
	v.stray(i, s)
}

func (v *validator) outcome(i int, s *Step) {
	if blank(s.Text) {
		v.add(i, "text", "le titre de l'issue est obligatoire")
	}
	v.tooLong(i, "text", "le titre de l'issue", s.Text, MaxTitle)
	v.stray(i, s)
	o := s.Outcome
	if o == nil {
		v.add(i, "outcome", "l'issue est vide : ajoutez une explication et un point de contact, un pivot ou le panneau d'urgence")
		return
	}
	if blank(o.Explanation) {
		v.add(i, "outcome.explanation", "l'issue n'a pas d'explication")
	}
	v.tooLong(i, "outcome.explanation", "l'explication", o.Explanation, MaxExplanation)
	if len(o.ContactPoints) == 0 && len(o.Pivots) == 0 && !o.Emergency {
		v.add(i, "outcome", "l'issue ne propose ni point de contact, ni pivot, ni panneau d'urgence")
	}
	for k, id := range o.ContactPoints {
		field := "outcome.contact_points[" + strconv.Itoa(k) + "]"
		if id == "" {
			v.add(i, field, "identifiant de point de contact vide")
		} else if v.opts.ContactPointExists != nil && !v.opts.ContactPointExists(id) {
			v.add(i, field, "le point de contact « %s » n'existe pas ou n'est pas accessible à ce partenaire", id)
		} else if v.opts.ContactPointWithdrawn != nil && v.opts.ContactPointWithdrawn(id) {
			v.add(i, field, "le point de contact « %s » a été retiré par sa source (l'annuaire ne le référence plus) : choisissez-en un autre", id)
		}
	}
	if len(o.ContactPoints) > 0 && len(o.Pivots) == 0 && !o.Emergency && v.opts.ContactPointAgentOnly != nil &&
		!slices.ContainsFunc(o.ContactPoints, func(id string) bool { return id == "" || !v.opts.ContactPointAgentOnly(id) }) {
		which := "ils sont tous réservés"
		if len(o.ContactPoints) == 1 {
			which = "il est réservé"
		}
		v.add(i, "outcome.contact_points", "les habitants ne verraient aucun point de contact : %s aux agents ; ajoutez un point de contact public, un pivot ou le panneau d'urgence", which)
	}
	for k, p := range o.Pivots {
		field := "outcome.pivots[" + strconv.Itoa(k) + "]"
		if p == "" {
			v.add(i, field, "pivot vide")
		} else if v.opts.KnownPivot != nil && !v.opts.KnownPivot(p) {
			v.add(i, field, "le pivot « %s » est inconnu", p)
		}
	}
}

// edges returns, for each step, the steps it leads to (known targets only).
func (v *validator) edges() [][]int {
	out := make([][]int, len(v.j.Steps))
	for i, s := range v.j.Steps {
		switch s.Kind {
		case KindQuestion:
			for _, o := range s.Options {
				if t, ok := v.index[o.Next]; ok {
					out[i] = append(out[i], t)
				}
			}
		case KindLocation:
			if t, ok := v.index[s.Next]; ok {
				out[i] = append(out[i], t)
			}
		}
	}
	return out
}

func (v *validator) graph() {
	steps := v.j.Steps
	if len(steps) == 0 {
		return
	}
	next := v.edges()
	first, hasFirst := v.index[v.j.FirstStep]

	if hasFirst {
		// Unreachable steps. Duplicates and steps without id are reported already.
		reached := reach(next, first, func(int) bool { return true })
		for i, s := range steps {
			if !reached[i] && s.ID != "" && v.index[s.ID] == i {
				v.add(i, "", "étape inaccessible : aucun chemin n'y mène depuis la première étape « %s »", v.j.FirstStep)
			}
		}
		// Outcomes with pivots reachable before the commune is known.
		early := reach(next, first, func(i int) bool { return steps[i].Kind != KindLocation })
		for i, s := range steps {
			if early[i] && s.Kind == KindOutcome && s.Outcome != nil && len(s.Outcome.Pivots) > 0 {
				v.add(i, "outcome.pivots", "la commune n'est pas encore connue à cette étape : ajoutez une étape de localisation avant")
			}
		}
	}

	// Dead ends: non-outcome steps from which no outcome can be reached.
	prev := make([][]int, len(steps))
	for i, ts := range next {
		for _, t := range ts {
			prev[t] = append(prev[t], i)
		}
	}
	leads := make([]bool, len(steps))
	var queue []int
	for i, s := range steps {
		if s.Kind == KindOutcome {
			leads[i] = true
			queue = append(queue, i)
		}
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, p := range prev[n] {
			if !leads[p] {
				leads[p] = true
				queue = append(queue, p)
			}
		}
	}
	for i := range steps {
		switch {
		case leads[i]:
		case len(next[i]) == 0:
			v.add(i, "", "impasse : cette étape ne mène à aucune autre étape")
		default:
			v.add(i, "", "impasse : aucune issue n'est atteignable depuis cette étape")
		}
	}

	// Cycles: one per strongly connected component.
	for _, comp := range components(next) {
		if cycle := findCycle(next, comp); cycle != nil {
			names := make([]string, len(cycle)+1)
			for k, n := range cycle {
				names[k] = steps[n].ID
			}
			names[len(cycle)] = steps[cycle[0]].ID
			v.add(cycle[0], "", "boucle : %s ; un parcours ne doit pas revenir sur une étape déjà passée", strings.Join(names, " → "))
		}
	}
}

// reach returns the steps reachable from start, expanding only the steps
// for which expand is true (the others are reached but not left).
func reach(next [][]int, start int, expand func(int) bool) []bool {
	seen := make([]bool, len(next))
	seen[start] = true
	stack := []int{start}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !expand(n) {
			continue
		}
		for _, t := range next[n] {
			if !seen[t] {
				seen[t] = true
				stack = append(stack, t)
			}
		}
	}
	return seen
}

// components returns the strongly connected components of the graph
// (Tarjan's algorithm, iterative), each sorted by step index.
func components(next [][]int) [][]int {
	n := len(next)
	index := make([]int, n) // 0: not visited; else visit order + 1
	low := make([]int, n)
	onStack := make([]bool, n)
	var comps [][]int
	var sccStack []int
	counter := 0
	type frame struct{ node, edge int }
	for root := range n {
		if index[root] != 0 {
			continue
		}
		calls := []frame{{root, 0}}
		counter++
		index[root], low[root] = counter, counter
		sccStack = append(sccStack, root)
		onStack[root] = true
		for len(calls) > 0 {
			f := &calls[len(calls)-1]
			u := f.node
			if f.edge < len(next[u]) {
				w := next[u][f.edge]
				f.edge++
				if index[w] == 0 {
					counter++
					index[w], low[w] = counter, counter
					sccStack = append(sccStack, w)
					onStack[w] = true
					calls = append(calls, frame{w, 0})
				} else if onStack[w] {
					low[u] = min(low[u], index[w])
				}
				continue
			}
			calls = calls[:len(calls)-1]
			if len(calls) > 0 {
				p := calls[len(calls)-1].node
				low[p] = min(low[p], low[u])
			}
			if low[u] == index[u] {
				var comp []int
				for {
					w := sccStack[len(sccStack)-1]
					sccStack = sccStack[:len(sccStack)-1]
					onStack[w] = false
					comp = append(comp, w)
					if w == u {
						break
					}
				}
				slices.Sort(comp)
				comps = append(comps, comp)
			}
		}
	}
	slices.SortFunc(comps, func(a, b []int) int { return cmp.Compare(a[0], b[0]) })
	return comps
}

// findCycle returns a shortest cycle through the first step of a strongly
// connected component, or nil if the component has no cycle (a single step
// without a loop to itself).
func findCycle(next [][]int, comp []int) []int {
	start := comp[0]
	in := make(map[int]bool, len(comp))
	for _, n := range comp {
		in[n] = true
	}
	from := map[int]int{start: -1}
	queue := []int{start}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, w := range next[u] {
			if w == start {
				var cycle []int
				for n := u; n != -1; n = from[n] {
					cycle = append(cycle, n)
				}
				slices.Reverse(cycle)
				return cycle
			}
			if _, seen := from[w]; !seen && in[w] {
				from[w] = u
				queue = append(queue, w)
			}
		}
	}
	return nil
}

// territory checks that every pivot of every outcome resolves for every
// commune of the territory.
func (v *validator) territory(ctx context.Context) {
	if v.opts.Resolver == nil || len(v.opts.Territory) == 0 {
		return
	}
	communes := slices.Clone(v.opts.Territory)
	slices.Sort(communes)
	communes = slices.Compact(communes)

	type result struct{ missing, failed []string }
	results := make(map[string]*result) // by pivot: each (pivot, commune) resolved once
	for i, s := range v.j.Steps {
		if s.Kind != KindOutcome || s.Outcome == nil {
			continue
		}
		for k, p := range s.Outcome.Pivots {
			if p == "" || (v.opts.KnownPivot != nil && !v.opts.KnownPivot(p)) {
				continue // reported already
			}
			r, ok := results[p]
			if !ok {
				r = &result{}
				for _, c := range communes {
					if ctx.Err() != nil {
						r.failed = append(r.failed, c)
						continue
					}
					found, err := v.opts.Resolver.Resolve(ctx, p, c)
					switch {
					case err != nil:
						r.failed = append(r.failed, c)
					case !found:
						r.missing = append(r.missing, c)
					}
				}
				results[p] = r
			}
			field := "outcome.pivots[" + strconv.Itoa(k) + "]"
			if len(r.missing) > 0 {
				pr := v.add(i, field, "aucun établissement « %s » ne sert %s du territoire : %s", p, countCommunes(len(r.missing)), listCommunes(r.missing))
				pr.Communes = slices.Clone(r.missing)
			}
			if len(r.failed) > 0 {
				pr := v.add(i, field, "le pivot « %s » n'a pas pu être vérifié pour %s du territoire : %s ; réessayez plus tard", p, countCommunes(len(r.failed)), listCommunes(r.failed))
				pr.Communes = slices.Clone(r.failed)
			}
		}
	}
}

func countCommunes(n int) string {
	if n == 1 {
		return "1 commune"
	}
	return strconv.Itoa(n) + " communes"
}

func listCommunes(cs []string) string {
	if len(cs) <= maxListedCommunes {
		return strings.Join(cs, ", ")
	}
	return strings.Join(cs[:maxListedCommunes], ", ") + fmt.Sprintf(" et %d autres", len(cs)-maxListedCommunes)
}

// naturalCompare orders strings with their digit runs compared as numbers,
// so that "options[2]" comes before "options[10]".
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := cmp.Or(cmp.Compare(len(na), len(nb)), strings.Compare(na, nb)); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}
