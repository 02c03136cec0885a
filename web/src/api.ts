// The console talks to the server's own API only (same origin): the session cookie goes with every request, and
// requests that change anything carry the session's CSRF token.

export type Session = {
  accessKeyId: string;
  role: string;
  capabilities: string[];
  csrfToken: string;
  expiresAt: string;
};

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

let csrfToken = '';

export function rememberSession(session: Session | null) {
  csrfToken = session?.csrfToken ?? '';
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  const method = (init.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers.set('X-CSRF-Token', csrfToken);
  const response = await fetch(path, { ...init, headers, credentials: 'same-origin' });
  if (!response.ok) {
    let detail = response.statusText || `HTTP ${response.status}`;
    try {
      const problem = await response.json();
      detail = problem.detail ?? problem.title ?? detail;
    } catch {
      // not a problem document
    }
    throw new ApiError(response.status, detail);
  }
  return response.status === 204 ? (undefined as T) : ((await response.json()) as T);
}

export const signIn = (accessKeyId: string, secret: string) =>
  api<Session>('/ui/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ accessKeyId, secret }),
  });

export const currentSession = () => api<Session>('/ui/session');

export const signOut = () => api<void>('/ui/session', { method: 'DELETE' });

export const can = (session: Session, capability: string) => session.capabilities.includes(capability);
