import http from 'node:http';
import https from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { httpClientInstrumented } from './http-client-instrumentation.js';

describe('httpClientInstrumented', () => {
  const original = { http: http.request, https: https.request };
  afterEach(() => {
    http.request = original.http;
    https.request = original.https;
  });

  it("answers false for Node's own http.request and https.request", () => {
    expect(httpClientInstrumented()).toBe(false);
  });

  it('answers true once http.request is replaced by a wrapper', () => {
    http.request = ((...args: Parameters<typeof http.request>) => original.http(...args)) as typeof http.request;

    expect(httpClientInstrumented()).toBe(true);
  });

  it("answers true for a function carrying shimmer's __wrapped mark", () => {
    const wrapped = Object.assign((...args: Parameters<typeof https.request>) => original.https(...args), {
      __wrapped: true,
    });
    https.request = wrapped as unknown as typeof https.request;

    expect(httpClientInstrumented()).toBe(true);
  });

  it('answers false again once the originals are back', () => {
    http.request = ((...args: Parameters<typeof http.request>) => original.http(...args)) as typeof http.request;
    expect(httpClientInstrumented()).toBe(true);
    http.request = original.http;

    expect(httpClientInstrumented()).toBe(false);
  });
});
