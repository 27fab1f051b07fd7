import { hmacHeaderScheme } from './hmac-header.scheme.js';

/**
 * [GitHub](https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries):
 * `X-Hub-Signature-256: sha256=<hex>` over the raw body; the id is `X-GitHub-Delivery`, kept on redelivery.
 */
export const githubScheme = hmacHeaderScheme({
  name: 'github',
  signatureHeader: 'x-hub-signature-256',
  prefix: 'sha256=',
  idHeader: 'x-github-delivery',
});
