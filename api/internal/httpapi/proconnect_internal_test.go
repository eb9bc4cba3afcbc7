package httpapi

import (
	"html/template"
	"strings"
	"testing"
)

// TestAgentCallbackEscapes: the origin is written into the page's script
// as an escaped JavaScript string, whatever it holds (ParseOrigin lets no
// such value through; this is the second line of defence).
func TestAgentCallbackEscapes(t *testing.T) {
	page := template.Must(template.New("agent").Parse(agentCallbackHTML))
	for _, origin := range []string{`https://x.fr";alert(1);//`, `https://x.fr</script><script>alert(1)</script>`, "https://x.fr\u2028"} {
		var b strings.Builder
		if err := page.Execute(&b, struct{ Origin, Nonce string }{origin, "n0nce"}); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if strings.Contains(out, origin) || strings.Count(out, "<script") != 1 || strings.Count(out, "</script>") != 1 {
			t.Errorf("%q written unescaped:\n%s", origin, out)
		}
		if !strings.Contains(out, `var targetOrigin = "https://x.fr`) || (strings.Contains(origin, `"`) && !strings.Contains(out, `x.fr\";alert(1);//";`)) {
			t.Errorf("%q: no targetOrigin string:\n%s", origin, out)
		}
	}
}
