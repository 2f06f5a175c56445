/**
 * MIGRATE against the oracle: the same scenario runs from redis-server to a
 * redis-server target (the reference) and, in parallel, along a candidate
 * route: respite -> redis-server, respite -> respite (a child process, since
 * the in-process server blocks while it migrates) and redis-server ->
 * respite. Replies, both sources' datasets, the targets' datasets and what
 * the targets were sent (their MONITOR feeds) must match.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../../src/index.js';
import { migrateCachedSockets } from '../../src/commands/migrate.js';
import { dumpDataset, kill9, startProc, type Proc } from '../e2e/aof-support.js';
import { DiffEnv, Pair } from '../support/diff.js';
import { collectPropagation, drainUntilPong } from '../support/effects.js';
import { freePort, oracleSkip } from '../support/oracle.js';
import { RawClient } from '../support/raw-client.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A source pair and the target each side migrates to (index 0: the reference). */
interface Lane {
  name: string;
  pair: Pair;
  ports: [number, number];
  targets: [RawClient, RawClient];
}

/** Sends `MIGRATE 127.0.0.1 <target port> ...rest` on each side and asserts identical replies. */
async function migrate(lane: Lane, ...rest: string[]): Promise<string> {
  const [a, b] = await Promise.all([
    lane.pair.redis.call('MIGRATE', '127.0.0.1', String(lane.ports[0]), ...rest),
    lane.pair.respite.call('MIGRATE', '127.0.0.1', String(lane.ports[1]), ...rest),
  ]);
  assert.equal(b, a, `${lane.name}: reply mismatch for MIGRATE ${rest.join(' ')}`);
  return a;
}

/** A dataset dump split into its lines without the expiry, and the expiries (absolute ms, -1 for none). */
async function dataset(c: RawClient): Promise<{ lines: string[]; expires: number[] }> {
  const raw = await dumpDataset(c);
  return {
    lines: raw.map((l) => l.slice(0, l.lastIndexOf(' '))),
    expires: raw.map((l) => Number(l.slice(l.lastIndexOf(' ') + 1))),
  };
}

/** Equal datasets; expiries set a few ms apart on each side may differ by up to 2 s. */
async function sameDataset(what: string, a: RawClient, b: RawClient): Promise<string[]> {
  const [x, y] = await Promise.all([dataset(a), dataset(b)]);
  assert.deepEqual(y.lines, x.lines, `${what}: datasets differ`);
  for (let i = 0; i < x.expires.length; i++) {
    const ok = x.expires[i] === -1 ? y.expires[i] === -1 : Math.abs(x.expires[i] - y.expires[i]) <= 2000;
    assert.ok(ok, `${what}: expiry of ${x.lines[i]}: ${x.expires[i]} vs ${y.expires[i]}`);
  }
  return x.lines;
}

/**
 * A MONITOR connection's commands, each reduced to what does not depend on
 * the sender (the RESTORE payload and TTL do: respite's DUMP encodings and
 * the millisecond differ): name, key, REPLACE for RESTORE; everything else whole.
 */
class Monitor {
  private constructor(readonly c: RawClient) {}

  static async open(port: number): Promise<Monitor> {
    const c = await RawClient.connect(port);
    assert.equal(await c.call('MONITOR'), '+OK\r\n');
    return new Monitor(c);
  }

  async commands(): Promise<string[]> {
    await sleep(100);
    const out: string[] = [];
    const text = this.c.pending();
    this.c.close();
    for (const line of text.split('\r\n')) {
      const args = [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
      if (args.length === 0) continue;
      const name = args[0].toUpperCase();
      out.push(name === 'RESTORE' ? `RESTORE ${args[1]}${args.length > 4 ? ' ' + args.slice(4).join(' ') : ''}` : args.join(' '));
    }
    return out;
  }
}

/** Every type, small and large encodings, some with TTLs. */
async function populate(p: Pair): Promise<void> {
  const many = (n: number, f: (i: number) => string[]) => Array.from({ length: n }, (_, i) => f(i)).flat();
  await p.same('SET', 's', 'hello');
  await p.same('SET', 'n', '12345');
  await p.same('SET', 'x', 'y');
  await p.same('RPUSH', 'l', 'a', 'b', 'c');
  await p.same('HSET', 'h', 'f1', 'v1', 'f2', 'v2');
  await p.same('SADD', 'si', '1', '2', '3');
  await p.same('SADD', 'ss', 'a', 'b');
  await p.same('ZADD', 'z', '1', 'a', '2.5', 'b');
  await p.same('RPUSH', 'big', ...many(300, (i) => [`element-${i}`]));
  await p.same('HSET', 'bigh', ...many(200, (i) => [`f${i}`, `v${i}`.repeat(i % 7)]));
  await p.same('ZADD', 'bigz', ...many(200, (i) => [String(i / 3), `m${i}`]));
  await p.same('SADD', 'bigs', ...many(600, (i) => [`member-${i}`]));
  await p.same('SET', 'long', 'v'.repeat(100000));
  await p.same('PEXPIRE', 's', '100000');
  await p.same('PEXPIRE', 'l', '200000');
  await p.same('PEXPIRE', 'bigz', '300000');
  await p.same('PEXPIRE', 'long', '400000');
}

/** The main scenario: every option, some keys missing, BUSYKEY, db changes, MULTI/EXEC. */
async function scenario(lane: Lane): Promise<void> {
  const p = lane.pair;
  await Promise.all([p.same('FLUSHALL'), lane.targets[0].call('FLUSHALL'), lane.targets[1].call('FLUSHALL')]);
  await populate(p);
  const monitors = await Promise.all(lane.ports.map((port) => Monitor.open(port)));
  assert.equal(await migrate(lane, 's', '0', '5000'), '+OK\r\n');
  assert.equal(await migrate(lane, 's', '0', '5000'), '+NOKEY\r\n');
  await migrate(lane, 'n', '0', '5000', 'COPY');
  await migrate(lane, 'n', '0', '5000');
  await migrate(lane, 'n', '0', '5000', 'REPLACE');
  await migrate(lane, '', '0', '5000', 'KEYS', 'l', 'h', 'missing', 'si');
  await migrate(lane, '', '0', '5000', 'KEYS', 'nope1', 'nope2');
  await migrate(lane, '', '3', '5000', 'COPY', 'KEYS', 'ss', 'z');
  await migrate(lane, 'ss', '0', '5000');
  await p.same('SET', 'l', 'again');
  // l exists on the target: only z and big are acknowledged, so only they leave the source.
  assert.match(await migrate(lane, '', '0', '5000', 'KEYS', 'z', 'l', 'big'), /BUSYKEY/);
  await migrate(lane, '', '0', '0', 'REPLACE', 'KEYS', 'bigh', 'bigz', 'bigs', 'l', 'long');
  assert.match(await migrate(lane, 'x', '99', '5000'), /DB index is out of range/);
  await migrate(lane, 'x', '0', '-7', 'COPY');
  await p.same('MULTI');
  await p.same('SET', 'm', '1');
  await Promise.all([
    p.redis.call('MIGRATE', '127.0.0.1', String(lane.ports[0]), 'm', '2', '5000'),
    p.respite.call('MIGRATE', '127.0.0.1', String(lane.ports[1]), 'm', '2', '5000'),
  ]);
  await p.same('GET', 'm');
  await p.same('EXEC');
  const [sent0, sent1] = await Promise.all(monitors.map((m) => m.commands()));
  assert.ok(sent0.length > 10);
  assert.deepEqual(sent1, sent0, `${lane.name}: the targets were sent different commands`);
  await sameDataset(`${lane.name} sources`, p.redis, p.respite);
  const lines = await sameDataset(`${lane.name} targets`, lane.targets[0], lane.targets[1]);
  assert.ok(lines.some((l) => l.startsWith('3 "z"')) && lines.some((l) => l.startsWith('2 "m"')));
}

/** A target in a worker thread (it must answer while the in-process respite blocks): silent, or +OK twice then close. */
async function fakeTarget(mode: 'silent' | 'ack-then-close'): Promise<{ port: number; close(): Promise<number> }> {
  const code = `
    const net = require('node:net');
    const { parentPort, workerData } = require('node:worker_threads');
    const srv = net.createServer((s) => {
      s.on('error', () => {});
      if (workerData === 'silent') s.pause();
      if (workerData === 'ack-then-close') s.once('data', () => setTimeout(() => s.end('+OK\\r\\n+OK\\r\\n'), 100));
    });
    srv.listen(0, '127.0.0.1', () => parentPort.postMessage(srv.address().port));
    parentPort.on('message', () => process.exit(0));
  `;
  const w = new Worker(code, { eval: true, workerData: mode });
  const port = await new Promise<number>((r) => w.once('message', r));
  return { port, close: () => (w.postMessage('stop'), new Promise((r) => w.once('exit', r))) };
}

describe('differential: MIGRATE', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  /** Targets: redis for the reference route, redis / respite child / respite in-process for the candidates. */
  let redisRef: Proc;
  let redisCand: Proc;
  let respiteChild: Proc;
  let respiteLocal: RunningServer;
  let redisSource2: Proc;
  const clients: RawClient[] = [];
  const lanes: Record<string, Lane> = {};

  async function client(port: number): Promise<RawClient> {
    const c = await RawClient.connect(port);
    clients.push(c);
    return c;
  }

  before(async () => {
    env = await DiffEnv.start();
    [redisRef, redisCand, respiteChild, respiteLocal, redisSource2] = await Promise.all([
      startProc('redis', []),
      startProc('redis', []),
      startProc('respite', []),
      startServer({}),
      startProc('redis', []),
    ]);
    const ref = await client(redisRef.port);
    lanes.toRedis = { name: 'respite -> redis', pair: env.pair, ports: [redisRef.port, redisCand.port], targets: [ref, await client(redisCand.port)] };
    lanes.toRespite = { name: 'respite -> respite', pair: env.pair, ports: [redisRef.port, respiteChild.port], targets: [ref, await client(respiteChild.port)] };
    const fromRedis = new Pair(await client(env.oracle.port), await client(redisSource2.port));
    lanes.fromRedis = { name: 'redis -> respite', pair: fromRedis, ports: [redisRef.port, respiteLocal.port], targets: [ref, await client(respiteLocal.port)] };
  });
  after(async () => {
    for (const c of clients) c.close();
    await Promise.all([env.stop(), kill9(redisRef), kill9(redisCand), kill9(respiteChild), kill9(redisSource2), respiteLocal.close()]);
  });

  it('respite -> redis-server: every type, COPY, REPLACE, KEYS, NOKEY, BUSYKEY, db changes, MULTI', async () => {
    await scenario(lanes.toRedis);
  });

  it('respite -> respite (child process)', async () => {
    await scenario(lanes.toRespite);
  });

  it('redis-server -> respite', async () => {
    await scenario(lanes.fromRedis);
  });

  it('argument errors', async () => {
    const lane = lanes.toRedis;
    await lane.pair.same('SET', 'k', 'v');
    const cases: string[][] = [
      ['k', '0', '1000', 'AUTH'],
      ['k', '0', '1000', 'AUTH2', 'u'],
      ['k', '0', '1000', 'KEYS', 'k'],
      ['k', '0', '1000', 'NOPE'],
      ['k', '0', '1000', 'COPY', 'REPLACE', 'BAD', 'KEYS'],
      ['k', 'x', '1000'],
      ['k', '0', 'x'],
      ['k', 'x', 'x', 'junk'],
      ['k', '0', '99999999999999999999'],
      ['', '0', '1000', 'KEYS'],
      ['', '0', '1000', 'keys', 'nothing'],
    ];
    for (const c of cases) {
      const r = await migrate(lane, ...c);
      assert.ok(r.startsWith('-') || r === '+NOKEY\r\n', r);
    }
    await lane.pair.same('MIGRATE', '127.0.0.1', '1');
    await lane.pair.same('MIGRATE', '127.0.0.1', '1', 'k', '0');
    await lane.pair.same('EXISTS', 'k');
    // Redis's integer rules for the db and the timeout (some of these migrate k).
    for (const [db, timeout] of [['+1', '1000'], [' 1', '1000'], ['1', ' 1000'], ['1', '1.5'], ['-0', '1000'], ['1', '-0'], ['0x1', '1000']]) {
      await lane.pair.same('SET', 'k', 'v', 'GET');
      await migrate(lane, 'k', db, timeout, 'REPLACE');
    }
  });

  it('AUTH and AUTH2: target with requirepass and an ACL user, wrong passwords', async () => {
    // Each route gets its own reference target: a cached connection stays authenticated.
    const refs = await Promise.all([0, 1, 2].map(() => startProc('redis', ['--requirepass', 'pw'])));
    const candT = await startProc('redis', ['--requirepass', 'pw']);
    const child = await startProc('respite', ['--requirepass', 'pw']);
    const local = await startServer({ requirepass: 'pw' });
    try {
      for (const t of [refs[0], candT]) {
        const c = await client(t.port);
        await c.call('AUTH', 'pw');
        assert.equal(await c.call('ACL', 'SETUSER', 'mig', 'on', '>upw', '~*', '+@all'), '+OK\r\n');
      }
      const pair = env.pair;
      const fromRedis = new Pair(await client(env.oracle.port), await client(redisSource2.port));
      const route = async (name: string, p: Pair, ref: Proc, cand: { port: number }): Promise<Lane> => ({
        name,
        pair: p,
        ports: [ref.port, cand.port],
        targets: [await client(ref.port), await client(cand.port)],
      });
      const routes: Lane[] = [
        await route('respite -> redis', pair, refs[0], candT),
        await route('respite -> respite', pair, refs[1], child),
        await route('redis -> respite', fromRedis, refs[2], local),
      ];
      for (const lane of routes) {
        for (const t of lane.targets) assert.equal(await t.call('AUTH', 'pw'), '+OK\r\n');
        const user = lane.name === 'respite -> redis' ? ['mig', 'upw'] : ['default', 'pw'];
        await Promise.all([lane.pair.same('FLUSHALL'), ...lane.targets.map((t) => t.call('FLUSHALL'))]);
        await lane.pair.same('MSET', 'a', '1', 'b', '2', 'c', '3', 'd', '4');
        assert.match(await migrate(lane, 'a', '0', '5000'), /NOAUTH Authentication required/);
        assert.match(await migrate(lane, 'a', '0', '5000', 'AUTH', 'wrong'), /WRONGPASS/);
        assert.match(await migrate(lane, 'a', '0', '5000', 'AUTH2', user[0], 'wrong'), /WRONGPASS/);
        assert.equal(await migrate(lane, 'a', '0', '5000', 'AUTH', 'pw'), '+OK\r\n');
        assert.equal(await migrate(lane, 'b', '0', '5000', 'AUTH2', ...user), '+OK\r\n');
        // AUTH after AUTH2 keeps the AUTH2 user name (Redis's parsing), so this authenticates as that user.
        assert.equal(await migrate(lane, 'c', '0', '5000', 'AUTH2', user[0], 'nope', 'AUTH', user[1]), '+OK\r\n');
        // The cached connection stays authenticated.
        assert.equal(await migrate(lane, 'd', '0', '5000'), '+OK\r\n');
        await sameDataset(`${lane.name} sources`, lane.pair.redis, lane.pair.respite);
        await sameDataset(`${lane.name} targets`, lane.targets[0], lane.targets[1]);
      }
    } finally {
      await Promise.all([...refs.map(kill9), kill9(candT), kill9(child), local.close()]);
    }
  });

  it('unreachable targets: refused, unresolvable, never replying, itself', async () => {
    const lane = lanes.toRedis;
    const p = lane.pair;
    await p.same('FLUSHALL');
    await p.same('SET', 'k', 'v');
    const closed = await freePort();
    const both = async (host: string, ports: [number, number], timeout: string) => {
      const t0 = Date.now();
      const [a, b] = await Promise.all([
        p.redis.call('MIGRATE', host, String(ports[0]), 'k', '0', timeout),
        p.respite.call('MIGRATE', host, String(ports[1]), 'k', '0', timeout),
      ]);
      assert.equal(b, a, `MIGRATE ${host} ${ports}`);
      return { reply: a, ms: Date.now() - t0 };
    };
    assert.equal((await both('127.0.0.1', [closed, closed], '1000')).reply, '-IOERR error or timeout writing to target instance\r\n');
    assert.equal((await both('nosuchhost.invalid', [6379, 6379], '1000')).reply, '-IOERR error or timeout connecting to the client\r\n');
    assert.equal((await both('127.0.0.1', [-1, -1], '1000')).reply, '-IOERR error or timeout connecting to the client\r\n');
    const silent = await fakeTarget('silent');
    try {
      const r = await both('127.0.0.1', [silent.port, silent.port], '600');
      assert.equal(r.reply, '-IOERR error or timeout reading to target instance\r\n');
      assert.ok(r.ms >= 550 && r.ms < 3000, `timed out after ${r.ms} ms`);
      // 24 MB that cannot be compressed: the silent target stops reading, so the writes time out.
      await p.same('SET', 'huge', crypto.randomBytes(24 << 20));
      const [a, b] = await Promise.all([
        p.redis.call('MIGRATE', '127.0.0.1', String(silent.port), 'huge', '0', '500'),
        p.respite.call('MIGRATE', '127.0.0.1', String(silent.port), 'huge', '0', '500'),
      ]);
      assert.equal(b, a);
      assert.equal(a, '-IOERR error or timeout writing to target instance\r\n');
      await p.same('STRLEN', 'huge');
      await p.same('DEL', 'huge');
    } finally {
      await silent.close();
    }
    // Migrating to itself: the blocked server cannot answer, so it times out (as Redis does).
    const self = await both('127.0.0.1', [env.oracle.port, env.server.port], '500');
    assert.equal(self.reply, '-IOERR error or timeout reading to target instance\r\n');
    assert.ok(self.ms >= 450 && self.ms < 3000, `self-migration took ${self.ms} ms`);
    await p.same('GET', 'k');
    await p.same('PING');
    // Another server in this process cannot answer either while this one blocks: a clean timeout too.
    const t0 = Date.now();
    const other = await p.respite.call('MIGRATE', '127.0.0.1', String(respiteLocal.port), 'k', '5', '300', 'COPY');
    assert.equal(other, '-IOERR error or timeout reading to target instance\r\n');
    assert.ok(Date.now() - t0 < 3000);
  });

  it('deletes only the keys the target acknowledged before the connection broke, and propagates DEL for them', async () => {
    const p = env.pair;
    await p.same('FLUSHALL');
    await p.same('MSET', 'a', '1', 'b', '2', 'c', '3');
    const fake = await fakeTarget('ack-then-close');
    try {
      let reply = '';
      // The fake target answers SELECT and the first RESTORE, then closes.
      const { ours, theirs } = await collectPropagation(env, async () => {
        reply = await p.same('MIGRATE', '127.0.0.1', String(fake.port), '', '0', '5000', 'KEYS', 'a', 'b', 'c');
      });
      assert.equal(reply, '-IOERR error or timeout reading to target instance\r\n');
      assert.deepEqual(ours, theirs);
      assert.deepEqual(theirs[0], ['DEL', 'a']);
      await p.same('MGET', 'a', 'b', 'c');
    } finally {
      await fake.close();
    }
  });

  it('propagates DEL of the migrated keys (none with COPY or on errors) and raises del events', async () => {
    const lane = lanes.toRedis;
    const p = lane.pair;
    const run = async () => {
      await migrate(lane, 'k1', '0', '5000');
      await migrate(lane, 'k2', '0', '5000', 'COPY');
      await migrate(lane, '', '0', '5000', 'KEYS', 'k3', 'k1', 'k4', 'k5');
      await migrate(lane, 'k2', '0', '5000');
      await migrate(lane, '', '0', '5000', 'REPLACE', 'KEYS', 'k2', 'k6');
      await migrate(lane, 'k7', '0', '5000');
    };
    const setup = async () => {
      await Promise.all([p.same('FLUSHALL'), ...lane.targets.map((t) => t.call('FLUSHALL'))]);
      await p.same('MSET', 'k1', '1', 'k2', '2', 'k3', '3', 'k4', '4', 'k6', '6', 'k7', '7');
      await Promise.all(lane.targets.map((t) => t.call('SET', 'k4', 'there')));
      await p.same('PEXPIRE', 'k6', '100000');
    };
    await setup();
    const { ours, theirs } = await collectPropagation(env, run);
    assert.ok(theirs.some((c) => c[0] === 'DEL' && c.length === 3));
    assert.deepEqual(ours, theirs);

    await setup();
    const sub = await env.connect();
    await p.same('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    try {
      await sub.same('PSUBSCRIBE', '__key*__:*');
      await run();
      const [a, b] = await Promise.all([drainUntilPong(sub.redis), drainUntilPong(sub.respite)]);
      assert.ok(a.length >= 8);
      assert.deepEqual(b, a);
    } finally {
      await p.same('CONFIG', 'SET', 'notify-keyspace-events', '');
      sub.close();
    }
  });

  it('a BGSAVE running meanwhile keeps its point in time for every migrated key (KEYS a ... KEYS z)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'respite-migrate-'));
    const src = await startServer({ dir, 'enable-debug-command': 'yes' });
    const c = await RawClient.connect(src.port);
    let loaded: Proc | null = null;
    try {
      await c.call('DEBUG', 'POPULATE', '30000', 'p', '100');
      const keys = Array.from({ length: 100 }, (_, i) => `k${i}`);
      await c.call('MSET', ...keys.flatMap((k) => [k, k]), 'z', 'z');
      assert.equal(await c.call('BGSAVE'), '+Background saving started\r\n');
      // The key specs name only z here (the last KEYS); Redis's getkeys procedure names them all.
      assert.equal(await c.call('MIGRATE', '127.0.0.1', String(redisCand.port), '', '0', '5000', 'REPLACE', 'KEYS', ...keys, 'KEYS', 'z'), '+OK\r\n');
      assert.equal(await c.call('DBSIZE'), ':30000\r\n');
      while (!(await c.call('INFO', 'persistence')).includes('rdb_bgsave_in_progress:0')) await sleep(100);
      loaded = await startProc('redis', ['--dir', dir]);
      const r = await client(loaded.port);
      assert.equal(await r.call('DBSIZE'), ':30101\r\n');
      assert.equal(await r.call('EXISTS', ...keys, 'z'), ':101\r\n');
    } finally {
      c.close();
      await src.close();
      if (loaded !== null) await kill9(loaded);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  /** The target's connections from MIGRATE (all but `own`). */
  async function migrateClients(t: RawClient): Promise<string[]> {
    const own = (await t.call('CLIENT', 'ID')).slice(1, -2);
    const list = await t.call('CLIENT', 'LIST');
    return list
      .split('\n')
      .filter((l) => l.startsWith('id=') && !l.startsWith(`id=${own} `))
      .map((l) => l.split(' ')[0]);
  }

  it('caches the connection, reconnects when the target dropped it, closes it after 10 s idle', async () => {
    const lane = lanes.toRedis;
    const p = lane.pair;
    // Fresh targets: no cached connection to them yet.
    const [t0, t1] = await Promise.all([startProc('redis', []), startProc('redis', [])]);
    try {
      const l: Lane = { ...lane, ports: [t0.port, t1.port], targets: [await client(t0.port), await client(t1.port)] };
      await p.same('FLUSHALL');
      await p.same('MSET', 'a', '1', 'b', '2', 'c', '3');
      // A fresh connection has no db selected yet (-1), so db -1 sends no SELECT: the key lands in db 0.
      assert.equal(await migrate(l, 'a', '-1', '5000'), '+OK\r\n');
      const first = await Promise.all(l.targets.map(migrateClients));
      await migrate(l, 'b', '0', '5000');
      const second = await Promise.all(l.targets.map(migrateClients));
      for (let i = 0; i < 2; i++) {
        assert.equal(first[i].length, 1);
        assert.deepEqual(second[i], first[i], 'the connection is reused');
      }
      assert.equal(migrateCachedSockets(env.server.server) >= 1, true);
      // The target closes the cached connection: the next MIGRATE reconnects and succeeds.
      await Promise.all(l.targets.map((t, i) => t.call('CLIENT', 'KILL', 'ID', first[i][0].slice(3))));
      await sleep(100);
      assert.equal(await migrate(l, 'c', '0', '5000'), '+OK\r\n');
      const third = await Promise.all(l.targets.map(migrateClients));
      for (let i = 0; i < 2; i++) {
        assert.equal(third[i].length, 1);
        assert.notDeepEqual(third[i], first[i]);
      }
      await sameDataset('targets', l.targets[0], l.targets[1]);
      // Redis closes cached connections idle for more than 10 s (checked every second).
      await sleep(13000);
      const idle = await Promise.all(l.targets.map(migrateClients));
      assert.deepEqual(idle, [[], []]);
    } finally {
      await Promise.all([kill9(t0), kill9(t1)]);
    }
  });

  it('each server has its own worker, stopped (connections closed) when the server closes', async () => {
    const target = await startProc('redis', []);
    const t = await client(target.port);
    const [s1, s2] = await Promise.all([startServer({}), startServer({})]);
    const [c1, c2] = await Promise.all([RawClient.connect(s1.port), RawClient.connect(s2.port)]);
    const port = String(target.port);
    try {
      await c1.call('SET', 'one', '1');
      await c2.call('SET', 'two', '2');
      assert.equal(await c1.call('MIGRATE', '127.0.0.1', port, 'one', '0', '5000'), '+OK\r\n');
      assert.equal(await c2.call('MIGRATE', '127.0.0.1', port, 'two', '0', '5000'), '+OK\r\n');
      assert.equal((await migrateClients(t)).length, 2);
      assert.equal(migrateCachedSockets(s1.server), 1);
      assert.match(await c1.call('INFO', 'stats'), /\r\nmigrate_cached_sockets:1\r\n/);
      c1.close();
      await s1.close();
      await sleep(200);
      assert.equal((await migrateClients(t)).length, 1);
      assert.equal(migrateCachedSockets(s1.server), 0);
      assert.equal(await c2.call('MIGRATE', '127.0.0.1', port, 'two', '0', '5000'), '+NOKEY\r\n');
      assert.equal(await t.call('MGET', 'one', 'two'), '*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    } finally {
      c1.close();
      c2.close();
      await Promise.all([s1.close(), s2.close(), kill9(target)]);
    }
  });
});
