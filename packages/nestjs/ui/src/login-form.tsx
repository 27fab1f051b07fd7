import { useState } from 'preact/hooks';
import { api, token, Unauthorized } from './api-client.js';

/**
 * Asks for the admin token once per browser session; it is checked against the API before it is kept. `notice` says
 * why it shows, when that is not the first visit: a portal link refused, a portal session ended.
 */
export function LoginForm({ onSignedIn, notice }: { onSignedIn: () => void; notice?: string }) {
  if (signsInByLinkOnly()) return <OpenFromTheApp notice={notice} />;
  return <TokenForm onSignedIn={onSignedIn} notice={notice} />;
}

/** Whether this page is a portal opened only by links the application mints (the server says so in the shell). */
function signsInByLinkOnly(): boolean {
  return document.querySelector('meta[name="webhook-outbox-sign-in"]')?.getAttribute('content') === 'link';
}

/** A customer without a session on a link-only portal: no token to type, only the way back in. */
function OpenFromTheApp({ notice }: { notice?: string }) {
  return (
    <main>
      <section class="login" data-testid="open-from-app">
        <h1>Webhooks</h1>
        {notice && (
          <p class="error" role="alert" data-testid="sign-in-notice">
            {notice}
          </p>
        )}
        <p>
          This page opens from the application you use: choose its webhooks settings there again. Each link works once,
          for a few minutes.
        </p>
      </section>
    </main>
  );
}

function TokenForm({ onSignedIn, notice }: { onSignedIn: () => void; notice?: string }) {
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
