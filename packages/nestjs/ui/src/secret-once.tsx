import { useState } from 'preact/hooks';

/** A new signing secret, shown this once with a copy button: the API never returns it again. */
export function SecretOnce({ endpointId, secret, onDone }: { endpointId: string; secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard?.writeText(secret).catch(() => undefined);
    setCopied(true);
  };
  return (
    <div class="tile" role="alert" data-testid="secret-once">
      <p>
        The signing {secret.startsWith('whsk_') ? 'secret key' : 'secret'} of <strong>{endpointId}</strong>. Copy it
        now: <strong>you will not see it again.</strong>
        {secret.startsWith('whsk_') && ' Receivers verify with its public key, shown on the endpoint’s page.'}
      </p>
      <pre class="wrap" data-testid="secret">
        {secret}
      </pre>
      <button class="action" type="button" onClick={copy}>
        {copied ? 'Copied' : 'Copy'}
      </button>{' '}
      <button type="button" onClick={onDone}>
        I have saved it
      </button>
    </div>
  );
}
