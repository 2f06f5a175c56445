import { after, before, describe, it } from 'node:test';
import { DiffEnv } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import { Rng, testSeed } from '../support/random.js';
import { runRandomSequence } from '../support/random-sequence.js';

const KEYS = ['a', 'b', 'c', '\x00k\xff', 'n'];
const INT_EDGES = ['0', '1', '-1', '9223372036854775807', '-9223372036854775808', '9223372036854775806', '-9223372036854775807', '9007199254740992', '-9007199254740993', '4611686018427387904', '100', '-100'];

/** A random argument of the kind string commands meet: ints at int64 edges, floats, binary text. */
function randValue(r: Rng): string {
  switch (r.int(0, 7)) {
    case 0:
      return r.pick(INT_EDGES);
    case 1:
      return String(r.int(-1000, 1000));
    case 2:
      return (r.next() * 10 ** r.int(-25, 25) * (r.chance(0.5) ? -1 : 1)).toPrecision(r.int(1, 21));
    case 3:
      return `${r.int(-99999, 99999)}.${r.int(0, 999999)}`;
    case 4:
      return r.pick(['', 'inf', '-inf', 'abc', ' 1', '1e', '0x1p4', '1e400', '1e-400', '.5', '5.', '+3', '01']);
    case 5: {
      let s = '';
      const n = r.int(0, 12);
      for (let i = 0; i < n; i++) s += String.fromCharCode(r.pick([0, 10, 13, 255, 32, r.int(0, 255)]));
      return s;
    }
    case 6:
      return 'x'.repeat(r.pick([1, 20, 44, 45, 60]));
    default:
      return r.pick(['hello', 'world', 'ohmytext', 'mynewtext']);
  }
}

function randIndex(r: Rng): string {
  return r.chance(0.2) ? r.pick(INT_EDGES) : String(r.int(-30, 30));
}

/** One random string command with random (sometimes invalid) arguments. */
export function randCommand(r: Rng): string[] {
  const k = r.pick(KEYS);
  const k2 = r.pick(KEYS);
  const v = randValue(r);
  switch (r.int(0, 24)) {
    case 0:
      return ['GET', k];
    case 1: {
      const opts = [];
      if (r.chance(0.3)) opts.push(r.pick(['NX', 'XX']));
      if (r.chance(0.3)) opts.push('GET');
      // Relative expiries stay long (a 1 ms TTL would race); absolute ones may be in the past.
      if (r.chance(0.3)) opts.push(r.pick(['EX', 'PX']), r.pick(['100000', '0', '-1', 'x', '99999999999']));
      else if (r.chance(0.1)) opts.push(r.pick(['EXAT', 'PXAT']), r.pick(['1', '0', '99999999999']));
      if (r.chance(0.1)) opts.push('KEEPTTL');
      return ['SET', k, v, ...opts];
    }
    case 2:
      return ['SETNX', k, v];
    case 3:
      return [r.pick(['SETEX', 'PSETEX']), k, r.pick(['100000', '0', 'x', '-5']), v];
    case 4:
      return ['GETSET', k, v];
    case 5:
      return ['GETDEL', k];
    case 6:
      return ['GETEX', k, ...r.pick([[], ['PERSIST'], ['EX', '10000'], ['PXAT', '1'], ['PX', 'x'], ['NX']])];
    case 7:
      return ['MGET', k, k2, r.pick(KEYS)];
    case 8:
      return ['MSET', k, v, k2, randValue(r)];
    case 9:
      return ['MSETNX', k, v, k2, randValue(r)];
    case 10:
    case 11:
      return ['APPEND', k, v];
    case 12:
      return ['STRLEN', k];
    case 13:
      return [r.pick(['GETRANGE', 'SUBSTR']), k, randIndex(r), randIndex(r)];
    case 14:
      return ['SETRANGE', k, r.chance(0.1) ? r.pick(['-1', 'x']) : String(r.int(0, 40)), v];
    case 15:
    case 16:
      return [r.pick(['INCR', 'DECR']), k];
    case 17:
    case 18:
      return [r.pick(['INCRBY', 'DECRBY']), k, r.chance(0.7) ? r.pick(INT_EDGES) : v];
    case 19:
    case 20:
    case 21:
      return ['INCRBYFLOAT', k, v];
    case 22:
      return ['LCS', k, k2, ...r.pick([[], ['LEN'], ['IDX'], ['IDX', 'WITHMATCHLEN'], ['IDX', 'MINMATCHLEN', '2']])];
    case 23:
      return ['EXISTS', k];
    default:
      return ['DEL', k];
  }
}

describe('differential: randomized string command sequences', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());

  for (const base of [1, 2]) {
    it(`2000 random commands, RESP${base + 1}`, async () => {
      const p = await env.connect();
      await p.same('FLUSHALL');
      if (base === 2) await p.both('HELLO', '3');
      await runRandomSequence({ rng: new Rng(testSeed(7101 + base)), steps: 2000, next: randCommand, run: (cmd) => p.same(...cmd) });
      // Final state: every key's value agrees.
      for (const k of KEYS) await p.same('GET', k);
    });
  }

  it('1000 random INCRBYFLOAT pairs (long double arithmetic and printing)', async () => {
    const p = env.pair;
    const num = (r: Rng): string => {
      const sign = r.chance(0.5) ? '-' : '';
      switch (r.int(0, 4)) {
        case 0:
          return `${sign}${r.int(0, 1e9)}.${String(r.int(0, 1e9)).padStart(9, '0')}${r.int(0, 999999)}`;
        case 1:
          return `${sign}${(r.next() * 10).toFixed(r.int(0, 20))}e${r.int(-60, 60)}`;
        case 2:
          return `${sign}${r.int(0, 2 ** 53)}${r.chance(0.5) ? '.' + r.int(0, 99) : ''}`;
        case 3:
          return `${sign}${r.next()}e${r.pick([-4950, -4940, -330, 300, 4000, 4931])}`;
        default:
          return sign + r.pick(INT_EDGES) + r.pick(['', '.5', '.25', '.1', '0']);
      }
    };
    await runRandomSequence({
      rng: new Rng(testSeed(4242)),
      steps: 1000,
      next: (r) => [num(r), num(r)],
      run: async ([a, b]) => {
        await p.same('SET', 'f', a);
        await p.same('INCRBYFLOAT', 'f', b);
      },
      show: ([a, b]) => `${a} + ${b}`,
    });
  });
});
