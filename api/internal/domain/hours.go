package domain

import (
	"regexp"
	"time"
)

// OpeningSlot is one opening range on one weekday (Europe/Paris time).
type OpeningSlot struct {
	// Day is the ISO weekday: 1 = lundi … 7 = dimanche.
	Day    int    `json:"day"`
	Opens  string `json:"opens"`  // HH:MM
	Closes string `json:"closes"` // HH:MM, "24:00" for midnight
}

// OpeningException changes the weekly plan on one date.
type OpeningException struct {
	Date   string        `json:"date"` // YYYY-MM-DD
	Closed bool          `json:"closed"`
	Slots  []OpeningSlot `json:"slots,omitempty"`
	Note   string        `json:"note,omitempty"`
}

// OpeningHours is a weekly plan plus exceptions, in Europe/Paris.
type OpeningHours struct {
	Weekly     []OpeningSlot      `json:"weekly,omitempty"`
	Exceptions []OpeningException `json:"exceptions,omitempty"`
	// Note is free text from the source ("Accueil téléphonique de 9h à 16h30").
	Note string `json:"note,omitempty"`
	// Indicative marks hours that are not guaranteed (helplines: shown as such).
	Indicative bool `json:"indicative,omitempty"`
}

var hhmm = regexp.MustCompile(`^(?:[01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$`)

func (h OpeningHours) validate(v *Validation) {
	for i, s := range h.Weekly {
		p := fieldIndex("hours.weekly", i)
		validateSlot(v, p, s)
	}
	for i, e := range h.Exceptions {
		p := fieldIndex("hours.exceptions", i)
		if _, err := time.Parse(time.DateOnly, e.Date); err != nil {
			v.Add(p+".date", "date invalide, attendu AAAA-MM-JJ")
		}
		for j, s := range e.Slots {
			validateSlot(v, fieldIndex(p+".slots", j), s)
		}
	}
}

func validateSlot(v *Validation, p string, s OpeningSlot) {
	if s.Day < 1 || s.Day > 7 {
		v.Add(p+".day", "jour invalide (1 = lundi … 7 = dimanche)")
	}
	if !hhmm.MatchString(s.Opens) {
		v.Add(p+".opens", "heure invalide, attendu HH:MM")
	}
	if !hhmm.MatchString(s.Closes) {
		v.Add(p+".closes", "heure invalide, attendu HH:MM")
	}
	if hhmm.MatchString(s.Opens) && hhmm.MatchString(s.Closes) && s.Opens >= s.Closes {
		v.Add(p+".closes", "l'heure de fermeture doit suivre l'heure d'ouverture")
	}
}

// AlwaysOpen returns a plan open every day, all day.
func AlwaysOpen() []OpeningSlot {
	slots := make([]OpeningSlot, 0, 7)
	for d := 1; d <= 7; d++ {
		slots = append(slots, OpeningSlot{Day: d, Opens: "00:00", Closes: "24:00"})
	}
	return slots
}

// Paris is the time zone every opening plan is expressed in.
func Paris() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		// time/tzdata is embedded by the main package; this cannot happen there.
		return time.FixedZone("CET", 3600)
	}
	return loc
}

// IsOpen reports whether the plan is open at t. A plan with no weekly slot
// and no exception for that day is unknown: ok is false.
func (h OpeningHours) IsOpen(t time.Time) (open, ok bool) {
	t = t.In(Paris())
	date := t.Format(time.DateOnly)
	clock := t.Format("15:04")
	slots := h.Weekly
	for _, e := range h.Exceptions {
		if e.Date == date {
			if e.Closed {
				return false, true
			}
			slots = e.Slots
			break
		}
	}
	if len(slots) == 0 {
		return false, false
	}
	day := int(t.Weekday())
	if day == 0 {
		day = 7
	}
	for _, s := range slots {
		if s.Day == day && clock >= s.Opens && clock < s.Closes {
			return true, true
		}
	}
	return false, true
}
