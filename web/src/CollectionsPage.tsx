import { useEffect, useState } from 'preact/hooks';
import { api, can, type Session } from './api';
import { CollectionDetail } from './CollectionDetail';
import { collectionIdPattern, path, when, type Described } from './collections';
import { errorText } from './ConfirmDialog';

type Row = { id: string; described: Described | null };

/** Collections with their face and user counts; one opens to its faces and users. Changes only for the index capability. */
export function CollectionsPage({ session }: { session: Session }) {
  const mayIndex = can(session, 'index');
  const [rows, setRows] = useState<Row[] | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState('');
  const [name, setName] = useState('');
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState('');

  const load = async () => {
    try {
      const ids: string[] = [];
      let token: string | undefined;
      do {
        const q = new URLSearchParams({ maxResults: '4096' });
        if (token) q.set('nextToken', token);
        const page = await api<{ collectionIds: string[]; nextToken?: string | null }>(`/v1/collections?${q}`);
        ids.push(...page.collectionIds);
        token = page.nextToken ?? undefined;
      } while (token);
      const described = await Promise.all(ids.map((id) => api<Described>(`/v1/collections/${path(id)}`).catch(() => null)));
      setRows(ids.map((id, i) => ({ id, described: described[i] ?? null })));
      setError('');
    } catch (e) {
      setError(errorText(e));
    }
  };

  useEffect(() => {
    if (open === null) load();
  }, [open]);

  const create = async (e: Event) => {
    e.preventDefault();
    const id = name.trim();
    if (!collectionIdPattern.test(id)) {
      setError('A collection id is 1 to 255 of a–z, A–Z, 0–9, “_”, “.” and “-”.');
      return;
    }
    setCreating(true);
    try {
      await api('/v1/collections', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ collectionId: id }) });
      setName('');
      await load();
      setNotice(`Collection ${id} created.`);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setCreating(false);
    }
  };

  if (open !== null)
    return (
      <CollectionDetail id={open} mayIndex={mayIndex} onBack={() => setOpen(null)}
        onDeleted={() => { setNotice(`Collection ${open} deleted.`); setRows((r) => r?.filter((x) => x.id !== open) ?? null); setOpen(null); }} />
    );

  return (
    <section aria-labelledby="collections-title">
      <div class="page-head">
        <h1 id="collections-title">Collections</h1>
      </div>
      {mayIndex && (
        <form class="inline-form" onSubmit={create}>
          <label for="new-collection">New collection id</label>
          <input id="new-collection" data-testid="collection-name" required maxLength={255} pattern="[a-zA-Z0-9_.\-]+" value={name}
            onInput={(e) => setName(e.currentTarget.value)} />
          <button type="submit" data-testid="collection-create" disabled={creating}>{creating ? 'Creating…' : 'Create collection'}</button>
        </form>
      )}
      {notice && <p class="verified" role="status">{notice}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      {rows === null ? <p class="empty">Loading…</p> : rows.length === 0 ? <p class="empty">No collections yet.</p> : (
        <div class="table-wrap">
          <table class="grid">
            <caption class="sr-only">Collections</caption>
            <thead>
              <tr><th scope="col">Collection</th><th scope="col">Faces</th><th scope="col">Users</th><th scope="col">Created</th></tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} data-testid="collection-row" data-collection={r.id}>
                  <td><button type="button" class="linkish" onClick={() => { setNotice(''); setOpen(r.id); }}>{r.id}</button></td>
                  <td>{r.described?.faceCount ?? '—'}</td>
                  <td>{r.described?.userCount ?? '—'}</td>
                  <td>{r.described ? when.format(new Date(r.described.creationTimestamp * 1000)) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
