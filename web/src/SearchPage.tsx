import { useEffect, useState } from 'preact/hooks';
import { api } from './api';

type Policy = { requireCase: boolean; identificationThresholdFloor: number; purposes: string[] };
type Match = { similarity: number; face: { faceId: string; externalImageId: string | null; userId?: string | null } };
type Result = { searchedFaceConfidence: number; faceMatches: Match[] };

/**
 * An identification search bound to a case and a purpose: the photo, the collection, why. What comes back are
 * candidates — leads a person must review — never identifications.
 */
export function SearchPage() {
  const [policy, setPolicy] = useState<Policy | null>(null);
  const [collections, setCollections] = useState<string[]>([]);
  const [collection, setCollection] = useState('');
  const [caseId, setCaseId] = useState('');
  const [purpose, setPurpose] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [result, setResult] = useState<{ collection: string; caseId: string; purpose: string; r: Result } | null>(null);

  useEffect(() => {
    api<Policy>('/v1/policy').then(setPolicy).catch((e) => setError(e.message));
    api<{ collectionIds: string[] }>('/v1/collections?maxResults=4096')
      .then((r) => setCollections(r.collectionIds))
      .catch((e) => setError(e.message));
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError('');
    setResult(null);
    try {
      const form = new FormData();
      form.append('image', file);
      const r = await api<Result>(`/v1/collections/${encodeURIComponent(collection)}/searches`, {
        method: 'POST',
        headers: { 'X-Sightline-Case': caseId.trim(), 'X-Sightline-Purpose': purpose },
        body: form,
      });
      setResult({ collection, caseId: caseId.trim(), purpose, r });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="search-title">
      <div class="page-head">
        <h1 id="search-title">Search a collection</h1>
      </div>
      <p class="hint">
        A search is recorded with your key, the case and the purpose. Every candidate it returns is a lead for a
        reviewer to decide — never an identification.
        {policy && <> Matches below {policy.identificationThresholdFloor}% similarity are not returned.</>}
      </p>
      <form class="search" onSubmit={submit}>
        <label for="search-image">Photo</label>
        <input id="search-image" data-testid="search-upload" type="file" accept="image/jpeg,image/png,image/webp" required
          onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        <label for="search-collection">Collection</label>
        <select id="search-collection" required value={collection} onChange={(e) => setCollection(e.currentTarget.value)}>
          <option value="" disabled>Choose a collection</option>
          {collections.map((c) => <option key={c} value={c}>{c}</option>)}
        </select>
        <label for="search-case">Case</label>
        <input id="search-case" data-testid="search-case" required={policy?.requireCase ?? true} maxLength={128} value={caseId}
          onInput={(e) => setCaseId(e.currentTarget.value)} />
        <label for="search-purpose">Purpose</label>
        <select id="search-purpose" data-testid="search-purpose" required value={purpose} onChange={(e) => setPurpose(e.currentTarget.value)}>
          <option value="" disabled>Choose the purpose</option>
          {(policy?.purposes ?? []).map((p) => <option key={p} value={p}>{p}</option>)}
        </select>
        <button type="submit" data-testid="search-submit" disabled={busy || !file || !collection || !purpose}>{busy ? 'Searching…' : 'Search'}</button>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {result && (
        <div class="results" role="status">
          <h2>{result.r.faceMatches.length === 0 ? 'No candidates' : result.r.faceMatches.length === 1 ? '1 candidate — a lead for review' : `${result.r.faceMatches.length} candidates — leads for review`}</h2>
          <p class="hint">
            In {result.collection}, case {result.caseId || '(none)'}, purpose {result.purpose}.{' '}
            {result.r.faceMatches.length > 0 && 'Each is now a pending lead in the review queue; none is an identification until a reviewer decides it.'}
          </p>
          <ul class="candidates">
            {result.r.faceMatches.map((m) => (
              <li key={m.face.faceId} data-testid="search-candidate">
                <strong>Lead for review</strong> · similarity {m.similarity.toFixed(2)}% · face {m.face.faceId}
                {m.face.externalImageId && <> · {m.face.externalImageId}</>}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
