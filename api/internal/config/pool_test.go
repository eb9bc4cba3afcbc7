package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/config"
	"github.com/aiguillage/aiguillage/api/internal/store"
)

func TestDatabasePool(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	// Empty sizes: the store picks per dialect (20 on PostgreSQL, 4 SQLite readers).
	if c.DBPool != (store.Pool{MaxLifetime: 30 * time.Minute}) {
		t.Fatalf("default pool %+v", c.DBPool)
	}
	c, err = config.Load(env(map[string]string{"AIGUILLAGE_DB_MAX_OPEN_CONNS": "12", "AIGUILLAGE_DB_MAX_IDLE_CONNS": "3", "AIGUILLAGE_DB_CONN_MAX_LIFETIME": "0"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.DBPool.MaxOpen != 12 || c.DBPool.MaxIdle != 3 || c.DBPool.MaxLifetime >= 0 {
		t.Fatalf("pool %+v", c.DBPool)
	}
	for name, bad := range map[string]string{"AIGUILLAGE_DB_MAX_OPEN_CONNS": "0", "AIGUILLAGE_DB_MAX_IDLE_CONNS": "beaucoup", "AIGUILLAGE_DB_CONN_MAX_LIFETIME": "-1m"} {
		if _, err := config.Load(env(map[string]string{name: bad})); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%s: %v", name, bad, err)
		}
	}
}
