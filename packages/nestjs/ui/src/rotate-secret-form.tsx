import { useState } from 'preact/hooks';
import type { EndpointStatus } from './api-client.js';

/** How long the old secret may keep signing beside the new one. */
const OVERLAPS: Array<[number, string]> = [
  [86_400_000, '24 hours (the default)'],
  [3_600_000, '1 hour'],
  [604_800_000, '7 days'],
  [0, 'no overlap: the old secret stops now'],
];

/**
 * Rotating an endpoint's secret: the overlap chosen first, since during it every request carries both signatures
 * and the receiver can switch to the new secret at any moment.
 */
export function RotateSecretForm({
  endpoint,
  onRotate,
  onCancel,
}: {
  endpoint: EndpointStatus;
  onRotate: (overlap: number) => void;
  onCancel: () => void;
}) {
  const [overlap, setOverlap] = useState(OVERLAPS[0]![0]);
  return (
    <form
      class="tile"
      data-testid="rotate-form"
      onSubmit={(event) => {
        event.preventDefault();
        onRotate(overlap);
      }}
    >
      <p id="rotate-overlap-label">
        A new signing secret for <strong>{endpoint.description || endpoint.id}</strong>. The old one keeps signing
        beside it for:
      </p>
      <select
        aria-labelledby="rotate-overlap-label"
        name="overlap"
        value={String(overlap)}
        onChange={(event) => setOverlap(Number(event.currentTarget.value))}
      >
        {OVERLAPS.map(([ms, label]) => (
          <option key={ms} value={String(ms)}>
            {label}
          </option>
        ))}
      </select>{' '}
      <button class="action" type="submit">
        Rotate now
      </button>{' '}
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}
