package opendata

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/journeys"
)

// JourneyExport is one journey of an organisation: its draft and, once
// published, the version residents follow.
type JourneyExport struct {
	Slug             string    `json:"slug"`
	Title            string    `json:"title"`
	DraftVersion     int       `json:"draft_version"`
	PublishedVersion int       `json:"published_version,omitempty"`
	UpdatedAt        time.Time `json:"updated_at"`
	// Published is the live version (absent when never published).
	Published *journeys.Journey `json:"published,omitempty"`
	// PublishedAt is when the live version was published.
	PublishedAt *time.Time `json:"published_at,omitempty"`
	// Draft is the journey being edited (the same as Published when
	// nothing changed since), in the journey document format.
	Draft *journeys.Journey `json:"draft"`
}

// JourneysFile is the JSON export of an organisation's journeys.
type JourneysFile struct {
	// Format names this shape: "aiguillage/journeys".
	Format        string          `json:"format"`
	FormatVersion int             `json:"format_version"`
	Organisation  Organisation    `json:"organisation"`
	GeneratedAt   time.Time       `json:"generated_at"`
	Journeys      []JourneyExport `json:"journeys"`
}

// JourneysFormat is the value of JourneysFile.Format.
const JourneysFormat = "aiguillage/journeys"

// JourneyColumns are the columns of the journeys CSV export.
var JourneyColumns = []string{"Parcours", "Titre du parcours", "Version", "Étape", "Type d'étape", "Première étape", "Texte", "Aide",
	"Option", "Étape suivante", "Explication", "Documents", "Points de contact", "Types d'établissement", "Urgence"}

// WriteJourneys writes the journeys in the format: JSON (JourneysFile) or
// CSV (one row per option of a question, one row per other step, for the
// published version then the draft).
func WriteJourneys(w io.Writer, f Format, file JourneysFile) error {
	file.Format, file.FormatVersion = JourneysFormat, 1
	if file.Journeys == nil {
		file.Journeys = []JourneyExport{}
	}
	switch f {
	case JSON:
		b, err := marshal(file)
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	case CSV:
		return writeJourneysCSV(w, file)
	}
	return fmt.Errorf("opendata: unknown journey format %q", f)
}

func writeJourneysCSV(w io.Writer, file JourneysFile) error {
	if _, err := w.Write([]byte{0xEF, 0xBB, 0xBF}); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma, cw.UseCRLF = ';', true
	if err := cw.Write(JourneyColumns); err != nil {
		return err
	}
	for _, je := range file.Journeys {
		var versions []labelled
		if je.Published != nil {
			versions = append(versions, labelled{"publiée (v" + strconv.Itoa(je.PublishedVersion) + ")", je.Published})
		}
		if je.Draft != nil {
			versions = append(versions, labelled{"brouillon (v" + strconv.Itoa(je.DraftVersion) + ")", je.Draft})
		}
		for _, v := range versions {
			for _, st := range v.j.Steps {
				base := []string{je.Slug, textCell(v.j.Title), v.label, st.ID, string(st.Kind), yesNo(st.ID == v.j.FirstStep),
					textCell(st.Text), textCell(st.Help)}
				rows := [][2]string{{"", st.Next}}
				if st.Kind == journeys.KindQuestion {
					rows = rows[:0]
					for _, o := range st.Options {
						rows = append(rows, [2]string{textCell(o.Label), o.Next})
					}
				}
				var outcome [4]string
				if o := st.Outcome; o != nil {
					outcome = [4]string{textCell(o.Explanation), textCell(strings.Join(o.Documents, " | ")),
						strings.Join(o.ContactPoints, "|"), strings.Join(o.Pivots, "|")}
				}
				urgent := ""
				if st.Outcome != nil {
					urgent = yesNo(st.Outcome.Emergency)
				}
				for _, r := range rows {
					rec := append(append([]string{}, base...), r[0], r[1], outcome[0], outcome[1], outcome[2], outcome[3], urgent)
					if err := cw.Write(rec); err != nil {
						return err
					}
				}
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// labelled is a version of a journey with its label in the Version column.
type labelled struct {
	label string
	j     *journeys.Journey
}

func yesNo(b bool) string {
	if b {
		return "oui"
	}
	return "non"
}
