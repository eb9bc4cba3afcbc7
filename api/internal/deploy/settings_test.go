package deploy_test

import (
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/aiguillage/aiguillage/api/internal/config"
)

var (
	// settingRef is an AIGUILLAGE_* name; a trailing * makes it a family
	// (AIGUILLAGE_PUBLIC_*).
	settingRef = regexp.MustCompile(`AIGUILLAGE_[A-Z0-9_]*[A-Z0-9](_?\*)?`)
	metricName = regexp.MustCompile(`\baiguillage_[a-z0-9_]+`)
)

// knownSettings maps every variable the server reads to its Variable; a
// secret's _FILE variant maps to the secret.
func knownSettings() map[string]config.Variable {
	known := map[string]config.Variable{}
	for _, v := range config.Variables {
		known[v.Name] = v
		if v.Secret {
			known[v.Name+"_FILE"] = v
		}
	}
	return known
}

// TestSettingsAreKnown checks that every AIGUILLAGE_* variable deploy/
// mentions (Dockerfile, compose, Caddyfile, manifests, systemd unit,
// handbook) is a setting of package config: a misspelt name would be
// silently ignored by an orchestrator, and refused by the server.
func TestSettingsAreKnown(t *testing.T) {
	known := knownSettings()
	for _, f := range deployFiles(t) {
		text := read(t, deployPath(t, f))
		seen := map[string]bool{}
		for _, name := range settingRef.FindAllString(text, -1) {
			if seen[name] {
				continue
			}
			seen[name] = true
			if prefix, ok := strings.CutSuffix(strings.TrimSuffix(name, "*"), "_"); ok || strings.HasSuffix(name, "*") {
				if !familyExists(prefix+"_", known) {
					t.Errorf("deploy/%s: %s names no setting of api/internal/config", f, name)
				}
				continue
			}
			if _, ok := known[name]; !ok {
				t.Errorf("deploy/%s: %s is not a setting of api/internal/config (config.Variables)", f, name)
			}
		}
	}
}

func familyExists(prefix string, known map[string]config.Variable) bool {
	for name := range known {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}

// TestHandbookListsEverySetting checks the table of deploy/README.md,
// « Environment variables »: one row per setting, with its default, and
// the secrets marked as such. Add a row when you add a setting.
func TestHandbookListsEverySetting(t *testing.T) {
	rows := map[string][]string{}
	for _, line := range strings.Split(read(t, deployPath(t, "README.md")), "\n") {
		if !strings.HasPrefix(line, "| `AIGUILLAGE_") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		name := strings.Trim(cells[0], "`")
		if _, dup := rows[name]; dup {
			t.Errorf("deploy/README.md: two rows for %s", name)
		}
		rows[name] = cells
	}
	for _, v := range config.Variables {
		cells, ok := rows[v.Name]
		if !ok {
			t.Errorf("deploy/README.md, « Environment variables »: no row for %s (default %q): add one", v.Name, v.Default)
			continue
		}
		if len(cells) < 3 {
			t.Errorf("deploy/README.md: the row of %s wants | name | default | meaning |", v.Name)
			continue
		}
		want := "`" + v.Default + "`"
		if v.Default == "" {
			want = "(empty)"
		}
		if cells[1] != want && (v.Default != "" || !strings.HasPrefix(cells[1], "(")) {
			t.Errorf("deploy/README.md: default of %s is %s, config says %s", v.Name, cells[1], want)
		}
		if v.Secret != strings.Contains(cells[2], "_FILE") {
			t.Errorf("deploy/README.md: the row of %s must mention its _FILE variant if and only if it is a secret (secret: %v)", v.Name, v.Secret)
		}
	}
	for name := range rows {
		if _, ok := knownSettings()[name]; !ok {
			t.Errorf("deploy/README.md: row for %s, which is no setting", name)
		}
	}
}

// TestHandbookLinks checks that every link to a section of deploy/README.md
// (#anchor) names one of its headings, as GitHub spells anchors.
func TestHandbookLinks(t *testing.T) {
	text := read(t, deployPath(t, "README.md"))
	anchors := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		if heading, ok := strings.CutPrefix(strings.TrimLeft(line, "#"), " "); ok && strings.HasPrefix(line, "#") {
			anchors[anchor(heading)] = true
		}
	}
	for _, m := range regexp.MustCompile(`\]\(#([^)]+)\)`).FindAllStringSubmatch(text, -1) {
		if !anchors[m[1]] {
			t.Errorf("deploy/README.md links to #%s, which is no heading", m[1])
		}
	}
}

// anchor spells a heading's anchor as GitHub does: lower case, punctuation
// dropped, spaces turned into hyphens.
func anchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}
