// Sign-in with an API token (an admin's is printed by `pnpm start` and kept in data/admin.token). The token is
// checked against /api/v1/me before it is kept for the session.
import type { Me } from '@restpose/api';
import { useState } from 'preact/hooks';
import { ApiError, apiGet } from '../lib/api.js';
import { storeToken } from '../lib/session.js';

export function SignIn({ notice, onSignedIn }: { notice: string | null; onSignedIn: (me: Me) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const value = token.trim();
    if (!value) {
      setError('Paste your API token to sign in.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const me = await apiGet<Me>('/me', undefined, value);
      storeToken(value);
      onSignedIn(me);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? 'That token was not accepted: it is unknown, revoked or its user is disabled.'
          : `Could not sign in: ${(err as Error).message}`,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <h1>restpose</h1>
      <p class="lede">Sleep posture, morning mobility and reported stiffness.</p>
      {notice && (
        <p class="notice" role="alert">
          {notice}
        </p>
      )}
      <form onSubmit={submit} aria-describedby="token-help">
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? 'token-error' : undefined}
        />
        <p id="token-help" class="muted">
          Administrators find theirs in <code>data/admin.token</code> (printed by <code>pnpm start</code>); others get
          one from an administrator. It is kept for this browser tab only.
        </p>
        {error && (
          <p id="token-error" class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
