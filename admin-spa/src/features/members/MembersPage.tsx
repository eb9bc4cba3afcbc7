import { useRef, useState, type FormEvent } from 'react';
import { useParams } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { useAuth } from '../../auth/AuthContext';
import { ApiError, errorMessage, fieldErrors, unwrap } from '../../api/problem';
import { Page } from '../../layout/Page';
import { fr, formatDate, formatDateTime } from '../../i18n/fr';
import type { components } from '../../api/schema';

type Role = NonNullable<components['schemas']['InvitationRequest']['role']>;
type Invitation = components['schemas']['InvitationResponse'];

const roleHelp: Record<Role, string> = {
  admin: 'gère les membres et lit le journal, modifie tout',
  editor: 'modifie les points de contact et les parcours',
  viewer: 'consulte seulement',
};

function conflictText(err: unknown): string {
  if (err instanceof ApiError && err.status === 409) return err.problem.detail || 'Une organisation garde toujours au moins un administrateur.';
  return errorMessage(err);
}

export function MembersPage() {
  const { org = '' } = useParams();
  const { api, me } = useAuth();
  const qc = useQueryClient();
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmRemove, setConfirmRemove] = useState<string | null>(null);
  const members = useQuery({
    queryKey: ['members', org],
    queryFn: async () => unwrap(await api.client.GET('/api/v1/admin/organisations/{org}/members', { params: { path: { org } } })).members ?? [],
  });
  const setRole = useMutation({
    mutationFn: async ({ user, role }: { user: string; role: Role }) =>
      unwrap(await api.client.PATCH('/api/v1/admin/organisations/{org}/members/{user}', { params: { path: { org, user } }, body: { role } })),
    onSuccess: (_, v) => {
      setNotice(`Rôle changé : ${fr.roles[v.role]}.`);
      void qc.invalidateQueries({ queryKey: ['members', org] });
      void qc.invalidateQueries({ queryKey: ['me'] });
    },
    onError: () => void qc.invalidateQueries({ queryKey: ['members', org] }),
  });
  const remove = useMutation({
    mutationFn: async (user: string) => {
      const r = await api.client.DELETE('/api/v1/admin/organisations/{org}/members/{user}', { params: { path: { org, user } } });
      if (!r.response.ok) unwrap(r);
    },
    onSuccess: () => {
      setConfirmRemove(null);
      setNotice('Membre retiré de l\u2019organisation.');
      void qc.invalidateQueries({ queryKey: ['members', org] });
    },
  });
  const mutationError = setRole.error ?? remove.error;

  return (
    <Page title={fr.nav.members} context={org}>
      {notice && (
        <div role="status">
          <Alert as="h2" severity="success" small description={notice} closable onClose={() => setNotice(null)} className="fr-mb-2w" />
        </div>
      )}
      {mutationError && (
        <div role="alert">
          <Alert as="h2" severity="error" title="Modification refusée" description={conflictText(mutationError)} className="fr-mb-2w" />
        </div>
      )}
      {members.error ? (
        <Alert as="h2" severity="error" title="Chargement impossible" description={errorMessage(members.error)} />
      ) : !members.data ? (
        <p role="status">Chargement…</p>
      ) : (
        <div className="app-table-wrap fr-mb-6w">
          <table className="app-table">
            <caption>Membres de l'organisation ({members.data.length})</caption>
            <thead>
              <tr>
                <th scope="col">Adresse électronique</th>
                <th scope="col">Rôle</th>
                <th scope="col">Membre depuis</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {members.data.map((m) => (
                <tr key={m.user_id}>
                  <td>
                    {m.email}
                    {m.user_id === me?.user_id && ' (vous)'}
                  </td>
                  <td>
                    <Select
                      label={<span className="fr-sr-only">Rôle de {m.email}</span>}
                      className="fr-mb-0"
                      nativeSelectProps={{ value: m.role, disabled: setRole.isPending, onChange: (e) => setRole.mutate({ user: m.user_id!, role: e.target.value as Role }) }}
                    >
                      {(['admin', 'editor', 'viewer'] as Role[]).map((r) => (
                        <option key={r} value={r}>
                          {fr.roles[r]}
                        </option>
                      ))}
                    </Select>
                  </td>
                  <td>{formatDate(m.since)}</td>
                  <td>
                    {confirmRemove === m.user_id ? (
                      <div role="group" aria-label={`Confirmer le retrait de ${m.email}`}>
                        <p className="fr-text--sm fr-mb-1w">Retirer {m.email} ? Son compte perdra l'accès à cette organisation.</p>
                        <div className="app-row">
                          <Button size="small" onClick={() => remove.mutate(m.user_id!)} disabled={remove.isPending}>
                            Confirmer le retrait
                          </Button>
                          <Button size="small" priority="secondary" onClick={() => setConfirmRemove(null)}>
                            Annuler
                          </Button>
                        </div>
                      </div>
                    ) : (
                      <Button size="small" priority="tertiary" onClick={() => setConfirmRemove(m.user_id!)}>
                        Retirer<span className="fr-sr-only"> {m.email}</span>
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <InviteForm org={org} />
    </Page>
  );
}

function InviteForm({ org }: { org: string }) {
  const { api } = useAuth();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [invitation, setInvitation] = useState<Invitation | null>(null);
  const [copied, setCopied] = useState(false);
  const linkRef = useRef<HTMLInputElement>(null);
  const errors = fieldErrors(error);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setInvitation(null);
    setCopied(false);
    try {
      const inv = unwrap(await api.client.POST('/api/v1/admin/organisations/{org}/invitations', { params: { path: { org } }, body: { email: email.trim(), role } }));
      setInvitation(inv);
      setEmail('');
      setTimeout(() => linkRef.current?.focus());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const copy = async () => {
    linkRef.current?.select();
    try {
      await navigator.clipboard.writeText(invitation?.url ?? '');
      setCopied(true);
    } catch {
      setCopied(false); // the link is selected: Ctrl+C
    }
  };
  const general = error && Object.keys(errors).length === 0 ? errorMessage(error) : null;

  return (
    <section aria-labelledby="invite-title">
      <h2 id="invite-title" className="fr-h3">
        Inviter une personne
      </h2>
      <p>Un lien d'invitation est créé, valable 7 jours et utilisable une fois. Aucun courriel n'est envoyé : transmettez-le vous-même à la personne invitée.</p>
      {general && (
        <div role="alert">
          <Alert as="h3" severity="error" small description={general} className="fr-mb-2w" />
        </div>
      )}
      <form onSubmit={onSubmit} noValidate className="app-toolbar fr-mb-3w" aria-labelledby="invite-title">
        <Input
          label="Adresse électronique"
          hintText="Format attendu : nom@domaine.fr"
          state={errors.email ? 'error' : 'default'}
          stateRelatedMessage={errors.email}
          nativeInputProps={{ id: 'invite-email', type: 'email', autoComplete: 'off', value: email, onChange: (e) => setEmail(e.target.value) }}
        />
        <Select label="Rôle" state={errors.role ? 'error' : 'default'} stateRelatedMessage={errors.role} nativeSelectProps={{ value: role, onChange: (e) => setRole(e.target.value as Role) }}>
          {(['editor', 'viewer', 'admin'] as Role[]).map((r) => (
            <option key={r} value={r}>
              {fr.roles[r]} : {roleHelp[r]}
            </option>
          ))}
        </Select>
        <Button type="submit" disabled={busy}>
          Créer le lien d'invitation
        </Button>
      </form>
      {invitation && (
        <div role="status" className="fr-alert fr-alert--success">
          <h3 className="fr-alert__title">Invitation créée pour {invitation.email}</h3>
          <p>Rôle : {fr.roles[invitation.role ?? ''] ?? invitation.role}. Lien valable jusqu'au {formatDateTime(invitation.expires_at)}, visible une seule fois.</p>
          <div className="app-row fr-mt-2w" style={{ alignItems: 'flex-end' }}>
            <Input label="Lien d'invitation" nativeInputProps={{ ref: linkRef, readOnly: true, value: invitation.url ?? '', onFocus: (e) => e.target.select() }} />
            <Button type="button" priority="secondary" onClick={() => void copy()}>
              Copier le lien
            </Button>
          </div>
          <p aria-live="polite" className="fr-text--sm">{copied ? 'Lien copié.' : ''}</p>
        </div>
      )}
    </section>
  );
}
