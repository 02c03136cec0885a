import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import { errorText } from './ConfirmDialog';

type Policy = { identificationThresholdFloor: number; purposes: string[] };
type Camera = { name: string; labels: string[] };

const empty = { orderNumber: '', authority: '', caseId: '', purpose: '', collectionId: '', threshold: '', startsAt: '', expiresAt: '' };
const maxDays = 366;
const printable = (s: string, max: number) => s.trim().length > 0 && s.length <= max && !/[\u0000-\u001f\u007f]/.test(s);

/** Records an authorization with every field the API requires, checked here first as the server checks them. */
export function AuthorizationForm({ onCreated }: { onCreated: (id: string) => Promise<void> }) {
  const [policy, setPolicy] = useState<Policy | null>(null);
  const [cameras, setCameras] = useState<Camera[]>([]);
  const [collections, setCollections] = useState<string[]>([]);
  const [form, setForm] = useState(empty);
  const [chosen, setChosen] = useState<string[]>([]);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<Policy>('/v1/policy').then(setPolicy).catch((e) => setError(errorText(e)));
    api<{ cameras: Camera[] }>('/v1/cameras')
      .then((r) => setCameras(r.cameras.filter((c) => c.labels.some((l) => l.toLowerCase() === 'person'))))
      .catch((e) => setError(errorText(e)));
    api<{ collectionIds: string[] }>('/v1/collections?maxResults=4096').then((r) => setCollections(r.collectionIds)).catch((e) => setError(errorText(e)));
  }, []);

  const check = (): string | null => {
    if (!printable(form.orderNumber, 128)) return 'Give the order or warrant number (1 to 128 printable characters).';
    if (!printable(form.authority, 256)) return 'Give the authority that issued it (1 to 256 printable characters).';
    if (!printable(form.caseId, 128)) return 'Give the case (1 to 128 printable characters).';
    if (!form.purpose) return 'Choose the purpose.';
    if (!form.collectionId) return 'Choose the watchlist collection.';
    if (chosen.length === 0) return 'Choose at least one camera.';
    if (form.threshold) {
      const t = Number(form.threshold);
      const floor = policy?.identificationThresholdFloor ?? 0;
      if (!Number.isFinite(t) || t < floor || t > 100) return `The match threshold is between ${floor} and 100.`;
    }
    const starts = form.startsAt ? new Date(form.startsAt).getTime() : Date.now();
    const expires = new Date(form.expiresAt).getTime();
    if (!form.expiresAt || Number.isNaN(expires)) return 'Give the expiry: an authorization always ends.';
    if (expires <= Date.now()) return 'The expiry has passed.';
    if (expires <= starts) return 'The expiry must be after the start.';
    if (expires - starts > maxDays * 86_400_000) return `An authorization lasts at most ${maxDays} days; record a renewal as a new one.`;
    return null;
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const problem = check();
    setError(problem ?? '');
    if (problem) return;
    setBusy(true);
    try {
      const created = await api<{ id: string }>('/v1/authorizations', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          orderNumber: form.orderNumber.trim(),
          authority: form.authority.trim(),
          cameras: chosen,
          collectionId: form.collectionId,
          case: form.caseId.trim(),
          purpose: form.purpose,
          faceMatchThreshold: form.threshold ? Number(form.threshold) : null,
          startsAt: form.startsAt ? new Date(form.startsAt).toISOString() : null,
          expiresAt: new Date(form.expiresAt).toISOString(),
        }),
      });
      setForm(empty);
      setChosen([]);
      await onCreated(created.id);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const text = (name: keyof typeof empty, label: string, type: 'text' | 'number' | 'datetime-local' = 'text', required = true) => {
    const attrs = { id: `auth-${name}`, required, 'data-testid': `auth-${name}`, value: form[name],
      onInput: (e: { currentTarget: HTMLInputElement }) => setForm({ ...form, [name]: e.currentTarget.value }) };
    return (
      <label>
        {label}
        {type === 'number' ? <input type="number" min={0} max={100} step="any" {...attrs} />
          : type === 'datetime-local' ? <input type="datetime-local" {...attrs} /> : <input type="text" maxLength={256} {...attrs} />}
      </label>
    );
  };
  const select = (name: 'purpose' | 'collectionId', label: string, options: string[]) => (
    <label>
      {label}
      <select required data-testid={`auth-${name}`} value={form[name]} onChange={(e) => setForm({ ...form, [name]: e.currentTarget.value })}>
        <option value="" disabled>Choose…</option>
        {options.map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    </label>
  );

  return (
    <form class="authorize" onSubmit={submit} noValidate aria-labelledby="authorize-title">
      <h2 id="authorize-title">Record an authorization</h2>
      <div class="fields">
        {text('orderNumber', 'Order number')}
        {text('authority', 'Authority')}
        {text('caseId', 'Case')}
        {select('purpose', 'Purpose', policy?.purposes ?? [])}
        {select('collectionId', 'Watchlist collection', collections)}
        {text('threshold', `Match threshold (optional, ≥ ${policy?.identificationThresholdFloor ?? 0})`, 'number', false)}
        {text('startsAt', 'Starts (optional, now if empty)', 'datetime-local', false)}
        {text('expiresAt', 'Expires', 'datetime-local')}
      </div>
      <fieldset>
        <legend>Cameras (those that watch people)</legend>
        {cameras.length === 0 && <p class="empty">No camera watches “person”.</p>}
        {cameras.map((c) => (
          <label key={c.name} class="check">
            <input type="checkbox" checked={chosen.includes(c.name)}
              onChange={(e) => setChosen(e.currentTarget.checked ? [...chosen, c.name] : chosen.filter((n) => n !== c.name))} />
            {c.name}
          </label>
        ))}
      </fieldset>
      {error && <p class="error" role="alert">{error}</p>}
      <button type="submit" data-testid="auth-create" disabled={busy}>{busy ? 'Recording…' : 'Record authorization'}</button>
    </form>
  );
}
