// Package journeys models orientation journeys (parcours d'orientation): a
// partner's small graph of questions in residents' words that leads to
// outcomes (contact points, or pivots such as "your CAF" resolved from the
// resident's commune).
//
// The package is pure logic: no database, no HTTP. It parses and exports the
// journey document, validates it before publication, and compares two
// versions.
//
// # Document format
//
// The JSON below is both the stored draft and the import/export format.
// [Parse] reads it strictly (UTF-8 JSON, exactly one object, at most
// [MaxSize] bytes, no unknown or duplicated field, field names in exact case);
// [Journey.MarshalIndent] writes it back in a stable form (two-space indent,
// fields in the order shown, empty optional fields left out, no HTML
// escaping).
//
//	{
//	  "slug": "loyer-impaye",                  // lowercase letters, digits, dashes; ≤ 64
//	  "title": "Je n'arrive plus à payer mon loyer",   // ≤ 100 characters
//	  "description": "…",                     // optional
//	  "i18n": {"en": {"title": "I can no longer pay my rent"}},   // optional: translations
//	  "themes": ["logement"],                   // optional
//	  "languages": ["en", "fr-x-falc"],         // optional: languages the référent maintains
//	  "first_step": "situation",                // id of the first step
//	  "steps": [
//	    {
//	      "id": "situation",                    // lowercase-dashes, unique in the journey
//	      "kind": "question",                   // "question", "location" or "outcome"
//	      "text": "Où en êtes-vous ?",          // the question (≤ 150), or the outcome's title (≤ 100)
//	      "help": "…",                          // optional, ≤ 300
//	      "i18n": {"en": {"text": "Where are you at?", "help": "…"}},   // optional
//	      "options": [                          // question only: 2 to 8 choices
//	        {"label": "J'ai un retard de loyer", "next": "commune",   // label ≤ 80
//	         "i18n": {"en": {"label": "I am behind with my rent"}}}  // optional
//	      ]
//	    },
//	    {"id": "commune", "kind": "location", "text": "Où habitez-vous ?", "next": "caf"},
//	    {
//	      "id": "caf",
//	      "kind": "outcome",
//	      "text": "Contactez votre CAF",
//	      "outcome": {
//	        "explanation": "…",                 // ≤ 600
//	        "documents": ["Votre bail"],        // optional: documents to prepare
//	        "i18n": {"en": {"explanation": "…", "documents": ["Your lease"]}},   // optional
//	        "contact_points": ["6f1c…"],        // optional: fixed contact point ids (UUID)
//	        "pivots": ["caf"],                  // optional: resolved from the commune
//	        "emergency": false                  // optional: show the emergency panel
//	      }
//	    }
//	  ]
//	}
//
// (Comments are for this page only; the format has none.)
//
// # Translations
//
// French is the source: every text above is French. Each "i18n" object
// maps a language code of the i18n package (fr-x-falc, en, ar, uk, es, pt,
// tr; never fr) to the translations of the texts next to it, each optional
// and within the French field's limit; an outcome's "documents" there is
// the whole list, item for item. An unknown language code is a validation
// problem. "languages" names the languages the référent maintains: each
// text missing in one of them is a [Warning], which never stops a
// publication (residents read the French original). Documents without
// these fields, written before translations existed, are unchanged.
// [Journey.In] and its kin give the texts in a language, falling back to
// French.
//
// A location step asks for the resident's commune and continues with next.
// An outcome that names pivots must only be reachable after a location step,
// and every pivot must resolve for every commune of the partner's territory:
// [Validate] checks this with a [Resolver]. An outcome must leave residents a
// way out: a contact point they can see (not only ones reserved to agents),
// a pivot, or the emergency panel.
package journeys
