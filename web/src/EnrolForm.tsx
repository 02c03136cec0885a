import { useState } from 'preact/hooks';
import { api } from './api';
import { count, externalImageIdPattern } from './collections';
import { errorText } from './ConfirmDialog';

type Indexed = {
  faceRecords: { face: { faceId: string } }[];
  unindexedFaces: { reasons: string[] }[];
};

const reason = (r: string) => r.toLowerCase().replaceAll('_', ' ');
const faces = (n: number) => count(n, 'face');

/** Enrol from the browser: a photo and an optional external image id; says what was indexed and what was not, and why. */
export function EnrolForm({ base, onEnrolled }: { base: string; onEnrolled: () => Promise<void> }) {
  const [file, setFile] = useState<File | null>(null);
  const [external, setExternal] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [result, setResult] = useState<Indexed | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const ext = external.trim();
    if (!file) return setError('Choose a photo to enrol.');
    if (ext && !externalImageIdPattern.test(ext)) return setError('An external image id is 1 to 255 of a–z, A–Z, 0–9, “_”, “.”, “-” and “:”.');
    setBusy(true);
    setError('');
    setResult(null);
    try {
      const q = ext ? `?${new URLSearchParams({ externalImageId: ext })}` : '';
      const r = await api<Indexed>(`${base}/faces${q}`, {
        method: 'POST',
        headers: { 'Content-Type': file.type || 'application/octet-stream' },
        body: file,
      });
      setResult(r);
      form.reset();
      setFile(null);
      setExternal('');
      await onEnrolled();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="enrol" onSubmit={submit} aria-labelledby="enrol-title">
      <h2 id="enrol-title">Enrol faces from a photo</h2>
      <label for="enrol-image">Photo</label>
      <input id="enrol-image" data-testid="enrol-upload" type="file" accept="image/jpeg,image/png,image/webp,image/bmp" required
        onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
      <label for="enrol-external">External image id (optional)</label>
      <input id="enrol-external" data-testid="enrol-external" maxLength={255} value={external} onInput={(e) => setExternal(e.currentTarget.value)} />
      <button type="submit" data-testid="enrol-submit" disabled={busy || !file}>{busy ? 'Enrolling…' : 'Enrol'}</button>
      {error && <p class="error" role="alert">{error}</p>}
      {result && (
        <div role="status" data-testid="enrol-result">
          <p class="verified">{faces(result.faceRecords.length)} indexed, {faces(result.unindexedFaces.length)} not indexed.</p>
          {result.unindexedFaces.length > 0 && (
            <ul class="reasons">
              {result.unindexedFaces.map((u, i) => <li key={i}>Not indexed: {u.reasons.map(reason).join(', ')}</li>)}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}
