import { after, before, beforeEach, describe, it } from 'node:test';
import { DiffEnv, type Pair } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';

const BIN = '\x00\xff\r\n\x80bin';
const LONG_MIN = '-9223372036854775808';
const LONG_MAX = '9223372036854775807';

describe('differential: list commands', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  let p2: Pair;
  let p3: Pair;
  before(async () => {
    env = await DiffEnv.start();
    p2 = env.pair;
    p3 = await env.connect();
    await p3.both('HELLO', '3');
  });
  after(() => env.stop());
  beforeEach(() => env.reset());

  /** Runs `body` in RESP2 then, after a flush, in RESP3. */
  async function both(body: (p: Pair) => Promise<void>): Promise<void> {
    await body(p2);
    await env.reset();
    await body(p3);
  }

  it('LPUSH RPUSH LPUSHX RPUSHX and LRANGE', () =>
    both(async (p) => {
      await p.same('LPUSHX', 'l', 'a');
      await p.same('RPUSHX', 'l', 'a');
      await p.same('EXISTS', 'l');
      await p.same('LPUSH', 'l', 'a', 'b', 'c');
      await p.same('RPUSH', 'l', 'd', BIN, '');
      await p.same('LPUSHX', 'l', 'x', 'y');
      await p.same('RPUSHX', 'l', 'z');
      await p.same('LRANGE', 'l', '0', '-1');
      await p.same('TYPE', 'l');
      await p.same('OBJECT', 'ENCODING', 'l');
      await p.same('SET', 's', 'str');
      for (const cmd of ['LPUSH', 'RPUSH', 'LPUSHX', 'RPUSHX']) await p.same(cmd, 's', 'v');
      await p.same('LPUSH', 'l');
      await p.same('RPUSHX', 'l');
    }));

  it('LRANGE index rules', () =>
    both(async (p) => {
      await p.same('RPUSH', 'l', '1', '2', '3', '4', '5');
      const idx = ['0', '1', '-1', '-2', '4', '5', '6', '-5', '-6', '-100', '100', LONG_MIN, LONG_MAX, '3'];
      for (const a of idx) for (const b of idx) await p.same('LRANGE', 'l', a, b);
      await p.same('LRANGE', 'l', 'x', '1');
      await p.same('LRANGE', 'l', '0', '1.5');
      await p.same('LRANGE', 'nokey', '0', '-1');
      await p.same('LRANGE', 'nokey', 'x', '-1');
      await p.same('SET', 's', 'v');
      await p.same('LRANGE', 's', '0', '-1');
      await p.same('LRANGE', 's', 'x', '-1');
    }));

  it('LPOP RPOP with and without count', () =>
    both(async (p) => {
      await p.same('LPOP', 'nokey');
      await p.same('RPOP', 'nokey');
      await p.same('LPOP', 'nokey', '0');
      await p.same('RPOP', 'nokey', '3');
      await p.same('LPOP', 'nokey', '-1');
      await p.same('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f', 'g');
      await p.same('LPOP', 'l');
      await p.same('RPOP', 'l');
      await p.same('LPOP', 'l', '0');
      await p.same('LPOP', 'l', '2');
      await p.same('RPOP', 'l', '2');
      await p.same('LPOP', 'l', '-1');
      await p.same('LPOP', 'l', 'x');
      await p.same('LPOP', 'l', LONG_MIN);
      await p.same('RPOP', 'l', '1.0');
      await p.same('LPOP', 'l', '1', '2');
      await p.same('RPOP', 'l', '1', '2', '3');
      await p.same('RPOP', 'l', LONG_MAX);
      await p.same('EXISTS', 'l');
      await p.same('RPUSH', 'l', 'x');
      await p.same('RPOP', 'l');
      await p.same('EXISTS', 'l');
      await p.same('LPOP', 'l');
      await p.same('SET', 's', 'v');
      await p.same('LPOP', 's');
      await p.same('RPOP', 's', '0');
      await p.same('RPOP', 's', '-1');
    }));

  it('LLEN LINDEX LSET', () =>
    both(async (p) => {
      await p.same('LLEN', 'nokey');
      await p.same('LINDEX', 'nokey', '0');
      await p.same('LINDEX', 'nokey', 'x');
      await p.same('LSET', 'nokey', '0', 'v');
      await p.same('LSET', 'nokey', 'x', 'v');
      await p.same('RPUSH', 'l', 'a', 'b', 'c');
      await p.same('LLEN', 'l');
      for (const i of ['0', '2', '3', '-1', '-3', '-4', 'x', LONG_MIN, LONG_MAX, '']) {
        await p.same('LINDEX', 'l', i);
        await p.same('LSET', 'l', i, `v${i}`);
      }
      await p.same('LSET', 'l', '1', BIN);
      await p.same('LRANGE', 'l', '0', '-1');
      await p.same('SET', 's', 'v');
      await p.same('LLEN', 's');
      await p.same('LINDEX', 's', '0');
      await p.same('LINDEX', 's', 'x');
      await p.same('LSET', 's', '0', 'v');
      await p.same('LSET', 's', 'x', 'v');
    }));

  it('LINSERT', () =>
    both(async (p) => {
      await p.same('LINSERT', 'nokey', 'BEFORE', 'a', 'b');
      await p.same('LINSERT', 'nokey', 'middle', 'a', 'b');
      await p.same('RPUSH', 'l', 'a', 'b', 'a', 'c');
      await p.same('LINSERT', 'l', 'BEFORE', 'a', 'x');
      await p.same('LINSERT', 'l', 'after', 'a', 'y');
      await p.same('LINSERT', 'l', 'AFTER', 'c', 'z');
      await p.same('LINSERT', 'l', 'before', 'nope', 'z');
      await p.same('LINSERT', 'l', 'before\x00junk', 'c', 'w');
      await p.same('LINSERT', 'l', 'beforex', 'c', 'w');
      await p.same('LINSERT', 'l', 'AFTER', '', BIN);
      await p.same('LRANGE', 'l', '0', '-1');
      await p.same('SET', 's', 'v');
      await p.same('LINSERT', 's', 'BEFORE', 'a', 'b');
      await p.same('LINSERT', 's', 'bad', 'a', 'b');
    }));

  it('LREM', () =>
    both(async (p) => {
      await p.same('LREM', 'nokey', '0', 'a');
      await p.same('LREM', 'nokey', 'x', 'a');
      await p.same('RPUSH', 'l', 'a', 'b', 'a', 'c', 'a', 'b', 'a');
      await p.same('LREM', 'l', '1', 'a');
      await p.same('LRANGE', 'l', '0', '-1');
      await p.same('LREM', 'l', '-2', 'a');
      await p.same('LRANGE', 'l', '0', '-1');
      await p.same('LREM', 'l', '0', 'b');
      await p.same('LREM', 'l', '5', 'zz');
      await p.same('LREM', 'l', '1.5', 'a');
      await p.same('LREM', 'l', LONG_MIN, 'c');
      await p.same('LRANGE', 'l', '0', '-1');
      await p.same('LREM', 'l', '0', 'a');
      await p.same('EXISTS', 'l');
      await p.same('SET', 's', 'v');
      await p.same('LREM', 's', '0', 'v');
    }));

  it('LTRIM', () =>
    both(async (p) => {
      await p.same('LTRIM', 'nokey', '0', '1');
      await p.same('LTRIM', 'nokey', 'x', '1');
      const idx = ['0', '1', '-1', '-2', '4', '5', '-5', '-6', '100', LONG_MIN, LONG_MAX];
      for (const a of idx) {
        for (const b of idx) {
          await p.same('DEL', 'l');
          await p.same('RPUSH', 'l', '1', '2', '3', '4', '5');
          await p.same('LTRIM', 'l', a, b);
          await p.same('LRANGE', 'l', '0', '-1');
          await p.same('EXISTS', 'l');
        }
      }
      await p.same('LTRIM', 'l', '0', 'y');
      await p.same('SET', 's', 'v');
      await p.same('LTRIM', 's', '0', '1');
      await p.same('LTRIM', 's', 'x', '1');
    }));

  it('LPOS with RANK COUNT MAXLEN and its errors', () =>
    both(async (p) => {
      await p.same('LPOS', 'nokey', 'a');
      await p.same('LPOS', 'nokey', 'a', 'COUNT', '0');
      await p.same('LPOS', 'nokey', 'a', 'RANK', '0');
      await p.same('RPUSH', 'l', 'a', 'b', 'c', 'a', 'b', 'a', 'c', 'a');
      const opts: string[][] = [
        [],
        ['RANK', '1'],
        ['RANK', '2'],
        ['RANK', '-1'],
        ['RANK', '-3'],
        ['RANK', '9'],
        ['RANK', '-9'],
        ['RANK', LONG_MIN],
        ['RANK', LONG_MAX],
        ['COUNT', '0'],
        ['COUNT', '1'],
        ['COUNT', '2'],
        ['COUNT', '100'],
        ['MAXLEN', '0'],
        ['MAXLEN', '1'],
        ['MAXLEN', '4'],
        ['RANK', '2', 'COUNT', '2'],
        ['RANK', '-2', 'COUNT', '0'],
        ['RANK', LONG_MIN, 'COUNT', '1'],
        ['RANK', LONG_MIN, 'COUNT', '0'],
        ['RANK', '-1', 'MAXLEN', '3', 'COUNT', '0'],
        ['COUNT', '0', 'MAXLEN', '6'],
        ['rank', '1', 'count', '1', 'maxlen', '1'],
        ['COUNT', '1', 'COUNT', '2'],
        ['RANK', '0'],
        ['RANK', 'x'],
        ['COUNT', '-1'],
        ['COUNT', 'x'],
        ['MAXLEN', '-1'],
        ['MAXLEN', 'x'],
        ['RANK'],
        ['COUNT'],
        ['FOO', '1'],
        ['RANK', '1', 'FOO'],
        ['RANK', '0', 'COUNT', '-1'],
        ['COUNT', '-1', 'RANK', '0'],
      ];
      for (const ele of ['a', 'b', 'c', 'zz']) for (const o of opts) await p.same('LPOS', 'l', ele, ...o);
      await p.same('SET', 's', 'v');
      await p.same('LPOS', 's', 'v');
      await p.same('LPOS', 's', 'v', 'RANK', '0');
    }));

  it('RPOPLPUSH and LMOVE', () =>
    both(async (p) => {
      await p.same('RPOPLPUSH', 'nokey', 'dst');
      await p.same('LMOVE', 'nokey', 'dst', 'LEFT', 'RIGHT');
      await p.same('LMOVE', 'nokey', 'dst', 'UP', 'RIGHT');
      await p.same('LMOVE', 'nokey', 'dst', 'left', 'down');
      await p.same('RPUSH', 'src', 'a', 'b', 'c', 'd');
      await p.same('RPOPLPUSH', 'src', 'dst');
      for (const from of ['LEFT', 'right', 'Left\x00x']) {
        for (const to of ['left', 'RIGHT']) await p.same('LMOVE', 'src', 'dst', from, to);
      }
      await p.same('LRANGE', 'dst', '0', '-1');
      await p.same('EXISTS', 'src');
      await p.same('RPUSH', 'r', '1', '2', '3');
      await p.same('RPOPLPUSH', 'r', 'r');
      await p.same('LMOVE', 'r', 'r', 'LEFT', 'RIGHT');
      await p.same('LMOVE', 'r', 'r', 'LEFT', 'LEFT');
      await p.same('LRANGE', 'r', '0', '-1');
      await p.same('RPUSH', 'one', 'x');
      await p.same('RPOPLPUSH', 'one', 'one');
      await p.same('LRANGE', 'one', '0', '-1');
      await p.same('SET', 's', 'v');
      await p.same('RPOPLPUSH', 's', 'dst');
      await p.same('RPOPLPUSH', 'r', 's');
      await p.same('LMOVE', 'r', 's', 'LEFT', 'LEFT');
      await p.same('LMOVE', 's', 'r', 'LEFT', 'LEFT');
      await p.same('LMOVE', 'nokey', 's', 'LEFT', 'LEFT');
      await p.same('LRANGE', 'r', '0', '-1');
    }));

  it('LMPOP', () =>
    both(async (p) => {
      await p.same('LMPOP', '1', 'nokey', 'LEFT');
      await p.same('LMPOP', '2', 'nokey', 'nokey2', 'RIGHT', 'COUNT', '5');
      await p.same('RPUSH', 'b', '1', '2', '3', '4', '5');
      await p.same('LMPOP', '2', 'a', 'b', 'LEFT');
      await p.same('LMPOP', '2', 'a', 'b', 'RIGHT', 'COUNT', '2');
      await p.same('LMPOP', '2', 'a', 'b', 'left', 'count', '10');
      await p.same('EXISTS', 'b');
      const bad: string[][] = [
        ['0', 'a', 'LEFT'],
        ['-1', 'a', 'LEFT'],
        ['x', 'a', 'LEFT'],
        ['2', 'a', 'LEFT'],
        ['3', 'a', 'b', 'LEFT'],
        [LONG_MAX, 'a', 'LEFT'],
        ['1', 'a', 'MIDDLE'],
        ['1', 'a', 'LEFT', 'COUNT'],
        ['1', 'a', 'LEFT', 'COUNT', '0'],
        ['1', 'a', 'LEFT', 'COUNT', '-1'],
        ['1', 'a', 'LEFT', 'COUNT', 'x'],
        ['1', 'a', 'LEFT', 'COUNT', '1', 'COUNT', '1'],
        ['1', 'a', 'LEFT', 'FOO'],
        ['1', 'a'],
      ];
      for (const b of bad) await p.same('LMPOP', ...b);
      await p.same('SET', 's', 'v');
      await p.same('RPUSH', 'l', 'x');
      await p.same('LMPOP', '2', 'nokey', 's', 'LEFT');
      await p.same('LMPOP', '2', 'l', 's', 'LEFT');
      await p.same('LMPOP', '2', 's', 'l', 'LEFT');
    }));

  it('blocking commands answer at once when data is there, and their argument errors', () =>
    both(async (p) => {
      await p.same('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h');
      await p.same('BLPOP', 'nokey', 'l', '0');
      await p.same('BRPOP', 'l', 'nokey', '0');
      await p.same('BLMPOP', '0', '2', 'nokey', 'l', 'RIGHT', 'COUNT', '2');
      await p.same('BRPOPLPUSH', 'l', 'dst', '0');
      await p.same('BLMOVE', 'l', 'dst', 'LEFT', 'RIGHT', '0');
      await p.same('LRANGE', 'dst', '0', '-1');
      for (const t of ['-1', 'x', 'inf', '-inf', '1e20', 'nan', '', ' 1', '9223372036854775.807', '-0.0001', '1e-400', '0x10']) {
        await p.same('RPUSH', 'l', '1', '2', '3', '4');
        await p.same('BLPOP', 'l', t);
        await p.same('BRPOPLPUSH', 'l', 'dst', t);
        await p.same('BLMOVE', 'l', 'dst', 'LEFT', 'LEFT', t);
        await p.same('BLMPOP', t, '1', 'l', 'LEFT');
      }
      await p.same('BLMPOP', 'x', '0', 'l', 'LEFT');
      await p.same('BLMPOP', 'x', '1', 'l', 'UP');
      await p.same('BLMPOP', '0', '1', 'l', 'UP');
      await p.same('BLMPOP', '0', '3', 'l', 'LEFT');
      await p.same('BLMPOP', '0', '1', 'l', 'LEFT', 'COUNT', '0');
      await p.same('BLMOVE', 'l', 'dst', 'UP', 'LEFT', 'x');
      await p.same('BLMOVE', 'l', 'dst', 'LEFT', 'UP', '0');
      await p.same('SET', 's', 'v');
      await p.same('BLPOP', 's', 'l', '0');
      await p.same('BLPOP', 'nokey', 's', 'l', '0');
      await p.same('BLPOP', 'l', 's', '0');
      await p.same('BRPOPLPUSH', 's', 'l', '0');
      await p.same('BRPOPLPUSH', 'l', 's', '0');
      await p.same('BLMOVE', 'l', 's', 'LEFT', 'LEFT', '0');
      await p.same('BLMPOP', '0', '2', 'nokey', 's', 'LEFT');
    }));

  it('big lists: push/pop at both ends, index, insert, remove, trim across nodes', () =>
    both(async (p) => {
      const n = 1000;
      const items = Array.from({ length: n }, (_, i) => `e${i}`);
      await p.same('RPUSH', 'l', ...items);
      await p.same('LPUSH', 'l', ...items);
      await p.same('OBJECT', 'ENCODING', 'l');
      for (const i of ['0', '1', '127', '128', '129', '999', '1000', '1500', '-1', '-129', '-2000', '-2001']) await p.same('LINDEX', 'l', i);
      await p.same('LSET', 'l', '1234', 'changed');
      await p.same('LINSERT', 'l', 'BEFORE', 'e500', 'ins1');
      await p.same('LINSERT', 'l', 'AFTER', 'e5', 'ins2');
      await p.same('LPOS', 'l', 'e7', 'RANK', '-1');
      await p.same('LPOS', 'l', 'e7', 'COUNT', '0');
      await p.same('LREM', 'l', '-1', 'e9');
      await p.same('LREM', 'l', '1', 'e99');
      await p.same('LRANGE', 'l', '120', '400');
      await p.same('LRANGE', 'l', '-300', '-100');
      await p.same('LPOP', 'l', '300');
      await p.same('RPOP', 'l', '300');
      await p.same('LTRIM', 'l', '100', '-100');
      await p.same('LLEN', 'l');
      await p.same('LRANGE', 'l', '0', '-1');
      await p.same('LREM', 'l', '0', 'e300');
      await p.same('LRANGE', 'l', '0', '-1');
    }));

  it('OBJECT ENCODING is quicklist whatever list-max-listpack-size says (Redis 7.0)', async () => {
    const p = env.pair;
    for (const size of ['1', '4', '-1', '-5', '-2']) {
      await p.same('CONFIG', 'SET', 'list-max-listpack-size', size);
      await p.same('DEL', 'a', 'b');
      await p.same('RPUSH', 'a', 'x');
      await p.same('OBJECT', 'ENCODING', 'a');
      await p.same('RPUSH', 'b', ...Array.from({ length: 600 }, (_, i) => `element-${i}`));
      await p.same('OBJECT', 'ENCODING', 'b');
      await p.same('LTRIM', 'b', '0', '0');
      await p.same('OBJECT', 'ENCODING', 'b');
    }
    await p.sameUnordered('CONFIG', 'GET', 'list-max-*');
  });

  it('large and binary elements', () =>
    both(async (p) => {
      const big = 'x'.repeat(70000) + '\x00\xff';
      await p.same('RPUSH', 'l', big, BIN, '');
      await p.same('LPUSH', 'l', big);
      await p.same('OBJECT', 'ENCODING', 'l');
      await p.same('LRANGE', 'l', '0', '-1');
      await p.same('LPOS', 'l', big, 'COUNT', '0');
      await p.same('LREM', 'l', '0', big);
      await p.same('LRANGE', 'l', '0', '-1');
    }));
});
