import { useState } from 'preact/hooks';
import { api, token, Unauthorized } from './api-client.js';

/**
 * Asks for the admin token once per browser session; it is checked against the API before it is kept. `notice` says
 * why it shows, when that is not the first visit: a portal link refused, a portal session ended.
 */
export function LoginForm({ onSignedIn, notice }: { onSignedIn: () => void; notice?: string }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const submit = async (event: Event) => {
    event.preventDefault();
    token.set(value.trim());
    try {
      await api('stats');
      onSignedIn();
    } catch (failure) {
      token.clear();
      setError(failure instanceof Unauthorized ? 'This token is not accepted.' : (failure as Error).message);
    }
  };
  return (
    <main>
      <form class="login" onSubmit={submit}>
        <h1>Webhooks</h1>
        {notice && (
          <p class="error" role="alert" data-testid="sign-in-notice">
            {notice}
          </p>
        )}
        <label for="token">Access token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          value={value}
          onInput={(event) => setValue((event.target as HTMLInputElement).value)}
        />
        <button class="action" type="submit">
          Sign in
        </button>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <p class="muted">Kept for this browser tab only.</p>
      </form>
    </main>
  );
}
