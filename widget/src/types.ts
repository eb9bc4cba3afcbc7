// Shapes of the public API answers the widget reads (openapi/openapi.yaml).
// Only the fields the widget uses; every one is optional on the wire, so the
// code reading them stays defensive.

export interface Branding {
  primary_color?: string;
  secondary_color?: string;
  logo_url?: string;
}

export interface EntryPoint {
  slug: string;
  name?: string;
  description?: string;
  themes?: string[];
  journey?: string;
  branding?: Branding;
}

export interface Organisation {
  slug: string;
  name?: string;
  branding?: Branding;
  entry_points?: EntryPoint[];
  features?: { events?: boolean; feedback?: boolean; reports?: boolean };
}

/**
 * Texts come in the language asked (`lang` query parameter); an object whose texts fell back to the French
 * original says so with text_lang "fr" (shown with lang="fr" and a mark, dom.ts inLang).
 */
export interface Translated {
  text_lang?: string;
}

export interface Theme extends Translated {
  slug: string;
  parent_slug?: string;
  label: string;
  description?: string;
  synonyms?: string[];
}

export interface Option extends Translated {
  label: string;
  next: string;
}

export interface OutcomeDoc {
  explanation?: string;
  documents?: string[];
  emergency?: boolean;
}

export interface Step extends Translated {
  id: string;
  kind: 'question' | 'location' | 'outcome';
  text: string;
  help?: string;
  options?: Option[];
  next?: string;
  outcome?: OutcomeDoc;
}

export interface Journey extends Translated {
  slug: string;
  title?: string;
  description?: string;
  first_step: string;
  steps: Step[];
}

export interface PublicJourney extends Translated {
  /** The language served, its direction, and the languages this journey has texts in (fr first). */
  lang?: string;
  dir?: 'ltr' | 'rtl';
  languages?: string[];
  organisation?: string;
  entry_point?: EntryPoint;
  journey: Journey;
  outcomes?: Record<string, string>;
}

export interface Channel {
  kind: string;
  value: string;
  label?: string;
  cost_note?: string;
  accessibility_note?: string;
  /** Only in agent mode (mode=agent with an agent's token): public, organisation_agents or all_agents. */
  visibility?: string;
}

export interface Slot {
  day?: number;
  opens: string;
  closes: string;
}

export interface OpeningException {
  date: string;
  closed?: boolean;
  slots?: Slot[];
  note?: string;
}

export interface OpeningHours {
  weekly?: Slot[];
  exceptions?: OpeningException[];
  note?: string;
  indicative?: boolean;
  time_zone?: string;
}

export interface Address {
  lines?: string[];
  postal_code?: string;
  city?: string;
  latitude?: number;
  longitude?: number;
}

export interface ContactPoint extends Translated {
  id: string;
  name: string;
  description?: string;
  pivot?: string;
  channels?: Channel[];
  address?: Address;
  opening_hours?: OpeningHours;
  emergency?: boolean;
  emergency_rank?: number;
  verified_at?: string;
  reason?: string;
  distance_km?: number;
  /** Only in agent mode (mode=agent with an agent's token): public, organisation_agents or all_agents. */
  visibility?: string;
}

export interface Commune {
  code: string;
  name: string;
  postal_codes?: string[];
  departement?: { code: string; name: string };
}

export interface OutcomeResponse extends Translated {
  id?: string;
  journey?: string;
  step?: string;
  title?: string;
  explanation?: string;
  documents?: string[];
  emergency?: boolean;
  commune?: Commune;
  contact_points?: ContactPoint[];
}

export interface OnlineLink {
  title?: string;
  url: string;
  kind?: string;
}

export interface SearchResult extends Translated {
  kind: 'emergency' | 'journey_outcome' | 'contact_point' | 'theme' | 'pivot' | 'fiche';
  ref: string;
  title: string;
  description?: string;
  url?: string;
  journey?: string;
  step?: string;
  needs_commune?: boolean;
  contact_points?: ContactPoint[];
  online?: OnlineLink[];
}

export interface EmergencyCategory {
  slug: string;
  label: string;
  numbers?: string[];
}

export interface SearchResponse {
  lang?: string;
  query?: string;
  emergency?: boolean;
  emergency_categories?: EmergencyCategory[];
  commune?: Commune;
  results?: SearchResult[];
}

/** GET /api/v1/public/organisations: the partners with an entry point on a published journey (agent mode's switch). */
export interface PartnerList {
  organisations?: { slug: string; name?: string; entry_points?: { slug: string; name?: string }[] }[];
}
