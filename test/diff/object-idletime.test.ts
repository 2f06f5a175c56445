/**
 * The per-key access clock against redis-server 7.0: OBJECT IDLETIME / FREQ,
 * which lookups are accesses (reads, writes, TOUCH) and which are not
 * (OBJECT, TYPE, EXISTS, TTL, SCAN, KEYS, RANDOMKEY, DEBUG OBJECT), the LFU
 * counter, RESTORE IDLETIME / FREQ, and DEBUG RELOAD (RDB IDLE records).
 *
 * Timing: the keys are created, then one real sleep of SLEEP_MS lets them age.
 * Commands sent in one write run in one event-loop turn on both servers, so a
 * key accessed and then read in the same write has idle time exactly 0. A key
 * left alone reads SLEEP_MS/1000 rounded either way: each server's LRU clock
 * is its own cron's cached copy of the wall clock (advanced hz times a
 * second), so the two servers may see a second boundary at slightly
 * different moments; those values are compared within 1 s, and both must be
 * at least 2.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DiffEnv, type Pair } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import { encodeCommand } from '../support/raw-client.js';

const SLEEP_MS = 2300;

/** Sends the commands in one write to each server; returns the raw replies [redis, respite]. */
async function pipeline(p: Pair, cmds: string[][]): Promise<[string[], string[]]> {
  const bytes = Buffer.concat(cmds.map((c) => encodeCommand(c)));
  p.writeRaw(bytes);
  const read = async (c: Pair['redis']): Promise<string[]> => {
    const out: string[] = [];
    for (let i = 0; i < cmds.length; i++) out.push(await c.readRaw(20000));
    return out;
  };
  return Promise.all([read(p.redis), read(p.respite)]);
}

/** The integer of a raw `:n` reply. */
function int(raw: string): number {
  assert.match(raw, /^:-?\d+\r\n$/, `integer reply expected, got ${JSON.stringify(raw)}`);
  return Number(raw.slice(1, -2));
}

/** The lru_seconds_idle field of a DEBUG OBJECT reply. */
function debugIdle(raw: string): number {
  const m = /lru_seconds_idle:(\d+)/.exec(raw);
  assert.ok(m !== null, raw);
  return Number(m[1]);
}

function idleOf(p: Pair, key: string): Promise<[string, string]> {
  return p.both('OBJECT', 'IDLETIME', key);
}

/** Asserts both idle times are equal within 1 s and in the same class: fresh (<= 1) or aged (>= 2). */
function sameAge(what: string, redis: number, respite: number, aged: boolean): void {
  assert.ok(Math.abs(redis - respite) <= 1, `${what}: redis ${redis}, respite ${respite}`);
  if (aged) assert.ok(redis >= 2 && respite >= 2, `${what} should have aged: redis ${redis}, respite ${respite}`);
  else assert.ok(redis <= 1 && respite <= 1, `${what} should be fresh: redis ${redis}, respite ${respite}`);
}

describe('OBJECT IDLETIME / FREQ and the access clock against redis-server 7.0', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  const dirs: string[] = [];
  before(async () => {
    env = await DiffEnv.start({ 'enable-debug-command': 'yes', 'enable-protected-configs': 'yes' });
    const p = env.pair;
    for (const c of [p.redis, p.respite]) {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), 'idletime-diff-'));
      dirs.push(d);
      assert.equal(await c.call('CONFIG', 'SET', 'dir', d), '+OK\r\n');
    }
  });
  after(async () => {
    await env.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('LRU: reads, writes and TOUCH reset idle time; OBJECT, TYPE, EXISTS, TTL, SCAN, KEYS do not; DEBUG RELOAD keeps it only under an LRU policy', async () => {
    const p = env.pair;
    await p.same('FLUSHALL');
    await p.same('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    // Values are not small integers: Redis shares those objects (and their access time) between keys.
    const touched = ['get', 'touch', 'set', 'hget', 'expire', 'dump', 'append', 'rename', 'copy-src', 'move', 'lpush'];
    const untouched = ['object', 'type', 'exists', 'ttl', 'scan', 'keys', 'debug', 'lru-kept', 'plain'];
    const setup: string[][] = [];
    for (const k of [...touched, ...untouched]) setup.push(k === 'hget' ? ['HSET', k, 'f', 'v'] : k === 'lpush' ? ['RPUSH', k, 'x'] : ['SET', k, `value-${k}`]);
    setup.push(['SET', 'reset-on-load', 'value']);
    const [r0, s0] = await pipeline(p, setup);
    assert.deepEqual(s0, r0);
    await new Promise((r) => setTimeout(r, SLEEP_MS));

    const accesses: string[][] = [
      ['GET', 'get'],
      ['TOUCH', 'touch'],
      ['SET', 'set', 'other-value'],
      ['HGET', 'hget', 'f'],
      ['EXPIRE', 'expire', '1000'],
      ['DUMP', 'dump'],
      ['APPEND', 'append', '-more'],
      ['RENAME', 'rename', 'renamed'],
      ['COPY', 'copy-src', 'copy-dst'],
      ['MOVE', 'move', '1'],
      ['LPUSH', 'lpush', 'y'],
      ['OBJECT', 'ENCODING', 'object'],
      ['OBJECT', 'REFCOUNT', 'object'],
      ['TYPE', 'type'],
      ['EXISTS', 'exists'],
      ['TTL', 'ttl'],
      ['PTTL', 'ttl'],
      ['SCAN', '0', 'COUNT', '1000', 'TYPE', 'string'],
      ['KEYS', '*'],
      ['RANDOMKEY'],
      ['DEBUG', 'OBJECT', 'debug'],
    ];
    const fresh = [...touched.filter((k) => k !== 'move').map((k) => (k === 'rename' ? 'renamed' : k)), 'copy-dst'];
    const reads = [...fresh, ...untouched];
    const [ra, sa] = await pipeline(p, [...accesses, ['SELECT', '1'], ['OBJECT', 'IDLETIME', 'move'], ['SELECT', '0'], ...reads.map((k) => ['OBJECT', 'IDLETIME', k])]);
    const n = accesses.length;
    // Replies of the commands themselves (SCAN, KEYS, RANDOMKEY and DEBUG OBJECT differ by design).
    for (let i = 0; i < n; i++) if (!['SCAN', 'KEYS', 'RANDOMKEY', 'DEBUG', 'DUMP'].includes(accesses[i][0])) assert.equal(sa[i], ra[i], accesses[i].join(' '));
    // Keys accessed in this write: exactly 0 on both.
    assert.equal(sa[n + 1], ra[n + 1], 'moved key');
    assert.equal(int(ra[n + 1]), 0);
    for (let i = 0; i < reads.length; i++) {
      const [a, b] = [int(ra[n + 3 + i]), int(sa[n + 3 + i])];
      if (i < fresh.length) {
        assert.equal(b, a, `OBJECT IDLETIME ${reads[i]}`);
        assert.equal(a, 0, `redis: ${reads[i]} was accessed`);
      } else sameAge(`OBJECT IDLETIME ${reads[i]}`, a, b, true);
    }
    // OBJECT IDLETIME itself did not touch: still aged.
    const [a1, b1] = await idleOf(p, 'object');
    sameAge('OBJECT IDLETIME after OBJECT IDLETIME', int(a1), int(b1), true);
    const [d1, d2] = await p.both('DEBUG', 'OBJECT', 'debug');
    sameAge('DEBUG OBJECT lru_seconds_idle', debugIdle(d1), debugIdle(d2), true);
    await p.same('OBJECT', 'FREQ', 'plain');
    await p.same('OBJECT', 'IDLETIME', 'nokey');

    // DEBUG RELOAD under an LRU policy writes RDB IDLE records: the idle time survives.
    await p.same('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    await p.same('DEBUG', 'RELOAD');
    const [l1, l2] = await idleOf(p, 'lru-kept');
    sameAge('idle time after DEBUG RELOAD under allkeys-lru', int(l1), int(l2), true);
    // Under noeviction no idle time is saved: keys load as just created.
    await p.same('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    await p.same('DEBUG', 'RELOAD');
    const [z1, z2] = await idleOf(p, 'reset-on-load');
    sameAge('idle time after DEBUG RELOAD under noeviction', int(z1), int(z2), false);
  });

  it('LFU: new keys start at 5, reads raise the counter like Redis, errors in each mode are identical', async () => {
    const p = env.pair;
    await p.same('FLUSHALL');
    await p.same('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu');
    await p.same('CONFIG', 'SET', 'lfu-log-factor', '10');
    await p.same('SET', 'n', 'value');
    await p.same('OBJECT', 'FREQ', 'n');
    await p.same('OBJECT', 'FREQ', 'n');
    // The first access from 5 always increments (probability 1).
    await p.same('GET', 'n');
    await p.same('OBJECT', 'FREQ', 'n');
    await p.same('OBJECT', 'IDLETIME', 'n');
    await p.same('OBJECT', 'IDLETIME', 'nokey');
    await p.same('OBJECT', 'FREQ', 'nokey');
    // COPY makes a fresh object (5); RENAME keeps the counter.
    await p.same('COPY', 'n', 'c');
    await p.same('OBJECT', 'FREQ', 'c');
    await p.same('CONFIG', 'SET', 'lfu-log-factor', '0');
    await p.same('RENAME', 'c', 'c2');
    await p.same('OBJECT', 'FREQ', 'c2');
    // Factor 0: every access increments, so the counters are exact.
    const gets: string[][] = [];
    for (let i = 0; i < 100; i++) gets.push(['GET', 'c2'], ['EXISTS', 'c2'], ['TYPE', 'c2']);
    await pipeline(p, gets);
    await p.same('OBJECT', 'FREQ', 'c2');
    await p.same('CONFIG', 'SET', 'lfu-log-factor', '10');

    // Factor 10 is probabilistic: 40 keys read 150 times each; the mean counters must agree.
    const keys = Array.from({ length: 40 }, (_, i) => `lfu:${i}`);
    await pipeline(p, keys.map((k) => ['SET', k, 'value']));
    const reads: string[][] = [];
    for (let r = 0; r < 150; r++) for (const k of keys) reads.push(['GET', k]);
    await pipeline(p, reads);
    const [fr, fs_] = await pipeline(p, keys.map((k) => ['OBJECT', 'FREQ', k]));
    const mean = (xs: string[]): number => xs.reduce((s, x) => s + int(x), 0) / xs.length;
    const [mr, ms] = [mean(fr), mean(fs_)];
    // The counter after 150 reads has a standard deviation of about 1.3; over 40 keys the
    // means differ by more than 1.2 with a probability far below one in a million.
    assert.ok(Math.abs(mr - ms) <= 1.2, `mean LFU counter: redis ${mr}, respite ${ms}`);
    assert.ok(mr > 6 && mr < 20, `redis mean ${mr}`);
    // c2's counter is exact (its reads ran at factor 0); n's is not, since COPY's
    // read of n could raise it with probability 1/11 on either server.
    const [dr, ds] = await p.both('DEBUG', 'OBJECT', 'c2');
    const lru = (raw: string): number => Number(/ lru:(\d+)/.exec(raw)![1]);
    // Under LFU the lru: field holds minutes << 8 | counter.
    assert.equal(lru(ds) & 255, lru(dr) & 255);
    assert.ok(Math.abs((lru(ds) >> 8) - (lru(dr) >> 8)) <= 1);
    await p.same('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
  });

  it('RESTORE IDLETIME and FREQ set the access field under the matching policy only', async () => {
    const p = env.pair;
    await p.same('FLUSHALL');
    await p.same('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    await p.same('SET', 'src', 'some value');
    const payload = Buffer.from(await p.redis.call('DUMP', 'src'), 'latin1');
    // The bulk reply's payload: after "$<len>\r\n", before the final CRLF.
    const body = payload.subarray(payload.indexOf('\r\n') + 2, payload.length - 2);
    for (const idle of ['0', '1000', '100000000', '9223372036854775807']) {
      const [ra, sa] = await pipeline(p, [
        ['RESTORE', `r${idle}`, '0', body.toString('latin1'), 'IDLETIME', idle],
        ['OBJECT', 'IDLETIME', `r${idle}`],
      ]);
      assert.equal(sa[0], ra[0]);
      // Equal unless a second boundary falls between the two servers' clocks.
      assert.ok(Math.abs(int(ra[1]) - int(sa[1])) <= 1, `IDLETIME ${idle}: redis ${ra[1]} respite ${sa[1]}`);
    }
    const [f1, f2] = await pipeline(p, [['RESTORE', 'f', '0', body.toString('latin1'), 'FREQ', '100'], ['OBJECT', 'IDLETIME', 'f']]);
    assert.deepEqual(f2, f1);
    await p.same('RESTORE', 'bad', '0', body, 'IDLETIME', '-1');
    await p.same('RESTORE', 'bad', '0', body, 'FREQ', '256');
    await p.same('RESTORE', 'bad', '0', body, 'IDLETIME', '1', 'FREQ', '1');
    await p.same('CONFIG', 'SET', 'maxmemory-policy', 'volatile-lfu');
    await p.same('RESTORE', 'g', '0', body, 'FREQ', '100');
    await p.same('OBJECT', 'FREQ', 'g');
    await p.same('RESTORE', 'h', '0', body, 'IDLETIME', '5000');
    await p.same('OBJECT', 'FREQ', 'h');
    await p.same('OBJECT', 'IDLETIME', 'h');
    // DEBUG RELOAD under LFU writes RDB FREQ records.
    await p.same('DEBUG', 'RELOAD');
    await p.same('OBJECT', 'FREQ', 'g');
    await p.same('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
  });
});
