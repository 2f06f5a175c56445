/**
 * DEBUG POPULATE, DEBUG DIGEST and DEBUG DIGEST-VALUE against redis-server
 * 7.0: the same datasets built in both servers must give byte-identical
 * digests, so two servers' datasets can be compared with one command.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DiffEnv, type Pair } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';

/** rdb_changes_since_last_save of one server. */
async function dirty(c: Pair['redis']): Promise<number> {
  const v = (await c.callValue('INFO', 'persistence')) as { v: string };
  return Number(/rdb_changes_since_last_save:(\d+)/.exec(v.v)![1]);
}

describe('DEBUG POPULATE against redis-server 7.0', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start({ 'enable-debug-command': 'yes' });
  });
  after(() => env.stop());
  beforeEach(() => env.reset());

  it('argument errors', async () => {
    const p = env.pair;
    await p.same('DEBUG', 'POPULATE');
    await p.same('DEBUG', 'POPULATE', '1', 'p', '1', 'extra');
    for (const bad of ['abc', '-1', '1.5', '', '99999999999999999999', ' 1']) await p.same('DEBUG', 'POPULATE', bad);
    for (const bad of ['abc', '-1', '1.5']) await p.same('DEBUG', 'POPULATE', '3', 'p', bad);
    await p.same('DBSIZE');
    await p.same('DEBUG', 'POPULATE', '0');
    await p.same('DBSIZE');
  });

  it('key names, values, sizes and prefixes', async () => {
    const p = env.pair;
    await p.same('DEBUG', 'populate', '12');
    await p.same('DBSIZE');
    await p.same('MGET', ...Array.from({ length: 13 }, (_, i) => `key:${i}`));
    // size 0 keeps the value as is; smaller cuts it; larger pads with NUL bytes.
    for (const [prefix, size] of [['a', '0'], ['b', '3'], ['c', '7'], ['d', '8'], ['e', '40'], ['f', '1']]) {
      await p.same('DEBUG', 'POPULATE', '11', prefix, size);
      await p.same('MGET', ...Array.from({ length: 11 }, (_, i) => `${prefix}:${i}`));
    }
    await p.same('DEBUG', 'POPULATE', '3', '');
    await p.same('DEBUG', 'POPULATE', '3', 'bin\x00\xff\r\n');
    await p.same('STRLEN', 'e:10');
    await p.same('OBJECT', 'ENCODING', 'key:1');
    await p.same('OBJECT', 'ENCODING', 'e:1');
    await p.sameUnordered('KEYS', '*');
  });

  it('cuts long key names to 127 bytes as Redis formats them into a 128-byte buffer', async () => {
    const p = env.pair;
    await p.same('DEBUG', 'POPULATE', '12', 'x'.repeat(120));
    await p.same('DEBUG', 'POPULATE', '3', 'y'.repeat(300));
    await p.same('DBSIZE');
    await p.sameUnordered('KEYS', '*');
  });

  it('skips existing keys, of any type, and replaces expired ones', async () => {
    const p = env.pair;
    await p.same('SET', 'key:3', 'mine');
    await p.same('RPUSH', 'key:5', 'a');
    await p.same('SET', 'key:7', 'gone', 'PX', '1');
    await new Promise((r) => setTimeout(r, 10));
    await p.same('DEBUG', 'POPULATE', '9');
    await p.same('MGET', ...Array.from({ length: 9 }, (_, i) => `key:${i}`));
    await p.same('TYPE', 'key:5');
    await p.same('TTL', 'key:7');
  });

  it('signals WATCH but is not counted as a change (not propagated)', async () => {
    const p = env.pair;
    const w = await env.connect();
    await w.same('WATCH', 'key:0');
    const before = await Promise.all([dirty(p.redis), dirty(p.respite)]);
    await p.same('DEBUG', 'POPULATE', '100');
    const now = await Promise.all([dirty(p.redis), dirty(p.respite)]);
    assert.equal(now[1] - before[1], now[0] - before[0]);
    await w.same('MULTI');
    await w.same('PING');
    await w.same('EXEC');
    // A key the populate skipped is not touched.
    await w.same('WATCH', 'key:1');
    await p.same('DEBUG', 'POPULATE', '100');
    await w.same('MULTI');
    await w.same('PING');
    await w.same('EXEC');
  });

  it('works in the selected database', async () => {
    const p = env.pair;
    await p.same('SELECT', '5');
    await p.same('DEBUG', 'POPULATE', '4', 'db5');
    await p.same('DBSIZE');
    await p.same('SELECT', '0');
    await p.same('DBSIZE');
  });
});
