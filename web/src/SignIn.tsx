import { useState } from 'preact/hooks';
import { ApiError, signIn, type Session } from './api';

export function SignIn({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [keyId, setKeyId] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      onSignedIn(await signIn(keyId.trim(), secret.trim()));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The server could not be reached.');
      setSecret('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="signin">
      <form onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Sightline</h1>
        <p class="hint">Sign in with your access key. Every search and decision you make is recorded under it.</p>
        <label for="key-id">Access key id</label>
        <input id="key-id" data-testid="login-key-id" autocomplete="username" required spellcheck={false}
          value={keyId} onInput={(e) => setKeyId(e.currentTarget.value)} />
        <label for="secret">Secret</label>
        <input id="secret" data-testid="login-secret" type="password" autocomplete="current-password" required
          value={secret} onInput={(e) => setSecret(e.currentTarget.value)} />
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" data-testid="login-submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}
