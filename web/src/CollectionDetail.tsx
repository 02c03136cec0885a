import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import { count, path, type Described, type Face, type User } from './collections';
import { ConfirmDialog, errorText, type Confirmation } from './ConfirmDialog';
import { EnrolForm } from './EnrolForm';
import { UsersPanel } from './UsersPanel';

type FacePage = { faces: Face[]; nextToken?: string | null };
type Deletion = { deletedFaces: string[]; unsuccessfulFaceDeletions: { faceId: string; userId?: string | null; reasons: string[] }[] };

const why: Record<string, string> = {
  UNDER_LEGAL_HOLD: 'a legal hold keeps it; lift the hold first',
  ASSOCIATED_TO_AN_EXISTING_USER: 'it belongs to a user; delete the user or disassociate the face first',
  FACE_NOT_FOUND: 'it is no longer in the collection',
};

/** The enrolled face's thumbnail when the server kept one; a neutral placeholder when it did not. */
function Thumbnail({ collection, face }: { collection: string; face: Face }) {
  const [failed, setFailed] = useState(false);
  if (failed) return <span class="thumb no-thumb">No image</span>;
  return (
    <img class="thumb" src={`/v1/collections/${path(collection, 'faces', face.faceId, 'image.jpg')}`} alt={`Face ${face.externalImageId ?? face.faceId}`}
      loading="lazy" width={56} height={56} onError={() => setFailed(true)} />
  );
}

/** One collection: counts, faces (paged), users; enrol, delete faces, users and the collection for the index capability. */
export function CollectionDetail({ id, mayIndex, onBack, onDeleted }: { id: string; mayIndex: boolean; onBack: () => void; onDeleted: () => void }) {
  const [described, setDescribed] = useState<Described | null>(null);
  const [faces, setFaces] = useState<Face[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [users, setUsers] = useState<User[]>([]);
  const [error, setError] = useState('');
  const [confirm, setConfirm] = useState<Confirmation | null>(null);
  const [notice, setNotice] = useState('');
  const base = `/v1/collections/${path(id)}`;

  const loadFaces = async (token: string | null) => {
    const q = new URLSearchParams({ maxResults: '50' });
    if (token) q.set('nextToken', token);
    const page = await api<FacePage>(`${base}/faces?${q}`);
    setFaces((now) => (token ? [...now, ...page.faces] : page.faces));
    setNext(page.nextToken ?? null);
  };

  const loadUsers = async () => {
    const all: User[] = [];
    let token: string | undefined;
    do {
      const q = new URLSearchParams({ maxResults: '500' });
      if (token) q.set('nextToken', token);
      const page = await api<{ users: User[]; nextToken?: string | null }>(`${base}/users?${q}`);
      all.push(...page.users);
      token = page.nextToken ?? undefined;
    } while (token);
    setUsers(all);
  };

  const reload = async () => {
    try {
      const [d] = await Promise.all([api<Described>(base), loadFaces(null), loadUsers()]);
      setDescribed(d);
      setError('');
    } catch (e) {
      setError(errorText(e));
    }
  };

  useEffect(() => {
    reload();
  }, [id]);

  const deleteFace = (face: Face) => setConfirm({
    title: 'Delete this face?',
    message: `Face ${face.faceId}${face.externalImageId ? ` (${face.externalImageId})` : ''} will be deleted from ${id}: it will no longer match in searches. This cannot be undone.`,
    action: 'Delete face',
    run: async () => {
      const r = await api<Deletion>(`${base}/faces/${path(face.faceId)}`, { method: 'DELETE' });
      const refused = r.unsuccessfulFaceDeletions.find((u) => u.faceId === face.faceId);
      if (refused) throw new Error(`Not deleted: ${refused.reasons.map((x) => why[x] ?? x).join('; ')}.`);
      await reload();
      setNotice(`Face ${face.faceId} deleted.`);
    },
  });

  const deleteUser = (user: User) => setConfirm({
    title: 'Delete this user?',
    message: `User ${user.userId} will be deleted from ${id}. Its faces stay in the collection, no longer associated with anyone.`,
    action: 'Delete user',
    run: async () => {
      await api(`${base}/users/${path(user.userId)}`, { method: 'DELETE' });
      await reload();
      setNotice(`User ${user.userId} deleted.`);
    },
  });

  const deleteCollection = () => setConfirm({
    title: `Delete collection ${id}?`,
    message: `Collection ${id} will be deleted with all ${described?.faceCount ?? 'its'} faces and ${described?.userCount ?? 'its'} users. This cannot be undone.`,
    action: 'Delete collection',
    run: async () => {
      await api(base, { method: 'DELETE' });
      onDeleted();
    },
  });

  return (
    <section aria-labelledby="collection-title">
      <p><button type="button" class="quiet" onClick={onBack}>← All collections</button></p>
      <div class="page-head">
        <h1 id="collection-title">Collection {id}</h1>
        {mayIndex && <button type="button" class="danger" data-testid="collection-delete" onClick={deleteCollection}>Delete collection…</button>}
      </div>
      {described && <p class="hint">{count(described.faceCount, 'face')} · {count(described.userCount, 'user')}</p>}
      {notice && <p class="verified" role="status">{notice}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      {mayIndex && <EnrolForm base={base} onEnrolled={reload} />}

      <h2>Faces</h2>
      {faces.length === 0 ? <p class="empty">No faces enrolled.</p> : (
        <div class="table-wrap">
          <table class="grid">
            <caption class="sr-only">Faces in {id}</caption>
            <thead>
              <tr>
                <th scope="col">Image</th><th scope="col">Face id</th><th scope="col">External image id</th><th scope="col">User</th>
                <th scope="col">Confidence</th>{mayIndex && <th scope="col"><span class="sr-only">Actions</span></th>}
              </tr>
            </thead>
            <tbody>
              {faces.map((f) => (
                <tr key={f.faceId} data-testid="face-row" data-face-id={f.faceId}>
                  <td><Thumbnail collection={id} face={f} /></td>
                  <td class="mono">{f.faceId}</td>
                  <td>{f.externalImageId ?? ''}</td>
                  <td>{f.userId ?? ''}</td>
                  <td>{f.confidence.toFixed(1)}%</td>
                  {mayIndex && <td><button type="button" class="quiet danger-text" data-testid="face-delete" onClick={() => deleteFace(f)}>Delete<span class="sr-only"> face {f.faceId}</span></button></td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next && <button type="button" class="quiet" onClick={() => loadFaces(next).catch((e) => setError(errorText(e)))}>More faces</button>}

      <UsersPanel base={base} users={users} faces={faces} mayIndex={mayIndex} onChanged={reload} onDelete={deleteUser} />
      <ConfirmDialog confirm={confirm} onDone={() => setConfirm(null)} />
    </section>
  );
}
