package commons

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/commons/data"
	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// Helplines returns the national helplines and emergency numbers
// (data/helplines.csv) as contact points of the organisation orgID.
func Helplines(orgID string) ([]*domain.ContactPoint, error) {
	f, err := data.FS.Open(data.Helplines)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseHelplines(f, orgID)
}

// ParseHelplines reads a helplines file (columns in data/SOURCES.md). Each
// line becomes a contact point with national coverage: a phone channel
// (value the dialable number, label its display form), plus SMS, chat and
// website channels when given; hours are indicative. Any error in the file
// is reported with its line: this is reviewed data, not a feed.
func ParseHelplines(r io.Reader, orgID string) ([]*domain.ContactPoint, error) {
	rows, err := readTable(r, "helplines", "number", "display", "name", "purpose", "emergency", "emergency_rank",
		"themes", "hours_text", "hours", "cost", "sms", "chat_url", "website", "source_url", "verified_at")
	if err != nil {
		return nil, err
	}
	var cps []*domain.ContactPoint
	seen := map[string]bool{}
	for _, row := range rows {
		cp, err := helpline(row, orgID)
		if err != nil {
			return nil, fmt.Errorf("helplines: line %d: %s: %w", row.line, row.get("number"), err)
		}
		if seen[cp.ID] {
			return nil, fmt.Errorf("helplines: line %d: %s is listed twice", row.line, row.get("number"))
		}
		seen[cp.ID] = true
		cps = append(cps, cp)
	}
	return cps, nil
}

func helpline(r row, orgID string) (*domain.ContactPoint, error) {
	number := r.get("number")
	if number == "" || strings.Trim(number, "0123456789") != "" {
		return nil, fmt.Errorf("number must be digits only (the number to dial)")
	}
	display := r.get("display")
	if display == "" {
		display = number
	}
	emergency, err := flag(r.get("emergency"), "emergency")
	if err != nil {
		return nil, err
	}
	rank := 0
	if s := r.get("emergency_rank"); s != "" {
		if rank, err = strconv.Atoi(s); err != nil || rank < 1 {
			return nil, fmt.Errorf("emergency_rank %q must be a positive integer", s)
		}
	}
	if emergency != (rank > 0) {
		return nil, fmt.Errorf("an emergency number needs an emergency_rank, and only emergency numbers have one")
	}
	sms, err := flag(r.get("sms"), "sms")
	if err != nil {
		return nil, err
	}
	weekly, err := ParseHours(r.get("hours"))
	if err != nil {
		return nil, err
	}
	cp := &domain.ContactPoint{
		ID:             domain.StableID("helpline:" + number),
		OrganisationID: orgID,
		Name:           r.get("name"),
		Description:    r.get("purpose"),
		Granularity:    domain.GranularityService,
		Themes:         splitList(r.get("themes")),
		Hours:          domain.OpeningHours{Weekly: weekly, Note: r.get("hours_text"), Indicative: true},
		Coverage:       domain.Coverage{Rule: domain.CoverageExplicit, National: true},
		Emergency:      emergency,
		EmergencyRank:  rank,
		Source:         domain.Source{Kind: domain.SourceHelplines, ID: number, Dataset: data.Helplines},
	}
	cost := r.get("cost")
	cp.Channels = append(cp.Channels, domain.Channel{Kind: domain.ChannelPhone, Value: number, Label: display, CostNote: cost})
	if sms {
		cp.Channels = append(cp.Channels, domain.Channel{Kind: domain.ChannelSMS, Value: number, Label: display})
	}
	if u := r.get("chat_url"); u != "" {
		cp.Channels = append(cp.Channels, domain.Channel{Kind: domain.ChannelChat, Value: u})
	}
	if u := r.get("website"); u != "" {
		cp.Channels = append(cp.Channels, domain.Channel{Kind: domain.ChannelWebsite, Value: u})
	}
	if s := r.get("verified_at"); s != "" {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return nil, fmt.Errorf("verified_at %q: expected YYYY-MM-DD", s)
		}
		cp.VerifiedAt = &t
	}
	if len(cp.Themes) == 0 {
		return nil, fmt.Errorf("no theme")
	}
	if err := cp.Validate(); err != nil {
		return nil, err
	}
	return cp, nil
}

func flag(s, name string) (bool, error) {
	switch s {
	case "1":
		return true, nil
	case "0", "":
		return false, nil
	}
	return false, fmt.Errorf("%s %q must be 1 or 0", name, s)
}
