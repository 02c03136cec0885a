import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import { ConfirmButton, list, message } from './ui';
import { ZoneEditor, type Zone } from './ZoneEditor';

export type CameraDefinition = {
  name: string;
  url: string;
  hasCredentials: boolean;
  rtspTransport: string;
  fps: number;
  width: number | null;
  height: number | null;
  labels: string[];
  zones: Zone[];
  readPlates: boolean;
  enabled: boolean;
  retainDays: number;
  state: string;
  reason: string | null;
};

type Form = { name: string; url: string; fps: string; size: string; labels: string; rtspTransport: string; readPlates: boolean; enabled: boolean; retainDays: string };

const blank: Form = { name: '', url: '', fps: '5', size: '', labels: 'person', rtspTransport: 'tcp', readPlates: false, enabled: true, retainDays: '30' };

const formOf = (c: CameraDefinition): Form => ({
  name: c.name,
  url: c.url,
  fps: String(c.fps),
  size: c.width && c.height ? `${c.width}x${c.height}` : '',
  labels: c.labels.join(', '),
  rtspTransport: c.rtspTransport,
  readPlates: c.readPlates,
  enabled: c.enabled,
  retainDays: String(c.retainDays),
});

/** Cameras: list, add, change, remove, and draw their zones. */
export function CameraSettings() {
  const [cameras, setCameras] = useState<CameraDefinition[]>([]);
  const [editing, setEditing] = useState<CameraDefinition | 'new' | null>(null);
  const [zonesOf, setZonesOf] = useState<string | null>(null);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');

  const load = () => api<{ cameras: CameraDefinition[] }>('/v1/cameras').then((r) => setCameras(r.cameras)).catch((e) => setError(message(e)));
  useEffect(() => {
    load();
  }, []);

  const done = async (text: string) => {
    setStatus(text);
    setError('');
    setEditing(null);
    await load();
  };

  const remove = async (name: string) => {
    try {
      await api<void>(`/v1/cameras/${encodeURIComponent(name)}`, { method: 'DELETE' });
      if (zonesOf === name) setZonesOf(null);
      await done(`Camera ${name} removed.`);
    } catch (e) {
      setError(message(e));
    }
  };

  const zoned = cameras.find((c) => c.name === zonesOf);
  if (zoned)
    return <ZoneEditor camera={zoned} onClose={async (saved) => { setZonesOf(null); if (saved) await done(`Zones of ${zoned.name} saved.`); }} />;

  return (
    <div>
      <div class="page-head">
        <h2>Cameras</h2>
        {editing === null && <button type="button" data-testid="camera-add" onClick={() => setEditing('new')}>Add camera</button>}
      </div>
      {status && <p role="status" class="verified">{status}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      {editing !== null && <CameraForm camera={editing === 'new' ? null : editing} onSaved={done} onCancel={() => setEditing(null)} />}
      {cameras.length === 0 ? (
        <p class="empty">No cameras yet.</p>
      ) : (
        <div class="table-wrap">
          <table class="data wide">
            <caption class="sr-only">Cameras</caption>
            <thead>
              <tr><th scope="col">Camera</th><th scope="col">Source</th><th scope="col">Rate</th><th scope="col">Labels</th><th scope="col">Zones</th><th scope="col">State</th><th scope="col"><span class="sr-only">Actions</span></th></tr>
            </thead>
            <tbody>
              {cameras.map((c) => (
                <tr key={c.name} data-testid="camera-settings-row" data-camera={c.name}>
                  <td>{c.name}</td>
                  <td class="mono url">{c.url}{c.hasCredentials ? ' (with credentials)' : ''}</td>
                  <td>{c.fps} fps</td>
                  <td>{c.labels.join(', ')}</td>
                  <td>{c.zones.map((z) => z.name).join(', ') || 'none'}</td>
                  <td><span class={`state ${c.state}`}>{c.state}</span></td>
                  <td class="row-actions">
                    <button type="button" class="quiet" onClick={() => setEditing(c)}>Edit</button>
                    <button type="button" class="quiet" data-testid="camera-zones" onClick={() => setZonesOf(c.name)}>Zones</button>
                    <ConfirmButton label="Remove" confirm={`Remove camera ${c.name}?`} testId="camera-remove" onConfirm={() => remove(c.name)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** Adds a camera (POST) or changes one (PATCH: only what the form changed, so sealed credentials stay unless the URL changes). */
function CameraForm({ camera, onSaved, onCancel }: { camera: CameraDefinition | null; onSaved: (text: string) => Promise<void>; onCancel: () => void }) {
  const original = camera ? formOf(camera) : blank;
  const [form, setForm] = useState<Form>(original);
  const [error, setError] = useState('');

  const submit = async (e: Event) => {
    e.preventDefault();
    const body: Record<string, unknown> = {
      fps: Number(form.fps),
      labels: list(form.labels),
      rtspTransport: form.rtspTransport,
      readPlates: form.readPlates,
      enabled: form.enabled,
      retainDays: Number(form.retainDays),
    };
    if (form.size.trim() !== '' && form.size !== original.size) body.size = form.size.trim();
    if (!camera || form.url !== original.url) body.url = form.url.trim();
    try {
      if (camera) {
        await api(`/v1/cameras/${encodeURIComponent(camera.name)}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
        await onSaved(`Camera ${camera.name} saved.`);
      } else {
        await api('/v1/cameras', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: form.name.trim(), ...body }) });
        await onSaved(`Camera ${form.name.trim()} added.`);
      }
    } catch (err) {
      setError(message(err));
    }
  };

  const text = (name: 'name' | 'url' | 'fps' | 'size' | 'labels' | 'retainDays', label: string, extra: Record<string, string | boolean> = {}) => (
    <label>
      {label}
      <input value={form[name]} data-testid={`camera-${name}`} {...extra} onInput={(e) => setForm({ ...form, [name]: e.currentTarget.value })} />
    </label>
  );

  return (
    <form class="settings-form" onSubmit={submit} aria-label={camera ? `Change camera ${camera.name}` : 'Add a camera'}>
      {error && <p class="error" role="alert">{error}</p>}
      {camera ? <p><strong>{camera.name}</strong></p> : text('name', 'Name', { required: true, pattern: '[A-Za-z0-9][A-Za-z0-9_\\-]{0,63}' })}
      {text('url', 'Source URL (rtsp://, rtsps://, http(s):// MJPEG or HLS)', { required: true })}
      {camera?.hasCredentials && <p class="hint">The URL's credentials are sealed and not shown; they stay unless you change the URL.</p>}
      {text('fps', 'Frames analysed per second (at most 10)', { inputMode: 'decimal' })}
      {text('size', 'Detect size WIDTHxHEIGHT (empty: the source\'s, at most 1280 wide)')}
      {text('labels', 'Labels watched (comma-separated)')}
      {text('retainDays', 'Days events are kept', { inputMode: 'numeric' })}
      <label>
        RTSP transport
        <select value={form.rtspTransport} onChange={(e) => setForm({ ...form, rtspTransport: e.currentTarget.value })}>
          <option value="tcp">tcp</option>
          <option value="udp">udp</option>
        </select>
      </label>
      <label class="check"><input type="checkbox" checked={form.readPlates} onChange={(e) => setForm({ ...form, readPlates: e.currentTarget.checked })} /> Read plates</label>
      <label class="check"><input type="checkbox" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.currentTarget.checked })} /> Enabled</label>
      <div class="row-actions">
        <button type="submit" data-testid="camera-save">{camera ? 'Save camera' : 'Add camera'}</button>
        <button type="button" class="quiet" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
