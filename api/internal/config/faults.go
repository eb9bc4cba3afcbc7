package config

import (
	"errors"
	"time"
)

// loadFaults reads the settings that bound the wait on a slow or
// unreachable database (see « Behaviour under faults » in deploy/README.md).
func (c *Config) loadFaults(must func(string) string) []error {
	d, err := time.ParseDuration(must("AIGUILLAGE_DB_QUERY_TIMEOUT"))
	if err != nil || d < 100*time.Millisecond || d > 10*time.Minute {
		return []error{errors.New("AIGUILLAGE_DB_QUERY_TIMEOUT: want a duration from 100ms to 10m, such as 5s")}
	}
	c.DBQueryTimeout = d
	return nil
}
