package commons

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aiguillage/aiguillage/api/internal/commons/data"
	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// Themes returns the national taxonomy of needs (data/themes.csv), parents
// before their children, without owner (OrganisationID is left empty).
func Themes() ([]*domain.Theme, error) {
	f, err := data.FS.Open(data.Themes)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseThemes(f)
}

// ParseThemes reads a themes file with the columns slug, parent_slug, label,
// description and synonyms (|-separated); other columns are ignored. Every
// theme must validate, slugs must be unique and parents must come first.
func ParseThemes(r io.Reader) ([]*domain.Theme, error) {
	rows, err := readTable(r, "themes", "slug", "parent_slug", "label", "description", "synonyms")
	if err != nil {
		return nil, err
	}
	var themes []*domain.Theme
	seen := map[string]bool{}
	for _, row := range rows {
		t := &domain.Theme{
			Slug:        row.get("slug"),
			ParentSlug:  row.get("parent_slug"),
			Label:       row.get("label"),
			Description: row.get("description"),
			Synonyms:    splitList(row.get("synonyms")),
		}
		if err := t.Validate(); err != nil {
			return nil, fmt.Errorf("themes: line %d: %s: %w", row.line, t.Slug, err)
		}
		if seen[t.Slug] {
			return nil, fmt.Errorf("themes: line %d: %s is listed twice", row.line, t.Slug)
		}
		if t.ParentSlug != "" && !seen[t.ParentSlug] {
			return nil, fmt.Errorf("themes: line %d: %s: parent %q must be listed before", row.line, t.Slug, t.ParentSlug)
		}
		seen[t.Slug] = true
		themes = append(themes, t)
	}
	return themes, nil
}

// splitList splits a |-separated cell, trimming and dropping empty items.
func splitList(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, "|") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// row is one data row of a CSV table, read by column name.
type row struct {
	col  map[string]int
	rec  []string
	line int
}

func (r row) get(name string) string {
	if i, ok := r.col[name]; ok && i < len(r.rec) {
		return strings.TrimSpace(r.rec[i])
	}
	return ""
}

// readTable reads a small CSV file whole, checking its header has the
// required columns.
func readTable(r io.Reader, what string, required ...string) ([]row, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", what, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, name := range required {
		if _, ok := col[name]; !ok {
			return nil, fmt.Errorf("%s: line 1: missing column %q", what, name)
		}
	}
	var rows []row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		line, _ := cr.FieldPos(0)
		rows = append(rows, row{col: col, rec: rec, line: line})
	}
}
