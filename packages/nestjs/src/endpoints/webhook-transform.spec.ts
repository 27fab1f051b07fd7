import { afterAll, describe, expect, it } from 'vitest';
import type { WebhookTransformFunction } from '../options/webhook-transform.types.js';
import { TransformSandbox } from './transform-sandbox.js';
import {
  applyTransform,
  checkTransformExpression,
  MAX_TRANSFORMED_BODY,
  sandboxedOutcome,
  type TransformOutcome,
} from './webhook-transform.js';

const event = JSON.stringify({ type: 'order.created', timestamp: 't', data: { id: 7, status: 'paid' } });
const sandbox = new TransformSandbox();
afterAll(() => sandbox.onApplicationShutdown());

/** A function from options runs in process; a stored expression in the sandbox. */
async function run(transform: string | WebhookTransformFunction): Promise<TransformOutcome> {
  if (typeof transform === 'function')
    return applyTransform({ kind: 'function', source: '(function)', run: transform }, event);
  const [result] = await sandbox.run([{ expression: transform, payload: event, endpointId: 'ep' }]);
  return sandboxedOutcome(result!);
}

describe('transformations', () => {
  it('send the body, method and headers a JMESPath expression builds', async () => {
    expect(await run('{ body: { id: data.id }, method: \'GET\', headers: { "x-kind": type } }')).toEqual({
      kind: 'send',
      payload: '{"id":7}',
      request: '{"method":"GET","headers":{"x-kind":"order.created"}}',
    });
  });

  it('keep the event body when the result has none, and change nothing when it is empty', async () => {
    expect(await run(() => ({}))).toEqual({ kind: 'send', payload: null, request: null });
  });

  it('drop the event on null, false or nothing', async () => {
    expect(await run('null')).toEqual({ kind: 'drop' });
    expect(await run("data.status == 'new'")).toEqual({ kind: 'drop' });
    expect(await run('data.missing')).toEqual({ kind: 'drop' });
  });

  it('fail, saying why, on a result of the wrong shape', async () => {
    expect(await run("'text'")).toMatchObject({ kind: 'error', message: expect.stringMatching(/must give \{ body\?/) });
    expect(await run('{ bdy: data }')).toMatchObject({
      message: 'the transformation gave bdy; it may give only body, method and headers',
    });
    expect(await run("{ method: 'PUT' }")).toMatchObject({ message: expect.stringMatching(/method "PUT"/) });
    expect(await run('{ headers: { host: type } }')).toMatchObject({
      message: expect.stringMatching(/"host", which it may not set/),
    });
  });

  it('fail a body over the size limit', async () => {
    const big = () => ({ body: 'x'.repeat(MAX_TRANSFORMED_BODY + 1) });
    expect(await run(big)).toMatchObject({ kind: 'error', message: expect.stringMatching(/at most 262144/) });
  });

  it('fail a function that took longer than the time limit, once it returns', async () => {
    const slow = () => {
      const until = performance.now() + 60;
      while (performance.now() < until);
      return { body: 1 };
    };
    expect(await run(slow)).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/took \d+ ms; at most 50 ms/),
    });
  });

  it('keep the failure on the delivery as JSON, for the relay to fail it untried', async () => {
    const outcome = await run(() => {
      throw new Error('boom');
    });
    expect(outcome).toEqual({
      kind: 'error',
      message: 'the transformation threw: boom',
      request: JSON.stringify({ error: 'the transformation threw: boom' }),
    });
  });

  it('stop a stored expression at the time limit, saying so', async () => {
    expect(await run("length(pad_right(type, `40000000`, 'x')) == `0` && null || null")).toEqual({
      kind: 'error',
      message: 'the transformation took longer than 50 ms and was stopped',
      request: JSON.stringify({ error: 'the transformation took longer than 50 ms and was stopped' }),
    });
  });

  it('refuse expressions that are not JMESPath, or too long, naming the field', () => {
    expect(checkTransformExpression('{ body: data.[')[0]).toMatchObject({ field: 'transform' });
    expect(checkTransformExpression('')[0]?.message).toMatch(/must be a JMESPath expression/);
    expect(checkTransformExpression(`{ body: '${'x'.repeat(10_001)}' }`)[0]?.message).toMatch(/at most 10000/);
    expect(checkTransformExpression('{ body: data }')).toEqual([]);
  });
});
