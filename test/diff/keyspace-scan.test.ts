import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DiffEnv } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import { parseScanReply } from '../support/scan.js';
import { GLOB_KEYS, GLOB_PATTERNS } from '../support/glob-cases.js';
import type { RawClient } from '../support/raw-client.js';

const L = (s: string): Buffer => Buffer.from(s, 'latin1');

/** A complete SCAN iteration; returns every key seen (with repeats) and the number of calls. */
async function fullScan(cl: RawClient, extra: string[]): Promise<{ keys: string[]; calls: number }> {
  let cursor = '0';
  const keys: string[] = [];
  let calls = 0;
  do {
    const r = parseScanReply(await cl.call('SCAN', cursor, ...extra));
    cursor = r.cursor;
    keys.push(...r.keys);
    calls++;
    assert.ok(calls < 100000, 'SCAN did not terminate');
  } while (cursor !== '0');
  return { keys, calls };
}

describe('differential keyspace: KEYS globbing and SCAN', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());
  beforeEach(() => env.reset());

  it('KEYS with tricky glob patterns matches the same set as Redis', async () => {
    const p = env.pair;
    for (const k of GLOB_KEYS) await p.same('SET', L(k), '1');
    for (const pat of GLOB_PATTERNS) await p.sameUnordered('KEYS', L(pat));
    for (const k of GLOB_KEYS) await p.sameUnordered('KEYS', L(k));
  });

  it('SCAN MATCH with the same patterns returns the same union', async () => {
    for (const k of GLOB_KEYS) await env.pair.same('SET', L(k), '1');
    for (const pat of GLOB_PATTERNS.slice(0, 40)) {
      const [a, b] = await Promise.all([fullScan(env.pair.redis, ['MATCH', pat]), fullScan(env.pair.respite, ['MATCH', pat])]);
      assert.deepEqual([...new Set(b.keys)].sort(), [...new Set(a.keys)].sort(), `MATCH ${JSON.stringify(pat)}`);
    }
  });

  it('SCAN over 5000 keys with COUNT and TYPE: complete iterations agree', async () => {
    const p = env.pair;
    for (let i = 0; i < 5000; i += 500) {
      const args: string[] = [];
      for (let j = i; j < i + 500; j++) args.push(`key:${j}`, String(j));
      await p.same('MSET', ...args);
    }
    for (const extra of [[], ['COUNT', '1'], ['COUNT', '1000'], ['MATCH', 'key:1*'], ['TYPE', 'string'], ['TYPE', 'STRING'], ['TYPE', 'list'], ['TYPE', 'nosuch'], ['MATCH', '*', 'COUNT', '7']]) {
      const [a, b] = await Promise.all([fullScan(p.redis, extra), fullScan(p.respite, extra)]);
      assert.deepEqual([...new Set(b.keys)].sort(), [...new Set(a.keys)].sort(), `SCAN ${extra.join(' ')}`);
    }
    // COUNT is a hint: the default call returns about 10 keys, not thousands.
    const r = parseScanReply(await p.respite.call('SCAN', '0'));
    assert.ok(r.keys.length >= 1 && r.keys.length < 200, `SCAN 0 returned ${r.keys.length} keys`);
  });

  it('SCAN argument errors and cursor parsing', async () => {
    const p = env.pair;
    for (const cur of ['abc', ' 0', '0 ', '1.5', '18446744073709551616', '-18446744073709551616', '+', '-', '0x10']) {
      await p.same('SCAN', cur);
    }
    await p.same('SET', 'k', 'v');
    // Cursors Redis accepts (strtoul): '' is 0, signs are allowed, '-0' is 0.
    for (const cur of ['', '0', '+0', '-0', '00']) await p.same('SCAN', cur);
    for (const cur of ['18446744073709551615', '-1', '4294967296', '+12']) {
      const [a, b] = await p.both('SCAN', cur);
      assert.ok(a.startsWith('*2\r\n') && b.startsWith('*2\r\n'), `SCAN ${cur}: ${a} / ${b}`);
    }
    await p.same('SCAN', '0', 'COUNT', '0');
    await p.same('SCAN', '0', 'COUNT', '-1');
    await p.same('SCAN', '0', 'COUNT', 'x');
    await p.same('SCAN', '0', 'COUNT');
    await p.same('SCAN', '0', 'MATCH');
    await p.same('SCAN', '0', 'TYPE');
    await p.same('SCAN', '0', 'FOO', 'bar');
    await p.same('SCAN', '0', 'count', '5', 'match', 'k', 'type', 'string');
    await p.same('SCAN', '0', 'MATCH', 'x', 'MATCH', 'k');
    await p.same('SCAN');
  });

  it('KEYS returns an empty array on an empty db and for a literal miss, RESP3 too', async () => {
    const p = env.pair;
    await p.same('KEYS', '*');
    await p.same('KEYS', 'nokey');
    await p.same('SET', 'nokey', '1');
    await p.same('KEYS', 'nokey');
    const p3 = await env.connect();
    await p3.both('HELLO', '3');
    await p3.same('KEYS', 'nokey');
    await p3.same('KEYS', 'zz*');
    await p3.same('SCAN', '0', 'MATCH', 'zz*', 'COUNT', '1000');
    await p3.same('KEYS');
  });
});
