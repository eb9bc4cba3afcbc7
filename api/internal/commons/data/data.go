// Package data embeds the national commons and the demo datasets: the
// taxonomy of needs, the national helplines, the reviewed annuaire pivot
// types with their coverage scope, compressed extracts of the real annuaire
// and France services datasets, and the demo partners. SOURCES.md cites the
// origin and licence of every file.
//
// It is a package of its own so that both the importer (which looks pivot
// types up) and the commons loader (which calls the importer) can read it.
package data

import "embed"

// FS holds every data file of this folder (no Go source).
//
//go:embed *.csv *.tsv *.json *.gz SOURCES.md journeys/*.json
var FS embed.FS

// File names inside FS.
const (
	Themes         = "themes.csv"
	Helplines      = "helplines.csv"
	PivotTypes     = "pivot_types.csv"
	Demo           = "demo.json"
	Annuaire2017   = "annuaire_etablissements-publics-v1_2017-12_83-59-62.tar.gz"
	Prefectures    = "prefectures_sous-prefectures_2022-10-28.tsv"
	FranceServices = "france-services_2024-08-01.csv.gz"
	// Journeys holds the demo journeys, one JSON file each.
	Journeys = "journeys"
)
