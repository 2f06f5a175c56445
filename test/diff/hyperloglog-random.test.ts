/**
 * Seeded random HyperLogLog sequences over a few keys: PFADD PFCOUNT PFMERGE
 * mixed with byte edits that corrupt values (APPEND, SETRANGE), every reply
 * and the keys' bytes compared with the oracle. SEED=<n> reproduces a failure.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import { DiffEnv } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import { Rng, testSeed } from '../support/random.js';
import { runRandomSequence } from '../support/random-sequence.js';

const KEYS = ['h1', 'h2', 'h3', 'h4'];

function randElement(r: Rng): string {
  if (r.chance(0.5)) return `e${r.int(0, 3000)}`;
  let s = '';
  const n = r.int(0, 12);
  for (let i = 0; i < n; i++) s += String.fromCharCode(r.int(0, 255));
  return s;
}

function randKeys(r: Rng, min: number): string[] {
  const out: string[] = [];
  const n = r.int(min, 4);
  for (let i = 0; i < n; i++) out.push(r.chance(0.1) ? 'missing' : r.pick(KEYS));
  return out;
}

/** One random HLL command; a few edits damage a value on purpose. */
function randCommand(r: Rng): string[] {
  const k = r.pick(KEYS);
  const roll = r.int(0, 99);
  if (roll < 55) {
    const els: string[] = [];
    const n = r.int(0, r.chance(0.1) ? 400 : 20);
    for (let i = 0; i < n; i++) els.push(randElement(r));
    return ['PFADD', k, ...els];
  }
  if (roll < 70) return ['PFCOUNT', ...randKeys(r, 1)];
  if (roll < 80) return ['PFMERGE', k, ...randKeys(r, 0)];
  if (roll < 83) return ['APPEND', k, r.pick(['\x00', '\x80', '\x7f\xff', 'x'])];
  if (roll < 86) return ['SETRANGE', k, String(r.int(16, 40)), String.fromCharCode(r.int(0, 255))];
  if (roll < 88) return ['SETRANGE', k, String(r.int(0, 15)), String.fromCharCode(r.int(0, 255))];
  if (roll < 91) return ['DEL', k];
  if (roll < 93) return ['PFDEBUG', r.pick(['ENCODING', 'DECODE', 'TODENSE']), k];
  return ['GET', k];
}

describe('differential: random HyperLogLog sequences', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());
  beforeEach(() => env.reset());

  for (const [name, fallback, steps, maxBytes] of [
    ['sequence 1', 101, 600, '3000'],
    ['sequence 2', 102, 600, '200'],
    ['sequence 3', 103, 600, '3000'],
  ] as const) {
    it(`${name} (hll-sparse-max-bytes ${maxBytes})`, async () => {
      const p = env.pair;
      await p.same('CONFIG', 'SET', 'hll-sparse-max-bytes', maxBytes);
      await runRandomSequence({
        rng: new Rng(testSeed(fallback)),
        steps,
        next: randCommand,
        run: async (cmd) => {
          await p.same(...cmd);
          // The key's bytes after every command.
          await p.same('GET', cmd[0] === 'PFCOUNT' ? cmd[1] : cmd[cmd[0] === 'PFDEBUG' ? 2 : 1]);
        },
      });
      await p.same('CONFIG', 'SET', 'hll-sparse-max-bytes', '3000');
    });
  }
});
