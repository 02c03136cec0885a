import { useEffect, useMemo, useState } from 'preact/hooks';
import { ClipPlayer } from './ClipPlayer';
import { api, can, type Session } from './api';
import { fromStored, fromStream, upsert, type EventAction, type LiveEvent } from './events';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

type Link = 'connecting' | 'live' | 'reconnecting';

/** Events as they happen: the latest stored ones, then every change from the server's event stream. */
export function EventsPage({ session }: { session: Session }) {
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const [link, setLink] = useState<Link>('connecting');
  const [error, setError] = useState('');
  const [camera, setCamera] = useState('');
  const [label, setLabel] = useState('');
  const [handling, setHandling] = useState('');
  const [plate, setPlate] = useState('');
  const [plateHits, setPlateHits] = useState<{ plate: string; events: LiveEvent[] } | null>(null);
  const respond = can(session, 'respond');
  const alerts = useEventAlerts();

  useEffect(() => {
    let closed = false;
    api<{ events: Parameters<typeof fromStored>[0][] }>('/v1/events?limit=100')
      .then((r) => !closed && setEvents((now) => r.events.map(fromStored).reduce((list, e) => (list.some((x) => x.id === e.id) ? list : upsert(list, e)), now)))
      .catch((e) => setError(e.message));
    const source = new EventSource('/v1/events/stream');
    source.onopen = () => setLink('live');
    source.onerror = () => setLink('reconnecting');
    const onChange = (m: MessageEvent) => {
      const data = JSON.parse(m.data);
      setEvents((list) => upsert(list, fromStream(data.event), 200, true));
    };
    for (const type of ['new', 'update', 'end']) source.addEventListener(type, onChange as EventListener);
    return () => {
      closed = true;
      source.close();
    };
  }, []);

  const cameras = useMemo(() => [...new Set(events.map((e) => e.camera))].sort(), [events]);
  const labels = useMemo(() => [...new Set(events.map((e) => e.label))].sort(), [events]);
  const shown = events.filter((e) => (!camera || e.camera === camera) && (!label || e.label === label) && (!handling || e.handling === handling));
  const handled = (e: LiveEvent) => {
    setEvents((list) => upsert(list, e));
    setPlateHits((hits) => hits && { ...hits, events: hits.events.map((x) => (x.id === e.id ? e : x)) });
  };

  // Hotlist hits of one plate, from the store (reads that hit no list were never kept).
  const findPlate = async (ev: Event) => {
    ev.preventDefault();
    setError('');
    try {
      const r = await api<{ events: Parameters<typeof fromStored>[0][] }>(`/v1/events?plate=${encodeURIComponent(plate.trim())}&limit=100`);
      setPlateHits({ plate: plate.trim(), events: r.events.map(fromStored) });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <section aria-labelledby="events-title">
      <div class="page-head">
        <h1 id="events-title">Live events</h1>
        <p class={`link ${link}`} role="status">{link === 'live' ? 'Live' : link === 'connecting' ? 'Connecting…' : 'Reconnecting…'}</p>
      </div>
      <div class="filters">
        <label>
          Camera
          <select value={camera} onChange={(e) => setCamera(e.currentTarget.value)}>
            <option value="">All cameras</option>
            {cameras.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
        <label>
          Label
          <select value={label} onChange={(e) => setLabel(e.currentTarget.value)}>
            <option value="">All labels</option>
            {labels.map((l) => <option key={l} value={l}>{l}</option>)}
          </select>
        </label>
        <label>
          Status
          <select value={handling} onChange={(e) => setHandling(e.currentTarget.value)}>
            <option value="">Any status</option>
            <option value="new">New</option>
            <option value="acknowledged">Acknowledged</option>
            <option value="escalated">Escalated</option>
          </select>
        </label>
      </div>
      <form class="filters plate-search" onSubmit={findPlate} role="search" aria-label="Hotlist hits of a plate">
        <label>
          Plate
          <input data-testid="plate-search" value={plate} maxLength={16} spellcheck={false} onInput={(e) => setPlate(e.currentTarget.value)} />
        </label>
        <button type="submit" class="quiet" disabled={!plate.trim()}>Find hotlist hits</button>
        {plateHits && <button type="button" class="quiet" onClick={() => setPlateHits(null)}>Back to live events</button>}
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {plateHits ? (
        <>
          <h2>{plateHits.events.length === 0 ? `No hotlist hits of ${plateHits.plate}` : `Hotlist hits of ${plateHits.plate}`}</h2>
          <p class="hint">Only plates on a hotlist are ever kept; a plate that hit no list leaves no trace to search.</p>
          <ul class="events">
            {plateHits.events.map((e) => <EventItem key={e.id} event={e} alerts={alerts.get(e.id)} respond={respond} onHandled={handled} />)}
          </ul>
        </>
      ) : shown.length === 0 ? (
        <p class="empty">No events yet. They appear here as cameras see them.</p>
      ) : (
        <ul class="events" aria-live="polite">
          {shown.map((e) => <EventItem key={e.id} event={e} alerts={alerts.get(e.id)} respond={respond} onHandled={handled} />)}
        </ul>
      )}
    </section>
  );
}

const actionWords: Record<string, string> = { acknowledge: 'Acknowledged', escalate: 'Escalated', note: 'Note added' };

type Alert = { id: string; channel: string; status: string; imageRef: string | null; at: string; lastError: string | null };

const alertWords: Record<string, string> = { queued: 'sending', delivered: 'delivered', failed: 'failed', dropped: 'dropped' };

/** The alerts the alert rules raised for each event (by event id), refreshed every five seconds. */
function useEventAlerts() {
  const [byEvent, setByEvent] = useState<Map<string, Alert[]>>(new Map());
  useEffect(() => {
    let stop = false;
    const load = () =>
      api<{ alerts: Alert[] }>('/v1/alerts?limit=500')
        .then((r) => {
          if (stop) return;
          const map = new Map<string, Alert[]>();
          for (const a of r.alerts) {
            if (!a.imageRef?.startsWith('event:')) continue;
            const id = a.imageRef.slice('event:'.length);
            map.set(id, [...(map.get(id) ?? []), a]);
          }
          setByEvent(map);
        })
        .catch(() => undefined);
    load();
    const timer = setInterval(load, 5000);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, []);
  return byEvent;
}

function EventItem({ event: e, alerts, respond, onHandled }: { event: LiveEvent; alerts?: Alert[]; respond: boolean; onHandled: (e: LiveEvent) => void }) {
  const [noting, setNoting] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  const act = async (action: string, text?: string) => {
    setBusy(true);
    setError('');
    try {
      const r = await api<{ event: Parameters<typeof fromStored>[0]; actions: EventAction[] }>(`/v1/events/${encodeURIComponent(e.id)}/actions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ action, note: text ?? null }),
      });
      onHandled({ ...fromStored(r.event), lastAction: r.actions[r.actions.length - 1] ?? null });
      setNoting(false);
      setNote('');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li class={`event handling-${e.handling}`} data-testid="event-item" data-event-id={e.id}>
      {e.hasSnapshot ? (
        // The whole frame at its best moment (the event's box is where the object was last, not necessarily there).
        <img src={`/v1/events/${encodeURIComponent(e.id)}/snapshot.jpg`} alt={`Snapshot: ${e.label} on ${e.camera}`} loading="lazy" width={160} height={90} />
      ) : (
        <div class="no-snapshot" aria-hidden="true" />
      )}
      <div class="facts">
        <p class="what">
          <strong>{e.label}</strong> on <strong>{e.camera}</strong>
          {e.plate && <span class="plate"> · plate {e.plate}</span>}
        </p>
        <p>
          Score {e.score.toFixed(1)}
          {e.zones.length > 0 && <> · zones {e.zones.join(', ')}</>}
          {e.loitering && <> · loitering</>}
          {e.stationary && <> · stationary</>}
        </p>
        <p class="times">
          <time dateTime={e.startTime}>{when.format(new Date(e.startTime))}</time>
          {e.endTime ? <> – <time dateTime={e.endTime}>{when.format(new Date(e.endTime))}</time></> : <span class="open"> · in progress</span>}
        </p>
        <p class="handling" data-testid="event-status">
          <span class={`badge ${e.handling}`}>{e.handling === 'new' ? 'New' : e.handling === 'acknowledged' ? 'Acknowledged' : 'Escalated'}</span>
          {e.lastAction && (
            <span class="by">
              {' '}{actionWords[e.lastAction.action] ?? e.lastAction.action} by {e.lastAction.actor}, {when.format(new Date(e.lastAction.at))}
              {e.lastAction.note && <> — “{e.lastAction.note}”</>}
            </span>
          )}
        </p>
        {alerts && alerts.length > 0 && (
          <p class="alerts" data-testid="event-alerts">
            Alert{alerts.length > 1 ? 's' : ''}:{' '}
            {alerts.map((a, i) => (
              <span key={a.id} class={`alert-${a.status}`} title={a.lastError ?? undefined}>
                {i > 0 && ' · '}{a.channel.split(':')[0]} {alertWords[a.status] ?? a.status}
              </span>
            ))}
          </p>
        )}
        {e.hasClip && e.endTime && (
          <button type="button" class="quiet" data-testid="event-play" aria-expanded={playing} onClick={() => setPlaying(!playing)}>
            {playing ? 'Hide clip' : 'Play clip'}
          </button>
        )}
        {playing && <ClipPlayer eventId={e.id} label={`${e.label} on ${e.camera}`} />}
        {error && <p class="error" role="alert">{error}</p>}
        {respond && noting && (
          <form class="note" onSubmit={(ev) => { ev.preventDefault(); act('note', note); }}>
            <label for={`note-${e.id}`}>Note</label>
            <textarea id={`note-${e.id}`} data-testid="event-note" rows={2} maxLength={2000} required value={note}
              onInput={(ev) => setNote(ev.currentTarget.value)} />
            <button type="submit" disabled={busy || !note.trim()}>Add note</button>
          </form>
        )}
      </div>
      {respond && (
        <div class="actions" role="group" aria-label={`Handle ${e.label} on ${e.camera}`}>
          <button type="button" data-testid="event-ack" disabled={busy || e.handling === 'acknowledged'} onClick={() => act('acknowledge')}>Acknowledge</button>
          <button type="button" class="quiet" data-testid="event-escalate" disabled={busy || e.handling === 'escalated'} onClick={() => act('escalate')}>Escalate</button>
          <button type="button" class="quiet" aria-expanded={noting} onClick={() => setNoting(!noting)}>Note…</button>
        </div>
      )}
    </li>
  );
}
