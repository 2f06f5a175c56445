/**
 * Seeded random interleavings of two connections doing WATCH / MULTI / EXEC
 * / DISCARD / UNWATCH with writes, flushes, SWAPDB, SELECT and expiry on a
 * handful of keys; every reply must be byte-identical to the oracle's.
 * Expiry only uses PX 1 followed by a pause (after the SET, or after the EXEC
 * that ran it), so both servers agree on it.
 */
import { after, before, describe, it } from 'node:test';
import { DiffEnv, type Pair } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import { Rng, testSeed } from '../support/random.js';
import { runRandomSequence } from '../support/random-sequence.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const KEYS = ['k1', 'k2', 'k3'];

/** One random step for a connection; returns the command (or 'pause'). */
function step(rng: Rng): string[] {
  const k = rng.pick(KEYS);
  const r = rng.next();
  if (r < 0.12) return ['WATCH', k, ...(rng.chance(0.3) ? [rng.pick(KEYS)] : [])];
  if (r < 0.2) return ['MULTI'];
  if (r < 0.3) return ['EXEC'];
  if (r < 0.33) return ['DISCARD'];
  if (r < 0.36) return ['UNWATCH'];
  if (r < 0.5) return ['SET', k, String(rng.int(0, 9))];
  if (r < 0.56) return ['INCR', k];
  if (r < 0.62) return ['DEL', k];
  if (r < 0.66) return ['SET', k, 'v', 'PX', '1'];
  if (r < 0.7) return ['pause'];
  if (r < 0.74) return ['GET', k];
  if (r < 0.77) return ['EXPIRE', k, '100'];
  if (r < 0.8) return ['RENAME', k, rng.pick(KEYS)];
  if (r < 0.83) return ['SELECT', String(rng.int(0, 1))];
  if (r < 0.86) return ['SWAPDB', '0', '1'];
  if (r < 0.88) return ['FLUSHDB'];
  if (r < 0.89) return ['FLUSHALL'];
  if (r < 0.92) return ['SET', k];
  if (r < 0.95) return ['LPUSH', k, 'x'];
  return ['EXISTS', ...KEYS];
}

describe('differential transactions: random WATCH/MULTI/EXEC interleavings', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  let conns: Pair[];
  before(async () => {
    env = await DiffEnv.start({ 'enable-debug-command': 'yes' });
    await env.pair.same('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    conns = [env.pair, await env.connect()];
  });
  after(() => env.stop());

  for (const base of [1, 2, 3]) {
    const seed = testSeed(4100 + base);
    it(`seed ${seed}: 600 steps over two connections give identical replies`, async () => {
      const rng = new Rng(seed);
      for (const c of conns) await c.same('RESET');
      await env.pair.same('FLUSHALL');
      await runRandomSequence({
        rng,
        steps: 600,
        next: (r) => [r.int(0, conns.length - 1), step(r)] as const,
        run: async ([c, cmd], i) => {
          if (cmd[0] === 'pause') await sleep(5);
          else {
            const r = await conns[c].same(...cmd);
            if (process.env.TRACE !== undefined) process.stderr.write(`${i} ${c} ${cmd.join(' ')} ${JSON.stringify(r)}\n`);
          }
          // A PX 1 key (set directly or by EXEC) must be expired on both servers before the next step.
          if (cmd[3] === 'PX' || cmd[0] === 'EXEC') await sleep(5);
        },
        show: ([c, cmd]) => `conn ${c} ${JSON.stringify(cmd)}`,
      });
    });
  }
});
