import { describe, expect, it } from 'vitest';
import { EndpointSecretCipher, parseEncryptionKey } from './endpoint-secret.cipher.js';

const key1 = Buffer.alloc(32, 7).toString('base64');
const key2 = Buffer.alloc(32, 9).toString('hex');
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('endpoint secret cipher', () => {
  it('round-trips a secret, with a fresh IV each time', () => {
    const cipher = new EndpointSecretCipher([key1]);
    const a = cipher.seal(secret, 'ep_1');
    const b = cipher.seal(secret, 'ep_1');
    expect(a).not.toBe(b);
    expect(a).not.toContain('MfKQ9r8');
    expect(cipher.open(a, 'ep_1')).toBe(secret);
  });

  it('does not open a sealed secret copied onto another endpoint', () => {
    const cipher = new EndpointSecretCipher([key1]);
    expect(() => cipher.open(cipher.seal(secret, 'ep_1'), 'ep_2')).toThrow(
      /does not open .* altered or belongs to another endpoint/,
    );
  });

  it('does not open a tampered value', () => {
    const cipher = new EndpointSecretCipher([key1]);
    const sealed = cipher.seal(secret, 'ep_1');
    const last = sealed.at(-2) === 'A' ? 'B' : 'A';
    expect(() => cipher.open(`${sealed.slice(0, -2)}${last}${sealed.at(-1)}`, 'ep_1')).toThrow(/does not open/);
  });

  it('seals with the first key and opens with any', () => {
    const old = new EndpointSecretCipher([key1]).seal(secret, 'ep_1');
    const rotated = new EndpointSecretCipher([key2, key1]);
    expect(rotated.open(old, 'ep_1')).toBe(secret);
    expect(rotated.isCurrent(old)).toBe(false);
    expect(rotated.isCurrent(rotated.seal(secret, 'ep_1'))).toBe(true);
  });

  it('names the missing key when none configured opens the value', () => {
    const sealed = new EndpointSecretCipher([key1]).seal(secret, 'ep_1');
    expect(() => new EndpointSecretCipher([key2]).open(sealed, 'ep_1')).toThrow(
      /sealed with key [0-9a-f]{8}, which is not in encryption\.keys/,
    );
  });

  it('passes plaintext through when no key is configured, and reads plaintext with keys', () => {
    expect(new EndpointSecretCipher([]).seal(secret, 'ep_1')).toBe(secret);
    expect(new EndpointSecretCipher([key1]).open(secret, 'ep_1')).toBe(secret);
    expect(new EndpointSecretCipher([key1]).isCurrent(secret)).toBe(false);
  });

  it.each(['short', Buffer.alloc(16).toString('base64'), 'z'.repeat(64)])(
    'refuses the key "%s" without echoing it',
    (key) => {
      expect(() => parseEncryptionKey(key, 'encryption.keys[0]')).toThrow(
        /^encryption\.keys\[0\] is not a 32-byte key/,
      );
      try {
        parseEncryptionKey(key, 'encryption.keys[0]');
      } catch (error) {
        expect((error as Error).message).not.toContain(key);
      }
    },
  );
});
