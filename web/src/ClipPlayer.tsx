import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api';

type Point = { at: string; left: number; top: number; width: number; height: number };
type Path = { clipStart: string | null; fps: number; frameOffsets: number[]; points: Point[] };

const pct = (share: number) => `${(Math.min(1, Math.max(0, share)) * 100).toFixed(2)}%`;

/**
 * An event's clip with its object's box drawn on each frame: the clip's time maps to the camera's clock through the
 * time of its first frame and its rate (one frame per analysed frame), and the box is the one tracked on that frame.
 */
export function ClipPlayer({ eventId, label }: { eventId: string; label: string }) {
  const video = useRef<HTMLVideoElement>(null);
  const [path, setPath] = useState<{ start: number; fps: number; frames: number[]; points: { at: number; p: Point }[] } | null>(null);
  const [box, setBox] = useState<Point | null>(null);
  const [note, setNote] = useState('');

  useEffect(() => {
    api<Path>(`/v1/events/${encodeURIComponent(eventId)}/path`)
      .then((p) => {
        if (!p.clipStart || p.points.length === 0) return setNote('No boxes were kept for this clip.');
        setPath({ start: Date.parse(p.clipStart), fps: p.fps, frames: p.frameOffsets, points: p.points.map((x) => ({ at: Date.parse(x.at), p: x })) });
      })
      .catch(() => setNote('No boxes for this clip (its event has not ended, or they were not kept).'));
  }, [eventId]);

  useEffect(() => {
    const v = video.current;
    if (!v || !path) return;
    let stop = false;
    const frame = 1000 / path.fps;
    const draw = (mediaTime?: number) => {
      // Frame k of the clip shows the camera at start + frames[k] (past the listed frames, at the clip's rate).
      const k = Math.floor((mediaTime ?? v.currentTime) * path.fps + 0.01);
      const last = path.frames.length - 1;
      const at = path.start + (k <= last ? path.frames[Math.max(0, k)] : path.frames[last] + ((k - last) * 1000) / path.fps);
      // The box of the analysed frame shown now: the last one at or before it, if it is within a frame.
      let found: Point | null = null;
      for (const x of path.points) {
        if (x.at > at + frame / 2) break;
        if (at - x.at <= frame * 1.5) found = x.p;
      }
      setBox(found);
    };
    const withFrames = 'requestVideoFrameCallback' in v;
    const tick = (_now?: number, frame?: { mediaTime: number }) => {
      if (stop) return;
      draw(frame?.mediaTime);
      if (withFrames) v.requestVideoFrameCallback(tick);
      else requestAnimationFrame(() => tick());
    };
    tick();
    const seeked = () => draw();
    v.addEventListener('seeked', seeked);
    return () => {
      stop = true;
      v.removeEventListener('seeked', seeked);
    };
  }, [path]);

  return (
    <div class="clip">
      <span class="frame">
        <video ref={video} src={`/v1/events/${encodeURIComponent(eventId)}/clip.mp4`} controls muted playsInline preload="metadata"
          aria-label={`Clip: ${label}`} data-testid="event-clip" />
        {box && (
          <span class="track" aria-hidden="true" data-testid="clip-box"
            style={{ left: pct(box.left), top: pct(box.top), width: pct(box.width), height: pct(box.height) }}>
            <span class="track-label">{label}</span>
          </span>
        )}
      </span>
      {note && <p class="hint">{note}</p>}
    </div>
  );
}
