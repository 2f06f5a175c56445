/**
 * Seeded random hash command sequences against the oracle, with low
 * hash-max-listpack-* limits so listpack/hashtable conversions happen often.
 * Replies compare exactly for listpacks (insertion order is Redis's order),
 * as unordered collections for hashtables, and by shape for HRANDFIELD.
 */
import { after, before, describe, it } from 'node:test';
import { DiffEnv } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import { Rng, testSeed } from '../support/random.js';
import { type CheckedCommand, runCollectionSequence } from '../support/random-sequence.js';

const KEYS = ['h1', 'h2', 'h\x00\xff', 'str'];
const INT_EDGES = ['0', '1', '-1', '9223372036854775807', '-9223372036854775808', '9223372036854775806', '9007199254740993', '-100'];

function field(r: Rng): string {
  return r.chance(0.9) ? `f${r.int(0, 12)}` : r.pick(['', '\x00', 'x'.repeat(17), 'y'.repeat(16)]);
}

function value(r: Rng): string {
  switch (r.int(0, 5)) {
    case 0:
      return r.pick(INT_EDGES);
    case 1:
      return String(r.int(-50, 50));
    case 2:
      return `${r.int(-999, 999)}.${r.int(0, 99)}`;
    case 3:
      return r.pick(['', 'abc', ' 1', '1e3', 'inf', '\xff\r\n', 'z'.repeat(17)]);
    default:
      return `v${r.int(0, 9)}`;
  }
}

function randCommand(r: Rng): CheckedCommand {
  const k = r.pick(KEYS);
  const pairs = (): string[] => {
    const out: string[] = [];
    for (let i = r.int(1, 4); i > 0; i--) out.push(field(r), value(r));
    return out;
  };
  switch (r.int(0, 19)) {
    case 0:
    case 1:
    case 2:
      return [['HSET', k, ...pairs()], 'exact'];
    case 3:
      return [['HMSET', k, ...pairs()], 'exact'];
    case 4:
      return [['HSETNX', k, field(r), value(r)], 'exact'];
    case 5:
      return [['HGET', k, field(r)], 'exact'];
    case 6:
      return [['HMGET', k, field(r), field(r)], 'exact'];
    case 7:
    case 8:
      return [['HDEL', k, field(r), field(r)], 'exact'];
    case 9:
      return [[r.pick(['HLEN', 'HKEYS', 'HVALS', 'HGETALL']), k], 'encoding-order', k];
    case 10:
      return [[r.pick(['HSTRLEN', 'HEXISTS']), k, field(r)], 'exact'];
    case 11:
    case 12:
      return [['HINCRBY', k, field(r), r.chance(0.8) ? String(r.int(-1000, 1000)) : r.pick([...INT_EDGES, 'x', '1.5'])], 'exact'];
    case 13:
    case 14:
      return [['HINCRBYFLOAT', k, field(r), r.chance(0.7) ? `${r.int(-99, 99)}.${r.int(0, 999)}` : r.pick(['1e10', '-0.1', '3', 'x', 'inf', '1e300', '0x10'])], 'exact'];
    case 15: {
      const args = r.chance(0.3) ? [] : [r.pick(['1', '2', '3', '-2', '-5', '0', '50', 'x'])];
      if (args.length > 0 && r.chance(0.4)) args.push(r.pick(['WITHVALUES', 'withvalues', 'X']));
      return [['HRANDFIELD', k, ...args], 'shape'];
    }
    case 16:
      return [['OBJECT', 'ENCODING', k], 'exact'];
    case 17:
      return [['HSCAN', k, '0', ...(r.chance(0.5) ? ['MATCH', r.pick(['f1*', '*', '?'])] : [])], 'encoding-order', k];
    case 18:
      return [['EXISTS', k], 'exact'];
    default:
      return [['DEL', k], 'exact'];
  }
}

describe('differential: randomized hash command sequences', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start({ 'hash-max-listpack-entries': '8', 'hash-max-listpack-value': '16' });
  });
  after(() => env.stop());

  for (const resp of [2, 3] as const) {
    it(`2000 random commands, RESP${resp}`, async () => {
      await runCollectionSequence(env, { resp, seed: testSeed(8100 + resp), steps: 2000, keys: KEYS, next: randCommand, contents: 'HGETALL' });
    });
  }
});
