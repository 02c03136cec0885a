// Live events as the console shows them: from the event list (stored events) and the event stream (changes).

export type LiveEvent = {
  id: string;
  camera: string;
  label: string;
  score: number;
  zones: string[];
  startTime: string;
  endTime: string | null;
  hasSnapshot: boolean;
  hasClip: boolean;
  stationary: boolean;
  loitering: boolean;
  plate: string | null;
  /** new, acknowledged or escalated (the stream does not carry it: a streamed change keeps what is known). */
  handling: string;
  /** The latest thing a person did about it, when this page knows. */
  lastAction: EventAction | null;
};

export type EventAction = { eventId: string; action: string; actor: string; at: string; note: string | null };

type Stored = Omit<LiveEvent, 'loitering' | 'handling' | 'lastAction'> & { loitering?: boolean; handling?: string };

type Streamed = {
  id: string;
  camera: string;
  label: string;
  topScore: number;
  enteredZones: string[];
  startTime: string;
  endTime: string | null;
  hasSnapshot: boolean;
  hasClip: boolean;
  stationary: boolean;
  loitering?: boolean;
  plate?: string | null;
};

export const fromStored = (e: Stored): LiveEvent => ({
  ...e,
  loitering: e.loitering ?? false,
  plate: e.plate ?? null,
  handling: e.handling ?? 'new',
  lastAction: null,
});

export const fromStream = (e: Streamed): LiveEvent => ({
  id: e.id,
  camera: e.camera,
  label: e.label,
  score: e.topScore,
  zones: e.enteredZones,
  startTime: e.startTime,
  endTime: e.endTime,
  hasSnapshot: e.hasSnapshot,
  hasClip: e.hasClip,
  stationary: e.stationary,
  loitering: e.loitering ?? false,
  plate: e.plate ?? null,
  handling: 'new',
  lastAction: null,
});

/** The list with one event added or replaced, newest first, at most `limit` long. */
export function upsert(list: LiveEvent[], event: LiveEvent, limit = 200, streamed = false): LiveEvent[] {
  const known = list.find((e) => e.id === event.id);
  const merged = streamed && known ? { ...event, handling: known.handling, lastAction: known.lastAction } : event;
  const rest = list.filter((e) => e.id !== event.id);
  return [merged, ...rest].sort((a, b) => b.startTime.localeCompare(a.startTime)).slice(0, limit);
}
