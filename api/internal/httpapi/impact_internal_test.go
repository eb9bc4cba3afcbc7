package httpapi

import "testing"

func TestNiceCeiling(t *testing.T) {
	for _, tt := range []struct{ v, want float64 }{{0, 4}, {3, 4}, {5, 8}, {42, 60}, {50, 60}, {99, 100}, {1234, 1600}, {9999, 10000}} {
		if got := niceCeiling(tt.v, ""); got != tt.want {
			t.Errorf("niceCeiling(%v) = %v, want %v", tt.v, got, tt.want)
		}
	}
}

func TestFrenchNumbers(t *testing.T) {
	half := 0.6667
	for _, tt := range []struct{ got, want string }{
		{frInt(0), "0"}, {frInt(999), "999"}, {frInt(1234567), "1\u202f234\u202f567"}, {frInt(-12345), "-12\u202f345"},
		{frPct(&half), "66,7\u00a0%"}, {frPct(nil), "–"}, {frRatio(1, 3), "33,3\u00a0%"}, {frDate("2026-11-27"), "27/11/2026"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
