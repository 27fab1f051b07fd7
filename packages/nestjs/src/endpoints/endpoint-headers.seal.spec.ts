import { describe, expect, it } from 'vitest';
import { MASKED_HEADER_VALUE, openHeaders, sealHeaders, updatedHeaders } from './endpoint-headers.seal.js';
import { EndpointSecretCipher } from './endpoint-secret.cipher.js';

const cipher = new EndpointSecretCipher([Buffer.alloc(32, 7).toString('base64')]);

describe('endpoint header sealing', () => {
  it('does not open a sealed header value moved onto another header of the same endpoint', () => {
    const sealed = sealHeaders(cipher, { authorization: 'Bearer one', 'x-shop': 'demo' }, 'ep_1');
    expect(openHeaders(cipher, sealed, 'ep_1')).toEqual({ authorization: 'Bearer one', 'x-shop': 'demo' });
    expect(() => openHeaders(cipher, { 'x-shop': sealed.authorization! }, 'ep_1')).toThrow(
      /sealed header x-shop of endpoint "ep_1" does not open/,
    );
  });

  it('leaves an already sealed value as it is when sealing a set again', () => {
    const sealed = sealHeaders(cipher, { authorization: 'Bearer one' }, 'ep_1');
    expect(sealHeaders(cipher, sealed, 'ep_1')).toEqual(sealed);
  });

  it('keeps the stored value of a masked header whatever the case of its name, and refuses a masked unknown one', () => {
    expect(updatedHeaders({ Authorization: MASKED_HEADER_VALUE, 'x-b': 'new' }, { authorization: 'stored' })).toEqual({
      headers: { Authorization: 'stored', 'x-b': 'new' },
      errors: [],
    });
    expect(updatedHeaders({ 'x-c': MASKED_HEADER_VALUE }, {}).errors).toEqual([
      { field: 'headers.x-c', message: expect.stringMatching(/has no such header: give its value/) },
    ]);
  });
});
