// @aiguillage/client: a typed client for the Aiguillage public API
// (/api/v1/public/*). Every type here is derived from the generated
// ./schema.d.ts (`npm run gen`, from openapi/openapi.yaml); none is written
// by hand.

import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type { components, paths } from './schema.js';

/** The public part of the API: the paths under /api/v1/public/ (no account, no token). */
export type PublicPaths = {
  [P in keyof paths as P extends `/api/v1/public/${string}` ? P : never]: paths[P];
};

/** openapi-fetch's client restricted to the public paths: `{ data, error, response }`, never throws on HTTP errors. */
export type PublicClient = Client<PublicPaths>;

type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];
export type ProblemField = Schemas['ProblemField'];
export type SearchResponse = Schemas['SearchResponse'];
export type SearchResult = Schemas['SearchResult'];
export type ContactPoint = Schemas['ContactPoint'];
export type ContactPointList = Schemas['ContactPointList'];
export type Commune = Schemas['Commune'];
export type CommuneList = Schemas['CommuneList'];
export type EmergencyList = Schemas['EmergencyList'];
export type OutcomeResponse = Schemas['OutcomeResponse'];
export type PublicOrganisation = Schemas['PublicOrganisation'];
export type PublicJourney = Schemas['PublicJourney'];

/** The query parameters of a public GET path, as the spec declares them. */
export type QueryOf<P extends keyof PublicPaths> = PublicPaths[P] extends { get: { parameters: { query?: infer Q } } }
  ? NonNullable<Q>
  : never;

/** Options every convenience method accepts. */
export interface CallOptions {
  /** Aborts the request (e.g. the previous keystroke of an autocomplete); the promise then rejects with fetch's AbortError. */
  signal?: AbortSignal;
}

export type SearchOptions = Omit<QueryOf<'/api/v1/public/search'>, 'q'> & CallOptions;
export type CommunesOptions = Omit<QueryOf<'/api/v1/public/communes'>, 'q'> & CallOptions;
export type OutcomeOptions = QueryOf<'/api/v1/public/outcomes/{id}'> & CallOptions;
export type EmergencyOptions = QueryOf<'/api/v1/public/emergency'> & CallOptions;
export type ContactPointsOptions = QueryOf<'/api/v1/public/contact-points'> & CallOptions;

export interface AiguillageClientOptions {
  /** Origin of the Aiguillage server, e.g. "https://aiguillage.example.fr" (the paths add /api/v1/public/…). */
  baseUrl: string;
  /** A portal API key, sent as the `X-API-Key` header. Optional: the public API answers without one. */
  apiKey?: string;
  /** The fetch to use (defaults to the global one, looked up at each call): for tests, proxies, or older runtimes. */
  fetch?: (input: Request) => Promise<Response>;
}

/**
 * An error answer of the API, carrying its RFC 9457 problem document
 * (`application/problem+json`). Answers that are not problem documents (a
 * proxy's HTML error page) get a minimal problem built from the status.
 * Network failures and aborts are not turned into this: they reject with
 * fetch's own error.
 */
export class AiguillageError extends Error {
  override readonly name = 'AiguillageError';
  /** HTTP status of the answer. */
  readonly status: number;
  /** A stable URI naming the kind of problem, e.g. `urn:aiguillage:problem:invalid` (`about:blank` when the server gave none). */
  readonly type: string;
  /** Short, human-readable summary (in French), e.g. « Requête invalide ». */
  readonly title: string;
  /** What went wrong in this occurrence (in French), when given. */
  readonly detail?: string;
  /** The fields at fault (validation errors), possibly empty. */
  readonly errors: ProblemField[];
  /** Seconds to wait before retrying, from `Retry-After` (429 answers). */
  readonly retryAfter?: number;
  /** The whole problem document as received (with `instance` and `request_id` for support). */
  readonly problem: Problem;

  constructor(status: number, problem: Problem, retryAfter?: number) {
    const title = problem.title || `Erreur HTTP ${status}`;
    super(problem.detail ? `${title} : ${problem.detail}` : title);
    this.status = status;
    this.type = problem.type || 'about:blank';
    this.title = title;
    this.detail = problem.detail;
    this.errors = problem.errors ?? [];
    this.retryAfter = retryAfter;
    this.problem = problem;
  }

  /** Builds the error from a failed response and its parsed body (what openapi-fetch returns as `error`). */
  static fromResponse(response: Response, body: unknown): AiguillageError {
    const problem: Problem =
      body && typeof body === 'object' && !Array.isArray(body)
        ? { ...(body as Problem) }
        : { type: 'about:blank', title: response.statusText || undefined, status: response.status };
    const retry = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
    return new AiguillageError(response.status, problem, Number.isFinite(retry) ? retry : undefined);
  }
}

/** The data of a successful openapi-fetch result, or a thrown AiguillageError. */
export async function unwrap<T>(result: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await result;
  if (response.ok) return data as T;
  throw AiguillageError.fromResponse(response, error);
}

export interface AiguillageClient {
  /** The typed openapi-fetch client over every public path, for what the methods below do not cover. */
  readonly raw: PublicClient;
  /** Search in the resident's own words: needs, then the contact points serving the commune (emergencies first). */
  search(q: string, options?: SearchOptions): Promise<SearchResponse>;
  /** Communes by the start of their name or by postal code, most populous first (autocomplete). */
  communes(q: string, options?: CommunesOptions): Promise<CommuneList>;
  /** A partner's public configuration: name, branding, entry points, territory. */
  organisation(slug: string, options?: CallOptions): Promise<PublicOrganisation>;
  /** A partner's published journey, by entry point (its outcome steps map to ids for `outcome`). */
  journey(slug: string, entry: string, options?: CallOptions): Promise<PublicJourney>;
  /** Resolves a journey outcome for a commune: the contact points, each with the reason it was chosen. */
  outcome(id: string, options?: OutcomeOptions): Promise<OutcomeResponse>;
  /** The emergency numbers, most urgent first. */
  emergency(options?: EmergencyOptions): Promise<EmergencyList>;
  /** One contact point, by id. */
  contactPoint(id: string, options?: CallOptions): Promise<ContactPoint>;
  /** Offices of a kind (`pivot`) or a theme serving a commune, or the nationwide paginated list. */
  contactPoints(options?: ContactPointsOptions): Promise<ContactPointList>;
}

/**
 * Creates a client of the Aiguillage public API. The methods resolve with the
 * JSON body the spec describes and reject with an {@link AiguillageError} on
 * an error answer.
 *
 * @example
 * const aiguillage = createAiguillageClient({ baseUrl: 'https://aiguillage.example.fr' });
 * const { results } = await aiguillage.search("j'ai perdu ma carte vitale", { commune: '83137' });
 */
export function createAiguillageClient(options: AiguillageClientOptions): AiguillageClient {
  const { baseUrl, apiKey, fetch: fetchImpl } = options;
  if (!baseUrl) throw new TypeError('createAiguillageClient: baseUrl is required (the origin of the Aiguillage server)');
  const raw = createClient<PublicPaths>({
    baseUrl: baseUrl.replace(/\/+$/, ''),
    // Looked up at each call, so that a fetch installed later (or stubbed by tests) is used.
    fetch: fetchImpl ?? ((request) => globalThis.fetch(request)),
    // Only when given: a custom header makes browsers send a CORS preflight first.
    headers: apiKey ? { 'X-API-Key': apiKey } : undefined,
  });

  return {
    raw,
    search: (q, { signal, ...query } = {}) =>
      unwrap(raw.GET('/api/v1/public/search', { params: { query: { q, ...query } }, signal })),
    communes: (q, { signal, ...query } = {}) =>
      unwrap(raw.GET('/api/v1/public/communes', { params: { query: { q, ...query } }, signal })),
    organisation: (slug, { signal } = {}) =>
      unwrap(raw.GET('/api/v1/public/organisations/{slug}', { params: { path: { slug } }, signal })),
    journey: (slug, entry, { signal } = {}) =>
      unwrap(raw.GET('/api/v1/public/organisations/{slug}/journeys/{entry}', { params: { path: { slug, entry } }, signal })),
    outcome: (id, { signal, ...query } = {}) =>
      unwrap(raw.GET('/api/v1/public/outcomes/{id}', { params: { path: { id }, query }, signal })),
    emergency: ({ signal, ...query } = {}) => unwrap(raw.GET('/api/v1/public/emergency', { params: { query }, signal })),
    contactPoint: (id, { signal } = {}) =>
      unwrap(raw.GET('/api/v1/public/contact-points/{id}', { params: { path: { id } }, signal })),
    contactPoints: ({ signal, ...query } = {}) =>
      unwrap(raw.GET('/api/v1/public/contact-points', { params: { query }, signal })),
  };
}
