import { describe, expect, it } from 'vitest';
import { endpointStateAt } from './endpoint-status.js';

const NOW = 1_000_000;
const row = (fields: { disabledAt?: number; pausedUntil?: number; failingSince?: number }) => ({
  disabledAt: fields.disabledAt ?? null,
  pausedUntil: fields.pausedUntil ?? null,
  failingSince: fields.failingSince ?? null,
});

describe('endpointStateAt', () => {
  it('is active for an endpoint without a health row', () => {
    expect(endpointStateAt(undefined, NOW)).toBe('active');
  });

  it('is active when no failure streak is open', () => {
    expect(endpointStateAt(row({}), NOW)).toBe('active');
  });

  it('is failing while a failure streak is open and the endpoint is neither paused nor disabled', () => {
    expect(endpointStateAt(row({ failingSince: NOW - 60_000 }), NOW)).toBe('failing');
  });

  it('is paused, not failing, while a pause lasts', () => {
    expect(endpointStateAt(row({ failingSince: NOW - 60_000, pausedUntil: NOW + 1 }), NOW)).toBe('paused');
  });

  it('is failing again once the pause is over and the streak is still open', () => {
    expect(endpointStateAt(row({ failingSince: NOW - 60_000, pausedUntil: NOW }), NOW)).toBe('failing');
  });

  it('is disabled whatever else holds', () => {
    expect(endpointStateAt(row({ disabledAt: NOW - 1, pausedUntil: NOW + 1, failingSince: NOW - 2 }), NOW)).toBe(
      'disabled',
    );
  });
});
