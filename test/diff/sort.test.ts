import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DiffEnv, type Pair } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';

/** Sends each command (an argument array) to both servers, replies compared. */
async function run(p: Pair, cmds: string[][]): Promise<void> {
  for (const args of cmds) {
    try {
      await p.same(...args);
    } catch (e) {
      if (e instanceof Error) e.message = `${args.join(' ')}: ${e.message}`;
      throw e;
    }
  }
}

const words = (line: string): string[][] => line.split('\n').filter((l) => l.trim() !== '').map((l) => l.trim().split(' '));

/** Elements and their weight keys: w_<e> (strings) and h_<e> (hash field f), distinct weights. */
function weightSetup(elems: string[]): string[][] {
  const out: string[][] = [];
  elems.forEach((e, i) => {
    out.push(['SET', `w_${e}`, String((i * 7) % elems.length) + '.5']);
    out.push(['HSET', `h_${e}`, 'f', `v${(i * 5) % elems.length}`, 'g', String(-i)]);
  });
  return out;
}

const NUMS = ['3', '10', '-2', '2.5', '007', '1e3', '11', '0', '-0.5', '10'];
const ALPHA = ['banana', 'apple', 'Cherry', 'date', 'apple2', 'a', 'b\x00z', 'b\x00a', ''];

const BYS: string[][] = [[], ['BY', 'nosort'], ['BY', 'w_*'], ['BY', 'h_*->f'], ['BY', 'h_*->g'], ['BY', 'missing_*']];
const LIMITS: string[][] = [[], ['LIMIT', '0', '3'], ['LIMIT', '2', '-1'], ['LIMIT', '-5', '2'], ['LIMIT', '8', '10'], ['LIMIT', '0', '0'], ['LIMIT', '30', '1']];
const ORDERS: string[][] = [[], ['ASC'], ['DESC']];
const GETS: string[][] = [[], ['GET', '#'], ['GET', 'w_*', 'GET', '#'], ['GET', 'h_*->f', 'GET', 'nokey_*', 'GET', 'fixed']];

type Kind = 'list' | 'intset' | 'set' | 'zset-lp' | 'zset-sl';

/** Whether Redis's own reply is deterministic for this combination. */
function deterministic(kind: Kind, by: string[], alpha: boolean, limit: string[]): boolean {
  const hashOrder = kind === 'set' || kind === 'zset-lp' || kind === 'zset-sl';
  // An unsorted hash-table set comes out in hash order.
  if (kind === 'set' && by[1] === 'nosort') return false;
  // ALPHA by weights that tie (all missing) keeps the hash order of sets and zsets.
  if (alpha && by[1] === 'missing_*' && hashOrder) return false;
  return true;
}

async function combos(p: Pair, key: string, kind: Kind, alphaOnly: boolean): Promise<number> {
  let n = 0;
  for (const by of BYS) {
    for (const limit of LIMITS) {
      for (const order of ORDERS) {
        for (const alpha of alphaOnly ? [true] : [false, true]) {
          if (!deterministic(kind, by, alpha, limit)) continue;
          for (const get of GETS) {
            const opts = [...by, ...limit, ...get, ...order, ...(alpha ? ['ALPHA'] : [])];
            await run(p, [['SORT', key, ...opts], ['SORT_RO', key, ...opts]]);
            await run(p, [['SORT', key, ...opts, 'STORE', 'dst'], ['LRANGE', 'dst', '0', '-1'], ['TYPE', 'dst']]);
            n += 5;
          }
        }
      }
    }
  }
  return n;
}

describe('SORT differential', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());
  beforeEach(() => env.reset());

  it('every option combination over a numeric list', async () => {
    const elems = [...new Set(NUMS)];
    await run(env.pair, [['RPUSH', 'l', ...NUMS], ...weightSetup(elems)]);
    await combos(env.pair, 'l', 'list', false);
  });

  it('every option combination over a word list (numeric sort errors)', async () => {
    await run(env.pair, [['RPUSH', 'l', ...ALPHA], ...weightSetup(ALPHA)]);
    await combos(env.pair, 'l', 'list', false);
  });

  it('every option combination over an intset and a hashtable set', async () => {
    const ints = ['5', '-3', '12', '0', '7', '100', '-20'];
    await run(env.pair, [['SADD', 'si', ...ints], ['SADD', 'sh', ...ints, 'x1', '2.5'], ...weightSetup([...ints, 'x1', '2.5'])]);
    await run(env.pair, [['OBJECT', 'ENCODING', 'si'], ['OBJECT', 'ENCODING', 'sh']]);
    await combos(env.pair, 'si', 'intset', false);
    await combos(env.pair, 'sh', 'set', false);
    await run(env.pair, [['SREM', 'sh', 'x1'], ['SORT', 'sh'], ['SORT', 'sh', 'DESC', 'LIMIT', '1', '3']]);
  });

  it('every option combination over sorted sets (listpack and skiplist)', async () => {
    const members = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'];
    await run(env.pair, [['ZADD', 'zl', '3', 'm1', '1', 'm2', '2', 'm3', '2', 'm4', '-1', 'm5', '9', 'm6'], ...weightSetup(members)]);
    await run(env.pair, [['OBJECT', 'ENCODING', 'zl']]);
    await combos(env.pair, 'zl', 'zset-lp', false);
    await run(env.pair, [['OBJECT', 'ENCODING', 'zl']]);
    const big: string[] = [];
    for (let i = 0; i < 150; i++) big.push(String((i * 37) % 101), `n${i}`);
    await run(env.pair, [['ZADD', 'zs', ...big], ['OBJECT', 'ENCODING', 'zs']]);
    await run(env.pair, [
      ['SORT', 'zs', 'BY', 'nosort'],
      ['SORT', 'zs', 'BY', 'nosort', 'DESC', 'LIMIT', '10', '20'],
      ['SORT', 'zs', 'BY', 'nosort', 'LIMIT', '140', '20'],
      ['SORT', 'zs', 'ALPHA', 'LIMIT', '5', '5'],
      ['SORT', 'zs', 'ALPHA', 'DESC', 'STORE', 'dst'],
      ['LRANGE', 'dst', '0', '-1'],
      ['SORT', 'zs'],
    ]);
  });

  it('numeric parsing of weights and elements', async () => {
    await run(env.pair, [
      ['RPUSH', 'a', '', ' 1', '0x10', '-inf', 'inf', '1e308'],
      ['SORT', 'a'],
      ['SORT', 'a', 'DESC'],
      ['RPUSH', 'b', '1 '],
      ['SORT', 'b'],
      ['RPUSH', 'c', 'nan'],
      ['SORT', 'c'],
      ['RPUSH', 'd', '1e400'],
      ['SORT', 'd'],
      ['RPUSH', 'e', '1e-400'],
      ['SORT', 'e'],
      ['RPUSH', 'f', '  '],
      ['SORT', 'f'],
      ['RPUSH', 'g', '1', '2'],
      ['SET', 'w_1', 'x'],
      ['SORT', 'g', 'BY', 'w_*'],
      ['SORT', 'g', 'BY', 'w_*', 'STORE', 'dst'],
      ['EXISTS', 'dst'],
      ['SORT', 'g', 'BY', 'w_*', 'ALPHA'],
      ['RPUSH', 'w_2', 'listval'],
      ['SORT', 'g', 'BY', 'w_*', 'ALPHA', 'GET', 'w_*'],
      ['HSET', 'h_1', 'f', '5'],
      ['SORT', 'g', 'BY', 'h_*->f', 'GET', 'h_*->f', 'GET', 'h_*->', 'GET', 'h_*', 'GET', '#', 'GET', '#x'],
      ['SET', 'h_1->', 'arrow'],
      ['SORT', 'g', 'GET', 'h_*->', 'GET', '*', 'GET', '**', 'GET', 'h_*->f->g'],
      ['SORT', 'g', 'BY', 'h_*->nofield'],
    ]);
  });

  it('errors, missing keys, STORE effects', async () => {
    await run(
      env.pair,
      words(`
        SORT nokey
        SORT nokey LIMIT 0 1 STORE dst
        SET dst x
        SORT nokey STORE dst
        EXISTS dst
        SET str v
        SORT str
        HSET hash f v
        SORT hash
        SORT str FOO
        SORT nokey FOO
        SORT nokey LIMIT 0
        SORT nokey LIMIT x 1
        SORT nokey LIMIT 0 1.5
        SORT nokey LIMIT 99999999999999999999 1
        SORT nokey LIMIT 0 -99999999999999999999
        SORT nokey BY
        SORT nokey GET
        SORT nokey STORE
        SORT_RO nokey STORE dst
        SORT_RO str
        SORT_RO nokey ALPHA DESC asc
        RPUSH l 3 1 2
        SORT l LIMIT 9223372036854775807 9223372036854775807
        SORT l LIMIT 1 9223372036854775807
        SORT l LIMIT -9223372036854775808 2
        EXPIRE l 100
        SORT l STORE l
        LRANGE l 0 -1
        TTL l
        SORT l BY nosort DESC STORE l2
        LRANGE l2 0 -1
        OBJECT ENCODING l2
        SADD s 3 1 2
        SORT s BY nosort STORE s2
        LRANGE s2 0 -1
        SADD s x
        SORT s BY nosort STORE s2
        LRANGE s2 0 -1
        SORT s BY nosort GET # STORE s2
        SORT s BY w_* STORE s2
      `),
    );
  });

  it('RESP3 replies', async () => {
    await env.pair.both('HELLO', '3');
    await run(env.pair, [
      ['RPUSH', 'l', '3', '1', '2'],
      ['SET', 'w_1', '10'],
      ['SORT', 'l'],
      ['SORT', 'l', 'GET', 'w_*', 'GET', '#'],
      ['SORT_RO', 'l', 'BY', 'nosort', 'GET', 'nope_*'],
      ['SORT', 'nokey'],
      ['SORT', 'l', 'STORE', 'd'],
    ]);
  });

  it('ties under BY ... LIMIT follow the partial quicksort (long lists)', async () => {
    const elems: string[] = [];
    const setup: string[][] = [];
    for (let i = 0; i < 120; i++) {
      elems.push(`e${(i * 53) % 120}`);
      if (i % 4 !== 0) setup.push(['SET', `t_e${i}`, `w${i % 5}`]);
    }
    await run(env.pair, [['RPUSH', 'big', ...elems], ...setup]);
    for (const [lo, n] of [['0', '10'], ['5', '50'], ['60', '7'], ['100', '30'], ['1', '118'], ['0', '119']]) {
      for (const order of ['ASC', 'DESC']) {
        await run(env.pair, [
          ['SORT', 'big', 'BY', 't_*', 'ALPHA', order, 'LIMIT', lo, n],
          ['SORT', 'big', 'BY', 'missing_*', 'ALPHA', order, 'LIMIT', lo, n],
          ['SORT', 'big', 'BY', 't_*', order, 'LIMIT', lo, n, 'GET', '#', 'GET', 't_*'],
        ]);
      }
    }
  });

  it('keyspace hits and misses are counted like Redis', async () => {
    const p = env.pair;
    for (const c of [['RPUSH', 'l', '1', '2', '3'], ['SET', 'w_1', '5'], ['HSET', 'h_2', 'f', '1'], ['SET', 'str', 'v']]) await p.same(...c);
    for (const cmd of [
      ['SORT', 'l'], ['SORT', 'l', 'BY', 'w_*'], ['SORT', 'l', 'BY', 'h_*->f', 'GET', 'w_*', 'GET', '#', 'GET', 'h_*->f'],
      ['SORT', 'l', 'BY', 'nosort', 'GET', 'nokey_*'], ['SORT', 'nokey'], ['SORT', 'l', 'STORE', 'd'], ['SORT', 'str'], ['SORT_RO', 'l', 'GET', 'x'],
    ]) {
      await p.same('CONFIG', 'RESETSTAT');
      await p.both(...cmd);
      const [a, b] = await p.both('INFO', 'stats');
      const pick = (raw: string) => /keyspace_hits:\d+\r\nkeyspace_misses:\d+/.exec(raw)?.[0];
      assert.equal(pick(b), pick(a), cmd.join(' '));
    }
  });
});
