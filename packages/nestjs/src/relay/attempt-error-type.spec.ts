import { describe, expect, it } from 'vitest';
import { attemptErrorType } from './attempt-error-type.js';

describe('attemptErrorType', () => {
  it('is the status code when a response came', () => {
    expect(attemptErrorType(503, 'HTTP 503')).toBe('503');
  });

  it('names a timeout, an abandoned claim and a refused destination', () => {
    expect(attemptErrorType(null, 'timed out after 15000 ms')).toBe('timeout');
    expect(attemptErrorType(null, 'abandoned: the claim could not be renewed and lapses in 900 ms')).toBe('abandoned');
    expect(attemptErrorType(null, 'the address 10.0.0.1 of "h.example" is refused: private network')).toBe(
      'destination_refused',
    );
  });

  it('is the socket error code when the message has one, and _OTHER otherwise', () => {
    expect(attemptErrorType(null, 'connect ECONNREFUSED 127.0.0.1:9')).toBe('ECONNREFUSED');
    expect(attemptErrorType(null, 'getaddrinfo ENOTFOUND nowhere.invalid')).toBe('ENOTFOUND');
    expect(attemptErrorType(null, 'something odd')).toBe('_OTHER');
  });
});
