/**
 * The append-only file in-process: restart round trips, torn tails and
 * corrupt files (Redis's loader texts), timestamps, BGREWRITEAOF under
 * concurrent writes (point-in-time base), turning AOF on at runtime,
 * automatic rewrites, disk errors (MISCONF, texts from redis-server 7.0.15)
 * and the `always` reply barrier.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { startServer, type RunningServer, type StartOptions } from '../../src/index.js';
import { AofLoadError } from '../../src/persistence/aof/loader.js';
import { RawClient } from '../support/raw-client.js';
import { Rng, testSeed } from '../support/random.js';
import { dumpDataset, tempDir } from './aof-support.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function newDir(): string {
  const d = tempDir('respite-aof-');
  dirs.push(d);
  return d;
}

interface Started {
  srv: RunningServer;
  c: RawClient;
  logs: string[];
}

async function start(dir: string, opts: StartOptions = {}): Promise<Started> {
  const logs: string[] = [];
  const srv = await startServer({ dir, appendonly: 'yes', ...opts }, { log: (l) => logs.push(l) });
  const c = await RawClient.connect(srv.port);
  return { srv, c, logs };
}

async function stop(s: Started): Promise<void> {
  s.c.close();
  await s.srv.close();
}

async function info(c: RawClient, field: string): Promise<string> {
  const text = await c.call('INFO', 'persistence');
  const m = new RegExp(`\\r\\n${field}:([^\\r]*)`).exec(text);
  assert.ok(m, `no ${field} in INFO`);
  return m[1];
}

async function waitFor(what: string, fn: () => Promise<boolean>, ms = 10000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const incrPath = (dir: string, seq = 1) => path.join(dir, 'appendonlydir', `appendonly.aof.${seq}.incr.aof`);

async function populate(c: RawClient): Promise<void> {
  await c.call('SET', 'str', 'v\r\n\x00\xff');
  await c.call('SET', 'ttl', 'x', 'PX', '100000');
  await c.call('RPUSH', 'list', 'a', 'b', 'c');
  await c.call('HSET', 'hash', 'f1', 'v1', 'f2', 'v2');
  await c.call('SADD', 'set', '1', '2', 'x');
  await c.call('ZADD', 'zset', '1.5', 'a', '-inf', 'b', '0.1', 'c');
  await c.call('INCRBYFLOAT', 'float', '1.25');
  await c.call('SELECT', '5');
  await c.call('APPEND', 'db5', 'hello');
  await c.call('MULTI');
  await c.call('INCR', 'counter');
  await c.call('LPUSH', 'list5', 'z');
  await c.call('EXEC');
  await c.call('SELECT', '0');
}

describe('AOF restart', () => {
  it('a restarted server has the same dataset, TTLs included', async () => {
    const dir = newDir();
    const a = await start(dir);
    await populate(a.c);
    const before = await dumpDataset(a.c);
    await stop(a);
    const b = await start(dir);
    assert.deepEqual(await dumpDataset(b.c), before);
    // Redis's start-up log lines.
    assert.ok(b.logs.some((l) => l.includes('DB loaded from incr file appendonly.aof.1.incr.aof')));
    assert.ok(b.logs.some((l) => l.includes('Opening AOF incr file appendonly.aof.1.incr.aof on server start')));
    await stop(b);
  });

  it('keys whose TTL passed while stopped are loaded, then expire (nothing expires while loading)', async () => {
    const dir = newDir();
    const a = await start(dir);
    await a.c.call('SET', 'k', 'v', 'PX', '150');
    // Modified while alive: on replay the APPEND must not resurrect a fresh key.
    await a.c.call('APPEND', 'k', 'w');
    await stop(a);
    await new Promise((r) => setTimeout(r, 250));
    const b = await start(dir);
    assert.equal(await b.c.call('EXISTS', 'k'), ':0\r\n');
    assert.equal(await b.c.call('DBSIZE'), ':0\r\n');
    await stop(b);
  });

  it("a torn tail is cut at the last complete command (aof-load-truncated yes), with Redis's log lines", async () => {
    const dir = newDir();
    const a = await start(dir);
    await populate(a.c);
    const before = await dumpDataset(a.c);
    await stop(a);
    const size = fs.statSync(incrPath(dir)).size;
    fs.appendFileSync(incrPath(dir), '*3\r\n$3\r\nSET\r\n$1\r\nz\r\n$5\r\nab');
    const b = await start(dir);
    assert.deepEqual(await dumpDataset(b.c), before);
    assert.equal(fs.statSync(incrPath(dir)).size, size);
    assert.ok(b.logs.some((l) => l.includes('!!! Warning: short read while loading the AOF file appendonly.aof.1.incr.aof!!!')));
    assert.ok(b.logs.some((l) => l.includes(`!!! Truncating the AOF appendonly.aof.1.incr.aof at offset ${size} !!!`)));
    assert.ok(b.logs.some((l) => l.includes('AOF appendonly.aof.1.incr.aof loaded anyway because aof-load-truncated is enabled')));
    // New writes append after the cut and survive another restart.
    await b.c.call('SET', 'after', '1');
    await stop(b);
    const c = await start(dir);
    assert.equal(await c.c.call('GET', 'after'), '$1\r\n1\r\n');
    await stop(c);
  });

  it('an unfinished MULTI at the end is reverted', async () => {
    const dir = newDir();
    const a = await start(dir);
    await a.c.call('SET', 'k', '1');
    await stop(a);
    const size = fs.statSync(incrPath(dir)).size;
    fs.appendFileSync(incrPath(dir), '*1\r\n$5\r\nMULTI\r\n*2\r\n$4\r\nINCR\r\n$1\r\nk\r\n');
    const b = await start(dir);
    assert.equal(await b.c.call('GET', 'k'), '$1\r\n1\r\n');
    assert.equal(fs.statSync(incrPath(dir)).size, size);
    assert.ok(b.logs.some((l) => l.includes('Revert incomplete MULTI/EXEC transaction in AOF file appendonly.aof.1.incr.aof')));
    await stop(b);
  });

  it('a corrupt command in the middle stops start-up with the file and offset, changing nothing on disk', async () => {
    const dir = newDir();
    const a = await start(dir);
    await a.c.call('SET', 'a', '1');
    await a.c.call('SET', 'b', '2');
    await stop(a);
    const bytes = fs.readFileSync(incrPath(dir));
    const at = bytes.indexOf('*3', 10);
    const bad = Buffer.concat([bytes.subarray(0, at), Buffer.from('!garbage\r\n'), bytes.subarray(at)]);
    fs.writeFileSync(incrPath(dir), bad);
    await assert.rejects(start(dir), (e: unknown) => {
      assert.ok(e instanceof AofLoadError);
      assert.equal(e.lines[0], 'Bad file format reading the append only file appendonly.aof.1.incr.aof: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>');
      assert.match(e.lines[1], new RegExp(`appendonly\\.aof\\.1\\.incr\\.aof.* at offset ${at}$`));
      return true;
    });
    assert.deepEqual(fs.readFileSync(incrPath(dir)), bad);
  });

  it('aof-load-truncated no refuses a torn tail and leaves the file alone', async () => {
    const dir = newDir();
    const a = await start(dir);
    await a.c.call('SET', 'a', '1');
    await stop(a);
    fs.appendFileSync(incrPath(dir), '*2\r\n$3\r\nDEL');
    const torn = fs.readFileSync(incrPath(dir));
    await assert.rejects(start(dir, { 'aof-load-truncated': 'no' }), (e: unknown) => {
      assert.ok(e instanceof AofLoadError);
      assert.match(e.lines[0], /^Unexpected end of file reading the append only file appendonly\.aof\.1\.incr\.aof\. You can: 1\) Make a backup/);
      return true;
    });
    assert.deepEqual(fs.readFileSync(incrPath(dir)), torn);
  });

  it('aof-timestamp-enabled writes #TS annotations, and loading skips them', async () => {
    const dir = newDir();
    const a = await start(dir, { 'aof-timestamp-enabled': 'yes' });
    await a.c.call('SET', 'a', '1');
    await stop(a);
    const text = fs.readFileSync(incrPath(dir), 'latin1');
    assert.match(text, /^#TS:\d{10}\r\n\*2\r\n\$6\r\nSELECT\r\n/);
    const b = await start(dir);
    assert.equal(await b.c.call('GET', 'a'), '$1\r\n1\r\n');
    await stop(b);
  });
});

/** A random write that may touch keys the rewrite has not reached yet. */
function randomWrite(rng: Rng, n: number): string[] {
  const k = () => `k${rng.int(0, n - 1)}`;
  switch (rng.int(0, 12 - 1)) {
    case 0:
      return ['APPEND', k(), 'x'];
    case 1:
      return ['INCR', `c${rng.int(0, 50 - 1)}`];
    case 2:
      return ['RPUSH', `l${rng.int(0, 50 - 1)}`, String(rng.int(0, 1000 - 1))];
    case 3:
      return ['RENAME', k(), k()];
    case 4:
      return ['DEL', k()];
    case 5:
      return ['MOVE', k(), String(1 + rng.int(0, 3 - 1))];
    case 6:
      return ['PEXPIRE', k(), String(100000 + rng.int(0, 1000 - 1))];
    case 7:
      return ['HINCRBY', `h${rng.int(0, 50 - 1)}`, `f${rng.int(0, 5 - 1)}`, '1'];
    case 8:
      return ['ZINCRBY', `z${rng.int(0, 50 - 1)}`, '1.5', `m${rng.int(0, 5 - 1)}`];
    case 9:
      return ['SADD', `s${rng.int(0, 50 - 1)}`, String(rng.int(0, 100 - 1))];
    case 10:
      return ['COPY', k(), `copy${rng.int(0, 20 - 1)}`, 'DB', String(rng.int(0, 3 - 1)), 'REPLACE'];
    default:
      return ['SET', k(), String(rng.int(0, 1e6 - 1))];
  }
}

describe('BGREWRITEAOF', () => {
  for (const preamble of ['yes', 'no'] as const) {
    const ext = preamble === 'yes' ? 'rdb' : 'aof';
    it(`the new base (.base.${ext}) is point-in-time: base + new incr replays to the live dataset under concurrent writes`, async () => {
      const seed = testSeed(7);
      const rng = new Rng(seed);
      const dir = newDir();
      const a = await start(dir, { 'aof-use-rdb-preamble': preamble });
      const n = 30000;
      for (let i = 0; i < n; i += 1000) {
        const args: string[] = ['MSET'];
        for (let j = i; j < i + 1000; j++) args.push(`k${j}`, `v${j}`);
        await a.c.call(...args);
      }
      for (let i = 0; i < 50; i++) {
        await a.c.call('RPUSH', `l${i}`, 'a', 'b');
        await a.c.call('HSET', `h${i}`, 'f0', '1');
        await a.c.call('ZADD', `z${i}`, '1', 'm0');
        await a.c.call('SET', `c${i}`, '10');
      }
      // Thin slices so that many client turns interleave with the scan.
      a.srv.server.aof.sliceMs = 0.1;
      assert.equal(await a.c.call('BGREWRITEAOF'), '+Background append only file rewriting started\r\n');
      assert.equal(await a.c.call('BGREWRITEAOF'), '-ERR Background append only file rewriting already in progress\r\n');
      let during = 0;
      while ((await info(a.c, 'aof_rewrite_in_progress')) === '1') {
        for (let i = 0; i < 20; i++) await a.c.call(...randomWrite(rng, n));
        during++;
        if (during === 5) {
          await a.c.call('SWAPDB', '0', '1');
          await a.c.call('SWAPDB', '0', '1');
        }
      }
      assert.ok(during >= 3, `the rewrite should span several slices (seed ${seed}, ${during} rounds)`);
      for (let i = 0; i < 200; i++) await a.c.call(...randomWrite(rng, n));
      await a.c.call('FLUSHDB');
      await a.c.call('SELECT', '2');
      const live = await dumpDataset(a.c);
      assert.equal(await info(a.c, 'aof_rewrites'), '1');
      assert.equal(await info(a.c, 'aof_last_bgrewrite_status'), 'ok');
      const manifest = fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1');
      assert.equal(manifest, `file appendonly.aof.2.base.${ext} seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n`);
      assert.deepEqual(fs.readdirSync(path.join(dir, 'appendonlydir')).sort(), [`appendonly.aof.2.base.${ext}`, 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
      await stop(a);
      const b = await start(dir);
      assert.deepEqual(await dumpDataset(b.c), live, `seed ${seed}`);
      await stop(b);
    });
  }

  it('with AOF off it still writes a base and a manifest, as Redis does', async () => {
    const dir = newDir();
    const a = await start(dir, { appendonly: 'no' });
    await populate(a.c);
    const before = await dumpDataset(a.c);
    assert.equal(await a.c.call('BGREWRITEAOF'), '+Background append only file rewriting started\r\n');
    await waitFor('rewrite', async () => (await info(a.c, 'aof_rewrites')) === '1');
    assert.equal(fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1'), 'file appendonly.aof.1.base.rdb seq 1 type b\n');
    await stop(a);
    const b = await start(dir);
    assert.deepEqual(await dumpDataset(b.c), before);
    await stop(b);
  });

  it('CONFIG SET appendonly yes writes a base first; writes meanwhile are kept', async () => {
    const dir = newDir();
    const a = await start(dir, { appendonly: 'no' });
    for (let i = 0; i < 5000; i++) await a.c.call('SET', `k${i}`, String(i));
    assert.equal(await a.c.call('CONFIG', 'SET', 'appendonly', 'yes'), '+OK\r\n');
    assert.equal(await info(a.c, 'aof_enabled'), '1');
    await a.c.call('APPEND', 'k1', 'x');
    await a.c.call('SET', 'new', '1');
    await waitFor('rewrite', async () => (await info(a.c, 'aof_rewrite_in_progress')) === '0');
    await a.c.call('INCR', 'k2');
    const live = await dumpDataset(a.c);
    await stop(a);
    const b = await start(dir);
    assert.deepEqual(await dumpDataset(b.c), live);
    await stop(b);
  });

  it('rewrites automatically past auto-aof-rewrite-percentage', async () => {
    const dir = newDir();
    const a = await start(dir, { 'auto-aof-rewrite-min-size': '1kb', 'auto-aof-rewrite-percentage': '100' });
    for (let i = 0; i < 200; i++) await a.c.call('SET', 'k', String(i));
    await waitFor('auto rewrite', async () => Number(await info(a.c, 'aof_rewrites')) >= 1);
    assert.ok(a.logs.some((l) => /Starting automatic rewriting of AOF on \d+% growth/.test(l)));
    assert.equal(await a.c.call('GET', 'k'), '$3\r\n199\r\n');
    await stop(a);
    // The automatic rewrite wrote an RDB base (aof-use-rdb-preamble defaults to yes), and it reloads.
    assert.ok(fs.readdirSync(path.join(dir, 'appendonlydir')).some((f) => /^appendonly\.aof\.\d+\.base\.rdb$/.test(f)));
    const b = await start(dir);
    assert.equal(await b.c.call('GET', 'k'), '$3\r\n199\r\n');
    await stop(b);
  });
});

describe('AOF disk errors', () => {
  it('a failing write refuses writes (and PING) with MISCONF, reads keep working, and it recovers', async () => {
    const dir = newDir();
    const a = await start(dir);
    const aof = a.srv.server.aof;
    const real = aof.io;
    let failing = true;
    aof.io = {
      writeSync: (fd, b, o, l) => {
        if (failing) throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
        return real.writeSync(fd, b, o, l);
      },
      fdatasync: real.fdatasync,
    };
    await a.c.call('SET', 'k', '1');
    await waitFor('write error', async () => (await info(a.c, 'aof_last_write_status')) === 'err');
    // Text and gate as redis-server 7.0.15 (writeCommandsDeniedByDiskError).
    const misconf = '-MISCONF Errors writing to the AOF file: No space left on device\r\n';
    assert.equal(await a.c.call('SET', 'k', '2'), misconf);
    assert.equal(await a.c.call('PING'), misconf);
    assert.equal(await a.c.call('GET', 'k'), '$1\r\n1\r\n');
    await a.c.call('MULTI');
    assert.equal(await a.c.call('SET', 'k', '3'), misconf);
    assert.match(await a.c.call('EXEC'), /^-EXECABORT/);
    failing = false;
    await waitFor('recovery', async () => (await info(a.c, 'aof_last_write_status')) === 'ok');
    assert.ok(a.logs.some((l) => l.includes('AOF write error looks solved, Redis can write again.')));
    assert.equal(await a.c.call('SET', 'k', '4'), '+OK\r\n');
    await stop(a);
    // The write buffered during the error reached the file: nothing acknowledged was lost.
    const b = await start(dir);
    assert.equal(await b.c.call('GET', 'k'), '$1\r\n4\r\n');
    await stop(b);
  });
});

describe('appendfsync always', () => {
  it('holds replies until the fsync covering the write completes', async () => {
    const dir = newDir();
    const a = await start(dir, { appendfsync: 'always' });
    const aof = a.srv.server.aof;
    const real = aof.io;
    let syncs = 0;
    aof.io = {
      writeSync: real.writeSync,
      fdatasync: (fd, cb) => {
        syncs++;
        setTimeout(() => real.fdatasync(fd, cb), 200);
      },
    };
    const reader = await RawClient.connect(a.srv.port);
    const t0 = Date.now();
    a.c.writeRaw('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n1\r\n');
    const [w, r] = await Promise.all([a.c.readRaw(), (async () => (await new Promise((res) => setTimeout(res, 20)), reader.call('GET', 'k')))()]);
    const elapsed = Date.now() - t0;
    assert.equal(w, '+OK\r\n');
    assert.equal(r, '$1\r\n1\r\n');
    assert.ok(elapsed >= 180, `the reply came after ${elapsed} ms, before the fsync`);
    assert.ok(syncs >= 1);
    // Group commit: 50 clients writing at once share few fsyncs.
    const clients = await Promise.all(Array.from({ length: 50 }, () => RawClient.connect(a.srv.port)));
    const before = syncs;
    await Promise.all(clients.map((c, i) => c.call('SET', `g${i}`, 'v')));
    assert.ok(syncs - before <= 3, `${syncs - before} fsyncs for 50 concurrent writes`);
    for (const c of clients) c.close();
    reader.close();
    await stop(a);
  });
});
