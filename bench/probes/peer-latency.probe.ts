/**
 * Profiling aid, not a benchmark: the peer race's latency scenario for one contender, alone.
 * Run: RATE=100 CONTENDER=this node --import @swc-node/register/esm-register bench/probes/peer-latency.probe.ts
 */
import 'reflect-metadata';
import { createTestDatabase } from '../../test/support/test-databases.js';
import { commitLatency } from '../peers/commit-latency.js';
import { CONTENDERS } from '../peers/peer-contenders.js';
import { PRODUCERS } from '../peers/producer-cost.js';
import { benchContext } from '../support/bench-app.js';

const rate = Number(process.env.RATE ?? 100);
const at = CONTENDERS.findIndex(({ name }) => name.startsWith(process.env.CONTENDER ?? 'this'));
const database = await createTestDatabase('postgres');
try {
  for (let round = 0; round < Number(process.env.ROUNDS ?? 2); round++) {
    const measured = await commitLatency(
      CONTENDERS[at]!,
      PRODUCERS[at]!,
      benchContext('postgres', database),
      rate,
      rate * 5,
    );
    console.log(`${CONTENDERS[at]!.name} at ${rate}/s: ${JSON.stringify(measured)}`);
  }
} finally {
  await database.drop();
}
process.exit(0);
