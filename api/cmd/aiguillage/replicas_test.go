package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// TestTwoReplicas runs the real binary twice, as two replicas sharing one
// PostgreSQL database, and checks that a change made through one is served
// by the other within a second (PostgreSQL LISTEN/NOTIFY drops the other's
// response cache), with a new ETag, and that its search finds a contact
// point created through the first once its index is rebuilt (seconds). Never skipped
// silently: without PostgreSQL it fails (see storetest).
func TestTwoReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the two-replica test builds and runs the binary")
	}
	storetest.RequirePostgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	bin := buildBinary(ctx, t)
	dbURL := storetest.URL(t, store.Postgres)

	keys := strings.TrimSpace(string(run(ctx, t, bin, nil, "keys", "generate")))
	env := []string{
		"AIGUILLAGE_DATABASE_URL=" + dbURL,
		"AIGUILLAGE_JWT_KEYS=" + keys, // one session valid on both
		"AIGUILLAGE_DEMO_MODE=true",
		"AIGUILLAGE_ADDR=127.0.0.1:0",
		"AIGUILLAGE_LOG_FORMAT=text",
		"AIGUILLAGE_LOG_LEVEL=warn",
		"AIGUILLAGE_PUBLIC_READ_RATE=0",
		"AIGUILLAGE_PUBLIC_WRITE_RATE=0",
		"AIGUILLAGE_PUBLIC_EVENTS_RATE=0",
		"AIGUILLAGE_SHUTDOWN_TIMEOUT=5s",
		"AIGUILLAGE_SHUTDOWN_DRAIN=0s", // no load balancer here
	}
	start := time.Now()
	run(ctx, t, bin, env, "migrate")
	run(ctx, t, bin, env, "demo")
	t.Logf("migrate and demo: %s", time.Since(start).Round(time.Millisecond))
	a, b := startReplica(ctx, t, bin, env, "A"), startReplica(ctx, t, bin, env, "B")

	const orgPath = "/api/v1/public/organisations/var"
	const journeyPath = orgPath + "/journeys/social"
	org, etag := b.get(t, orgPath, "")
	if again, _ := b.get(t, orgPath, etag); again != nil {
		t.Fatalf("repeated read with If-None-Match %s: not 304", etag)
	}
	journey, jetag := b.get(t, journeyPath, "")
	if again, _ := b.get(t, journeyPath, jetag); again != nil {
		t.Fatal("repeated journey read with If-None-Match: not 304")
	}
	// The same bytes have the same ETag on every replica (a CDN may
	// revalidate against either).
	if _, etagA := a.get(t, orgPath, ""); etagA != etag {
		t.Fatalf("ETag %s on A, %s on B", etagA, etag)
	}

	token := a.login(t, "admin@var.demo.aiguillage.fr", "demo-var-admin-2026")

	// 1. Branding changed through A, several times: B's organisation
	// config follows each time within a second.
	var delays []time.Duration
	var color string
	for i := range 5 {
		var adm struct {
			Version int `json:"version"`
		}
		a.do(t, http.MethodGet, "/api/v1/admin/organisations/var", token, "", nil, &adm)
		color = fmt.Sprintf("#%06x", (time.Now().UnixNano()+int64(i))&0xffffff)
		a.do(t, http.MethodPatch, "/api/v1/admin/organisations/var", token, `{"branding":{"primary_color":"`+color+`"}}`,
			map[string]string{"If-Match": fmt.Sprintf(`"%d"`, adm.Version)}, nil)
		changed := time.Now()
		body, newEtag := b.waitChange(t, orgPath, etag, time.Second)
		delays = append(delays, time.Since(changed))
		if !bytes.Contains(body, []byte(color)) || bytes.Equal(body, org) || newEtag == etag {
			t.Fatalf("B serves %s (ETag %s, was %s), want the colour %s", body, newEtag, etag, color)
		}
		org, etag = body, newEtag
	}
	slices.Sort(delays)
	t.Logf("organisation config: a change through A served by B after %s (median of %d), %s at most",
		delays[len(delays)/2].Round(100*time.Microsecond), len(delays), delays[len(delays)-1].Round(100*time.Microsecond))

	// 2. The entry point renamed through A: B's published journey follows.
	name := "Action sociale " + color
	a.do(t, http.MethodPut, "/api/v1/admin/organisations/var/entry-points/social", token,
		`{"name":"`+name+`","journey":"`+journeySlug(t, journey)+`"}`, nil, nil)
	changed := time.Now()
	body, newEtag := b.waitChange(t, journeyPath, jetag, time.Second)
	t.Logf("published journey: change through A served by B after %s", time.Since(changed).Round(100*time.Microsecond))
	if !bytes.Contains(body, []byte(name)) || newEtag == jetag {
		t.Fatalf("B serves the journey %.300s…, want the entry point %q", body, name)
	}

	// 3. A contact point created through A: B's search finds it.
	word := "Zorglubienne" + strings.TrimPrefix(color, "#")
	a.do(t, http.MethodPost, "/api/v1/admin/organisations/var/contact-points", token,
		`{"name":"Maison `+word+`","pivot":"mds","channels":[{"kind":"phone","value":"04 94 00 00 00"}]}`, nil, nil)
	changed = time.Now()
	searchPath := "/api/v1/public/search?" + url.Values{"q": {"maison " + word}, "partner": {"var"}}.Encode()
	for {
		res, _ := b.get(t, searchPath, "")
		var found struct {
			Results json.RawMessage `json:"results"` // the query itself is echoed outside
		}
		if err := json.Unmarshal(res, &found); err != nil {
			t.Fatalf("search on B: %v: %.300s", err, res)
		}
		if bytes.Contains(found.Results, []byte(word)) {
			break
		}
		// B rebuilds its whole index in the background (a few seconds
		// with the demo data, more on a loaded machine), maybe twice: once
		// for the entry point above, once for this contact point.
		if time.Since(changed) > 30*time.Second {
			t.Fatalf("B's search does not find the contact point created through A after 30 s: %.500s", res)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("search: contact point created through A found by B after %s", time.Since(changed).Round(time.Millisecond))
}

// buildBinary builds this command into a temporary folder (the Go build
// cache makes it quick after the first time).
func buildBinary(ctx context.Context, t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build the binary: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "aiguillage")
	cmd := exec.CommandContext(ctx, goTool, "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// childEnv is the test's environment without its AIGUILLAGE_ settings,
// plus env.
func childEnv(env []string) []string {
	out := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "AIGUILLAGE_") })
	return append(out, env...)
}

func run(ctx context.Context, t *testing.T, bin string, env []string, args ...string) []byte {
	t.Helper()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = childEnv(env)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("aiguillage %s: %v\n%s\n%s", strings.Join(args, " "), err, out, stderr.Bytes())
	}
	return out
}

// replica is one running `aiguillage serve`.
type replica struct {
	name, base string
	client     *http.Client
}

// startReplica starts `aiguillage serve` on a free loopback port, waits
// until it is ready, and stops it with SIGTERM when the test ends.
func startReplica(ctx context.Context, t *testing.T, bin string, env []string, name string) *replica {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = childEnv(env)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("replica %s stopped with %v\n%s", name, err, stderr.Bytes())
			}
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("replica %s did not stop within 15 s of SIGTERM", name)
		}
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			if _, rest, ok := strings.Cut(line, "écoute sur "); ok {
				addr <- strings.TrimSpace(rest)
			}
			if testing.Verbose() && strings.Contains(line, "level=") {
				t.Logf("%s: %s", name, line)
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		exited <- cmd.Wait()
	}()
	r := &replica{name: name, client: &http.Client{Timeout: 10 * time.Second}}
	select {
	case r.base = <-addr:
	case err := <-exited:
		exited <- err
		t.Fatalf("replica %s exited at start: %v\n%s", name, err, stderr.Bytes())
	case <-time.After(2 * time.Minute):
		t.Fatalf("replica %s did not listen within 2 minutes\n%s", name, stderr.Bytes())
	case <-ctx.Done():
		t.Fatal(ctx.Err())
	}
	for deadline := time.Now().Add(30 * time.Second); ; {
		res, err := r.client.Get(r.base + "/readyz")
		if err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica %s not ready: %v", name, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return r
}

// get reads path; with etag, a 304 returns a nil body.
func (r *replica) get(t *testing.T, path, etag string) ([]byte, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, r.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	res, err := r.client.Do(req)
	if err != nil {
		t.Fatalf("%s GET %s: %v", r.name, path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	switch res.StatusCode {
	case http.StatusNotModified:
		return nil, res.Header.Get("ETag")
	case http.StatusOK:
		if cc := res.Header.Get("Cache-Control"); strings.Contains(path, "/organisations/") && !strings.Contains(cc, "max-age=60") {
			t.Errorf("%s GET %s: Cache-Control %q", r.name, path, cc)
		}
		return body, res.Header.Get("ETag")
	}
	t.Fatalf("%s GET %s: %d %s", r.name, path, res.StatusCode, body)
	return nil, ""
}

// waitChange polls path until its ETag is no longer etag, and fails
// after within.
func (r *replica) waitChange(t *testing.T, path, etag string, within time.Duration) ([]byte, string) {
	t.Helper()
	start := time.Now()
	for {
		body, newEtag := r.get(t, path, etag)
		if body != nil {
			return body, newEtag
		}
		if time.Since(start) > within {
			t.Fatalf("%s still serves the old %s (ETag %s) %s after the change", r.name, path, etag, within)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (r *replica) login(t *testing.T, email, password string) string {
	t.Helper()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	r.do(t, http.MethodPost, "/api/v1/auth/login", "", string(body), nil, &tok)
	return tok.AccessToken
}

func (r *replica) do(t *testing.T, method, path, token, body string, headers map[string]string, out any) {
	t.Helper()
	req, err := http.NewRequest(method, r.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := r.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s %s: %v", r.name, method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		t.Fatalf("%s %s %s: %d %s", r.name, method, path, res.StatusCode, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s %s: %v", r.name, method, path, err)
		}
	}
}

func journeySlug(t *testing.T, journey []byte) string {
	t.Helper()
	var j struct {
		Journey struct {
			Slug string `json:"slug"`
		} `json:"journey"`
	}
	if err := json.Unmarshal(journey, &j); err != nil || j.Journey.Slug == "" {
		t.Fatalf("published journey %.200s: %v", journey, err)
	}
	return j.Journey.Slug
}
