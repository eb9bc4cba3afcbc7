import { beforeEach, describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { session } from '../src/api/session';
import { ContactPointFormPage } from '../src/features/contact-points/FormPage';
import { changedFields, fromContactPoint, toRequest, type AdminContactPoint } from '../src/features/contact-points/model';
import { fakeApi, json, type Handler } from './fakeApi';
import { renderRoutes } from './render';

const cp = {
  id: '11111111-1111-1111-1111-111111111111',
  name: 'MDS de Toulon',
  description: 'Accueil social',
  translations: { tr: { description: 'Sosyal yardım' }, en: { description: 'Social help' } },
  granularity: 'service',
  channels: [{ kind: 'phone', value: '04 94 00 00 00' }],
  coverage: { rule: 'explicit', national: false, communes: ['83137'] },
  source: { kind: 'manual' },
  version: 3,
};

describe('contact point translations', () => {
  beforeEach(() => {
    sessionStorage.clear();
    session.set({ access_token: 'tok', refresh_token: 'r' });
  });

  it('reads the translations, sends the non-empty ones, only when changed', () => {
    const form = fromContactPoint(cp as AdminContactPoint);
    expect(form.translations).toEqual({ tr: 'Sosyal yardım', en: 'Social help' });
    // Stable order (the shipped languages' order), whatever the API's.
    expect(JSON.stringify(toRequest(form, { creating: false }).translations)).toBe('{"en":{"description":"Social help"},"tr":{"description":"Sosyal yardım"}}');
    expect(changedFields(form, { ...form })).toEqual({});
    const edited = { ...form, translations: { ...form.translations, en: '  ', uk: ' Соціальна допомога ' } };
    expect(changedFields(form, edited)).toEqual({ translations: { uk: { description: 'Соціальна допомога' }, tr: { description: 'Sosyal yardım' } } });
  });

  it('edits the description in each language in the form (right to left for Arabic), shows their field errors', async () => {
    const user = userEvent.setup();
    const base: Handler = (req, url) => {
      if (url.pathname === '/api/v1/admin/me') return json(200, { user_id: 'u1', email: 'e@var.fr', memberships: [{ organisation: 'var', role: 'editor' }] });
      if (url.pathname === '/api/v1/public/organisations/var/themes') return json(200, { themes: [] });
      if (url.pathname.endsWith(cp.id) && req.method === 'GET') return json(200, cp, { ETag: '"3"' });
      if (req.method === 'PATCH')
        return json(400, { title: 'Requête invalide', status: 400, detail: 'Le point de contact contient des erreurs.', errors: [{ field: 'translations.ar.description', detail: 'ne doit pas dépasser 2000 caractères' }] });
    };
    const { api, calls } = fakeApi(base);
    renderRoutes(api, [{ path: '/o/:org/points-de-contact/:id', element: <ContactPointFormPage /> }], `/o/var/points-de-contact/${cp.id}`);
    await screen.findByRole('button', { name: 'Enregistrer les modifications' });
    expect(screen.getByRole('textbox', { name: 'Anglais (English)' })).toHaveValue('Social help');
    const ar = screen.getByRole('textbox', { name: 'Arabe (العربية)' });
    expect(ar).toHaveAttribute('dir', 'rtl');
    expect(ar).toHaveAttribute('lang', 'ar');
    await user.type(ar, 'مساعدة اجتماعية');
    await user.click(screen.getByRole('button', { name: 'Enregistrer les modifications' }));
    const patch = JSON.parse(calls.find((c) => c.method === 'PATCH')!.body!);
    expect(patch).toEqual({ translations: { en: { description: 'Social help' }, ar: { description: 'مساعدة اجتماعية' }, tr: { description: 'Sosyal yardım' } } });
    expect(await screen.findByRole('link', { name: /Description en arabe \(العربية\)/ })).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Arabe (العربية)' })).toHaveAccessibleDescription(/2000 caractères/);
  });
});
