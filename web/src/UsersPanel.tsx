import { useState } from 'preact/hooks';
import { api } from './api';
import { path, userIdPattern, type Face, type User } from './collections';
import { errorText } from './ConfirmDialog';

type Props = { base: string; users: User[]; faces: Face[]; mayIndex: boolean; onChanged: () => Promise<void>; onDelete: (u: User) => void };

/** A collection's users; for the index capability: create one, associate a face with one, delete one (confirmed). */
export function UsersPanel({ base, users, faces, mayIndex, onChanged, onDelete }: Props) {
  const [userId, setUserId] = useState('');
  const [assocUser, setAssocUser] = useState('');
  const [assocFace, setAssocFace] = useState('');
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const free = faces.filter((f) => !f.userId);

  const act = async (what: () => Promise<string>) => {
    setError('');
    setNotice('');
    try {
      const done = await what();
      await onChanged();
      setNotice(done);
    } catch (e) {
      setError(errorText(e));
    }
  };

  const create = (e: Event) => {
    e.preventDefault();
    const id = userId.trim();
    if (!userIdPattern.test(id)) return setError('A user id is 1 to 128 of a–z, A–Z, 0–9, “_”, “.”, “-” and “:”.');
    act(async () => {
      await api(`${base}/users`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ userId: id }) });
      setUserId('');
      return `User ${id} created.`;
    });
  };

  const associate = (e: Event) => {
    e.preventDefault();
    if (!assocUser || !assocFace) return;
    act(async () => {
      const r = await api<{ associatedFaces: { faceId: string }[]; unsuccessfulFaceAssociations: { reasons: string[] }[] }>(
        `${base}/users/${path(assocUser)}/faces`,
        { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ faceIds: [assocFace] }) });
      const refused = r.unsuccessfulFaceAssociations[0];
      if (refused) throw new Error(`Not associated: ${refused.reasons.map((x) => x.toLowerCase().replaceAll('_', ' ')).join(', ')}.`);
      setAssocFace('');
      return `Face ${assocFace} associated with ${assocUser}.`;
    });
  };

  return (
    <>
      <h2>Users</h2>
      {notice && <p class="verified" role="status">{notice}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      {users.length === 0 ? <p class="empty">No users.</p> : (
        <ul class="users">
          {users.map((u) => (
            <li key={u.userId} data-testid="user-row">
              <span class="mono">{u.userId}</span> <span class="hint">{u.userStatus.toLowerCase()}</span>
              {mayIndex && <button type="button" class="quiet danger-text" data-testid="user-delete" onClick={() => onDelete(u)}>Delete<span class="sr-only"> user {u.userId}</span></button>}
            </li>
          ))}
        </ul>
      )}
      {mayIndex && (
        <div class="user-forms">
          <form class="inline-form" onSubmit={create}>
            <label for="new-user">New user id</label>
            <input id="new-user" data-testid="user-name" required maxLength={128} value={userId} onInput={(e) => setUserId(e.currentTarget.value)} />
            <button type="submit">Create user</button>
          </form>
          {users.length > 0 && free.length > 0 && (
            <form class="inline-form" onSubmit={associate}>
              <label for="assoc-face">Face</label>
              <select id="assoc-face" required value={assocFace} onChange={(e) => setAssocFace(e.currentTarget.value)}>
                <option value="" disabled>Choose a face</option>
                {free.map((f) => <option key={f.faceId} value={f.faceId}>{f.externalImageId ? `${f.externalImageId} · ` : ''}{f.faceId.slice(0, 8)}</option>)}
              </select>
              <label for="assoc-user">User</label>
              <select id="assoc-user" required value={assocUser} onChange={(e) => setAssocUser(e.currentTarget.value)}>
                <option value="" disabled>Choose a user</option>
                {users.map((u) => <option key={u.userId} value={u.userId}>{u.userId}</option>)}
              </select>
              <button type="submit" disabled={!assocFace || !assocUser}>Associate</button>
            </form>
          )}
        </div>
      )}
    </>
  );
}
