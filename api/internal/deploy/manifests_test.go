package deploy_test

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestYAMLParses parses every YAML file of deploy/, strictly.
func TestYAMLParses(t *testing.T) {
	n := 0
	for _, f := range deployFiles(t) {
		if isYAML(f) {
			if len(documents(t, deployPath(t, f))) == 0 {
				t.Errorf("deploy/%s holds no YAML document", f)
			}
			n++
		}
	}
	if n < 10 {
		t.Fatalf("only %d YAML files under deploy/", n)
	}
}

// object is one Kubernetes object and the file it comes from.
type object struct {
	file string
	doc  map[string]any
}

func (o object) kind() string { return str(o.doc, "kind") }
func (o object) name() string { return str(o.doc, "metadata", "name") }

// kubernetesObjects parses deploy/kubernetes, kustomizations excepted.
func kubernetesObjects(t *testing.T) []object {
	t.Helper()
	var objs []object
	for _, f := range deployFiles(t) {
		if !strings.HasPrefix(f, "kubernetes/") || !isYAML(f) || filepath.Base(f) == "kustomization.yaml" {
			continue
		}
		for _, d := range documents(t, deployPath(t, f)) {
			objs = append(objs, object{f, d})
		}
	}
	return objs
}

func find(t *testing.T, objs []object, kind, name string) object {
	t.Helper()
	for _, o := range objs {
		if o.kind() == kind && o.name() == name {
			return o
		}
	}
	t.Fatalf("no %s %q in deploy/kubernetes", kind, name)
	return object{}
}

func TestKubernetesObjectsAreComplete(t *testing.T) {
	objs := kubernetesObjects(t)
	kinds := map[string]bool{}
	for _, o := range objs {
		if str(o.doc, "apiVersion") == "" || o.kind() == "" || o.name() == "" {
			t.Errorf("%s: an object lacks apiVersion, kind or metadata.name: %v", o.file, o.doc)
		}
		kinds[o.kind()] = true
	}
	for _, k := range []string{"Namespace", "ConfigMap", "Secret", "Deployment", "Service", "Ingress",
		"PodDisruptionBudget", "HorizontalPodAutoscaler", "Job", "NetworkPolicy"} {
		if !kinds[k] {
			t.Errorf("deploy/kubernetes has no %s", k)
		}
	}
}

// TestKustomizations checks that every manifest is applied by one
// kustomization (the Secret template excepted), that the files they list
// exist, and that the API and the migration Job run the same image.
func TestKustomizations(t *testing.T) {
	listed := map[string]bool{}
	var images []string
	for _, k := range []string{"kubernetes/kustomization.yaml", "kubernetes/migrate/kustomization.yaml"} {
		doc := documents(t, deployPath(t, k))[0]
		dir := filepath.Dir(k)
		for _, r := range list(doc, "resources") {
			f := filepath.ToSlash(filepath.Join(dir, r.(string)))
			if _, err := os.Stat(deployPath(t, f)); err != nil {
				t.Errorf("%s lists %s: %v", k, r, err)
			}
			listed[f] = true
		}
		img := get(doc, "images", 0)
		images = append(images, str(img, "name")+"="+str(img, "newName")+":"+str(img, "newTag"))
	}
	for _, f := range deployFiles(t) {
		if strings.HasPrefix(f, "kubernetes/") && isYAML(f) && filepath.Base(f) != "kustomization.yaml" && filepath.Base(f) != "secret.example.yaml" && !listed[f] {
			t.Errorf("deploy/%s is in no kustomization", f)
		}
	}
	if images[0] != images[1] || strings.HasSuffix(images[0], ":") {
		t.Errorf("the API and the migration Job must run one image, tagged: %q", images)
	}
}

func container(t *testing.T, o object) map[string]any {
	t.Helper()
	c, ok := get(o.doc, "spec", "template", "spec", "containers", 0).(map[string]any)
	if !ok {
		t.Fatalf("%s %s: no container", o.kind(), o.name())
	}
	return c
}

func configData(t *testing.T, objs []object) map[string]string {
	t.Helper()
	data := map[string]string{}
	for k, v := range get(find(t, objs, "ConfigMap", "aiguillage-config").doc, "data").(map[string]any) {
		s, ok := v.(string)
		if !ok {
			t.Errorf("ConfigMap value of %s is not a string: %v", k, v)
		}
		data[k] = s
	}
	return data
}

// TestDeploymentProbesAndSafety checks what keeps requests answered and the
// pods confined: probes on the container's port, a rollout that never
// lowers capacity, a grace period longer than the shutdown, a locked-down
// security context, resources.
func TestDeploymentProbesAndSafety(t *testing.T) {
	objs := kubernetesObjects(t)
	dep := find(t, objs, "Deployment", "aiguillage")
	c := container(t, dep)
	cfg := configData(t, objs)

	port := get(c, "ports", 0)
	portName, portNumber := str(port, "name"), num(port, "containerPort")
	if _, p, _ := strings.Cut(cfg["AIGUILLAGE_ADDR"], ":"); p != strconv.Itoa(int(portNumber)) {
		t.Errorf("containerPort %v, but AIGUILLAGE_ADDR is %q", portNumber, cfg["AIGUILLAGE_ADDR"])
	}
	for _, p := range []struct{ probe, path string }{
		{"readinessProbe", "/readyz"}, {"livenessProbe", "/healthz"}, {"startupProbe", "/healthz"},
	} {
		if got := str(c, p.probe, "httpGet", "path"); got != p.path {
			t.Errorf("%s path %q, want %s", p.probe, got, p.path)
		}
		switch probePort := get(c, p.probe, "httpGet", "port").(type) {
		case string:
			if probePort != portName {
				t.Errorf("%s port %q, want the container's %q", p.probe, probePort, portName)
			}
		case float64:
			if probePort != portNumber {
				t.Errorf("%s port %v, want the container's %v", p.probe, probePort, portNumber)
			}
		default:
			t.Errorf("%s has no port", p.probe)
		}
	}
	svc := find(t, objs, "Service", "aiguillage")
	if tp := get(svc.doc, "spec", "ports", 0, "targetPort"); tp != portName && tp != portNumber {
		t.Errorf("Service targetPort %v is not the container's port", tp)
	}

	if num(dep.doc, "spec", "replicas") < 2 {
		t.Error("want several replicas")
	}
	if get(dep.doc, "spec", "strategy", "rollingUpdate", "maxUnavailable") != float64(0) {
		t.Error("RollingUpdate must have maxUnavailable: 0")
	}

	dur := func(name string) time.Duration {
		d, err := time.ParseDuration(cfg[name])
		if err != nil {
			t.Fatalf("ConfigMap %s: %v", name, err)
		}
		return d
	}
	preStop := time.Duration(num(c, "lifecycle", "preStop", "sleep", "seconds")) * time.Second
	if preStop <= 0 {
		t.Error("want a preStop sleep")
	}
	// SIGTERM arrives after preStop; the server drains, then gives requests
	// the shutdown timeout, then the usage events writer as long again.
	need := preStop + dur("AIGUILLAGE_SHUTDOWN_DRAIN") + 2*dur("AIGUILLAGE_SHUTDOWN_TIMEOUT")
	if grace := time.Duration(num(dep.doc, "spec", "template", "spec", "terminationGracePeriodSeconds")) * time.Second; grace <= need {
		t.Errorf("terminationGracePeriodSeconds %v, want more than preStop + drain + 2 × shutdown timeout = %v", grace, need)
	}

	for _, o := range []object{dep, find(t, objs, "Job", "aiguillage-migrate")} {
		c := container(t, o)
		if get(o.doc, "spec", "template", "spec", "securityContext", "runAsNonRoot") != true {
			t.Errorf("%s: runAsNonRoot", o.kind())
		}
		sc := get(c, "securityContext")
		if get(sc, "readOnlyRootFilesystem") != true || get(sc, "allowPrivilegeEscalation") != false {
			t.Errorf("%s: want readOnlyRootFilesystem and no privilege escalation", o.kind())
		}
		if !slices.Equal(list(sc, "capabilities", "drop"), []any{"ALL"}) {
			t.Errorf("%s: want every capability dropped", o.kind())
		}
		for _, r := range []string{"requests", "limits"} {
			if str(c, "resources", r, "memory") == "" || str(c, "resources", r, "cpu") == "" {
				t.Errorf("%s: want cpu and memory %s", o.kind(), r)
			}
		}
		if str(c, "image") != "aiguillage" {
			t.Errorf("%s: image %q, want aiguillage (kustomize sets the registry and tag)", o.kind(), str(c, "image"))
		}
	}
	if args := list(container(t, find(t, objs, "Job", "aiguillage-migrate")), "args"); !slices.Equal(args, []any{"migrate"}) {
		t.Errorf("migration Job runs %v", args)
	}
}

// TestConnectionBudget keeps the autoscaler's maximum within PostgreSQL's
// default max_connections (100, a few reserved): each replica opens
// AIGUILLAGE_DB_MAX_OPEN_CONNS plus one listening connection.
func TestConnectionBudget(t *testing.T) {
	objs := kubernetesObjects(t)
	conns, err := strconv.Atoi(configData(t, objs)["AIGUILLAGE_DB_MAX_OPEN_CONNS"])
	if err != nil {
		t.Fatalf("set AIGUILLAGE_DB_MAX_OPEN_CONNS in the ConfigMap: %v", err)
	}
	hpa := find(t, objs, "HorizontalPodAutoscaler", "aiguillage")
	maxReplicas := int(num(hpa.doc, "spec", "maxReplicas"))
	if total := maxReplicas * (conns + 1); total > 90 {
		t.Errorf("%d replicas × (%d + 1) = %d connections, above 90", maxReplicas, conns, total)
	}
	if minReplicas := num(hpa.doc, "spec", "minReplicas"); minReplicas < 2 {
		t.Errorf("HPA minReplicas %v, want at least 2 (the PodDisruptionBudget evicts one)", minReplicas)
	}
}

// TestComposeOrder checks compose.yaml's start order: the API waits for the
// migration, which waits for a healthy database.
func TestComposeOrder(t *testing.T) {
	doc := documents(t, deployPath(t, "compose.yaml"))[0]
	services, _ := get(doc, "services").(map[string]any)
	if str(services, "migrate", "depends_on", "db", "condition") != "service_healthy" || get(services, "db", "healthcheck") == nil {
		t.Error("migrate must wait for a healthy db")
	}
	replicas := 0
	for name, s := range services {
		if img := str(s, "image"); !strings.HasPrefix(img, "aiguillage:") && !pinned(img) {
			t.Errorf("service %s: image %q is not pinned to an exact version tag or a digest", name, img)
		}
		if !slices.Equal(list(s, "command"), []any{"serve"}) {
			continue
		}
		if str(s, "depends_on", "migrate", "condition") != "service_completed_successfully" {
			t.Errorf("service %s serves before the migration completes", name)
		}
		if str(s, "restart") == "" || str(s, "restart") == "no" {
			t.Errorf("service %s has no restart policy", name)
		}
		if slices.Contains(list(s, "profiles"), any("replicas")) {
			replicas += max(1, int(num(s, "deploy", "replicas")))
		}
	}
	if replicas < 2 {
		t.Errorf("compose.yaml: the replicas profile runs %d API servers, want 2", replicas)
	}
	for _, upstream := range []string{"api-1:8080", "api-2:8080"} {
		if !strings.Contains(read(t, deployPath(t, "Caddyfile")), upstream) {
			t.Errorf("deploy/Caddyfile does not proxy to %s", upstream)
		}
	}
}

// TestAlertRules checks deploy/prometheus/alerts.yaml: each rule is
// complete, and every aiguillage_* metric it reads is one the server
// registers.
func TestAlertRules(t *testing.T) {
	doc := documents(t, deployPath(t, "prometheus", "alerts.yaml"))[0]
	source := goSources(t)
	n := 0
	for _, g := range list(doc, "groups") {
		for _, r := range list(g, "rules") {
			n++
			name := str(r, "alert")
			if name == "" || str(r, "expr") == "" || str(r, "labels", "severity") == "" || str(r, "annotations", "summary") == "" {
				t.Errorf("rule %q: want alert, expr, labels.severity and annotations.summary", name)
			}
			for _, m := range metricName.FindAllString(str(r, "expr"), -1) {
				base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(m, "_bucket"), "_count"), "_sum")
				if !strings.Contains(source, `"`+base+`"`) {
					t.Errorf("rule %s reads %s, which no Go source registers", name, m)
				}
			}
		}
	}
	if n < 5 {
		t.Errorf("only %d alert rules", n)
	}
}

// goSources concatenates the server's non-test Go sources.
func goSources(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(filepath.Join(root(t), "api"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		b.WriteString(read(t, p))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
