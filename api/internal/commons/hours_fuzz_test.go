package commons

import (
	"testing"
)

// FuzzParseHours: the national commons' hours notation gives valid slots,
// sorted by day and time, or an error; it never panics. Seed corpus:
// testdata/fuzz/FuzzParseHours/.
func FuzzParseHours(f *testing.F) {
	for _, s := range []string{"24/7", "1-5 08:30-18:00", "1,4 08:30-18:15; 2-3 08:30-13:00", "1-5 09:00-12:00 14:00-17:30", "1-7 08:00-02:00", "7-1 25:00-01:00", "1-", ";"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		slots, err := ParseHours(s)
		if err != nil {
			return
		}
		for i, sl := range slots {
			if sl.Day < 1 || sl.Day > 7 || len(sl.Opens) != 5 || len(sl.Closes) != 5 || sl.Opens >= sl.Closes {
				t.Fatalf("%q gave the invalid slot %+v", s, sl)
			}
			if i > 0 && (slots[i-1].Day > sl.Day || slots[i-1].Day == sl.Day && slots[i-1].Opens > sl.Opens) {
				t.Fatalf("%q: slots out of order: %+v", s, slots)
			}
		}
	})
}
