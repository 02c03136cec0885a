import { useEffect, useState } from 'preact/hooks';
import { api, type Session } from './api';
import { ConfirmButton, message, when } from './ui';

type Key = { accessKeyId: string; role: string; defaultCase: string | null; defaultPurpose: string | null; description: string | null; createdAt: string; revokedAt: string | null };
type Issued = { accessKeyId: string; secretAccessKey: string; role: string };

const roles = ['operator', 'analyst', 'reviewer', 'auditor', 'admin'];
const blank = { role: 'operator', defaultCase: '', defaultPurpose: '', description: '' };

/** Access keys: list (never secrets), issue (the secret shown once), revoke. */
export function KeySettings({ session }: { session: Session }) {
  const [keys, setKeys] = useState<Key[]>([]);
  const [form, setForm] = useState(blank);
  const [issued, setIssued] = useState<Issued | null>(null);
  const [error, setError] = useState('');

  const load = () => api<{ keys: Key[] }>('/v1/keys').then((r) => setKeys(r.keys)).catch((e) => setError(message(e)));
  useEffect(() => {
    load();
  }, []);

  const create = async (e: Event) => {
    e.preventDefault();
    const optional = (v: string) => (v.trim() === '' ? null : v.trim());
    try {
      setIssued(await api<Issued>('/v1/keys', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ role: form.role, defaultCase: optional(form.defaultCase), defaultPurpose: optional(form.defaultPurpose), description: optional(form.description) }),
      }));
      setForm(blank);
      setError('');
      await load();
    } catch (err) {
      setError(message(err));
    }
  };

  const revoke = async (id: string) => {
    try {
      await api<void>(`/v1/keys/${encodeURIComponent(id)}/revoke`, { method: 'POST' });
      setError('');
      await load();
    } catch (err) {
      setError(message(err));
    }
  };

  const text = (name: 'defaultCase' | 'defaultPurpose' | 'description', label: string) => (
    <label>{label}<input value={form[name]} data-testid={`key-${name}`} onInput={(e) => setForm({ ...form, [name]: e.currentTarget.value })} /></label>
  );

  return (
    <div>
      <h2>Access keys</h2>
      {error && <p class="error" role="alert">{error}</p>}
      {issued && (
        <div class="secret" role="status">
          <p><strong>Key {issued.accessKeyId} ({issued.role}) issued.</strong> Copy its secret now: it is not stored and <strong>cannot be shown again</strong>.</p>
          <p><code data-testid="key-secret" data-key={issued.accessKeyId} class="secret-value">{issued.secretAccessKey}</code></p>
          <button type="button" class="quiet" onClick={() => setIssued(null)}>I have copied it</button>
        </div>
      )}
      <form class="filters" onSubmit={create}>
        <label>
          Role
          <select value={form.role} data-testid="key-role" onChange={(e) => setForm({ ...form, role: e.currentTarget.value })}>
            {roles.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        </label>
        {text('description', 'For whom')}
        {text('defaultCase', 'Default case')}
        {text('defaultPurpose', 'Default purpose')}
        <button type="submit" data-testid="key-create">Issue key</button>
      </form>
      <div class="table-wrap">
        <table class="data wide">
          <caption class="sr-only">Access keys</caption>
          <thead>
            <tr>
              <th scope="col">Access key</th><th scope="col">Role</th><th scope="col">For whom</th><th scope="col">Default case</th>
              <th scope="col">Default purpose</th><th scope="col">Created</th><th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.accessKeyId} data-testid="key-row" data-key={k.accessKeyId}>
                <td class="mono">{k.accessKeyId}</td>
                <td>{k.role}</td>
                <td>{k.description ?? ''}</td>
                <td>{k.defaultCase ?? ''}</td>
                <td>{k.defaultPurpose ?? ''}</td>
                <td><time dateTime={k.createdAt}>{when.format(new Date(k.createdAt))}</time></td>
                <td>
                  {k.revokedAt ? (
                    <span class="refused">Revoked <time dateTime={k.revokedAt}>{when.format(new Date(k.revokedAt))}</time></span>
                  ) : k.accessKeyId === session.accessKeyId ? (
                    <span>In use by this session</span>
                  ) : (
                    <ConfirmButton label="Revoke" confirm={`Revoke ${k.accessKeyId}? Its holder is refused from now on.`} testId="key-revoke" onConfirm={() => revoke(k.accessKeyId)} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
