/**
 * Seeded random sequences of bitmap commands over a few keys, every reply and
 * the keys' bytes compared with the oracle. SEED=<n> reproduces a failure.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import { DiffEnv } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import { Rng, testSeed } from '../support/random.js';
import { runRandomSequence } from '../support/random-sequence.js';

const KEYS = ['a', 'b', 'c', '\x00k'];
const EDGES = ['0', '-1', '9223372036854775807', '-9223372036854775808', '4611686018427387904', '9007199254740993', '255', '-128', '127', '65535'];

/** Bit offsets reach past 64 KB (values edited as ropes) when `big` is set. */
let big = false;

function randOffset(r: Rng): string {
  if (r.chance(0.05)) return r.pick(['-1', 'x', '', '4294967296', '#1', '#-2']);
  if (big) return String(r.chance(0.5) ? r.int(520000, 540000) : r.int(0, 3_000_000));
  return String(r.int(0, r.chance(0.9) ? 200 : 5000));
}

function randIndex(r: Rng): string {
  return r.chance(0.1) ? r.pick(EDGES) : String(r.int(-40, 40));
}

function randType(r: Rng): string {
  if (r.chance(0.03)) return r.pick(['u64', 'i65', 'i0', 'x8', 'U8', '']);
  return (r.chance(0.5) ? 'i' : 'u') + String(r.int(1, 64));
}

function randFieldValue(r: Rng): string {
  return r.chance(0.3) ? r.pick(EDGES) : String(r.int(-300, 300));
}

function randBitfield(r: Rng, readOnly: boolean): string[] {
  const out = [readOnly ? 'BITFIELD_RO' : 'BITFIELD', r.pick(KEYS)];
  const n = r.int(0, 5);
  for (let i = 0; i < n; i++) {
    const t = randType(r);
    const off = r.chance(0.3) ? `#${r.int(0, 20)}` : randOffset(r);
    const op = readOnly && r.chance(0.9) ? 0 : r.int(0, 3);
    if (op === 0) out.push('GET', t, off);
    else if (op === 1) out.push('SET', t, off, randFieldValue(r));
    else if (op === 2) out.push('INCRBY', t, off, randFieldValue(r));
    else out.push('OVERFLOW', r.pick(['WRAP', 'SAT', 'FAIL', 'sat', 'bad']));
  }
  return out;
}

/** One random bitmap command with random (sometimes invalid) arguments. */
function randCommand(r: Rng): string[] {
  const k = r.pick(KEYS);
  switch (r.int(0, 11)) {
    case 0:
    case 1:
      return ['SETBIT', k, randOffset(r), r.chance(0.95) ? String(r.int(0, 1)) : r.pick(['2', '-1', 'x'])];
    case 2:
      return ['GETBIT', k, randOffset(r)];
    case 3: {
      const args = ['BITCOUNT', k];
      if (r.chance(0.7)) args.push(randIndex(r), randIndex(r));
      if (r.chance(0.4)) args.push(r.pick(['BIT', 'BYTE', 'bit', 'x']));
      return args;
    }
    case 4: {
      const args = ['BITPOS', k, r.chance(0.95) ? String(r.int(0, 1)) : '2'];
      const extra = r.int(0, 3);
      if (extra >= 1) args.push(randIndex(r));
      if (extra >= 2) args.push(randIndex(r));
      if (extra >= 3) args.push(r.pick(['BIT', 'BYTE', 'x']));
      return args;
    }
    case 5: {
      const op = r.pick(['AND', 'OR', 'XOR', 'NOT', 'or', 'NAND']);
      const n = op === 'NOT' ? 1 : r.int(1, 4);
      const srcs: string[] = [];
      for (let i = 0; i < n; i++) srcs.push(r.pick([...KEYS, 'missing']));
      return ['BITOP', op, r.pick(KEYS), ...srcs];
    }
    case 6:
    case 7:
      return randBitfield(r, false);
    case 8:
      return randBitfield(r, true);
    case 9:
      return ['SET', k, r.pick(['', 'foobar', '12345', '\xff\x00\xf0', 'x'.repeat(r.int(1, 60))])];
    case 10:
      if (big && r.chance(0.5)) return ['SETRANGE', k, String(r.int(0, 300000)), r.pick(['\xff', 'abc', '\x00\x00'])];
      return r.chance(0.5) ? ['DEL', k] : ['APPEND', k, '\x81'];
    default:
      return ['GET', k];
  }
}

describe('differential: random bitmap sequences', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());
  beforeEach(() => env.reset());

  for (const [name, fallback, steps, isBig] of [
    ['sequence 1', 1, 1500, false],
    ['sequence 2', 2, 1500, false],
    ['sequence 3', 3, 1500, false],
    ['big values 1', 4, 800, true],
    ['big values 2', 5, 800, true],
  ] as const) {
    it(`${name} (replies, values, encodings)`, async () => {
      const r = new Rng(testSeed(fallback));
      const p = env.pair;
      big = isBig;
      if (r.chance(0.5)) await p.both('HELLO', '3');
      await runRandomSequence({
        rng: r,
        steps,
        next: randCommand,
        run: async (cmd, i) => {
          await p.same(...cmd);
          // The key's bytes and encoding: after every command but GET (on big values only every fifth step), and every tenth step.
          if (i % 10 === 0 || (cmd[0] !== 'GET' && !(big && i % 5 !== 0))) {
            const key = cmd[0] === 'BITOP' ? cmd[2] : cmd[1];
            for (const q of [['GET', key], ['OBJECT', 'ENCODING', key]]) await p.same(...q);
          }
        },
      });
      await p.both('HELLO', '2');
    });
  }
});
