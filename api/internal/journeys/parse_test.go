package journeys

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

func TestParseRoundTrip(t *testing.T) {
	j := realistic()
	out, err := j.MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte("<avec leur loyer>")) || !bytes.HasPrefix(out, []byte("{\n  \"slug\": \"loyer-impaye\",\n")) || !bytes.HasSuffix(out, []byte("}\n")) {
		t.Fatalf("unexpected export:\n%s", out)
	}
	back, err := Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, j) {
		t.Fatalf("round trip differs:\n%+v\n%+v", back, j)
	}
	again, _ := back.MarshalIndent()
	if !bytes.Equal(out, again) {
		t.Fatal("export is not stable")
	}
	empty, _ := (&Journey{}).MarshalIndent()
	if want := "{\n  \"slug\": \"\",\n  \"title\": \"\",\n  \"first_step\": \"\",\n  \"steps\": []\n}\n"; string(empty) != want {
		t.Fatalf("empty export %q", empty)
	}
}

func TestParseErrors(t *testing.T) {
	valid, _ := realistic().MarshalIndent()
	tests := []struct {
		name      string
		input     string
		line, col int // 0: no position expected
		msg       string
		tooLarge  bool
	}{
		{name: "empty", input: " \n", msg: "document vide"},
		{name: "not an object", input: "\n [1]", line: 2, col: 2, msg: "doit être un objet JSON"},
		{name: "null", input: "null", line: 1, col: 1, msg: "doit être un objet JSON"},
		{name: "unknown field", input: "{\n  \"slug\": \"a\",\n  \"titre\": \"x\"\n}", line: 3, col: 3, msg: "champ inconnu « titre » du parcours"},
		{name: "unknown nested field", input: `{"steps": [{"id": "a", "options": [{"label": "x", "suite": "b"}]}]}`, line: 1, col: 51, msg: "champ inconnu « suite » d'un choix"},
		{name: "unknown outcome field", input: `{"steps": [{"outcome": {"explication": ""}}]}`, line: 1, col: 25, msg: "« explication » d'une issue"},
		{name: "field in another case", input: `{"Slug": "a"}`, line: 1, col: 2, msg: "vouliez-vous dire « slug » ?"},
		{name: "duplicate field", input: `{"slug": "a", "slug": "b"}`, line: 1, col: 15, msg: "champ « slug » en double du parcours"},
		{name: "trailing object", input: `{"slug": "a"}` + "\n{}", line: 2, col: 1, msg: "données en trop"},
		{name: "trailing garbage", input: `{"slug": "a"} x`, line: 1, col: 15, msg: "données en trop"},
		{name: "syntax error", input: "{\n\"slug\": \"a\",,}", line: 2, col: 13, msg: "JSON invalide"},
		{name: "wrong type", input: "{\n\"title\": 3}", line: 2, col: 11, msg: "« title » : un texte attendu, un nombre trouvé"},
		{name: "wrong nested type", input: `{"steps": [{"options": {}}]}`, msg: "une liste attendu", line: 1, col: 25},
		{name: "truncated", input: `{"slug": "a"`, line: 1, col: 13, msg: "incomplet"},
		{name: "invalid UTF-8", input: "{\"slug\": \"\xff\"}", msg: "UTF-8"},
		{name: "too large", input: string(valid) + strings.Repeat(" ", MaxSize-len(valid)+1), msg: "trop volumineux", tooLarge: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j, err := Parse(strings.NewReader(tt.input))
			if err == nil {
				t.Fatalf("no error, got %+v", j)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v is not a *ParseError", err, err)
			}
			if !strings.Contains(pe.Message, tt.msg) || pe.Line != tt.line || pe.Column != tt.col {
				t.Fatalf("got %d:%d %q, want %d:%d containing %q", pe.Line, pe.Column, pe.Message, tt.line, tt.col, tt.msg)
			}
			if errors.Is(err, ErrTooLarge) != tt.tooLarge {
				t.Fatalf("errors.Is(err, ErrTooLarge) = %v", !tt.tooLarge)
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	valid, _ := realistic().MarshalIndent()
	atLimit := string(valid) + strings.Repeat("\n", MaxSize-len(valid))
	if _, err := Parse(strings.NewReader(atLimit)); err != nil {
		t.Fatalf("document of exactly MaxSize bytes: %v", err)
	}
	if _, err := Parse(iotest.ErrReader(errors.New("boom"))); err == nil || !strings.Contains(err.Error(), "lecture") {
		t.Fatalf("read error: %v", err)
	}
	// Unknown keys inside free-form values are not walked as journey fields.
	if _, err := Parse(strings.NewReader(`{"themes": ["a"], "steps": [{"id": "x", "kind": "question"}]}`)); err != nil {
		t.Fatal(err)
	}
}

func TestStep(t *testing.T) {
	j := realistic()
	s, ok := j.Step("commune")
	if !ok || s.Kind != KindLocation {
		t.Fatalf("Step(commune) = %+v, %v", s, ok)
	}
	s.Next = "adil" // a pointer into the journey
	if j.Steps[3].Next != "adil" {
		t.Fatal("Step does not return a pointer into the journey")
	}
	if _, ok := j.Step("absent"); ok {
		t.Fatal("Step(absent) found")
	}
	if _, ok := (*Journey)(nil).Step("x"); ok {
		t.Fatal("nil journey has steps")
	}
}

func FuzzParse(f *testing.F) {
	valid, _ := realistic().MarshalIndent()
	min, _ := minimal().MarshalIndent()
	for _, seed := range []string{
		string(valid), string(min), "{}", "null", "[]", `{"slug":"a"} {}`, `{"Slug":"a","slug":"b"}`,
		`{"first_step":"a","steps":[{"id":"a","kind":"question","options":[{"label":"x","next":"a"},{"label":"y","next":"b"}]},{"id":"b","kind":"location","next":"a"}]}`,
		`{"steps":[{"id":"o","kind":"outcome","outcome":{"pivots":["caf",""],"contact_points":[""]}}],"first_step":"o"}`,
		`{"steps":[{"options":{}}]}`, "{\"title\":\"\\ud800\"}",
	} {
		f.Add([]byte(seed))
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte) {
		j, err := Parse(bytes.NewReader(data))
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Message == "" {
				t.Fatalf("bad error %T %v", err, err)
			}
			return
		}
		opts := options()
		opts.Territory = []string{"83001", "83002"}
		opts.Resolver = newFakeResolver(map[string][]string{"caf": {"83001"}})
		_ = Validate(ctx, j, opts)
		if d := Diff(j, j); len(d) != 0 {
			t.Fatalf("Diff(j, j) = %+v", d)
		}
		out, err := j.MarshalIndent()
		if err != nil {
			t.Fatal(err)
		}
		if len(out) > MaxSize {
			return
		}
		back, err := Parse(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("export does not parse: %v\n%s", err, out)
		}
		again, _ := back.MarshalIndent()
		if !bytes.Equal(out, again) {
			t.Fatalf("export not stable:\n%s\n%s", out, again)
		}
	})
}
