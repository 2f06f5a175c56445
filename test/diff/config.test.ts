import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIRECTIVE_BY_NAME } from '../../src/config/directives.js';
import { readReply, type RespValue } from '../../src/protocol/resp-reader.js';
import { DiffEnv, type Pair } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';

/** Directives whose values legitimately differ between the two servers of a DiffEnv. */
const PER_SERVER = new Set(['port', 'dir']);

/** CONFIG GET's reply (RESP2 flat array or RESP3 map) as name -> value. */
function asMap(raw: string): Map<string, string> {
  const r = readReply(Buffer.from(raw, 'latin1'));
  assert.ok(r !== null, raw);
  const v: RespValue = r[0];
  const out = new Map<string, string>();
  const str = (x: RespValue) => (x.t === 'bulk' ? (x.v ?? '') : JSON.stringify(x));
  if (v.t === 'map') for (const [k, x] of v.v) out.set(str(k), str(x));
  else if (v.t === 'array' && v.v !== null) for (let i = 0; i < v.v.length; i += 2) out.set(str(v.v[i]), str(v.v[i + 1]));
  else assert.fail(`unexpected reply ${raw}`);
  return out;
}

/** Both servers return the same name/value pairs (Redis's order is its dict's, so order is ignored). */
async function sameConfig(p: Pair, ...patterns: string[]): Promise<Map<string, string>> {
  const [a, b] = await p.both('CONFIG', 'GET', ...patterns);
  assert.equal(b[0], a[0], `reply type for CONFIG GET ${patterns.join(' ')}`);
  const ma = asMap(a);
  const mb = asMap(b);
  for (const k of PER_SERVER) {
    ma.delete(k);
    mb.delete(k);
  }
  assert.deepEqual([...mb].sort(), [...ma].sort(), `CONFIG GET ${patterns.join(' ')}`);
  return ma;
}

describe('differential CONFIG', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    // The oracle runs with save "" (no snapshots): give respite the same value.
    env = await DiffEnv.start({ save: '' });
  });
  after(() => env.stop());

  it('CONFIG GET * lists every directive and alias with the same values (RESP2 and RESP3)', async () => {
    // The one documented default that differs: respite compacts its heap when
    // idle (activedefrag yes); align it before comparing everything else.
    assert.equal(await env.pair.respite.call('CONFIG', 'GET', 'activedefrag'), '*2\r\n$12\r\nactivedefrag\r\n$3\r\nyes\r\n');
    assert.equal(await env.pair.respite.call('CONFIG', 'SET', 'activedefrag', 'no'), '+OK\r\n');
    const all = await sameConfig(env.pair, '*');
    assert.equal(all.size, 190);
    const p3 = await env.connect();
    await p3.both('HELLO', '3');
    await sameConfig(p3, '*');
  });

  it('globs, several patterns, exact names echoed as typed, no match', async () => {
    const p = env.pair;
    await sameConfig(p, 'maxmemory*');
    await sameConfig(p, '*ziplist*', 'hash-*', 'hash-max-listpack-entries');
    await sameConfig(p, 'slave*', '*-lazy-*');
    await sameConfig(p, '[lm]ax*', 'TIMEOUT');
    await sameConfig(p, 'Hz');
    await sameConfig(p, 'SAVE', 'save');
    await sameConfig(p, 'nonexistent');
    await sameConfig(p, 'tls-*-file');
    await p.same('CONFIG', 'GET', 'timeout');
    await p.same('CONFIG', 'GET');
  });

  it('CONFIG SET errors have the same texts and order of checks', async () => {
    const p = env.pair;
    const cases: string[][] = [
      ['foo', 'bar'],
      ['FOO', '3'],
      ['timeout', '1', 'foo', 'bar'],
      ['timeout'],
      ['timeout', '1', 'maxclients'],
      ['databases', '3'],
      ['DATABASES', '3'],
      ['timeout', 'abc', 'databases', '3'],
      ['timeout', '1', 'timeout', '2', 'databases', '3'],
      ['hz', '10', 'HZ', '11'],
      ['dir', '/tmp'],
      ['dbfilename', 'x.rdb'],
      ['replicaof', 'a b'],
      ['slaveof', 'no one'],
      ['logfile', 'x'],
      ['MAXCLIENTS', 'abc'],
      ['maxclients', '0'],
      ['slave-priority', 'abc'],
      ['timeout', '+5'],
      ['timeout', '007'],
      ['timeout', '-0'],
      ['maxmemory', '1.5gb'],
      ['maxmemory', '-1'],
      ['maxmemory', '2tb'],
      ['proto-max-bulk-len', '1000'],
      ['client-query-buffer-limit', '99999999999999999999'],
      ['maxmemory-clients', '200%'],
      ['maxmemory-clients', '1.5%'],
      ['maxmemory-clients', 'a%'],
      ['activerehashing', 'maybe'],
      ['appendfsync', 'sometimes'],
      ['loglevel', 'nothing'],
      ['maxmemory-policy', 'x'],
      ['notify-keyspace-events', 'abc'],
      ['save', '100 10 20'],
      ['save', '0 0'],
      ['save', '  '],
      ['save', '1k 2'],
      ['client-output-buffer-limit', 'foo 1 2 3'],
      ['client-output-buffer-limit', 'normal a 2 3'],
      ['client-output-buffer-limit', 'normal 1 2'],
      ['oom-score-adj-values', '1 2 3000'],
      ['oom-score-adj-values', '1 2'],
      ['latency-tracking-info-percentiles', 'abc'],
      ['latency-tracking-info-percentiles', '101'],
      ['active-defrag-cycle-min', '100'],
      ['list-max-listpack-size', '99999999999'],
      ['port', '70000'],
    ];
    for (const args of cases) await p.same('CONFIG', 'SET', ...args);
  });

  it('CONFIG SET is all or nothing', async () => {
    const p = env.pair;
    await p.same('CONFIG', 'SET', 'timeout', '10', 'maxclients', 'abc');
    await p.same('CONFIG', 'GET', 'timeout');
    await p.same('CONFIG', 'SET', 'maxclients', '500', 'timeout', '10', 'databases', '3');
    await sameConfig(p, 'maxclients', 'timeout');
    await p.same('CONFIG', 'SET', 'maxclients', '500', 'timeout', '10');
    await sameConfig(p, 'maxclients', 'timeout');
    await p.same('CONFIG', 'SET', 'maxclients', '10000', 'timeout', '0');
    // Two aliases of one directive are not a duplicate: the last one wins.
    await p.same('CONFIG', 'SET', 'hash-max-listpack-entries', '5', 'hash-max-ziplist-entries', '6');
    await sameConfig(p, 'hash-max-*-entries');
    await p.same('CONFIG', 'SET', 'hash-max-listpack-entries', '512');
  });

  it('values are normalised as Redis shows them', async () => {
    const p = env.pair;
    const sets: Array<[string, string]> = [
      ['notify-keyspace-events', 'KEA'],
      ['notify-keyspace-events', 'Elg'],
      ['notify-keyspace-events', 'Kmdnt'],
      ['notify-keyspace-events', 'An'],
      ['notify-keyspace-events', '$szhlxetdgn'],
      ['notify-keyspace-events', ''],
      ['maxmemory', '1GB'],
      ['maxmemory', '007k'],
      ['maxmemory', '1kB'],
      ['maxmemory', '99999999999999999999'],
      ['maxmemory', ''],
      ['maxmemory', '0'],
      ['maxmemory-clients', '10%'],
      ['maxmemory-clients', '0%'],
      ['maxmemory-clients', '1mb'],
      ['maxmemory-clients', '0'],
      ['save', '100 10 20 30'],
      ['save', '10 5 10 5'],
      ['save', ''],
      ['client-output-buffer-limit', 'normal 1mb 2k 3'],
      ['client-output-buffer-limit', 'replica 1 2 3 pubsub 4 5 6'],
      ['client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60'],
      ['oom-score-adj-values', '-100 2 3'],
      ['oom-score-adj-values', '0 200 800'],
      ['latency-tracking-info-percentiles', '50 99.5 1e1'],
      ['latency-tracking-info-percentiles', '50 99 99.9'],
      ['activerehashing', 'NO'],
      ['activerehashing', 'yes'],
      ['appendfsync', 'EverySec'],
      ['loglevel', 'WARNING'],
      ['loglevel', 'notice'],
      ['hz', '1000'],
      ['hz', '0'],
      ['hz', '10'],
      ['slowlog-log-slower-than', '-1'],
      ['slowlog-log-slower-than', '10000'],
      ['list-max-ziplist-size', '-1'],
      ['list-max-ziplist-size', '-2'],
      ['masterauth', 'a b'],
      ['masterauth', ''],
    ];
    for (const [name, value] of sets) {
      await p.same('CONFIG', 'SET', name, value);
      await sameConfig(p, name);
    }
  });

  it('every directive and alias: CONFIG SET with a sweep of values, then CONFIG GET', async () => {
    // Left out: listeners and auth (they would cut this connection off) and
    // activedefrag, which respite honours while Debian's Redis (no jemalloc) refuses it.
    const skip = new Set(['port', 'bind', 'requirepass', 'maxclients', 'dir', 'activedefrag']);
    const values = ['abc', '-1', '0', '1', '100', '1k', '1kb', 'yes', 'NO', '', '2147483648', '4294967296', '9223372036854775808', '18446744073709551615',
      '-2147483649', '65536', '101', '1000', '10%', 'local', 'ip', 'clients', 'allchannels', 'volatile-lru', 'always', 'swapdb', 'relative',
      'panic', 'force', 'optional', '127.0.0.1', '{title}', '{foo}', '{title} x', '1 2 3', 'a"b'];
    const p = await env.connect();
    for (const name of DIRECTIVE_BY_NAME.keys()) {
      if (skip.has(name)) continue;
      const before = (await p.both('CONFIG', 'GET', name))[0];
      for (const v of values) {
        await p.same('CONFIG', 'SET', name, v);
        await p.same('CONFIG', 'GET', name);
      }
      // Put Redis's value back on both (when it can be set) so later tests see defaults.
      const orig = asMap(before).get(name) ?? '';
      await p.both('CONFIG', 'SET', name, orig);
    }
  });

  it('CONFIG HELP, RESETSTAT and REWRITE without a config file', async () => {
    const p = env.pair;
    await p.same('CONFIG', 'HELP');
    await p.same('CONFIG', 'RESETSTAT');
    await p.same('CONFIG', 'RESETSTAT', 'x');
    await p.same('CONFIG', 'REWRITE');
    await p.same('CONFIG', 'REWRITE', 'x');
    await p.same('CONFIG', 'NOSUCH');
    await p.same('CONFIG');
  });

  it('CONFIG RESETSTAT zeroes INFO counters', async () => {
    const p = env.pair;
    await p.both('GET', 'x');
    await p.both('NOSUCHCMD');
    await p.same('CONFIG', 'RESETSTAT');
    const [, b] = await p.both('INFO', 'stats');
    assert.match(b, /total_error_replies:0\r\n/);
    assert.match(b, /keyspace_misses:0\r\n/);
    // Only the RESETSTAT call itself is counted afterwards (timings differ, so compare names and calls).
    await p.same('CONFIG', 'RESETSTAT');
    const [ra, rb] = await p.both('INFO', 'commandstats');
    const calls = (raw: string) => [...raw.matchAll(/(cmdstat_[^:]+):calls=(\d+)/g)].map((m) => `${m[1]}=${m[2]}`);
    assert.deepEqual(calls(rb), calls(ra));
    await p.same('INFO', 'errorstats');
  });
});
