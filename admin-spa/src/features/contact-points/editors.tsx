import { useEffect, useId, useState } from 'react';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { Tag } from '@codegouvfr/react-dsfr/Tag';
import { useApi } from '../../auth/AuthContext';
import { unwrap } from '../../api/problem';
import { fieldId } from '../../components/ErrorSummary';
import { fr } from '../../i18n/fr';
import type { Channel, ChannelKind, FormState, OpeningSlot } from './model';
import { VisibilityPicker } from './VisibilityPicker';

export const P = 'cp';
type Errors = Record<string, string>;
const st = (m?: string) => (m ? ({ state: 'error', stateRelatedMessage: m } as const) : ({ state: 'default' } as const));

/** Errors at a list path or any of its items ("coverage.communes", "coverage.communes[3]"). */
export function listErrors(errors: Errors, path: string): string | undefined {
  const msgs = Object.entries(errors)
    .filter(([k]) => k === path || k.startsWith(path + '['))
    .map(([, v]) => v);
  return msgs.length ? msgs.join(' ; ') : undefined;
}

const valueHints: Record<ChannelKind, { label: string; hint: string; type: string }> = {
  phone: { label: 'Numéro', hint: '10 chiffres (04 94 00 00 00), numéro court (3230) ou international', type: 'tel' },
  sms: { label: 'Numéro', hint: 'Numéro qui reçoit les SMS', type: 'tel' },
  email: { label: 'Adresse électronique', hint: 'Format attendu : nom@domaine.fr', type: 'email' },
  address: { label: 'Adresse', hint: 'Adresse postale complète, sur une ligne', type: 'text' },
  online_procedure: { label: 'Adresse web', hint: 'Commence par https://', type: 'url' },
  website: { label: 'Adresse web', hint: 'Commence par https://', type: 'url' },
  contact_form: { label: 'Adresse web du formulaire', hint: 'Commence par https://', type: 'url' },
  chat: { label: 'Adresse web de la messagerie', hint: 'Commence par https://', type: 'url' },
};

export function ChannelsEditor({ channels, onChange, errors, disabled }: { channels: Channel[]; onChange: (c: Channel[]) => void; errors: Errors; disabled: boolean }) {
  const set = (i: number, patch: Partial<Channel>) => onChange(channels.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  return (
    <fieldset className="fr-fieldset" id={fieldId(P, 'channels')} tabIndex={-1} aria-describedby={errors.channels ? 'cp-channels-error' : undefined}>
      <legend className="fr-fieldset__legend">
        <h2 className="fr-h4 fr-mb-0">Moyens de contact</h2>
        <span className="fr-hint-text">Au moins un : téléphone, courriel, adresse, démarche en ligne… Les habitants les voient dans cet ordre. Une ligne directe peut être réservée aux agents.</span>
      </legend>
      {errors.channels && (
        <p id="cp-channels-error" className="fr-error-text fr-mb-2w fr-ml-1w">
          {errors.channels}
        </p>
      )}
      {channels.map((c, i) => {
        const kind = (c.kind ?? 'phone') as ChannelKind;
        const h = valueHints[kind];
        const p = `channels[${i}]`;
        return (
          <div key={i} className="fr-fieldset__element app-repeat" role="group" aria-label={`Moyen de contact ${i + 1}`}>
            <div className="app-row">
              <Select
                label={`Type (moyen ${i + 1})`}
                state={errors[p + '.kind'] ? 'error' : 'default'}
                stateRelatedMessage={errors[p + '.kind']}
                nativeSelectProps={{ id: fieldId(P, p + '.kind'), value: kind, disabled, onChange: (e) => set(i, { kind: e.target.value as ChannelKind }) }}
              >
                {Object.entries(fr.channelKinds).map(([k, label]) => (
                  <option key={k} value={k}>
                    {label}
                  </option>
                ))}
              </Select>
              <Input
                label={`${h.label} (moyen ${i + 1})`}
                hintText={h.hint}
                {...st(errors[p + '.value'] ?? errors[p])}
                nativeInputProps={{ id: fieldId(P, p + '.value'), type: h.type, value: c.value ?? '', disabled, onChange: (e) => set(i, { value: e.target.value }) }}
              />
            </div>
            <div className="app-row">
              <Input
                label="Libellé (facultatif)"
                hintText="Par exemple : Accueil social"
                {...st(errors[p + '.label'])}
                nativeInputProps={{ id: fieldId(P, p + '.label'), value: c.label ?? '', disabled, onChange: (e) => set(i, { label: e.target.value }) }}
              />
              <Input
                label="Coût (facultatif)"
                hintText="Par exemple : service gratuit + prix d'un appel"
                {...st(errors[p + '.cost_note'])}
                nativeInputProps={{ id: fieldId(P, p + '.cost_note'), value: c.cost_note ?? '', disabled, onChange: (e) => set(i, { cost_note: e.target.value }) }}
              />
              <Input
                label="Accessibilité (facultatif)"
                hintText="Par exemple : relais téléphonique pour personnes sourdes"
                {...st(errors[p + '.accessibility_note'])}
                nativeInputProps={{ id: fieldId(P, p + '.accessibility_note'), value: c.accessibility_note ?? '', disabled, onChange: (e) => set(i, { accessibility_note: e.target.value }) }}
              />
            </div>
            <VisibilityPicker
              id={fieldId(P, p + '.visibility')}
              name={`cp-channel-${i}-visibility`}
              legend={`Qui voit ce moyen de contact (moyen ${i + 1}) ?`}
              value={c.visibility ?? 'public'}
              onChange={(v) => set(i, { visibility: v })}
              error={errors[p + '.visibility']}
              disabled={disabled}
              small
            />
            {!disabled && (
              <div className="app-row">
                <Button priority="tertiary" size="small" type="button" disabled={i === 0} onClick={() => onChange(swap(channels, i, i - 1))}>
                  Monter<span className="fr-sr-only"> le moyen {i + 1}</span>
                </Button>
                <Button priority="tertiary" size="small" type="button" onClick={() => onChange(channels.filter((_, j) => j !== i))}>
                  Supprimer<span className="fr-sr-only"> le moyen de contact {i + 1}</span>
                </Button>
              </div>
            )}
          </div>
        );
      })}
      {!disabled && (
        <div className="fr-fieldset__element">
          <Button priority="secondary" type="button" onClick={() => onChange([...channels, { kind: 'phone', value: '' }])}>
            Ajouter un moyen de contact
          </Button>
        </div>
      )}
    </fieldset>
  );
}

function swap<T>(a: T[], i: number, j: number): T[] {
  const b = [...a];
  [b[i], b[j]] = [b[j], b[i]];
  return b;
}

export function OpeningHoursEditor({ hours, onChange, errors, disabled }: { hours: FormState['opening_hours']; onChange: (h: FormState['opening_hours']) => void; errors: Errors; disabled: boolean }) {
  const weekly = hours.weekly;
  const setSlot = (i: number, patch: Partial<OpeningSlot>) => onChange({ ...hours, weekly: weekly.map((s, j) => (j === i ? { ...s, ...patch } : s)) });
  const addSlot = (day: number) => {
    const last = weekly.filter((s) => s.day === day).at(-1);
    const slot = last ? { day, opens: '14:00', closes: '17:00' } : { day, opens: '09:00', closes: '12:00' };
    onChange({ ...hours, weekly: [...weekly, slot] });
  };
  const copyMonday = () => {
    const monday = weekly.filter((s) => s.day === 1);
    const others = [2, 3, 4, 5].flatMap((d) => monday.map((s) => ({ ...s, day: d })));
    onChange({ ...hours, weekly: [...weekly.filter((s) => s.day === 1 || (s.day ?? 0) > 5), ...others] });
  };
  const exceptions = hours.exceptions;
  const setExc = (i: number, patch: Partial<FormState['opening_hours']['exceptions'][number]>) =>
    onChange({ ...hours, exceptions: exceptions.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
  return (
    <fieldset className="fr-fieldset" id={fieldId(P, 'opening_hours')} tabIndex={-1}>
      <legend className="fr-fieldset__legend">
        <h2 className="fr-h4 fr-mb-0">Horaires d'ouverture</h2>
        <span className="fr-hint-text">Heure de Paris. Sans créneau, le jour est indiqué fermé.</span>
      </legend>
      {errors.opening_hours && <p className="fr-error-text fr-ml-1w">{errors.opening_hours}</p>}
      <div className="fr-fieldset__element">
        <div className="app-table-wrap">
          <table className="app-table">
            <caption className="fr-sr-only">Créneaux par jour de la semaine</caption>
            <thead>
              <tr>
                <th scope="col">Jour</th>
                <th scope="col">Créneaux</th>
              </tr>
            </thead>
            <tbody>
              {[1, 2, 3, 4, 5, 6, 7].map((day) => {
                const slots = weekly.map((s, i) => ({ s, i })).filter(({ s }) => s.day === day);
                return (
                  <tr key={day}>
                    <th scope="row">{fr.days[day]}</th>
                    <td>
                      {slots.length === 0 && <p className="fr-mb-1w">Fermé</p>}
                      {slots.map(({ s, i }, n) => {
                        const p = `opening_hours.weekly[${i}]`;
                        const err = errors[p] ?? errors[p + '.opens'] ?? errors[p + '.closes'];
                        return (
                          <div key={i} className="app-slot" role="group" aria-label={`${fr.days[day]}, créneau ${n + 1}`}>
                            <Input
                              label={`Ouvre à`}
                              state={err ? 'error' : 'default'}
                              nativeInputProps={{ id: fieldId(P, p), type: 'time', value: s.opens ?? '', disabled, onChange: (e) => setSlot(i, { opens: e.target.value }), 'aria-describedby': err ? `${fieldId(P, p)}-err` : undefined }}
                            />
                            <Input label="Ferme à" state={err ? 'error' : 'default'} nativeInputProps={{ type: 'time', value: s.closes ?? '', disabled, onChange: (e) => setSlot(i, { closes: e.target.value }) }} />
                            {!disabled && (
                              <Button priority="tertiary" size="small" type="button" onClick={() => onChange({ ...hours, weekly: weekly.filter((_, j) => j !== i) })}>
                                Retirer<span className="fr-sr-only"> le créneau {n + 1} du {fr.days[day].toLowerCase()}</span>
                              </Button>
                            )}
                            {err && (
                              <p id={`${fieldId(P, p)}-err`} className="fr-error-text" style={{ flexBasis: '100%' }}>
                                {err}
                              </p>
                            )}
                          </div>
                        );
                      })}
                      {!disabled && (
                        <Button priority="tertiary no outline" size="small" type="button" onClick={() => addSlot(day)}>
                          Ajouter un créneau<span className="fr-sr-only"> le {fr.days[day].toLowerCase()}</span>
                        </Button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {!disabled && weekly.some((s) => s.day === 1) && (
          <Button priority="secondary" size="small" type="button" onClick={copyMonday}>
            Appliquer les horaires du lundi du mardi au vendredi
          </Button>
        )}
      </div>
      <div className="fr-fieldset__element fr-mt-2w">
        <h3 className="fr-h6">Fermetures et horaires exceptionnels</h3>
        {exceptions.map((x, i) => {
          const p = `opening_hours.exceptions[${i}]`;
          return (
            <div key={i} className="app-slot" role="group" aria-label={`Exception ${i + 1}`}>
              <Input label="Date" {...st(errors[p] ?? errors[p + '.date'])} nativeInputProps={{ id: fieldId(P, p), type: 'date', value: x.date ?? '', disabled, onChange: (e) => setExc(i, { date: e.target.value }) }} />
              <Checkbox options={[{ label: 'Fermé toute la journée', nativeInputProps: { checked: x.closed ?? false, disabled, onChange: (e) => setExc(i, { closed: e.target.checked }) } }]} small />
              <Input label="Précision" nativeInputProps={{ value: x.note ?? '', disabled, onChange: (e) => setExc(i, { note: e.target.value }) }} />
              {!disabled && (
                <Button priority="tertiary" size="small" type="button" onClick={() => onChange({ ...hours, exceptions: exceptions.filter((_, j) => j !== i) })}>
                  Retirer<span className="fr-sr-only"> l'exception {i + 1}</span>
                </Button>
              )}
            </div>
          );
        })}
        {!disabled && (
          <Button priority="tertiary no outline" size="small" type="button" onClick={() => onChange({ ...hours, exceptions: [...exceptions, { date: '', closed: true }] })}>
            Ajouter une fermeture exceptionnelle
          </Button>
        )}
      </div>
      <div className="fr-fieldset__element fr-mt-2w">
        <Input
          textArea
          label="Précisions sur les horaires (facultatif)"
          hintText="Par exemple : sur rendez-vous le mercredi après-midi"
          {...st(errors['opening_hours.note'])}
          nativeTextAreaProps={{ id: fieldId(P, 'opening_hours.note'), value: hours.note, disabled, rows: 2, onChange: (e) => onChange({ ...hours, note: e.target.value }) }}
        />
        <Checkbox
          options={[
            {
              label: 'Horaires indicatifs',
              hintText: 'Les habitants verront qu\u2019ils sont à confirmer.',
              nativeInputProps: { checked: hours.indicative, disabled, onChange: (e) => onChange({ ...hours, indicative: e.target.checked }) },
            },
          ]}
        />
      </div>
    </fieldset>
  );
}

/** Communes served, picked by name or postal code (public communes API). */
export function CommunePicker({ codes, onChange, error, disabled, names, onName }: { codes: string[]; onChange: (c: string[]) => void; error?: string; disabled: boolean; names: Record<string, string>; onName: (code: string, name: string) => void }) {
  const api = useApi();
  const [q, setQ] = useState('');
  const [results, setResults] = useState<{ code: string; label: string; name: string }[]>([]);
  const statusId = useId();
  useEffect(() => {
    const term = q.trim();
    if (term.length < 2) {
      setResults([]);
      return;
    }
    let live = true;
    const t = setTimeout(async () => {
      try {
        const data = unwrap(await api.client.GET('/api/v1/public/communes', { params: { query: { q: term, limit: 8 } } }));
        if (live)
          setResults(
            (data.communes ?? []).map((c) => ({ code: c.code ?? '', name: c.name ?? '', label: `${c.name} (${c.postal_codes?.[0] ?? c.departement?.code ?? ''}) — ${c.code}` })),
          );
      } catch {
        if (live) setResults([]);
      }
    }, 250);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [q, api]);

  const add = (code: string, name: string) => {
    onName(code, name);
    if (!codes.includes(code)) onChange([...codes, code]);
    setQ('');
    setResults([]);
    document.getElementById(fieldId(P, 'coverage.communes'))?.focus();
  };

  return (
    <div className="fr-mb-3w">
      <Input
        label="Communes servies"
        hintText="Tapez le début du nom ou le code postal, puis choisissez dans la liste."
        {...st(error)}
        nativeInputProps={{ id: fieldId(P, 'coverage.communes'), value: q, disabled, autoComplete: 'off', onChange: (e) => setQ(e.target.value), 'aria-describedby': statusId }}
      />
      <p id={statusId} className="fr-sr-only" role="status">
        {q.trim().length >= 2 ? `${results.length} commune${results.length > 1 ? 's' : ''} proposée${results.length > 1 ? 's' : ''}` : ''}
      </p>
      {results.length > 0 && (
        <ul className="app-suggestions" aria-label="Communes proposées">
          {results.map((r) => (
            <li key={r.code}>
              <button type="button" onClick={() => add(r.code, r.name)}>
                {r.label}
              </button>
            </li>
          ))}
        </ul>
      )}
      {codes.length > 0 && (
        <ul className="fr-tags-group fr-mt-1w" aria-label="Communes choisies">
          {codes.map((c) => (
            <li key={c}>
              {disabled ? (
                <Tag>{names[c] ? `${names[c]} (${c})` : c}</Tag>
              ) : (
                <Tag dismissible nativeButtonProps={{ type: 'button', onClick: () => onChange(codes.filter((x) => x !== c)), 'aria-label': `Retirer ${names[c] ?? c}` }}>
                  {names[c] ? `${names[c]} (${c})` : c}
                </Tag>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const DEPT = /^(0[1-9]|[1-8]\d|9[0-5]|2A|2B|97[1-8]|98[4-9])$/;

export function DepartementPicker({ codes, onChange, error, disabled }: { codes: string[]; onChange: (c: string[]) => void; error?: string; disabled: boolean }) {
  const [v, setV] = useState('');
  const [local, setLocal] = useState<string | null>(null);
  const add = () => {
    const code = v.trim().toUpperCase();
    if (!DEPT.test(code)) {
      setLocal('Code de département attendu : 2 chiffres (83), 2A, 2B ou 3 chiffres outre-mer (974).');
      return;
    }
    setLocal(null);
    if (!codes.includes(code)) onChange([...codes, code]);
    setV('');
  };
  return (
    <div className="fr-mb-3w">
      <div className="app-row" style={{ alignItems: 'flex-end' }}>
        <Input
          label="Départements servis"
          hintText="Code du département, par exemple 83"
          {...st(local ?? error)}
          nativeInputProps={{
            id: fieldId(P, 'coverage.departements'),
            value: v,
            disabled,
            onChange: (e) => setV(e.target.value),
            onKeyDown: (e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                add();
              }
            },
          }}
        />
        {!disabled && (
          <Button type="button" priority="secondary" onClick={add}>
            Ajouter le département
          </Button>
        )}
      </div>
      {codes.length > 0 && (
        <ul className="fr-tags-group fr-mt-1w" aria-label="Départements choisis">
          {codes.map((c) => (
            <li key={c}>
              {disabled ? (
                <Tag>{c}</Tag>
              ) : (
                <Tag dismissible nativeButtonProps={{ type: 'button', onClick: () => onChange(codes.filter((x) => x !== c)), 'aria-label': `Retirer le département ${c}` }}>
                  {c}
                </Tag>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
