import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api';
import { fromStored, type LiveEvent } from './events';
import { LiveVideo, shownAt, type VideoState } from './LiveVideo';

type Camera = { name: string; state: string; reason: string | null; measuredFps: number; framesDropped: number; labels: string[] };
type Track = { id: string; label: string; box: { left: number; top: number; width: number; height: number }; stationary: boolean; loitering: boolean };
type Tracks = { at: string | null; width: number; height: number; tracks: Track[] };

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

const stateWords: Record<string, string> = {
  starting: 'Starting',
  streaming: 'Streaming',
  reconnecting: 'Reconnecting',
  error: 'Error',
  disabled: 'Disabled',
  idle: 'Idle',
};

/**
 * The camera wall: one tile per camera with its state and measured rate, its live video (its analysed frames until
 * that plays, or when it cannot) and the boxes of the objects it is tracking; a tile opens the camera large with its
 * recent events.
 */
export function CamerasPage() {
  const [cameras, setCameras] = useState<Camera[] | null>(null);
  const [error, setError] = useState('');
  const [open, setOpen] = useState<string | null>(null);

  useEffect(() => {
    let stop = false;
    const load = () =>
      api<{ cameras: Camera[] }>('/v1/cameras')
        .then((r) => !stop && (setCameras(r.cameras), setError('')))
        .catch((e) => !stop && setError(e.message));
    load();
    const timer = setInterval(load, 2000);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, []);

  const selected = cameras?.find((c) => c.name === open);
  if (selected) return <CameraLarge camera={selected} onClose={() => setOpen(null)} />;

  return (
    <section aria-labelledby="cameras-title">
      <div class="page-head">
        <h1 id="cameras-title">Cameras</h1>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {cameras === null ? (
        <p role="status">Loading…</p>
      ) : cameras.length === 0 ? (
        <p class="empty">No cameras yet. An administrator adds them with <code>sightline cameras add</code> or the API.</p>
      ) : (
        <ul class="wall">
          {cameras.map((c) => (
            <li key={c.name} data-testid="camera-tile" data-camera={c.name}>
              <button type="button" class="tile" onClick={() => setOpen(c.name)}>
                {c.state === 'streaming' ? <CameraVideo camera={c} compact /> : <LiveFrame camera={c} interval={1000} />}
                <span class="tile-facts">
                  <strong>{c.name}</strong>
                  <span class={`state ${c.state}`}>{stateWords[c.state] ?? c.state}</span>
                  {c.state === 'streaming' && <span>{c.measuredFps.toFixed(1)} fps</span>}
                </span>
                {c.reason && <span class="reason">{c.reason}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** A camera's latest frame with the boxes of what it tracks, refreshed every `interval` ms while it streams. */
function LiveFrame({ camera, interval }: { camera: Camera; interval: number }) {
  const [frame, setFrame] = useState<{ url: string; at: string } | null>(null);
  const [tracks, setTracks] = useState<Track[]>([]);
  const [aspect, setAspect] = useState('16 / 9');
  const url = useRef<string | null>(null);

  useEffect(() => {
    if (camera.state !== 'streaming') return;
    let stop = false;
    const refresh = async () => {
      try {
        const r = await fetch(`/v1/cameras/${encodeURIComponent(camera.name)}/live.jpg`, { credentials: 'same-origin', cache: 'no-store' });
        if (!r.ok || stop) return;
        const at = r.headers.get('X-Frame-Time') ?? '';
        const next = URL.createObjectURL(await r.blob());
        const t = await api<Tracks>(`/v1/cameras/${encodeURIComponent(camera.name)}/tracks`);
        if (stop) return URL.revokeObjectURL(next);
        if (url.current) URL.revokeObjectURL(url.current);
        url.current = next;
        setFrame({ url: next, at });
        // Boxes only when they belong to (about) the frame shown.
        const near = t.at && at && Math.abs(Date.parse(t.at) - Date.parse(at)) < 1000;
        setTracks(near ? t.tracks : []);
        if (t.width > 0 && t.height > 0) setAspect(`${t.width} / ${t.height}`);
      } catch {
        // the next refresh tries again
      }
    };
    refresh();
    const timer = setInterval(refresh, interval);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [camera.name, camera.state, interval]);

  useEffect(() => () => { if (url.current) URL.revokeObjectURL(url.current); }, []);

  return (
    <span class="frame" style={{ aspectRatio: aspect }}>
      {frame ? (
        <img src={frame.url} alt={`Camera ${camera.name}, ${frame.at ? when.format(new Date(frame.at)) : 'latest frame'}`} />
      ) : (
        <span class="no-frame">{camera.state === 'streaming' ? 'Waiting for a frame…' : stateWords[camera.state] ?? camera.state}</span>
      )}
      {frame && <TrackBoxes tracks={tracks} />}
    </span>
  );
}

/** The boxes of tracked objects, drawn over a frame or the video (relative coordinates). */
function TrackBoxes({ tracks }: { tracks: Track[] }) {
  return (
    <>
      {tracks.map((t) => (
        <span key={t.id} class={`track${t.loitering ? ' loitering' : ''}`} aria-hidden="true"
          style={{ left: pct(t.box.left), top: pct(t.box.top), width: pct(t.box.width), height: pct(t.box.height) }}>
          <span class="track-label">{t.label}{t.loitering ? ' · loitering' : t.stationary ? ' · still' : ''}</span>
        </span>
      ))}
    </>
  );
}

const pct = (share: number) => `${(Math.min(1, Math.max(0, share)) * 100).toFixed(2)}%`;

/** Boxes kept for the video, which runs behind the tracker: about ten seconds at five polls a second. */
const TrackHistory = 50;

/**
 * The camera's live video with the boxes of what it tracks, drawn on the video at the moment it shows: the tracks
 * are polled five times a second and kept for a few seconds, and each video frame takes the boxes tracked at its
 * time (estimated from how far it plays behind the newest video received). Until the video plays, or when it cannot, the
 * analysed frames show instead.
 */
function CameraVideo({ camera, compact = false }: { camera: Camera; compact?: boolean }) {
  const [video, setVideo] = useState<VideoState>({ playing: false, problem: null });
  const [tracks, setTracks] = useState<Tracks | null>(null);
  const history = useRef<Tracks[]>([]);

  useEffect(() => {
    if (!video.playing) return;
    let stop = false;
    const load = () =>
      api<Tracks>(`/v1/cameras/${encodeURIComponent(camera.name)}/tracks`)
        .then((t) => {
          if (stop || !t.at) return;
          const h = history.current;
          if (h.length === 0 || h[h.length - 1].at !== t.at) h.push(t);
          if (h.length > TrackHistory) h.shift();
        })
        .catch(() => undefined);
    load();
    const poll = setInterval(load, compact ? 500 : 200);
    // On each shown frame: the boxes of the latest analysed frame at or before it (none if that is over a second old).
    const element = video.element;
    const draw = () => {
      const h = history.current;
      if (h.length === 0 || !element) return setTracks(null);
      const shown = shownAt(element, video.zero);
      let pick: Tracks | null = null;
      for (const t of h) if (Date.parse(t.at!) <= shown + 50) pick = t;
      setTracks(pick && shown - Date.parse(pick.at!) < 1000 ? pick : null);
    };
    const frames = element && 'requestVideoFrameCallback' in element;
    const tick = () => {
      if (stop) return;
      draw();
      if (frames) element!.requestVideoFrameCallback(tick);
      else requestAnimationFrame(tick);
    };
    tick();
    return () => {
      stop = true;
      clearInterval(poll);
    };
  }, [camera.name, video.playing, video.element, video.zero]);

  const playing = video.playing && !video.problem;
  const aspect = tracks && tracks.width > 0 ? `${tracks.width} / ${tracks.height}` : '16 / 9';
  return (
    <>
      <span class={`frame${playing ? '' : ' hidden'}`} style={{ aspectRatio: aspect }}>
        <LiveVideo camera={camera.name} label={`Live video of camera ${camera.name}`} onState={setVideo} />
        {playing && tracks && <TrackBoxes tracks={tracks.tracks} />}
      </span>
      {!playing && <LiveFrame camera={camera} interval={compact ? 1000 : 500} />}
      {compact ? (
        <span class="sr-only" data-testid="live-video-state">{playing ? 'Live video.' : 'Analysed frames.'}</span>
      ) : (
        <p class="hint" role="status" data-testid="live-video-state">
          {playing ? 'Live video.' : video.problem ? `Live video unavailable (${video.problem}); showing the analysed frames, twice a second.` : 'Starting the live video…'}
        </p>
      )}
    </>
  );
}

/** One camera large: its live video (or, failing that, its analysed frames twice a second) and its recent events. */
function CameraLarge({ camera, onClose }: { camera: Camera; onClose: () => void }) {
  const [events, setEvents] = useState<LiveEvent[]>([]);
  useEffect(() => {
    let stop = false;
    const load = () =>
      api<{ events: Parameters<typeof fromStored>[0][] }>(`/v1/events?camera=${encodeURIComponent(camera.name)}&limit=20`)
        .then((r) => !stop && setEvents(r.events.map(fromStored)))
        .catch(() => undefined);
    load();
    const timer = setInterval(load, 3000);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [camera.name]);

  return (
    <section aria-labelledby="camera-title" class="camera-large">
      <div class="page-head">
        <h1 id="camera-title">{camera.name}</h1>
        <button type="button" class="quiet" onClick={onClose}>Back to all cameras</button>
      </div>
      <p>
        <span class={`state ${camera.state}`}>{stateWords[camera.state] ?? camera.state}</span>
        {camera.state === 'streaming' && <> · {camera.measuredFps.toFixed(1)} fps · {camera.framesDropped} frames dropped</>}
        {camera.reason && <> · {camera.reason}</>}
        {' '}· watching {camera.labels.join(', ')}
      </p>
      {camera.state === 'streaming' ? <CameraVideo camera={camera} /> : <LiveFrame camera={camera} interval={500} />}
      <h2>Recent events</h2>
      {events.length === 0 ? (
        <p class="empty">None yet.</p>
      ) : (
        <ul class="recent">
          {events.map((e) => (
            <li key={e.id}>
              <strong>{e.label}</strong> · score {e.score.toFixed(1)} · <time dateTime={e.startTime}>{when.format(new Date(e.startTime))}</time>
              {e.endTime ? '' : ' · in progress'}
              {e.zones.length > 0 && <> · {e.zones.join(', ')}</>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
