package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/config"
)

func TestQueryTimeout(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.DBQueryTimeout != 10*time.Second {
		t.Fatalf("default AIGUILLAGE_DB_QUERY_TIMEOUT = %s, want 10s", c.DBQueryTimeout)
	}
	c, err = config.Load(env(map[string]string{"AIGUILLAGE_DB_QUERY_TIMEOUT": "1500ms"}))
	if err != nil || c.DBQueryTimeout != 1500*time.Millisecond {
		t.Fatalf("1500ms: %v, %v", c, err)
	}
	for _, bad := range []string{"0", "50ms", "1h", "soon"} {
		if _, err := config.Load(env(map[string]string{"AIGUILLAGE_DB_QUERY_TIMEOUT": bad})); err == nil || !strings.Contains(err.Error(), "AIGUILLAGE_DB_QUERY_TIMEOUT") {
			t.Errorf("%q: %v, want an error naming the variable", bad, err)
		}
	}
}
