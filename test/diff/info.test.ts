import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DiffEnv } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';

/** Parses INFO text into section title → ordered [field, value] pairs. */
function parseInfo(raw: string): Map<string, Array<[string, string]>> {
  const body = raw.slice(raw.indexOf('\r\n') + 2, raw.length - 2);
  const text = body.startsWith('txt:') ? body.slice(4) : body;
  const out = new Map<string, Array<[string, string]>>();
  let cur: Array<[string, string]> | undefined;
  for (const line of text.split('\r\n')) {
    if (line.startsWith('# ')) out.set(line.slice(2), (cur = []));
    else if (line !== '') {
      const i = line.indexOf(':');
      cur!.push([line.slice(0, i), line.slice(i + 1)]);
    }
  }
  return out;
}

/** Field names whose presence depends on which commands ran or which errors happened. */
const DYNAMIC = new Set(['Commandstats', 'Errorstats', 'Latencystats', 'Keyspace']);

describe('INFO', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());
  beforeEach(() => env.reset());

  for (const args of [[], ['all'], ['default'], ['everything'], ['server', 'CLIENTS'], ['keyspace', 'server'], ['nosuch'], ['modules']]) {
    it(`INFO ${args.join(' ')}: same sections and field names in the same order`, async () => {
      const [a, b] = await env.pair.both('INFO', ...args);
      const ra = parseInfo(a);
      const rb = parseInfo(b);
      assert.deepEqual([...rb.keys()], [...ra.keys()]);
      for (const [sec, fields] of ra) {
        if (DYNAMIC.has(sec)) continue;
        const ours = rb.get(sec)!.map(([k]) => k).filter((k) => k !== 'respite_version');
        assert.deepEqual(ours, fields.map(([k]) => k), `section ${sec}`);
      }
    });
  }

  it('exact values: redis_version, keyspace lines, role', async () => {
    const p = env.pair;
    await p.same('SET', 'a', '1');
    await p.same('SET', 'b', '2');
    await p.same('SELECT', '3');
    await p.same('SET', 'c', '3');
    await p.same('SELECT', '0');
    await p.same('INFO', 'keyspace');
    await p.same('INFO', 'cluster');
    const [a, b] = await p.both('INFO', 'server', 'replication');
    for (const key of ['redis_version', 'redis_mode', 'role', 'connected_slaves', 'redis_git_sha1']) {
      assert.equal(parseInfo(b).get(key === 'role' || key === 'connected_slaves' ? 'Replication' : 'Server')!.find(([k]) => k === key)?.[1],
        parseInfo(a).get(key === 'role' || key === 'connected_slaves' ? 'Replication' : 'Server')!.find(([k]) => k === key)?.[1], key);
    }
  });

  it('commandstats and errorstats after a known sequence', async () => {
    const p = await env.connect();
    await p.same('CONFIG', 'RESETSTAT');
    await p.same('SET', 'k', 'v');
    await p.same('GET', 'k');
    await p.same('GET', 'k');
    await p.same('GET');
    await p.same('NOSUCHCMD');
    await p.same('INCR', 'k');
    await p.same('CLIENT', 'ID', 'x');
    await p.same('CLIENT', 'NOSUCH');
    await p.same('CLIENT');
    await p.same('INFO', 'errorstats');
    const [a, b] = await p.both('INFO', 'commandstats');
    const calls = (raw: string) =>
      parseInfo(raw)
        .get('Commandstats')!
        .map(([k, v]) => `${k}:${v.replace(/usec=\d+,usec_per_call=[\d.]+,/, '')}`)
        .filter((l) => !l.startsWith('cmdstat_info'))
        .sort();
    assert.deepEqual(calls(b), calls(a));
  });

  it('RESP3: a verbatim string', async () => {
    const p = await env.connect();
    await p.both('HELLO', '3');
    await p.same('INFO', 'keyspace');
    await p.same('INFO', 'nosuch');
    await p.same('SET', 'x', 'y');
    await p.same('INFO', 'keyspace');
  });
});
