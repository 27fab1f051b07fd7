#!/usr/bin/env node
// The `webhook-outbox` command (see webhook-outbox.cli.ts). Decorator metadata first: the entities need it.
import 'reflect-metadata';
import { main } from './webhook-outbox.cli.js';

process.exitCode = await main(
  process.argv.slice(2),
  process.env,
  (line) => process.stdout.write(`${line}\n`),
  (line) => process.stderr.write(`${line}\n`),
);
