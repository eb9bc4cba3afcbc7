package deploy_test

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestDockerfileBuildsLikeMake checks that the image's binary is built by
// exactly the command `make build` runs: same environment, flags, linker
// flags and package (only the output path differs).
func TestDockerfileBuildsLikeMake(t *testing.T) {
	makeCmds := makeRecipe(t, read(t, root(t)+"/Makefile"), "build")
	if len(makeCmds) != 1 {
		t.Fatalf("`make build` runs %d commands %q; deploy/Dockerfile mirrors one: update both together", len(makeCmds), makeCmds)
	}
	var dockerCmds []string
	for _, run := range dockerfileInstructions(read(t, deployPath(t, "Dockerfile")), "RUN") {
		if strings.Contains(run, " build ") {
			dockerCmds = append(dockerCmds, run)
		}
	}
	if len(dockerCmds) != 1 {
		t.Fatalf("deploy/Dockerfile has %d RUN lines with a go build, want 1: %q", len(dockerCmds), dockerCmds)
	}
	want, err := shellWords(makeCmds[0])
	if err != nil {
		t.Fatalf("Makefile build recipe: %v", err)
	}
	got, err := shellWords(dockerCmds[0])
	if err != nil {
		t.Fatalf("Dockerfile RUN: %v", err)
	}
	wantOut, gotOut := replaceOutput(want), replaceOutput(got)
	if path.Base(wantOut) != path.Base(gotOut) {
		t.Errorf("binary name: make builds %q, the Dockerfile %q", wantOut, gotOut)
	}
	if !slices.Equal(got, want) {
		t.Errorf("deploy/Dockerfile's build differs from `make build`:\n Dockerfile: %q\n Makefile:   %q", got, want)
	}
}

// TestDockerfileImages checks the base images: the Go of go.mod (its
// toolchain line, else its go line), exact tags, and a non-root runtime user.
func TestDockerfileImages(t *testing.T) {
	df := read(t, deployPath(t, "Dockerfile"))
	gomod := read(t, root(t)+"/go.mod")
	goVersion := regexp.MustCompile(`(?m)^toolchain go(\S+)$`).FindStringSubmatch(gomod)
	if goVersion == nil {
		goVersion = regexp.MustCompile(`(?m)^go (\S+)$`).FindStringSubmatch(gomod)
	}
	if goVersion == nil {
		t.Fatal("no go line in go.mod")
	}
	froms := dockerfileInstructions(df, "FROM")
	if len(froms) < 2 {
		t.Fatalf("want a multi-stage build, got FROM %q", froms)
	}
	for _, from := range froms {
		image := strings.Fields(from)[0]
		if name, tag, ok := strings.Cut(image, ":"); ok && name == "golang" && !strings.HasPrefix(tag, goVersion[1]+"-") && tag != goVersion[1] {
			t.Errorf("build image %s: want the Go of go.mod, golang:%s", image, goVersion[1])
		}
		if !pinned(image) {
			t.Errorf("base image %s is not pinned to an exact version tag or a digest", image)
		}
	}
	users := dockerfileInstructions(df, "USER")
	if len(users) == 0 || slices.Contains([]string{"root", "0", "0:0"}, users[len(users)-1]) {
		t.Errorf("the image must run as a non-root user, USER: %q", users)
	}
}

// distrolessTags are the tags distroless publishes instead of versions: its
// images are pinned by digest when the registry is reachable (README,
// « Container image »), else by one of these.
var distrolessTags = []string{"nonroot", "latest"}

// pinned reports whether an image reference names one build: a digest, an
// exact version tag (at least major.minor), or a distroless tag.
func pinned(image string) bool {
	if strings.Contains(image, "@sha256:") {
		return true
	}
	i := strings.LastIndex(image, ":")
	if i < 0 || strings.Contains(image[i:], "/") {
		return false
	}
	name, tag := image[:i], image[i+1:]
	if strings.HasPrefix(name, "gcr.io/distroless/") {
		return slices.Contains(distrolessTags, tag) && tag != "latest"
	}
	return regexp.MustCompile(`^v?\d+\.\d+`).MatchString(tag)
}

// makeRecipe returns the commands of a Makefile target with its variables
// expanded. VERSION (computed by git) stays ${VERSION}, the Dockerfile's
// build argument.
func makeRecipe(t *testing.T, makefile, target string) []string {
	t.Helper()
	vars := map[string]string{}
	assign := regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)\s*(?::=|\?=|=)\s*(.*)$`)
	var recipe []string
	in := false
	for _, line := range strings.Split(makefile, "\n") {
		if in {
			if strings.HasPrefix(line, "\t") {
				cmd := strings.TrimLeft(strings.TrimSpace(line), "@-")
				if cmd != "" {
					recipe = append(recipe, cmd)
				}
				continue
			}
			in = false
		}
		if m := assign.FindStringSubmatch(line); m != nil {
			vars[m[1]] = strings.TrimSpace(m[2])
			continue
		}
		if strings.HasPrefix(line, target+":") {
			in = true
		}
	}
	if recipe == nil {
		t.Fatalf("Makefile: no recipe for %q", target)
	}
	vars["VERSION"] = "${VERSION}"
	ref := regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)
	for i, cmd := range recipe {
		for n := 0; ref.MatchString(cmd); n++ {
			if n > 10 {
				t.Fatalf("Makefile: variables of %q do not expand", recipe[i])
			}
			cmd = ref.ReplaceAllStringFunc(cmd, func(s string) string {
				name := ref.FindStringSubmatch(s)[1]
				v, ok := vars[name]
				if !ok {
					t.Fatalf("Makefile: %s is not a simple variable", name)
				}
				return v
			})
		}
		recipe[i] = cmd
	}
	return recipe
}

// dockerfileInstructions returns the arguments of every instruction named
// kind, continuation lines joined.
func dockerfileInstructions(dockerfile, kind string) []string {
	var out []string
	joined := regexp.MustCompile(`\\\n\s*`).ReplaceAllString(dockerfile, " ")
	for _, line := range strings.Split(joined, "\n") {
		line = strings.TrimSpace(line)
		if word, rest, ok := strings.Cut(line, " "); ok && strings.EqualFold(word, kind) {
			out = append(out, strings.TrimSpace(rest))
		}
	}
	return out
}

// shellWords splits a command line as a POSIX shell would, without
// expanding: quotes group and are removed.
func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\'' || c == '"':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return nil, fmt.Errorf("unterminated quote in %q", s)
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '\\' && i+1 < len(s):
			cur.WriteByte(s[i+1])
			i++
			inWord = true
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// replaceOutput replaces the value of -o by OUTPUT and returns the value.
func replaceOutput(words []string) string {
	for i, w := range words {
		if w == "-o" && i+1 < len(words) {
			out := words[i+1]
			words[i+1] = "OUTPUT"
			return out
		}
	}
	return ""
}
