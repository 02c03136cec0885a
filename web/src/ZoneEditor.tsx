import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api';
import type { CameraDefinition } from './CameraSettings';
import { message } from './ui';

/** A zone as the API lists it: a polygon in relative frame coordinates (0–1 from the top left). */
export type Zone = { name: string; polygon: { x: number; y: number }[]; labels: string[]; loiterSeconds: number };

type Draft = Zone & { closed: boolean };

const round = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 10_000) / 10_000;

/**
 * Draws a camera's zones on its latest analysed frame (a neutral grey 16:9 canvas when there is none): click to add
 * points, close the polygon, name it, set its loitering time, delete points or zones, and save them to the camera.
 */
export function ZoneEditor({ camera, onClose }: { camera: CameraDefinition; onClose: (saved: boolean) => void }) {
  const [zones, setZones] = useState<Draft[]>(camera.zones.map((z) => ({ ...z, closed: true })));
  const [active, setActive] = useState(camera.zones.length > 0 ? 0 : -1);
  const [frame, setFrame] = useState<{ url: string; width: number; height: number } | null>(null);
  const [error, setError] = useState('');
  const svg = useRef<SVGSVGElement>(null);

  useEffect(() => {
    let url = '';
    let stop = false;
    fetch(`/v1/cameras/${encodeURIComponent(camera.name)}/live.jpg`, { credentials: 'same-origin', cache: 'no-store' })
      .then(async (r) => {
        if (!r.ok || stop) return;
        url = URL.createObjectURL(await r.blob());
        const img = new Image();
        img.onload = () => !stop && setFrame({ url, width: img.naturalWidth, height: img.naturalHeight });
        img.src = url;
      })
      .catch(() => undefined); // no frame: the grey canvas
    return () => {
      stop = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [camera.name]);

  const width = frame?.width ?? 1600;
  const height = frame?.height ?? 900;
  const zone = zones[active] as Draft | undefined;
  const change = (i: number, next: Partial<Draft>) => setZones(zones.map((z, j) => (j === i ? { ...z, ...next } : z)));

  const addZone = () => {
    const names = new Set(zones.map((z) => z.name));
    let n = zones.length + 1;
    while (names.has(`zone-${n}`)) n++;
    setZones([...zones, { name: `zone-${n}`, polygon: [], labels: [], loiterSeconds: 0, closed: false }]);
    setActive(zones.length);
  };

  const click = (e: MouseEvent) => {
    if (!zone || zone.closed || !svg.current) return;
    const box = svg.current.getBoundingClientRect();
    const point = { x: round((e.clientX - box.left) / box.width), y: round((e.clientY - box.top) / box.height) };
    change(active, { polygon: [...zone.polygon, point] });
  };

  const save = async () => {
    if (zones.some((z) => !z.closed || z.polygon.length < 3)) {
      setError('Close every zone (at least 3 points) before saving, or delete it.');
      return;
    }
    try {
      const body = { zones: zones.map((z) => ({ name: z.name.trim(), polygon: z.polygon.flatMap((p) => [p.x, p.y]), labels: z.labels, loiterSeconds: z.loiterSeconds })) };
      await api(`/v1/cameras/${encodeURIComponent(camera.name)}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      onClose(true);
    } catch (err) {
      setError(message(err));
    }
  };

  const pts = (z: Draft) => z.polygon.map((p) => `${p.x * width},${p.y * height}`).join(' ');
  const r = Math.max(width, height) / 140;

  return (
    <section class="zones" aria-labelledby="zones-title">
      <div class="page-head">
        <h2 id="zones-title">Zones of {camera.name}</h2>
        <button type="button" class="quiet" onClick={() => onClose(false)}>Back to cameras</button>
      </div>
      <p class="hint">
        {zone && !zone.closed
          ? `Click on the picture to add the points of ${zone.name}; close the polygon when it has at least 3.`
          : 'Choose a zone to change it, or add one and click its points on the picture.'}
        {!frame && ' No frame from this camera yet: drawing on a blank 16:9 canvas.'}
      </p>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="zone-layout">
        <svg ref={svg} class={`zone-canvas${zone && !zone.closed ? ' drawing' : ''}`} viewBox={`0 0 ${width} ${height}`} data-testid="zone-canvas"
          role="img" aria-label={`Zones of ${camera.name}: ${zones.map((z) => `${z.name}, ${z.polygon.length} points`).join('; ') || 'none'}`} onClick={click}>
          {frame ? <image href={frame.url} x="0" y="0" width={width} height={height} /> : <rect x="0" y="0" width={width} height={height} fill="#8a9299" />}
          {zones.map((z, i) => (
            <g key={i} class={i === active ? 'zone active' : 'zone'}>
              {z.closed ? (
                <polygon points={pts(z)} fill={i === active ? '#ffd400' : '#4fc3f7'} fill-opacity="0.3" stroke={i === active ? '#ffd400' : '#4fc3f7'} stroke-width={r / 2} />
              ) : (
                <polyline points={pts(z)} fill="none" stroke="#ffd400" stroke-width={r / 2} />
              )}
              {i === active && z.polygon.map((p, k) => <circle key={k} cx={p.x * width} cy={p.y * height} r={r} fill="#ffd400" stroke="#000" stroke-width={r / 5} />)}
              {z.polygon.length > 0 && (
                <text x={z.polygon[0].x * width + r * 1.5} y={z.polygon[0].y * height - r} fill="#fff" stroke="#000" stroke-width={r / 6} font-size={r * 3} font-weight="700">{z.name}</text>
              )}
            </g>
          ))}
        </svg>
        <div class="zone-list">
          <ul>
            {zones.map((z, i) => (
              <li key={i}>
                <button type="button" class="quiet" aria-pressed={i === active} data-testid="zone-select" onClick={() => setActive(i)}>
                  {z.name} ({z.polygon.length} points{z.closed ? '' : ', open'})
                </button>
              </li>
            ))}
          </ul>
          <button type="button" class="quiet" data-testid="zone-add" onClick={addZone}>New zone</button>
          {zone && (
            <fieldset class="settings-form" data-testid="zone-detail">
              <legend>{zone.name}</legend>
              <label>Name<input value={zone.name} data-testid="zone-name" onInput={(e) => change(active, { name: e.currentTarget.value })} /></label>
              <label>
                Loitering time (seconds, 0: at once)
                <input type="number" min="0" max="3600" value={zone.loiterSeconds} data-testid="zone-loiter"
                  onInput={(e) => change(active, { loiterSeconds: Math.max(0, Math.round(Number(e.currentTarget.value) || 0)) })} />
              </label>
              <label>
                Labels (comma-separated; empty: every label the camera watches)
                <input value={zone.labels.join(', ')} onChange={(e) => change(active, { labels: e.currentTarget.value.split(',').map((s) => s.trim()).filter(Boolean) })} />
              </label>
              <ol class="points">
                {zone.polygon.map((p, k) => (
                  <li key={k}>
                    {p.x.toFixed(3)}, {p.y.toFixed(3)}{' '}
                    <button type="button" class="quiet small" aria-label={`Delete point ${k + 1}`} onClick={() => change(active, { polygon: zone.polygon.filter((_, j) => j !== k) })}>Delete</button>
                  </li>
                ))}
              </ol>
              <div class="row-actions">
                {zone.closed ? (
                  <button type="button" class="quiet" onClick={() => change(active, { closed: false })}>Add points</button>
                ) : (
                  <button type="button" data-testid="zone-close" disabled={zone.polygon.length < 3} onClick={() => change(active, { closed: true })}>Close polygon</button>
                )}
                <button type="button" class="quiet danger" data-testid="zone-delete"
                  onClick={() => { setZones(zones.filter((_, j) => j !== active)); setActive(zones.length > 1 ? 0 : -1); }}>Delete zone</button>
              </div>
            </fieldset>
          )}
          <button type="button" data-testid="zones-save" onClick={save}>Save zones</button>
        </div>
      </div>
    </section>
  );
}
