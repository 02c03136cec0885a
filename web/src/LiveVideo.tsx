import { useEffect, useRef, useState } from 'preact/hooks';

/** How far behind the live edge the player may drift before it jumps forward (seconds). */
const MaxLag = 1.5;

/** Seconds of played video kept in the buffer; older is removed so a day-long view does not fill memory. */
const KeepBehind = 10;

/**
 * Whether the video plays or why not, the element that plays it (for whoever draws over it), and when the camera
 * showed media time zero (ms since the epoch), when the server said.
 */
export type VideoState = { playing: boolean; problem: string | null; element?: HTMLVideoElement; zero?: number };

/** The time a fragment's first frame waits at the server before the fragment leaves (about half a fragment), ms. */
const FragmentWait = 150;

/**
 * When the frame the video shows now was seen by the camera (ms since the epoch): from the server's estimate of media
 * time zero when it gave one, else from how far the player is behind the newest video received.
 */
export function shownAt(element: HTMLVideoElement, zero?: number, now = Date.now()) {
  if (zero !== undefined) return zero + element.currentTime * 1000;
  const ranges = element.buffered;
  const behind = ranges.length > 0 ? Math.max(0, ranges.end(ranges.length - 1) - element.currentTime) : 0;
  return now - behind * 1000 - FragmentWait;
}

/**
 * A camera's live video: the server's fragmented MP4 stream over a WebSocket (`/v1/cameras/{name}/video.ws`; over
 * HTTP, `video.mp4`, when the socket is refused, which also says why) fed to Media Source Extensions, kept within a second and a half of the live edge; where there are no Media Source
 * Extensions, the same video's HLS playlist (`/v1/cameras/{name}/hls/live.m3u8`), played natively. Calls `onState` with whether it
 * plays, or why not, so the caller can show the snapshot view instead; it tries again every 15 s after a failure.
 */
export function LiveVideo({ camera, label, onState }: { camera: string; label: string; onState: (s: VideoState) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const element = video.current;
    if (!element) return;
    if (typeof MediaSource === 'undefined') {
      // No Media Source Extensions (Safari on iPhone): the HLS playlist of the same video, played natively.
      if (!element.canPlayType('application/vnd.apple.mpegurl')) {
        onState({ playing: false, problem: 'this browser plays neither Media Source Extensions nor HLS' });
        return;
      }
      const playing = () => onState({ playing: true, problem: null, element });
      const failed = () => onState({ playing: false, problem: 'the HLS stream could not be played' });
      element.addEventListener('playing', playing);
      element.addEventListener('error', failed);
      element.src = `/v1/cameras/${encodeURIComponent(camera)}/hls/live.m3u8`;
      element.play().catch(() => undefined);
      return () => {
        element.removeEventListener('playing', playing);
        element.removeEventListener('error', failed);
        element.removeAttribute('src');
        element.load();
      };
    }
    const abort = new AbortController();
    const source = new MediaSource();
    const objectUrl = URL.createObjectURL(source);
    element.src = objectUrl;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const fail = (problem: string) => {
      if (abort.signal.aborted) return;
      abort.abort();
      onState({ playing: false, problem });
      retry = setTimeout(() => setAttempt((a) => a + 1), 15000);
    };

    source.addEventListener('sourceopen', () => {
      const queue: Uint8Array<ArrayBuffer>[] = [];
      let buffer: SourceBuffer | null = null;
      const pump = () => {
        if (!buffer || buffer.updating || source.readyState !== 'open') return;
        const played = element.currentTime;
        if (buffer.buffered.length > 0 && played - buffer.buffered.start(0) > KeepBehind * 2) {
          buffer.remove(buffer.buffered.start(0), played - KeepBehind);
          return;
        }
        const next = queue.shift();
        if (next) buffer.appendBuffer(next);
      };
      const push = (chunk: Uint8Array<ArrayBuffer>) => {
        queue.push(chunk);
        pump();
      };
      /** The stream's description arrived: a source buffer for its codec (false when this browser cannot play it). */
      const begin = (codecs: string, start: string | null) => {
        const type = `video/mp4; codecs="${codecs}"`;
        if (!MediaSource.isTypeSupported(type)) {
          fail(`this browser cannot play ${codecs}`);
          return false;
        }
        const zero = start ? Date.parse(start) : undefined;
        const b = source.addSourceBuffer(type);
        b.addEventListener('updateend', () => {
          const ranges = b.buffered;
          if (ranges.length > 0) {
            const end = ranges.end(ranges.length - 1);
            // Start (or catch up) at the live edge: a late joiner's first fragment does not start at zero.
            if (element.currentTime < ranges.start(0) || end - element.currentTime > MaxLag) element.currentTime = Math.max(ranges.start(0), end - 0.3);
            if (element.paused) element.play().then(() => onState({ playing: true, problem: null, element, zero }), () => undefined);
          }
          pump();
        });
        buffer = b;
        return true;
      };

      // A WebSocket first: it does not take one of the browser's six connections to this server.
      const path = `/v1/cameras/${encodeURIComponent(camera)}/video`;
      const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}.ws`);
      socket.binaryType = 'arraybuffer';
      let described = false;
      socket.onmessage = (m) => {
        if (typeof m.data === 'string') {
          const hello = JSON.parse(m.data) as { codecs: string; start: string | null };
          described = true;
          if (!begin(hello.codecs, hello.start)) socket.close();
        } else {
          push(new Uint8Array(m.data as ArrayBuffer));
        }
      };
      socket.onclose = () => {
        if (abort.signal.aborted) return;
        if (described) fail('the live video ended');
        else viaFetch(); // refused before it began: the stream over HTTP says why (or plays where sockets cannot)
      };
      abort.signal.addEventListener('abort', () => socket.close());

      const viaFetch = async () => {
        let response: Response;
        try {
          response = await fetch(`${path}.mp4`, { credentials: 'same-origin', cache: 'no-store', signal: abort.signal });
        } catch {
          return fail('the server could not be reached');
        }
        if (!response.ok || !response.body) {
          let detail = `HTTP ${response.status}`;
          try {
            const problem = await response.json();
            detail = problem.detail ?? detail;
          } catch {
            // not a problem document
          }
          return fail(detail);
        }
        if (!begin(response.headers.get('X-Video-Codecs') ?? 'avc1.42c01f', response.headers.get('X-Video-Start'))) return;
        const reader = response.body.getReader();
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            push(value as Uint8Array<ArrayBuffer>);
          }
          fail('the live video ended');
        } catch {
          fail('the live video stopped');
        }
      };
    });

    return () => {
      abort.abort();
      clearTimeout(retry);
      element.removeAttribute('src');
      element.load();
      URL.revokeObjectURL(objectUrl);
    };
  }, [camera, attempt]);

  return <video ref={video} class="live-video" muted playsInline autoPlay aria-label={label} data-testid="live-video" />;
}
