import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api';
import { AuthorizationForm } from './AuthorizationForm';
import { path, when } from './collections';
import { errorText } from './ConfirmDialog';

type Authorization = {
  id: string;
  orderNumber: string;
  authority: string;
  cameras: string[];
  collectionId: string;
  case: string;
  purpose: string;
  faceMatchThreshold: number | null;
  startsAt: string;
  expiresAt: string;
  state: string;
  createdBy: string;
  revokedAt: string | null;
  revokedBy: string | null;
  revokeReason: string | null;
};

const soon = 24 * 3600_000;

/** What to call out about an authorization: revoked, expired, or running out within a day. */
function flag(a: Authorization): { cls: string; text: string } {
  if (a.state === 'revoked') return { cls: 'revoked', text: 'Revoked' };
  if (a.state === 'expired') return { cls: 'expired', text: 'Expired' };
  const left = new Date(a.expiresAt).getTime() - Date.now();
  if (left < soon) return { cls: 'expiring', text: a.state === 'pending' ? 'Pending · expires within 24 h' : 'Expires within 24 h' };
  return { cls: a.state, text: a.state === 'pending' ? 'Pending' : 'Active' };
}

/** Ends an authorization now, with a reason (required, as the API requires one). */
function RevokeDialog({ target, onDone }: { target: Authorization | null; onDone: (revoked: boolean) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    setReason('');
    setError('');
    if (target && !d.open) d.showModal();
    if (!target && d.open) d.close();
  }, [target]);

  const revoke = async (e: Event) => {
    e.preventDefault();
    if (!target) return;
    const why = reason.trim();
    if (!why || why.length > 1000) return setError('Give the reason (1 to 1000 characters).');
    setBusy(true);
    try {
      await api(`/v1/authorizations/${path(target.id)}/revoke`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ reason: why }) });
      onDone(true);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={ref} class="confirm" aria-labelledby="revoke-title" onClose={() => target && onDone(false)}>
      {target && (
        <form onSubmit={revoke}>
          <h2 id="revoke-title">Revoke authorization {target.orderNumber}?</h2>
          <p>Cameras {target.cameras.join(', ')} stop searching {target.collectionId} within seconds. This cannot be undone.</p>
          <label for="revoke-reason">Reason</label>
          <textarea id="revoke-reason" data-testid="revoke-reason" required maxLength={1000} rows={3} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          {error && <p class="error" role="alert">{error}</p>}
          <div class="dialog-actions">
            <button type="button" class="quiet" onClick={() => onDone(false)}>Cancel</button>
            <button type="submit" class="danger" data-testid="revoke-confirm" disabled={busy}>{busy ? 'Revoking…' : 'Revoke'}</button>
          </div>
        </form>
      )}
    </dialog>
  );
}

/** Authorizations for live face search (administrators): the order behind each, what it covers, until when; record and revoke. */
export function AuthorizationsPage() {
  const [items, setItems] = useState<Authorization[] | null>(null);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [target, setTarget] = useState<Authorization | null>(null);

  const load = async () => {
    try {
      setItems((await api<{ authorizations: Authorization[] }>('/v1/authorizations')).authorizations);
      setError('');
    } catch (e) {
      setError(errorText(e));
    }
  };

  useEffect(() => {
    load();
  }, []);

  const revoked = async (done: boolean) => {
    const order = target?.orderNumber;
    setTarget(null);
    if (!done) return;
    await load();
    setNotice(`Authorization ${order} revoked.`);
  };

  return (
    <section aria-labelledby="authorizations-title">
      <div class="page-head">
        <h1 id="authorizations-title">Authorizations</h1>
      </div>
      <p class="hint">Live face search runs only on the cameras an authorization names, against its collection, until it expires or is revoked. Each change is audited.</p>
      {notice && <p class="verified" role="status">{notice}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      {items === null ? <p class="empty">Loading…</p> : items.length === 0 ? <p class="empty">No authorizations.</p> : (
        <div class="table-wrap">
          <table class="grid">
            <caption class="sr-only">Authorizations, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Order</th><th scope="col">Authority</th><th scope="col">Case</th><th scope="col">Purpose</th>
                <th scope="col">Cameras</th><th scope="col">Collection</th><th scope="col">Period</th><th scope="col">State</th>
                <th scope="col"><span class="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => {
                const f = flag(a);
                return (
                  <tr key={a.id} data-testid="authorization-row" data-authorization-id={a.id} class={`auth-${f.cls}`}>
                    <td class="nowrap">{a.orderNumber}</td>
                    <td>{a.authority}</td>
                    <td>{a.case}</td>
                    <td>{a.purpose}</td>
                    <td>{a.cameras.join(', ')}</td>
                    <td>{a.collectionId}{a.faceMatchThreshold !== null && <span class="hint"> (≥ {a.faceMatchThreshold}%)</span>}</td>
                    <td>{when.format(new Date(a.startsAt))} – {when.format(new Date(a.expiresAt))}</td>
                    <td>
                      <span class={`badge ${f.cls}`} data-testid="authorization-state">{f.text}</span>
                      {a.revokedAt && <div class="hint">{when.format(new Date(a.revokedAt))} by <span class="mono">{a.revokedBy}</span>: {a.revokeReason}</div>}
                    </td>
                    <td>
                      {a.state !== 'revoked' && a.state !== 'expired' && (
                        <button type="button" class="quiet danger-text" data-testid="authorization-revoke" onClick={() => { setNotice(''); setTarget(a); }}>
                          Revoke…<span class="sr-only"> {a.orderNumber}</span>
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <AuthorizationForm onCreated={async () => { await load(); setNotice('Authorization recorded.'); }} />
      <RevokeDialog target={target} onDone={revoked} />
    </section>
  );
}
