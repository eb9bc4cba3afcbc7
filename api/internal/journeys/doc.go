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
//	  "themes": ["logement"],                   // optional
//	  "first_step": "situation",                // id of the first step
//	  "steps": [
//	    {
//	      "id": "situation",                    // lowercase-dashes, unique in the journey
//	      "kind": "question",                   // "question", "location" or "outcome"
//	      "text": "Où en êtes-vous ?",          // the question (≤ 150), or the outcome's title (≤ 100)
//	      "help": "…",                          // optional, ≤ 300
//	      "options": [                          // question only: 2 to 8 choices
//	        {"label": "J'ai un retard de loyer", "next": "commune"}   // label ≤ 80
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
// A location step asks for the resident's commune and continues with next.
// An outcome that names pivots must only be reachable after a location step,
// and every pivot must resolve for every commune of the partner's territory:
// [Validate] checks this with a [Resolver].
package journeys
