/**
 * The benchmark suite: a script that prints figures, not a test. Every figure is an absolute value and, where it
 * has one, a ratio against a baseline measured in the same run. Results and the machine go to bench/RESULTS.md.
 *
 *   npm run bench                                   every benchmark on PostgreSQL and SQLite
 *   BENCH=B2,B4 npm run bench                       some of them
 *   WEBHOOK_BENCH_DATABASES=postgres npm run bench  one database
 *   BENCH_SCALE=0.1 npm run bench                   a tenth of the rows and requests (a quick look; not for RESULTS.md)
 *   BENCH=B12 npm run bench                         1, 2 and 4 relay processes on one database (issue 22)
 *   BENCH=B13 npm run bench                         fan-out with a stored transformation on every endpoint (issue 30)
 *   BENCH=B15 npm run bench                         delivery search and totals at 1M deliveries (issue 32)
 *   BENCH=B16 npm run bench                         per-endpoint figures at 1M deliveries (issue 32)
 *   BENCH=peers npm run bench                       the peer race: graphile-worker, pg-boss, BullMQ (issue 22)
 */
import 'reflect-metadata';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createTestDatabase, type DatabaseKind } from '../test/support/test-databases.js';
import { captureOverhead } from './b1-capture.bench.js';
import { relayDrain } from './b2-relay-drain.bench.js';
import { httpDelivery } from './b4-http-delivery.bench.js';
import { fanOut } from './b5-fan-out.bench.js';
import { commitToReceived } from './b6-latency.bench.js';
import { failingEndpoints } from './b7-failing-endpoints.bench.js';
import { backlog } from './b8-backlog.bench.js';
import { observabilityOverhead } from './b9-observability.bench.js';
import { statsCost } from './b10-stats.bench.js';
import { rateLimit } from './b11-rate-limit.bench.js';
import { peerRace } from './peers/peer-race.bench.js';
import { relayProcesses } from './b12-relay-processes.bench.js';
import { transformFanOut } from './b13-transform-fan-out.bench.js';
import { endpointFiguresCost } from './b16-endpoint-figures.bench.js';
import { deliverySearch } from './b15-delivery-search.bench.js';
import { benchContext } from './support/bench-app.js';
import { type Figure, figureTable, machineDescription } from './support/figures.js';

const scale = Number(process.env.BENCH_SCALE ?? 1);
const selected = new Set(
  (process.env.BENCH ?? 'B1,B2,B4,B5,B6,B7,B8,B9,B10,B11,B12,B13,B15,B16')
    .split(',')
    .map((id) => id.trim().toUpperCase()),
);
const kinds = (process.env.WEBHOOK_BENCH_DATABASES ?? 'postgres,sqlite').split(',') as DatabaseKind[];
const scaled = (count: number) => Math.max(1, Math.round(count * scale));

const NOISE =
  'One run. On this 2-core virtual machine a figure moves by up to ±25% between runs (the benchmark, its receiver ' +
  'process and the database share the cores, with other tenants of the host): compare within a run, and read a ' +
  'target as met or missed only with a clear margin.';

const figures: Figure[] = [];
function report(figure: Figure): void {
  figures.push(figure);
  console.log(figureTable([figure]).split('\n')[2]);
}

for (const kind of kinds) {
  const database = await createTestDatabase(kind);
  try {
    const context = benchContext(kind, database);
    if (selected.has('B1')) for (const figure of await captureOverhead(context, scale)) report(figure);
    if (selected.has('B2')) report(await relayDrain(context, scaled(200_000)));
    if (selected.has('B4')) for (const figure of await httpDelivery(context, scaled(20_000))) report(figure);
    if (selected.has('B5')) for (const figure of await fanOut(context, scaled(20_000))) report(figure);
    if (selected.has('B6')) for (const figure of await commitToReceived(context, scale)) report(figure);
    if (selected.has('B7')) report(await failingEndpoints(context, scaled(2_000)));
    if (selected.has('B8')) for (const figure of await backlog(context, scaled(1_000_000), 1_000)) report(figure);
    if (selected.has('B9')) for (const figure of await observabilityOverhead(context, scaled(20_000))) report(figure);
    if (selected.has('B10')) report(await statsCost(context, scaled(1_000_000)));
    // Several relay processes share one database: not SQLite's model (one writer, one process).
    if (selected.has('B11') && kind !== 'sqlite')
      for (const figure of await rateLimit(context, scaled(1_000))) report(figure);
    if (selected.has('B13')) report(await transformFanOut(context, scaled(20_000)));
    if (selected.has('B16')) for (const figure of await endpointFiguresCost(context, scaled(1_000_000))) report(figure);
    if (selected.has('B15')) for (const figure of await deliverySearch(context, scaled(1_000_000))) report(figure);
    if (selected.has('B12') && kind !== 'sqlite')
      for (const figure of await relayProcesses(context, scaled(40_000))) report(figure);
    // The job queues a team would use instead (issue 22); graphile-worker and pg-boss live in PostgreSQL.
    if (selected.has('PEERS') && kind === 'postgres')
      for (const figure of await peerRace(context, scaled(20_000))) report(figure);
  } finally {
    await database.drop();
  }
}

const table = figureTable(figures);
console.log(`\n${table}`);
const RESULTS = new URL('./RESULTS.md', import.meta.url);
/** The peer race's section of RESULTS.md: a run of its own (`BENCH=peers`), kept by full runs of the suite. */
const PEERS_SECTION = /\n## The peer race[\s\S]*$/;
const recorded = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '';
const today = new Date().toISOString().slice(0, 10);
// Only a full run (every benchmark, full scale) replaces the recorded results; a full peer race replaces its section.
if (scale === 1 && process.env.BENCH === undefined) {
  writeFileSync(
    RESULTS,
    `# Benchmark results\n\nMeasured ${today} with \`npm run bench\` on: ${machineDescription()}.\n\n${NOISE}\n\n${table}\n${PEERS_SECTION.exec(recorded)?.[0] ?? ''}`,
  );
} else if (scale === 1 && process.env.BENCH?.toUpperCase() === 'PEERS' && !process.env.PEERS) {
  writeFileSync(
    RESULTS,
    `${recorded.replace(PEERS_SECTION, '').trimEnd()}\n\n## The peer race\n\nMeasured ${today} with \`BENCH=peers npm run bench\` on: ${machineDescription()}.\n\n${table}\n`,
  );
}
process.exit(0);
