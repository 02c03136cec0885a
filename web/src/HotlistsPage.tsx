import { useEffect, useState } from 'preact/hooks';
import { api, can, type Session } from './api';
import { path, when } from './collections';
import { ConfirmDialog, errorText, type Confirmation } from './ConfirmDialog';

type Entry = { list: string; plate: string; reason: string; expiresAt: string | null; addedBy: string; addedAt: string };

const listPattern = /^[a-z0-9_-]{1,64}$/;
const normalPlate = (p: string) => p.toUpperCase().replace(/[^A-Z0-9]/g, '');

/** Hotlists and their plates; adding and removing a plate is for administrators, as the API requires. */
export function HotlistsPage({ session }: { session: Session }) {
  const mayChange = can(session, 'administer');
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [form, setForm] = useState({ list: '', plate: '', reason: '', expires: '' });
  const [busy, setBusy] = useState(false);
  const [confirm, setConfirm] = useState<Confirmation | null>(null);

  const load = async () => {
    try {
      setEntries((await api<{ entries: Entry[] }>('/v1/hotlists')).entries);
      setError('');
    } catch (e) {
      setError(errorText(e));
    }
  };

  useEffect(() => {
    load();
  }, []);

  const add = async (e: Event) => {
    e.preventDefault();
    const list = form.list.trim(), plate = normalPlate(form.plate), reason = form.reason.trim();
    const expires = form.expires ? new Date(form.expires) : null;
    if (!listPattern.test(list)) return setError('A hotlist name is 1 to 64 of a–z, 0–9, “-” and “_”.');
    if (plate.length < 2 || plate.length > 10) return setError('A plate is 2 to 10 letters and digits (separators are dropped).');
    if (!reason || reason.length > 500) return setError('Give a reason of 1 to 500 characters.');
    if (expires && !(expires.getTime() > Date.now())) return setError('The expiry must be in the future.');
    setBusy(true);
    setError('');
    try {
      await api(`/v1/hotlists/${path(list, 'entries', plate)}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ reason, expiresAt: expires?.toISOString() ?? null }),
      });
      setForm({ list, plate: '', reason: '', expires: '' });
      await load();
      setNotice(`${plate} added to ${list}.`);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = (entry: Entry) => setConfirm({
    title: `Remove ${entry.plate} from ${entry.list}?`,
    message: `Plate ${entry.plate} will be removed from hotlist ${entry.list}: reads of it will no longer raise hotlist alerts.`,
    action: 'Remove plate',
    run: async () => {
      await api(`/v1/hotlists/${path(entry.list, 'entries', entry.plate)}`, { method: 'DELETE' });
      await load();
      setNotice(`${entry.plate} removed from ${entry.list}.`);
    },
  });

  const lists = [...new Set((entries ?? []).map((e) => e.list))].sort();
  const set = (name: keyof typeof form) => (e: { currentTarget: HTMLInputElement }) => setForm({ ...form, [name]: e.currentTarget.value });

  return (
    <section aria-labelledby="hotlists-title">
      <div class="page-head">
        <h1 id="hotlists-title">Hotlists</h1>
      </div>
      <p class="hint">A plate read on a hotlist raises an alert on the live events screen. Plates are kept normalised: letters and digits only.</p>
      {mayChange && (
        <form class="filters wrap" onSubmit={add} aria-label="Add a plate">
          <label>Hotlist<input data-testid="hotlist-list" required maxLength={64} list="hotlist-names" value={form.list} onInput={set('list')} /></label>
          <datalist id="hotlist-names">{lists.map((l) => <option key={l} value={l} />)}</datalist>
          <label>Plate<input data-testid="hotlist-plate" required maxLength={20} value={form.plate} onInput={set('plate')} /></label>
          <label>Reason<input data-testid="hotlist-reason" required maxLength={500} value={form.reason} onInput={set('reason')} /></label>
          <label>Expires (optional)<input type="datetime-local" value={form.expires} onInput={set('expires')} /></label>
          <button type="submit" data-testid="hotlist-add" disabled={busy}>{busy ? 'Adding…' : 'Add plate'}</button>
        </form>
      )}
      {notice && <p class="verified" role="status">{notice}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      {entries === null ? <p class="empty">Loading…</p> : entries.length === 0 ? <p class="empty">No plates on any hotlist.</p> : lists.map((list) => (
        <section key={list} aria-labelledby={`hotlist-${list}`}>
          <h2 id={`hotlist-${list}`}>{list}</h2>
          <div class="table-wrap">
            <table class="grid">
              <caption class="sr-only">Plates on {list}</caption>
              <thead>
                <tr>
                  <th scope="col">Plate</th><th scope="col">Reason</th><th scope="col">Expires</th><th scope="col">Added</th>
                  {mayChange && <th scope="col"><span class="sr-only">Actions</span></th>}
                </tr>
              </thead>
              <tbody>
                {entries.filter((e) => e.list === list).map((e) => (
                  <tr key={e.plate} data-testid="hotlist-row" data-plate={e.plate}>
                    <td class="plate">{e.plate}</td>
                    <td>{e.reason}</td>
                    <td>{e.expiresAt ? when.format(new Date(e.expiresAt)) : 'never'}</td>
                    <td>{when.format(new Date(e.addedAt))} by <span class="mono">{e.addedBy}</span></td>
                    {mayChange && <td><button type="button" class="quiet danger-text" data-testid="hotlist-remove" onClick={() => remove(e)}>Remove<span class="sr-only"> {e.plate}</span></button></td>}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
      <ConfirmDialog confirm={confirm} onDone={() => setConfirm(null)} />
    </section>
  );
}
