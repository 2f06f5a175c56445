/**
 * dump.rdb between real processes: a file saved by redis-server 7.0 loads
 * into respite and one saved by respite (SAVE and BGSAVE) loads into
 * redis-server, with every key, value, encoding and absolute expiry equal.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { oracleSkip } from '../support/oracle.js';
import { RawClient } from '../support/raw-client.js';
import { dumpDataset, kill9, startProc, tempDir, type Proc } from './aof-support.js';

const FAR = String(Date.now() + 86_400_000 * 30);

/** Commands that build every type in every encoding, in several databases, some with TTLs. */
function populateCommands(): string[][] {
  const many = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));
  return [
    ['SET', 'str', 'hello'],
    ['SET', 'int', '12345'],
    ['SET', 'bigint', '-9223372036854775808'],
    ['SET', 'long', 'abc'.repeat(1000)],
    ['SET', 'bin', '\x00\x01\xff\r\n'],
    ['SET', 'ttl', 'x', 'PXAT', FAR],
    ['RPUSH', 'list', 'a', '1', '-70000', 'b'.repeat(100)],
    ['RPUSH', 'biglist', ...many(5000, (i) => `item:${i}`)],
    ['HSET', 'hash', 'f', 'v', 'n', '1'],
    ['HSET', 'bighash', ...many(1500, (i) => `x${i}`)],
    ['SADD', 'intset', '1', '2', '-3', '100000000000'],
    ['SADD', 'set', 'a', 'b', 'c'],
    ['ZADD', 'zset', '1', 'a', '2.5', 'b', '-inf', 'c'],
    ['ZADD', 'bigzset', ...many(400, (i) => (i % 2 === 0 ? String(i / 3) : `m${i}`))],
    ['PEXPIREAT', 'bighash', FAR],
    ['SELECT', '3'],
    ['SET', 'in-db-3', 'three'],
    ['LPUSH', 'list3', 'z'],
    ['SELECT', '15'],
    ['HSET', 'h15', 'a', 'b'],
    ['PEXPIREAT', 'h15', FAR],
    ['SELECT', '0'],
  ];
}

async function populate(c: RawClient): Promise<void> {
  for (const cmd of populateCommands()) {
    const r = await c.call(...cmd);
    assert.ok(!r.startsWith('-'), `${cmd[0]}: ${r}`);
  }
}

/** OBJECT ENCODING of every key in databases 0, 3 and 15. */
async function encodings(c: RawClient): Promise<string[]> {
  const out: string[] = [];
  for (const db of ['0', '3', '15']) {
    await c.call('SELECT', db);
    const keys = (await strings(c, 'KEYS', '*')).sort();
    for (const k of keys) out.push(`${db} ${k} ${await c.call('OBJECT', 'ENCODING', k)}`);
  }
  await c.call('SELECT', '0');
  return out;
}

/** The elements of an array reply as strings. */
async function strings(c: RawClient, ...args: string[]): Promise<string[]> {
  const v = await c.callValue(...args);
  assert.equal(v.t, 'array');
  return ((v as { v: Array<{ v: string }> }).v ?? []).map((x) => x.v);
}

async function infoField(c: RawClient, name: string): Promise<string> {
  const v = (await c.callValue('INFO', 'persistence')) as { v: string };
  const m = new RegExp(`${name}:(\\S+)`).exec(v.v);
  return m === null ? '' : m[1];
}

async function withProc<T>(p: Proc, fn: (c: RawClient) => Promise<T>): Promise<T> {
  const c = await RawClient.connect(p.port);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

describe('dump.rdb between redis-server 7.0 and respite', { skip: oracleSkip }, () => {
  it('redis SAVE -> respite loads everything (values, encodings, expiries; expired keys skipped)', async () => {
    const dir = tempDir('respite-rdb-');
    const redis = await startProc('redis', ['--dir', dir]);
    const [want, wantEnc] = await withProc(redis, async (c) => {
      await populate(c);
      await c.call('SET', 'soon-gone', 'x', 'PX', '200');
      assert.equal(await c.call('SAVE'), '+OK\r\n');
      await c.call('DEL', 'soon-gone');
      return [await dumpDataset(c), await encodings(c)];
    });
    await kill9(redis);
    await new Promise((r) => setTimeout(r, 300));
    const ours = await startProc('respite', ['--dir', dir]);
    try {
      await withProc(ours, async (c) => {
        assert.deepEqual(await dumpDataset(c), want);
        assert.deepEqual(await encodings(c), wantEnc);
        assert.equal(await infoField(c, 'rdb_last_load_keys_expired'), '1');
        assert.equal(await infoField(c, 'rdb_last_load_keys_loaded'), String(want.length));
      });
    } finally {
      await kill9(ours);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('respite SAVE -> redis-server loads everything', async () => {
    const dir = tempDir('respite-rdb-');
    const ours = await startProc('respite', ['--dir', dir, '--dbfilename', 'snap.rdb']);
    const [want, wantEnc] = await withProc(ours, async (c) => {
      await populate(c);
      assert.equal(await c.call('SAVE'), '+OK\r\n');
      assert.equal(await infoField(c, 'rdb_changes_since_last_save'), '0');
      return [await dumpDataset(c), await encodings(c)];
    });
    await kill9(ours);
    assert.ok(fs.existsSync(path.join(dir, 'snap.rdb')));
    const redis = await startProc('redis', ['--dir', dir, '--dbfilename', 'snap.rdb']);
    try {
      await withProc(redis, async (c) => {
        assert.equal(await infoField(c, 'rdb_last_load_keys_loaded'), String(want.length));
        assert.deepEqual(await dumpDataset(c), want);
        assert.deepEqual(await encodings(c), wantEnc);
      });
    } finally {
      await kill9(redis);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('respite with rdbcompression no and rdbchecksum no -> redis-server loads it', async () => {
    const dir = tempDir('respite-rdb-');
    const ours = await startProc('respite', ['--dir', dir, '--rdbcompression', 'no', '--rdbchecksum', 'no']);
    const want = await withProc(ours, async (c) => {
      await populate(c);
      assert.equal(await c.call('SAVE'), '+OK\r\n');
      return dumpDataset(c);
    });
    await kill9(ours);
    const file = fs.readFileSync(path.join(dir, 'dump.rdb'));
    assert.ok(file.subarray(file.length - 8).equals(Buffer.alloc(8)), 'no checksum: zero trailer');
    const redis = await startProc('redis', ['--dir', dir]);
    try {
      await withProc(redis, async (c) => assert.deepEqual(await dumpDataset(c), want));
    } finally {
      await kill9(redis);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('BGSAVE is a point-in-time snapshot while writes continue; redis-server loads it', async () => {
    const dir = tempDir('respite-rdb-');
    const ours = await startProc('respite', ['--dir', dir]);
    const N = 60000;
    try {
      await withProc(ours, async (c) => {
        // Build N keys with pipelined MSETs, plus a list changed in place during the save.
        for (let i = 0; i < N; i += 1000) {
          const args = ['MSET'];
          for (let j = i; j < i + 1000; j++) args.push(`key:${j}`, `v0:${j}`);
          await c.call(...args);
        }
        await c.call('RPUSH', 'list', 'a', 'b', 'c');
        assert.equal(await c.call('BGSAVE'), '+Background saving started\r\n');
        assert.equal(await c.call('BGSAVE'), '-ERR Background save already in progress\r\n');
        assert.equal(await c.call('SAVE'), '-ERR Background save already in progress\r\n');
        if ((await infoField(c, 'rdb_bgsave_in_progress')) === '1') assert.equal(await infoField(c, 'current_save_keys_total'), String(N + 1));
        // Writes during the save: overwrite, delete, in-place edits, new keys, FLUSHALL at the end.
        for (let i = 0; i < N; i += 997) {
          await c.call('SET', `key:${i}`, 'changed');
          await c.call('DEL', `key:${i + 1}`);
          await c.call('SET', `new:${i}`, 'x');
        }
        await c.call('RPUSH', 'list', 'd');
        await c.call('LSET', 'list', '0', 'A');
        await c.call('FLUSHDB');
        await c.call('SWAPDB', '0', '1');
        for (let k = 0; k < 200; k++) {
          if ((await infoField(c, 'rdb_bgsave_in_progress')) === '0') break;
          await new Promise((r) => setTimeout(r, 50));
        }
        assert.equal(await infoField(c, 'rdb_bgsave_in_progress'), '0');
        assert.equal(await infoField(c, 'rdb_last_bgsave_status'), 'ok');
      });
    } finally {
      await kill9(ours);
    }
    const redis = await startProc('redis', ['--dir', dir]);
    try {
      await withProc(redis, async (c) => {
        assert.equal(await c.call('DBSIZE'), `:${N + 1}\r\n`);
        assert.equal(await c.call('EXISTS', 'new:0'), ':0\r\n');
        assert.deepEqual(await strings(c, 'LRANGE', 'list', '0', '-1'), ['a', 'b', 'c']);
        for (let i = 0; i < N; i += 1000) {
          const keys = Array.from({ length: 1000 }, (_, j) => `key:${i + j}`);
          const vals = await strings(c, 'MGET', ...keys);
          vals.forEach((v, j) => assert.equal(v, `v0:${i + j}`));
        }
      });
    } finally {
      await kill9(redis);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('BGSAVE life cycle', { skip: oracleSkip }, () => {
  it('FLUSHALL abandons a BGSAVE in progress, like Redis kills its child', async () => {
    const dir = tempDir('respite-rdb-');
    const ours = await startProc('respite', ['--dir', dir]);
    try {
      await withProc(ours, async (c) => {
        for (let i = 0; i < 100000; i += 1000) {
          const args = ['MSET'];
          for (let j = i; j < i + 1000; j++) args.push(`key:${j}`, 'v');
          await c.call(...args);
        }
        assert.equal(await c.call('BGSAVE'), '+Background saving started\r\n');
        assert.equal(await c.call('FLUSHALL'), '+OK\r\n');
        assert.equal(await infoField(c, 'rdb_bgsave_in_progress'), '0');
        assert.equal(await infoField(c, 'rdb_last_bgsave_status'), 'ok');
        assert.equal(fs.existsSync(path.join(dir, 'dump.rdb')), false);
        assert.deepEqual(fs.readdirSync(dir), []);
      });
    } finally {
      await kill9(ours);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a save point triggers a BGSAVE once enough changes are old enough', async () => {
    const dir = tempDir('respite-rdb-');
    const ours = await startProc('respite', ['--dir', dir, '--save', '1 2']);
    try {
      await withProc(ours, async (c) => {
        await c.call('SET', 'a', '1');
        await new Promise((r) => setTimeout(r, 1300));
        assert.equal(fs.existsSync(path.join(dir, 'dump.rdb')), false, 'one change is below the save point');
        await c.call('SET', 'b', '2');
        for (let k = 0; k < 60 && !fs.existsSync(path.join(dir, 'dump.rdb')); k++) await new Promise((r) => setTimeout(r, 50));
        assert.ok(fs.existsSync(path.join(dir, 'dump.rdb')));
        for (let k = 0; k < 60 && (await infoField(c, 'rdb_changes_since_last_save')) !== '0'; k++) await new Promise((r) => setTimeout(r, 50));
        assert.equal(await infoField(c, 'rdb_changes_since_last_save'), '0');
        assert.equal(await infoField(c, 'rdb_saves'), '1');
      });
    } finally {
      await kill9(ours);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('saving at shutdown, like redis-server 7.0', { skip: oracleSkip }, () => {
  const cases: Array<{ name: string; save: string; stop: (c: RawClient, p: Proc) => Promise<void>; saved: boolean }> = [
    { name: 'SIGTERM with save points saves', save: '3600 1', stop: async (_c, p) => void p.child.kill('SIGTERM'), saved: true },
    { name: 'SIGTERM without save points does not', save: '', stop: async (_c, p) => void p.child.kill('SIGTERM'), saved: false },
    { name: 'SHUTDOWN SAVE saves without save points', save: '', stop: async (c) => void (await c.call('SHUTDOWN', 'SAVE').catch(() => '')), saved: true },
    { name: 'SHUTDOWN NOSAVE skips the save points', save: '3600 1', stop: async (c) => void (await c.call('SHUTDOWN', 'NOSAVE').catch(() => '')), saved: false },
    { name: 'SHUTDOWN with save points saves', save: '3600 1', stop: async (c) => void (await c.call('SHUTDOWN').catch(() => '')), saved: true },
  ];
  for (const kind of ['redis', 'respite'] as const) {
    for (const t of cases) {
      it(`${kind}: ${t.name}`, async () => {
        const dir = tempDir('respite-rdb-');
        const p = await startProc(kind, ['--dir', dir, '--save', t.save]);
        try {
          const c = await RawClient.connect(p.port);
          await c.call('SET', 'k', 'v');
          await t.stop(c, p);
          await p.exited;
          c.close();
          assert.equal(fs.existsSync(path.join(dir, 'dump.rdb')), t.saved);
          if (t.saved) {
            const again = await startProc(kind, ['--dir', dir]);
            try {
              await withProc(again, async (c2) => assert.equal(await c2.call('GET', 'k'), '$1\r\nv\r\n'));
            } finally {
              await kill9(again);
            }
          }
        } finally {
          await kill9(p);
          fs.rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  }
});
