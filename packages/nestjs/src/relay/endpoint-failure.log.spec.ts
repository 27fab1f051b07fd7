import { describe, expect, it } from 'vitest';
import { attemptFailureReason, loggedEndpointUrl } from './endpoint-failure.log.js';

describe('attemptFailureReason', () => {
  it('gives a status with its reason phrase', () => {
    expect(attemptFailureReason({ statusCode: 401, error: 'HTTP 401', errorType: '401' })).toBe('401 Unauthorized');
  });

  it('gives an unregistered status as the number alone', () => {
    expect(attemptFailureReason({ statusCode: 599, error: 'HTTP 599', errorType: '599' })).toBe('599');
  });

  it('says the destination policy refused the address, with its message naming the option', () => {
    const error =
      'localhost (resolves to 127.0.0.1) is refused: a loopback address (set delivery.allowPrivateNetworks for development)';
    expect(attemptFailureReason({ statusCode: null, error, errorType: 'destination_refused' })).toBe(
      `refused by the destination policy: ${error}`,
    );
  });

  it('gives a transport error as the transport said it', () => {
    const error = 'connect ECONNREFUSED 10.0.0.7:443';
    expect(attemptFailureReason({ statusCode: null, error, errorType: 'ECONNREFUSED' })).toBe(error);
  });
  it('drops the full stop that ends a message, as the log line goes on after it', () => {
    const error = 'http: is refused: use https:, or set delivery.allowHttp for development.';
    expect(attemptFailureReason({ statusCode: null, error, errorType: 'destination_refused' })).toBe(
      'refused by the destination policy: http: is refused: use https:, or set delivery.allowHttp for development',
    );
  });
});

describe('loggedEndpointUrl', () => {
  it('keeps scheme, host, port and path', () => {
    expect(loggedEndpointUrl('https://erp.example.com:8443/hooks/orders')).toBe(
      'https://erp.example.com:8443/hooks/orders',
    );
  });

  it('leaves out a query string, which may carry a token', () => {
    expect(loggedEndpointUrl('https://erp.example.com/hooks?token=s3cret')).toBe('https://erp.example.com/hooks?…');
  });
});
