package httpapi_test

import (
	"strings"
	"testing"
)

// checkBody reports each of want that body lacks and each of notWant it
// holds.
func checkBody(t *testing.T, body string, want, notWant []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("body lacks %s: %s", w, body)
		}
	}
	for _, w := range notWant {
		if strings.Contains(body, w) {
			t.Errorf("body holds %s: %s", w, body)
		}
	}
}
