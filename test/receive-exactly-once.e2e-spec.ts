import { generateWebhookSecret, WebhookVerifier } from '@webhook-outbox/nestjs';
import { WebhookInboxEntity } from '@webhook-outbox/nestjs/internal';
import { signWebhook } from '@webhook-outbox/nestjs/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { EntityManager } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  attempts,
  LedgerEntry,
  type PaymentWebhook,
  PaymentsController,
  plainRuns,
} from './support/payments-receiver.js';
import { type ReceiverTestApp, startReceiverApp } from './support/receiver-test-app.js';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from './support/test-databases.js';
import { childProcessNodeArgs } from './stacks/test-stacks.js';

const secret = generateWebhookSecret();
const receivers = { payments: { secret } };
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECOND_INSTANCE = fileURLToPath(new URL('./support/payments-receiver.process.ts', import.meta.url));

/** Another instance of the payments app, in a process of its own, on the same database. */
async function startSecondInstance(database: TestDatabase): Promise<{ base: string; process: ChildProcess }> {
  const child = spawn(process.execPath, [...childProcessNodeArgs(), SECOND_INSTANCE], {
    cwd: ROOT,
    env: { ...process.env, PAYMENTS_RECEIVER: JSON.stringify({ database: database.options, receivers }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  for await (const chunk of child.stdout!) {
    output += String(chunk);
    const ready = /ready (\S+)/.exec(output);
    if (ready) return { base: ready[1]!, process: child };
  }
  throw new Error(`The second instance exited before it was ready: ${output}`);
}

describe.each(DATABASE_KINDS)('processing received webhooks exactly once on %s', (kind) => {
  let database: TestDatabase;
  let first: ReceiverTestApp;
  let second: { base: string; process: ChildProcess };

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    first = await startReceiverApp(database, { controllers: [PaymentsController], entities: [LedgerEntry], receivers });
    // A second instance of the same app on the same database, as behind a load balancer: a process of its own,
    // as in production (with SQLite's synchronous driver, two instances in one process would block each other).
    second = await startSecondInstance(database);
  });

  afterAll(async () => {
    if (second) {
      const exited = once(second.process, 'exit');
      second.process.kill('SIGTERM');
      await exited;
    }
    await first?.close();
    await database?.drop();
  });

  beforeEach(() => {
    attempts.clear();
  });

  const ledgerRows = (id: string) => first.dataSource.getRepository(LedgerEntry).countBy({ webhookId: id });
  const inboxRows = (id: string) =>
    first.dataSource.getRepository(WebhookInboxEntity).countBy({ receiver: 'payments', webhookId: id });
  const send = (app: { base: string }, signed: { body: string; headers: Record<string, string> }, path = '/payments') =>
    fetch(`${app.base}${path}`, { method: 'POST', body: signed.body, headers: signed.headers });

  it("commits the handler's writes and the inbox record together", async () => {
    const signed = signWebhook({ secret, payload: { amount: 1200 } });
    const response = await send(first, signed);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ outcome: 'recorded', duplicate: false });
    const id = signed.headers['webhook-id']!;
    expect(await ledgerRows(id)).toBe(1);
    expect(await inboxRows(id)).toBe(1);
  });

  it('acknowledges a redelivery with 200 without running the work again, on any instance', async () => {
    const signed = signWebhook({ secret, payload: { amount: 500 } });
    expect((await send(first, signed)).status).toBe(200);
    const again = await send(second, signed);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ duplicate: true });
    expect(await ledgerRows(signed.headers['webhook-id']!)).toBe(1);
    expect((await send(first, signed)).status).toBe(200);
    expect(first.duplicates.at(-1)).toMatchObject({ receiver: 'payments', id: signed.headers['webhook-id'] });
  });

  it("rolls back the inbox record with the work when the work fails, so the sender's retry runs it", async () => {
    const signed = signWebhook({ secret, payload: { amount: 700, failFirst: 1 } });
    const id = signed.headers['webhook-id']!;
    expect((await send(first, signed)).status).toBe(503);
    expect(await ledgerRows(id)).toBe(0);
    expect(await inboxRows(id)).toBe(0);

    const retry = await send(first, signed);
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ outcome: 'recorded', duplicate: false });
    expect(await ledgerRows(id)).toBe(1);
    expect(await inboxRows(id)).toBe(1);
  });

  it('runs the work once when two identical requests race on two app instances', async () => {
    const signed = signWebhook({ secret, payload: { amount: 900, holdMs: 300 } });
    const [a, b] = await Promise.all([send(first, signed), send(second, signed)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const answers = [await a.json(), await b.json()] as Array<{ duplicate: boolean }>;
    expect(answers.filter((answer) => answer.duplicate)).toHaveLength(1);
    expect(await ledgerRows(signed.headers['webhook-id']!)).toBe(1);
  });

  it('runs the work once when identical requests race on one instance', async () => {
    const signed = signWebhook({ secret, payload: { amount: 300, holdMs: 100 } });
    const responses = await Promise.all([send(first, signed), send(first, signed), send(first, signed)]);
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(await ledgerRows(signed.headers['webhook-id']!)).toBe(1);
  });

  it('answers every request that lost a race with the documented 200 {"duplicate": true}, not the handler\'s answer', async () => {
    const signed = signWebhook({ secret, payload: { amount: 400, holdMs: 200 } });
    const responses = await Promise.all(Array.from({ length: 10 }, () => send(first, signed)));
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    const answers = await Promise.all(responses.map((response) => response.json()));
    expect(answers.filter((answer) => JSON.stringify(answer) === '{"duplicate":true}')).toHaveLength(9);
    expect(answers).toContainEqual({ outcome: 'recorded', duplicate: false });
  });

  it('does not lose a webhook whose first processing rolls back while an identical request races it', async () => {
    // The first attempt writes, holds its transaction open, then fails; the racing one must not take the
    // uncommitted inbox row for a finished job, but wait, and then do the work itself.
    const signed = signWebhook({ secret, payload: { amount: 800, holdMs: 150, failFirst: 1 } });
    const id = signed.headers['webhook-id']!;
    const statuses = (await Promise.all([send(first, signed), send(first, signed)])).map((response) => response.status);
    expect(statuses.sort()).toEqual([200, 503]);
    expect(await ledgerRows(id)).toBe(1);
    expect(await inboxRows(id)).toBe(1);
  });

  it('records a handler without a transaction only after it succeeded', async () => {
    const signed = signWebhook({ secret, payload: { amount: 1, failFirst: 1 } });
    const id = signed.headers['webhook-id']!;
    const before = plainRuns.count;
    expect((await send(first, signed, '/payments/plain')).status).toBe(503);
    expect(await inboxRows(id)).toBe(0);
    expect((await send(first, signed, '/payments/plain')).status).toBe(200);
    expect(await inboxRows(id)).toBe(1);
    expect(await (await send(first, signed, '/payments/plain')).json()).toEqual({ duplicate: true });
    expect(plainRuns.count - before).toBe(2);
  });

  it('verifies and processes a stored request off-HTTP with WebhookVerifier, with the same inbox', async () => {
    const verifier = first.app.get(WebhookVerifier);
    const signed = signWebhook({ secret, payload: { amount: 42 } });
    const webhook = verifier.verify<PaymentWebhook>('payments', {
      body: Buffer.from(signed.body),
      headers: signed.headers,
    });
    const work = (manager: EntityManager) =>
      manager.insert(LedgerEntry, { webhookId: webhook.id, amount: webhook.payload.amount });
    await webhook.processInTransaction(work);
    expect(await webhook.processInTransaction(work)).toBeUndefined();
    expect(webhook.duplicate).toBe(true);
    expect(await ledgerRows(webhook.id)).toBe(1);
    // The same webhook arriving over HTTP afterwards is a redelivery.
    expect(await (await send(second, signed)).json()).toEqual({ duplicate: true });
  });
});
