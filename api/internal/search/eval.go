package search

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// EvalCase is one query of an evaluation set: what a resident types, where
// they live, the items a good answer contains, and whether it is an
// emergency. The file format is the one of shared/eval/dev.tsv:
// tab-separated query, commune, expected (|-separated: tel:DIGITS, a
// contact channel with that number; pivot:CODE, an office of that kind;
// fiche:ID, that service-public.fr fiche) and emergency (1 or 0); lines
// starting with # are comments.
type EvalCase struct {
	Query     string
	Commune   string
	Expected  []string
	Emergency bool
}

// ParseEvalSet reads an evaluation set.
func ParseEvalSet(r io.Reader) ([]EvalCase, error) {
	var out []EvalCase
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		cols := strings.Split(text, "\t")
		if len(cols) != 4 {
			return nil, fmt.Errorf("eval set: line %d: expected 4 tab-separated columns, got %d", line, len(cols))
		}
		c := EvalCase{Query: cols[0], Commune: cols[1], Emergency: cols[3] == "1"}
		for e := range strings.SplitSeq(cols[2], "|") {
			if e = strings.TrimSpace(e); e != "" {
				if !strings.HasPrefix(e, "tel:") && !strings.HasPrefix(e, "pivot:") && !strings.HasPrefix(e, "fiche:") {
					return nil, fmt.Errorf("eval set: line %d: unknown expected item %q (tel:, pivot: or fiche:)", line, e)
				}
				c.Expected = append(c.Expected, e)
			}
		}
		out = append(out, c)
	}
	return out, sc.Err()
}

// Answered returns the 1-based rank of the first result holding an
// expected item, or 0.
func (c EvalCase) Answered(results []Result) int {
	for i, r := range results {
		if c.holds(r) {
			return i + 1
		}
	}
	return 0
}

func (c EvalCase) holds(r Result) bool {
	for _, e := range c.Expected {
		kind, val, _ := strings.Cut(e, ":")
		switch kind {
		case "fiche":
			if r.Kind == KindFiche && r.Ref == val {
				return true
			}
		case "pivot":
			for _, ct := range r.Contacts {
				if ct.ContactPoint.Pivot == val {
					return true
				}
			}
		case "tel":
			for _, ct := range r.Contacts {
				for _, ch := range ct.Channels {
					if nonDigitRE.ReplaceAllString(ch.Value, "") == val && (ch.Kind == "phone" || ch.Kind == "sms") {
						return true
					}
				}
			}
		}
	}
	return false
}

// EvalReport sums up a run over an evaluation set.
type EvalReport struct {
	Name                          string
	Cases                         int
	Top1, Top3                    int
	ReciprocalRanks               float64
	ZeroResults                   int
	Emergencies, EmergencyFlagged int
	Ordinary, FalseEmergencies    int
	Misses                        []string
	Elapsed                       time.Duration
}

// Share returns n as a share of the cases.
func (r *EvalReport) Share(n int) float64 {
	if r.Cases == 0 {
		return 0
	}
	return float64(n) / float64(r.Cases)
}

// MRR is the mean reciprocal rank of the first good result.
func (r *EvalReport) MRR() float64 {
	if r.Cases == 0 {
		return 0
	}
	return r.ReciprocalRanks / float64(r.Cases)
}

// Answerer answers one evaluation query: results, and whether the answer
// is flagged as an emergency.
type Answerer func(ctx context.Context, c EvalCase) ([]Result, bool, error)

// Evaluate runs every case through answer.
func Evaluate(ctx context.Context, name string, cases []EvalCase, answer Answerer) (*EvalReport, error) {
	rep := &EvalReport{Name: name, Cases: len(cases)}
	start := time.Now()
	for _, c := range cases {
		results, emergency, err := answer(ctx, c)
		if err != nil {
			return nil, fmt.Errorf("%s: %q: %w", name, c.Query, err)
		}
		if len(results) == 0 {
			rep.ZeroResults++
		}
		rank := c.Answered(results)
		switch {
		case rank == 1:
			rep.Top1++
			rep.Top3++
		case rank > 0 && rank <= 3:
			rep.Top3++
		}
		if rank > 0 {
			rep.ReciprocalRanks += 1 / float64(rank)
		}
		if c.Emergency {
			rep.Emergencies++
			if emergency {
				rep.EmergencyFlagged++
			}
		} else {
			rep.Ordinary++
			if emergency {
				rep.FalseEmergencies++
			}
		}
		if rank == 0 || rank > 3 || emergency != c.Emergency {
			got := make([]string, 0, 3)
			for _, r := range results[:min(3, len(results))] {
				got = append(got, string(r.Kind)+":"+r.Ref+" "+truncate(r.Title, 40))
			}
			rep.Misses = append(rep.Misses, fmt.Sprintf("%q (%s) rank=%d emergency=%v want %v → %s", c.Query, c.Commune, rank, emergency, c.Emergency, strings.Join(got, " | ")))
		}
	}
	rep.Elapsed = time.Since(start)
	return rep, nil
}

// Answer is the Answerer of the service itself.
func (s *Service) Answer(partner string) Answerer {
	return func(ctx context.Context, c EvalCase) ([]Result, bool, error) {
		resp, err := s.Search(ctx, Query{Text: c.Query, Commune: c.Commune, Partner: partner, Limit: 10})
		if err != nil {
			return nil, false, err
		}
		return resp.Results, resp.Emergency, nil
	}
}

// FicheResults resolves fiches by id for a commune as the service would
// show them; baselines that only rank fiches are scored with it.
func (s *Service) FicheResults(ids []string, communeCode string) ([]Result, error) {
	snap := s.cur.Load()
	if snap == nil {
		return nil, fmt.Errorf("search: the index is not built yet")
	}
	commune, err := s.opt.Directory.Commune("commune", communeCode)
	if err != nil {
		return nil, err
	}
	allowed := map[string]bool{snap.commonsID: true}
	var out []Result
	for _, id := range ids {
		if d, ok := snap.docs[string(KindFiche)+"/"+snap.commonsID+"/"+id]; ok {
			out = append(out, snap.result(d, 0, nil, allowed, commune))
		}
	}
	return out, nil
}
