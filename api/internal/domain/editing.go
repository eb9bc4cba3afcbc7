package domain

import (
	"net/mail"
	"regexp"
	"slices"
	"strings"
)

var (
	phoneSeparators = strings.NewReplacer(" ", "", ".", "", "-", "", "(", "", ")", "", "\u00a0", "")
	// Ten digits; short numbers: 15, 112, 3230 (3xxx), 116006 (116xxx/118xxx);
	// international with a + prefix.
	phoneRE = regexp.MustCompile(`^(?:0[1-9][0-9]{8}|1[0-9]{1,2}|3[0-9]{3}|11[68][0-9]{3}|\+[1-9][0-9]{5,14})$`)
)

// ValidPhone accepts the numbers a résident can dial: French ten-digit
// numbers (04 94 00 00 00), short numbers (15, 3230, 116006) and
// international numbers (+590 590 27 64 10), with spaces, dots or dashes.
func ValidPhone(s string) bool {
	return phoneRE.MatchString(phoneSeparators.Replace(strings.TrimSpace(s)))
}

// ValidateForEditing is Validate plus the stricter rules applied to what a
// référent types (imports keep their sources' looser data): dialable phone
// numbers, well-formed e-mails, non-overlapping opening slots, and INSEE
// codes that exist in the communes reference.
func (c *ContactPoint) ValidateForEditing(ref Communes) error {
	var v Validation
	if err := c.Validate(); err != nil {
		if e, ok := err.(*Error); ok {
			v.Fields = append(v.Fields, e.Fields...)
		} else {
			return err
		}
	}
	for i, ch := range c.Channels {
		p := fieldIndex("channels", i) + ".value"
		switch ch.Kind {
		case ChannelPhone, ChannelSMS:
			if ch.Value != "" && !ValidPhone(ch.Value) {
				v.Add(p, "numéro invalide : 10 chiffres (04 94 00 00 00), numéro court (3230) ou international (+33 4 94 00 00 00)")
			}
		case ChannelEmail:
			if a, err := mail.ParseAddress(ch.Value); ch.Value != "" && (err != nil || a.Address != strings.TrimSpace(ch.Value)) {
				v.Add(p, "adresse électronique invalide")
			}
		}
	}
	validateOverlaps(&v, "hours.weekly", c.Hours.Weekly)
	for i, e := range c.Hours.Exceptions {
		validateOverlaps(&v, fieldIndex("hours.exceptions", i)+".slots", e.Slots)
	}
	if ref != nil {
		for i, code := range c.Coverage.Communes {
			if _, ok := ref.Commune(code); ValidINSEE(code) && !ok {
				v.Add(fieldIndex("coverage.communes", i), "aucune commune ne porte le code INSEE %s", code)
			}
		}
		for i, code := range c.Coverage.Departements {
			if _, ok := ref.Departement(code); ValidDepartement(code) && !ok {
				v.Add(fieldIndex("coverage.departements", i), "aucun département ne porte le code %s", code)
			}
		}
		for i, code := range c.Coverage.Regions {
			if _, ok := ref.Region(code); regionRE.MatchString(code) && !ok {
				v.Add(fieldIndex("coverage.regions", i), "aucune région ne porte le code %s", code)
			}
		}
		if a := c.Address; a != nil && ValidINSEE(a.CommuneCode) {
			if _, ok := ref.Commune(a.CommuneCode); !ok {
				v.Add("address.commune_code", "aucune commune ne porte le code INSEE %s", a.CommuneCode)
			}
		}
	}
	return v.Err("Le point de contact contient des erreurs.")
}

// validateOverlaps reports slots of the same day that overlap.
func validateOverlaps(v *Validation, field string, slots []OpeningSlot) {
	idx := make([]int, len(slots))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if slots[a].Day != slots[b].Day {
			return slots[a].Day - slots[b].Day
		}
		return strings.Compare(slots[a].Opens, slots[b].Opens)
	})
	for k := 1; k < len(idx); k++ {
		prev, cur := slots[idx[k-1]], slots[idx[k]]
		if prev.Day == cur.Day && cur.Opens < prev.Closes {
			v.Add(fieldIndex(field, idx[k]), "chevauche le créneau %s–%s du même jour", prev.Opens, prev.Closes)
		}
	}
}
