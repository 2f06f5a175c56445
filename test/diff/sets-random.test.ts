/**
 * Seeded random set command sequences against the oracle, with low
 * set-max-intset-entries so intset/hashtable conversions happen often.
 * Replies compare exactly where Redis's order is defined (intsets, and results
 * built as intsets), as unordered collections where a hashtable is iterated,
 * and by shape for random picks. SPOP only ever takes whole sets here, so
 * both datasets stay identical; a separate test checks random SPOPs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RespValue } from '../../src/protocol/resp-reader.js';
import { DiffEnv } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import { Rng, testSeed } from '../support/random.js';
import { type CheckedCommand, assertSameShape, parseReply, runCollectionSequence } from '../support/random-sequence.js';

const KEYS = ['s1', 's2', 's3', 's\x00\xff', 'str'];
const MAX_INTSET = 16;

function member(r: Rng): string {
  switch (r.int(0, 5)) {
    case 0:
    case 1:
      return String(r.int(-20, 40));
    case 2:
      return r.pick(['9223372036854775807', '-9223372036854775808', '9223372036854775808', '01', '-0', '+5', ' 7', '70000', '-2147483649']);
    case 3:
      return r.pick(['a', 'b', 'c', '', '\x00', '\xff\r\n']);
    default:
      return String(r.int(0, 12));
  }
}

function members(r: Rng, min = 1): string[] {
  const out: string[] = [];
  const n = r.int(min, 6);
  for (let i = 0; i < n; i++) out.push(member(r));
  return out;
}

function keys(r: Rng): string[] {
  const out: string[] = [];
  const n = r.int(1, 3);
  for (let i = 0; i < n; i++) out.push(r.chance(0.1) ? 'nokey' : r.pick(KEYS));
  return out;
}

/** One random command and how to compare its reply. */
function randCommand(r: Rng): CheckedCommand {
  const k = r.pick(KEYS);
  switch (r.int(0, 19)) {
    case 0:
    case 1:
    case 2:
      return [['SADD', k, ...members(r)], 'exact'];
    case 3:
    case 4:
      return [['SREM', k, ...members(r)], 'exact'];
    case 5:
      return [['SCARD', k], 'exact'];
    case 6:
      return [['SISMEMBER', k, member(r)], 'exact'];
    case 7:
      return [['SMISMEMBER', k, ...members(r)], 'exact'];
    case 8:
      return [['SMEMBERS', k], 'encoding-order', k];
    case 9:
      return [['SMOVE', k, r.pick(KEYS), member(r)], 'exact'];
    case 10:
      return [['SINTER', ...keys(r)], 'unordered'];
    case 11:
      return [['SUNION', ...keys(r)], 'unordered'];
    case 12:
      return [['SDIFF', ...keys(r)], 'unordered'];
    case 13: {
      const ks = keys(r);
      const extra = r.chance(0.5) ? ['LIMIT', r.pick(['0', '1', '3', '-1', 'x'])] : [];
      return [['SINTERCARD', r.chance(0.9) ? String(ks.length) : r.pick(['0', '9', 'x']), ...ks, ...extra], 'exact'];
    }
    case 14:
      return [[r.pick(['SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE']), k, ...keys(r)], 'exact'];
    case 15:
      return [['SRANDMEMBER', k, ...(r.chance(0.3) ? [] : [r.pick(['1', '2', '5', '-3', '-10', '0', '100', 'x'])])], 'shape'];
    case 16:
      // Whole-set pops only (deterministic contents).
      return [['SPOP', k, r.pick(['100', '0', '-1', 'x'])], 'encoding-order', k];
    case 17:
      return [['OBJECT', 'ENCODING', k], 'exact'];
    case 18:
      return [['SSCAN', k, '0', ...(r.chance(0.5) ? ['MATCH', r.pick(['1*', '*a*', '?'])] : [])], 'encoding-order', k];
    default:
      return [['DEL', k], 'exact'];
  }
}

/** The members in a raw array or set reply. */
function membersOf(raw: string): string[] {
  return (parseReply(raw) as { v: RespValue[] }).v.map((x) => (x as { v: string }).v);
}

describe('differential: randomized set command sequences', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start({ 'set-max-intset-entries': String(MAX_INTSET) });
  });
  after(() => env.stop());

  for (const resp of [2, 3] as const) {
    it(`2000 random commands, RESP${resp}`, async () => {
      await runCollectionSequence(env, { resp, seed: testSeed(9100 + resp), steps: 2000, keys: KEYS, next: randCommand, contents: 'SMEMBERS' });
    });
  }

  it('random SPOP counts: replies and what remains are consistent on both', async () => {
    const seed = testSeed(9200);
    const r = new Rng(seed);
    const p = env.pair;
    for (let i = 0; i < 200; i++) {
      await p.same('DEL', 'k');
      const size = r.int(1, 40);
      const pool = new Set<string>();
      while (pool.size < size) pool.add(r.chance(0.8) ? String(r.int(0, 100)) : `m${r.int(0, 100)}`);
      await p.same('SADD', 'k', ...pool);
      const count = r.int(0, size + 2);
      const [a, b] = await p.both('SPOP', 'k', String(count));
      assertSameShape(a, b);
      for (const [side, raw] of [['redis', a], ['respite', b]] as const) {
        const popped = membersOf(raw);
        assert.equal(new Set(popped).size, Math.min(count, size), `seed ${seed} step ${i}`);
        for (const m of popped) assert.ok(pool.has(m));
        const rest = membersOf(await p[side].call('SMEMBERS', 'k'));
        assert.deepEqual([...rest, ...popped].sort(), [...pool].sort(), `${side}: seed ${seed} step ${i}`);
        // What remains is re-encoded from its own members when most of the set was popped.
        const enc = await p[side].call('OBJECT', 'ENCODING', 'k');
        if (rest.length > 0 && rest.length * 5 <= count) {
          const ints = rest.every((m) => /^(0|-?[1-9]\d*)$/.test(m));
          assert.equal(enc, ints ? '$6\r\nintset\r\n' : '$9\r\nhashtable\r\n', `${side}: seed ${seed} step ${i}`);
        }
      }
    }
  });
});
