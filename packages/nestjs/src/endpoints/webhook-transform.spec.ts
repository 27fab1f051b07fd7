import { describe, expect, it } from 'vitest';
import {
  applyTransform,
  checkTransformExpression,
  compileTransform,
  MAX_TRANSFORMED_BODY,
} from './webhook-transform.js';

const event = JSON.stringify({ type: 'order.created', timestamp: 't', data: { id: 7, status: 'paid' } });
const run = (transform: Parameters<typeof compileTransform>[0]) => applyTransform(compileTransform(transform), event);

describe('transformations', () => {
  it('send the body, method and headers a JMESPath expression builds', () => {
    expect(run('{ body: { id: data.id }, method: \'GET\', headers: { "x-kind": type } }')).toEqual({
      kind: 'send',
      payload: '{"id":7}',
      request: '{"method":"GET","headers":{"x-kind":"order.created"}}',
    });
  });

  it('keep the event body when the result has none, and change nothing when it is empty', () => {
    expect(run(() => ({}))).toEqual({ kind: 'send', payload: null, request: null });
  });

  it('drop the event on null, false or nothing', () => {
    expect(run('null')).toEqual({ kind: 'drop' });
    expect(run("data.status == 'new'")).toEqual({ kind: 'drop' });
    expect(run('data.missing')).toEqual({ kind: 'drop' });
  });

  it('fail, saying why, on a result of the wrong shape', () => {
    expect(run("'text'")).toMatchObject({ kind: 'error', message: expect.stringMatching(/must give \{ body\?/) });
    expect(run('{ bdy: data }')).toMatchObject({
      message: 'the transformation gave bdy; it may give only body, method and headers',
    });
    expect(run("{ method: 'PUT' }")).toMatchObject({ message: expect.stringMatching(/method "PUT"/) });
    expect(run('{ headers: { host: type } }')).toMatchObject({
      message: expect.stringMatching(/"host", which it may not set/),
    });
  });

  it('fail a body over the size limit', () => {
    const big = () => ({ body: 'x'.repeat(MAX_TRANSFORMED_BODY + 1) });
    expect(run(big)).toMatchObject({ kind: 'error', message: expect.stringMatching(/at most 262144/) });
  });

  it('fail a transformation that takes longer than the time limit', () => {
    const slow = () => {
      const until = performance.now() + 60;
      while (performance.now() < until);
      return { body: 1 };
    };
    expect(run(slow)).toMatchObject({ kind: 'error', message: expect.stringMatching(/took \d+ ms; at most 50 ms/) });
  });

  it('keep the failure on the delivery as JSON, for the relay to fail it untried', () => {
    const outcome = run(() => {
      throw new Error('boom');
    });
    expect(outcome).toEqual({
      kind: 'error',
      message: 'the transformation threw: boom',
      request: JSON.stringify({ error: 'the transformation threw: boom' }),
    });
  });

  it('refuse expressions that are not JMESPath, or too long, naming the field', () => {
    expect(checkTransformExpression('{ body: data.[')[0]).toMatchObject({ field: 'transform' });
    expect(checkTransformExpression('')[0]?.message).toMatch(/must be a JMESPath expression/);
    expect(checkTransformExpression(`{ body: '${'x'.repeat(10_001)}' }`)[0]?.message).toMatch(/at most 10000/);
    expect(checkTransformExpression('{ body: data }')).toEqual([]);
  });
});
