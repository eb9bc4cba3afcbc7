package config_test

import (
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/config"
)

func TestEventsSettings(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		retention, buffer string
		wantCutoff        time.Time
		wantBuffer        int
		wantErr           bool
	}{
		{"", "", time.Date(2025, 10, 27, 10, 0, 0, 0, time.UTC), 50000, false},
		{"6mo", "2000", time.Date(2026, 5, 27, 10, 0, 0, 0, time.UTC), 2000, false},
		{"395d", "", now.Add(-395 * 24 * time.Hour), 50000, false},
		{"720h", "", now.Add(-720 * time.Hour), 50000, false},
		{"14mo", "", time.Time{}, 0, true},
		{"400d", "", time.Time{}, 0, true},
		{"1h", "", time.Time{}, 0, true},
		{"0mo", "", time.Time{}, 0, true},
		{"treize mois", "", time.Time{}, 0, true},
		{"", "10", time.Time{}, 0, true},
		{"", "beaucoup", time.Time{}, 0, true},
	}
	for _, tt := range tests {
		c, err := config.Load(env(map[string]string{"AIGUILLAGE_EVENTS_RETENTION": tt.retention, "AIGUILLAGE_EVENTS_BUFFER": tt.buffer}))
		if tt.wantErr {
			if err == nil {
				t.Errorf("retention %q, buffer %q accepted", tt.retention, tt.buffer)
			}
			continue
		}
		if err != nil {
			t.Errorf("retention %q, buffer %q: %v", tt.retention, tt.buffer, err)
			continue
		}
		if got := c.EventsRetention.Cutoff(now); !got.Equal(tt.wantCutoff) || c.EventsBuffer != tt.wantBuffer {
			t.Errorf("retention %q, buffer %q: cutoff %v, buffer %d; want %v, %d", tt.retention, tt.buffer, got, c.EventsBuffer, tt.wantCutoff, tt.wantBuffer)
		}
	}
}
