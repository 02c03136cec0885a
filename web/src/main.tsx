import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, currentSession, rememberSession, type Session } from './api';
import { SignIn } from './SignIn';
import { Shell } from './Shell';

function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);

  const use = (s: Session | null) => {
    rememberSession(s);
    setSession(s);
  };

  useEffect(() => {
    currentSession()
      .then(use)
      .catch((e) => {
        if (!(e instanceof ApiError) || e.status >= 500) console.error(e);
        use(null);
      });
  }, []);

  if (session === undefined) return <p class="loading" role="status">Loading…</p>;
  if (session === null) return <SignIn onSignedIn={use} />;
  return <Shell session={session} onSignedOut={() => use(null)} />;
}

render(<App />, document.getElementById('app')!);
