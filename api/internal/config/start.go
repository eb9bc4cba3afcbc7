package config

// Checks made before a command starts (see « Configuration checked at
// start » in deploy/README.md): deployment timings, unknown AIGUILLAGE_*
// settings in the environment, and the access-token signing keys.

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/auth"
)

// loadStart reads the settings of the start and shutdown sequence.
func (c *Config) loadStart(must func(string) string) []error {
	var errs []error
	d, err := time.ParseDuration(must("AIGUILLAGE_SHUTDOWN_DRAIN"))
	if err != nil || d < 0 || d > 5*time.Minute {
		errs = append(errs, errors.New("AIGUILLAGE_SHUTDOWN_DRAIN: want a duration from 0s to 5m, such as 5s"))
	}
	c.ShutdownDrain = d
	d, err = time.ParseDuration(must("AIGUILLAGE_DB_CONNECT_TIMEOUT"))
	if err != nil || d < 0 || d > 10*time.Minute {
		errs = append(errs, errors.New("AIGUILLAGE_DB_CONNECT_TIMEOUT: want a duration from 0s to 10m, such as 30s"))
	}
	c.DBConnectTimeout = d
	if c.JWTKeys != "" {
		if err := CheckJWTKeys(c.JWTKeys); err != nil {
			errs = append(errs, fmt.Errorf("AIGUILLAGE_JWT_KEYS: %w", err))
		}
	}
	return errs
}

// CheckServe makes the checks that only `serve` needs: a server that others
// reach signs its access tokens with configured keys. An ephemeral key
// (AIGUILLAGE_JWT_KEYS empty) is accepted only when AIGUILLAGE_PUBLIC_URL is
// a loopback address, i.e. on a developer's machine.
func (c *Config) CheckServe() error {
	if c.JWTKeys == "" && !loopbackURL(c.PublicURL) {
		return errors.New("configuration: AIGUILLAGE_JWT_KEYS is empty: make a key with `aiguillage keys generate` and set it " +
			"(or AIGUILLAGE_JWT_KEYS_FILE); an ephemeral key is only allowed when AIGUILLAGE_PUBLIC_URL is a local address (development)")
	}
	return nil
}

func loopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CheckJWTKeys checks a key spec ("kid:seed,…") as the server reads it, and
// refuses seeds that are not random: fewer than 20 distinct bytes out of 32,
// or printable text (a password encoded in base64). `aiguillage keys
// generate` never makes such a seed (odds below 1e-13). Errors never show a
// seed.
func CheckJWTKeys(spec string) error {
	if _, err := auth.ParseKeys(spec); err != nil {
		return err
	}
	for i, entry := range strings.Split(spec, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		_, seed64, _ := strings.Cut(entry, ":")
		seed, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seed64, "="))
		if err != nil {
			return fmt.Errorf("key entry %d: the seed is not base64url", i+1)
		}
		if weakSeed(seed) {
			return fmt.Errorf("key entry %d: weak seed (not random bytes): make a key with `aiguillage keys generate`", i+1)
		}
	}
	return nil
}

func weakSeed(seed []byte) bool {
	distinct := map[byte]bool{}
	text := true
	for _, b := range seed {
		distinct[b] = true
		text = text && b >= 0x20 && b < 0x7f
	}
	return len(distinct) < 20 || text
}

// otherTools are AIGUILLAGE_* variables read by other programs (test
// harnesses, the admin SPA's dev server, the client examples), never by
// the server: tolerated in its environment.
var otherTools = []string{"AIGUILLAGE_BIN", "AIGUILLAGE_DEV_API", "AIGUILLAGE_URL", "AIGUILLAGE_API_KEY"}

// serviceLinks matches the variables Kubernetes (and Docker links) add for
// a service named aiguillage…: AIGUILLAGE_SERVICE_HOST, AIGUILLAGE_PORT,
// AIGUILLAGE_PORT_80_TCP_ADDR…
var serviceLinks = regexp.MustCompile(`^AIGUILLAGE(_[A-Z0-9_]+)?_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT|PORT_[0-9]+_(TCP|UDP|SCTP)(_PROTO|_PORT|_ADDR)?)$`)

// CheckEnviron refuses AIGUILLAGE_* variables that are no setting, such as
// a misspelt AIGUILLAGE_DATABSE_URL (which would silently leave the default
// database in use), and names the closest setting. environ is "KEY=value"
// entries, as os.Environ returns. Tolerated: AIGUILLAGE_TEST_* (tests),
// the variables of the project's other tools, and Kubernetes service links.
func CheckEnviron(environ []string) error {
	known := map[string]bool{}
	var names, secrets []string
	for _, v := range Variables {
		known[v.Name] = true
		names = append(names, v.Name)
		if v.Secret {
			known[v.Name+"_FILE"] = true
			secrets = append(secrets, v.Name+"_FILE")
		}
	}
	var errs []error
	seen := map[string]bool{}
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "AIGUILLAGE_") || known[name] || seen[name] ||
			strings.HasPrefix(name, "AIGUILLAGE_TEST_") || slices.Contains(otherTools, name) || serviceLinks.MatchString(name) {
			continue
		}
		seen[name] = true
		if base, ok := strings.CutSuffix(name, "_FILE"); ok && known[base] {
			errs = append(errs, fmt.Errorf("unknown setting %s: only secrets are read from files (%s)", name, strings.Join(secrets, ", ")))
			continue
		}
		if s := closest(name, append(names, secrets...)); s != "" {
			errs = append(errs, fmt.Errorf("unknown setting %s; did you mean %s?", name, s))
			continue
		}
		errs = append(errs, fmt.Errorf("unknown setting %s (settings: see `aiguillage help` and deploy/README.md)", name))
	}
	if len(errs) > 0 {
		return fmt.Errorf("configuration: %w", errors.Join(errs...))
	}
	return nil
}

// closest returns the candidate nearest to name, if close enough to be a
// typo: at most 3 edits, and fewer than a third of the name past the prefix.
func closest(name string, candidates []string) string {
	best, bestDist := "", 4
	for _, c := range candidates {
		if d := editDistance(name, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best == "" || 3*bestDist > len(strings.TrimPrefix(name, "AIGUILLAGE_")) {
		return ""
	}
	return best
}

// editDistance is the Damerau–Levenshtein distance (optimal string
// alignment: a swap of two adjacent letters is one edit).
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range len(b) + 1 {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
