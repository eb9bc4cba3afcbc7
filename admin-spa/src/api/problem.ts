import type { components } from './schema';

export type Problem = components['schemas']['Problem'];
export type ProblemField = components['schemas']['ProblemField'];

/** An API error, carrying the problem+json document when there is one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail || problem.title || `Erreur ${status}`);
  }
  get isConflict(): boolean {
    return this.status === 409 || this.status === 412;
  }
}

/** Turns openapi-fetch's {error, response} into an ApiError. */
export function toApiError(error: unknown, response: Response): ApiError {
  const p = (error && typeof error === 'object' ? error : {}) as Problem;
  return new ApiError(response.status, { status: response.status, title: p.title, ...p });
}

/** Unwraps an openapi-fetch result: the data, or a thrown ApiError. */
export function unwrap<T>(r: { data?: T; error?: unknown; response: Response }): T {
  if (r.response.ok) return r.data as T;
  throw toApiError(r.error, r.response);
}

// The API names some fields after its domain rather than its JSON
// (hours.weekly[1] for opening_hours.weekly[1]); map them to the form's paths.
const aliases: [RegExp, string][] = [[/^hours(\.|$)/, 'opening_hours$1']];

export function normaliseField(field: string): string {
  for (const [re, to] of aliases) if (re.test(field)) return field.replace(re, to);
  return field;
}

/** Field errors of a problem, by form path: { "channels[0].value": "…" }. */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const f of err.problem.errors ?? []) {
    if (!f.field) continue;
    const k = normaliseField(f.field);
    const d = f.detail ?? '';
    if (!out[k]) out[k] = d;
    else if (!out[k].split(' ; ').includes(d)) out[k] = `${out[k]} ; ${d}`; // the API may report one fault twice
  }
  return out;
}

/** A sentence for an error that is not about one field. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 403) return "Votre rôle ne vous permet pas cette action.";
    if (err.status === 429) return 'Trop de tentatives : réessayez dans quelques minutes.';
    if (err.status >= 500) return `Erreur du serveur. Si elle persiste, transmettez ce numéro au support : ${err.problem.request_id ?? 'inconnu'}.`;
    return err.message;
  }
  if (err instanceof TypeError) return 'Le serveur ne répond pas. Vérifiez votre connexion et réessayez.';
  return err instanceof Error ? err.message : String(err);
}
