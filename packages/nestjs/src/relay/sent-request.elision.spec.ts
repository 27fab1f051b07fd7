import { describe, expect, it } from 'vitest';
import { attemptRequestJson, elideSentHeaders, MAX_STORED_URL_LENGTH } from './sent-request.elision.js';

describe('elideSentHeaders', () => {
  it('keeps which schemes signed and elides every signature value', () => {
    expect(elideSentHeaders({ 'webhook-signature': 'v1,abc=' }, {})).toEqual({ 'webhook-signature': 'v1,…' });
    expect(elideSentHeaders({ 'webhook-signature': 'v1,abc= v1a,def=' }, {})).toEqual({
      'webhook-signature': 'v1,… v1a,…',
    });
  });

  it("elides the endpoint's own header values whatever their names and case, and credential-like headers", () => {
    const sent = { 'X-Shop': 'demo', 'x-trace-me': 'yes', cookie: 'sid=1', 'x-api-key': 'k', 'webhook-id': 'msg_1' };
    expect(elideSentHeaders(sent, { 'x-shop': 'demo' })).toEqual({
      'X-Shop': '…',
      'x-trace-me': 'yes',
      cookie: '…',
      'x-api-key': '…',
      'webhook-id': 'msg_1',
    });
  });
});

describe('attemptRequestJson', () => {
  it('stores the method, the URL and the elided headers as JSON', () => {
    const json = attemptRequestJson(
      {
        method: 'POST',
        url: 'https://erp.example/hooks',
        headers: { authorization: 'Bearer s3cret', 'user-agent': 'x' },
      },
      {},
    );
    expect(JSON.parse(json)).toEqual({
      method: 'POST',
      url: 'https://erp.example/hooks',
      headers: { authorization: '…', 'user-agent': 'x' },
    });
    expect(json).not.toContain('s3cret');
  });

  it('cuts a URL longer than the limit, marking the cut', () => {
    const url = `https://erp.example/hooks?data=${'x'.repeat(MAX_STORED_URL_LENGTH)}`;
    const stored = JSON.parse(attemptRequestJson({ method: 'GET', url, headers: {} }, {})) as { url: string };
    expect(stored.url).toHaveLength(MAX_STORED_URL_LENGTH);
    expect(stored.url).toBe(`${url.slice(0, MAX_STORED_URL_LENGTH - 1)}…`);
  });
});
