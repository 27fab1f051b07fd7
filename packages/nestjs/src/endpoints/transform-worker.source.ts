/**
 * The code of a transformation worker thread, run with `new Worker(TRANSFORM_WORKER_SOURCE, { eval: true })`. It is a
 * string because the package is built twice (ESM and CommonJS) and tested from TypeScript sources, so no file of ours
 * has a path a worker could load in all three; it `require()`s JMESPath's CommonJS build by the absolute path the main
 * thread resolved (`workerData.jmespath`).
 *
 * A message is a batch: `{ expressions, payloads, items: [[expression index, payload index], ...] }`. Before each item
 * the worker writes when it started (`workerData.startedAt`, a Float64 of `Date.now()`) and then its index
 * (`workerData.progress`, an Int32, atomically), so the main thread's watchdog knows which item runs and for how long
 * without a message per item. The answer is one message: per item `{ json }` (the result serialised, `null` for
 * nothing) or `{ error }`. A result is serialised with a size cap (`workerData.maxResultBytes`) that stops as soon as
 * it is passed: a result made of shared parts (`[@, @, @]` nested) never grows into a string that fills the heap.
 * The worker warms its interpreter up before its first batch, so that the first items are not timed cold.
 */
export const TRANSFORM_WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { compile, TreeInterpreter } = require(workerData.jmespath);
const progress = new Int32Array(workerData.progress);
const startedAt = new Float64Array(workerData.startedAt);
const maxResultBytes = workerData.maxResultBytes;
const trees = new Map();

function treeOf(expression) {
  let tree = trees.get(expression);
  if (tree === undefined) {
    if (trees.size >= 1000) trees.clear();
    tree = compile(expression);
    trees.set(expression, tree);
  }
  return tree;
}

class TooLarge extends Error {}

function serialise(value) {
  const parts = [];
  let size = 0;
  const add = (text) => {
    size += text.length;
    if (size > maxResultBytes) throw new TooLarge();
    parts.push(text);
  };
  const write = (node) => {
    if (typeof node === 'string' && node.length > maxResultBytes) throw new TooLarge();
    if (node === null || typeof node !== 'object') {
      add(node === undefined || typeof node === 'function' ? 'null' : JSON.stringify(node));
    } else if (Array.isArray(node)) {
      add('[');
      for (let i = 0; i < node.length; i++) {
        if (i > 0) add(',');
        write(node[i]);
      }
      add(']');
    } else {
      add('{');
      let first = true;
      for (const key of Object.keys(node)) {
        if (node[key] === undefined) continue;
        add((first ? '' : ',') + JSON.stringify(key) + ':');
        first = false;
        write(node[key]);
      }
      add('}');
    }
  };
  write(value);
  return parts.join('');
}

function runOne(expression, payload) {
  const result = TreeInterpreter.search(treeOf(expression), JSON.parse(payload));
  return { json: result === null || result === undefined ? null : serialise(result) };
}

// Compiled and run a few times before the first batch, outside any item's time: a cold interpreter's first calls
// are many times slower than its later ones, and would count against a tenant's first transformation.
for (let i = 0; i < 20; i++)
  serialise(TreeInterpreter.search(compile("{ a: join('', ['x', to_string(b.c), b.d]), e: b.c > \`1\` && b.d || null }"), { b: { c: i, d: 'y' } }));

parentPort.on('message', ({ expressions, payloads, items }) => {
  const results = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    startedAt[0] = Date.now();
    Atomics.store(progress, 0, i);
    try {
      results[i] = runOne(expressions[items[i][0]], payloads[items[i][1]]);
    } catch (error) {
      results[i] =
        error instanceof TooLarge
          ? { error: 'gave a result of more than ' + maxResultBytes + ' characters' }
          : { error: 'threw: ' + (error && error.message ? error.message : String(error)) };
    }
  }
  Atomics.store(progress, 0, -1);
  parentPort.postMessage(results);
});
`;
