// The readability check of French and FALC texts (POST /api/v1/admin/readability):
// a hook that measures texts a short while after the référent stops typing,
// and the note shown beside a text.
import { useEffect, useMemo, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { useApi } from '../../auth/AuthContext';
import { unwrap } from '../../api/problem';
import type { components } from '../../api/schema';
import './readability.css';

export type ReadabilityResult = components['schemas']['ReadabilityResult'];
export type ReadabilityLang = 'fr' | 'fr-x-falc';
export type Measured = { key: string; text: string };

/** Limits of the API: texts per request, characters per text. */
const MAX_TEXTS = 500;
const MAX_CHARS = 2000;

/** The value, once it has not changed for ms milliseconds. */
export function useDebounced<T>(value: T, ms: number): T {
  const [out, setOut] = useState(value);
  const key = JSON.stringify(value);
  useEffect(() => {
    const t = setTimeout(() => setOut(value), ms);
    return () => clearTimeout(t);
    // The value is compared by its content (key), not its identity.
  }, [key, ms]);
  return out;
}

/**
 * Readability results by key of the non-empty texts, measured 600 ms after
 * the last change (the previous results stay on screen meanwhile). A failed
 * measure shows nothing: the check is advice, never in the way.
 */
export function useReadability(lang: ReadabilityLang, texts: Measured[], { enabled = true, delay = 600 }: { enabled?: boolean; delay?: number } = {}) {
  const api = useApi();
  const wanted = useMemo(
    () => texts.filter((t) => t.text.trim() !== '').map((t) => ({ key: t.key, text: Array.from(t.text).slice(0, MAX_CHARS).join('') })),
    [texts],
  );
  const debounced = useDebounced(wanted, delay);
  const q = useQuery({
    queryKey: ['readability', lang, debounced],
    enabled: enabled && debounced.length > 0,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    retry: false,
    queryFn: async () => {
      const out = new Map<string, ReadabilityResult>();
      for (let i = 0; i < debounced.length; i += MAX_TEXTS) {
        const r = unwrap(await api.client.POST('/api/v1/admin/readability', { body: { lang, texts: debounced.slice(i, i + MAX_TEXTS) } }));
        for (const res of r.results ?? []) if (res.key) out.set(res.key, res);
      }
      return out;
    },
  });
  return q.data ?? new Map<string, ReadabilityResult>();
}

const levels: Record<string, { label: string; severity: 'success' | 'warning' | 'error' }> = {
  ok: { label: 'Facile à lire', severity: 'success' },
  attention: { label: 'À simplifier', severity: 'warning' },
  difficile: { label: 'Difficile à lire', severity: 'error' },
};

const plural = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;

/** The measure of one text: its level, its figures and the advice. */
export function ReadabilityNote({ result, lang, id }: { result: ReadabilityResult | undefined; lang: ReadabilityLang; id?: string }) {
  if (!result) return null;
  const level = levels[result.level ?? 'ok'] ?? levels.ok;
  const words = result.max_words_per_sentence ?? 0;
  const rare = result.rare_words?.length ?? 0;
  return (
    <div className="rd-note" id={id} data-level={result.level}>
      <p className="fr-text--xs fr-mb-0">
        <Badge as="span" small noIcon severity={level.severity}>
          {level.label}
        </Badge>{' '}
        <span className="fr-sr-only">{lang === 'fr-x-falc' ? 'Lisibilité FALC' : 'Lisibilité'} : </span>
        {plural(result.sentences ?? 0, 'phrase', 'phrases')}, {plural(words, 'mot', 'mots')} au plus par phrase
        {rare > 0 ? `, ${plural(rare, 'mot peu courant', 'mots peu courants')}` : ''}
      </p>
      {(result.advice?.length ?? 0) > 0 && (
        <ul className="fr-text--xs fr-mb-0 rd-advice">
          {result.advice!.map((a, i) => (
            <li key={i}>{a}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
