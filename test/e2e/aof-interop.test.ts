/**
 * Real processes both ways: redis-server 7.0.15 loads an AOF directory that
 * respite wrote, and respite loads one redis-server wrote (with an AOF-format
 * base: --aof-use-rdb-preamble no). The datasets are compared key by key,
 * TTLs included (PEXPIRETIME), and the check-aof mode validates both.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { oracleSkip } from '../support/oracle.js';
import { RawClient } from '../support/raw-client.js';
import { dumpDataset, kill9, RESPITE_BIN, startProc, tempDir, type Proc } from './aof-support.js';

const dirs: string[] = [];
const procs: Proc[] = [];
after(async () => {
  for (const p of procs) await kill9(p);
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function populate(c: RawClient): Promise<void> {
  await c.call('SET', 'str', 'v\r\n\x00\xff');
  await c.call('SET', 'ttl', 'x', 'EX', '1000');
  await c.call('RPUSH', 'list', ...Array.from({ length: 150 }, (_, i) => `e${i}`));
  await c.call('HSET', 'hash', 'f1', 'v1', 'f2', 'v2');
  await c.call('SADD', 'set', '1', '2', 'x');
  await c.call('SADD', 'intset', '1', '2', '3');
  await c.call('ZADD', 'zset', '1.5', 'a', '-inf', 'b', '0.1', 'c');
  await c.call('INCRBYFLOAT', 'float', '1.25');
  await c.call('EXPIRE', 'hash', '5000');
  await c.call('SELECT', '5');
  await c.call('APPEND', 'db5', 'hello');
  await c.call('MULTI');
  await c.call('INCR', 'counter');
  await c.call('LPUSH', 'list5', 'z');
  await c.call('EXEC');
  await c.call('SELECT', '0');
}

/** Writes some data, rewrites (so the base holds data), writes more, and stops cleanly. */
async function produce(kind: 'respite' | 'redis', dir: string): Promise<string[]> {
  const p = await startProc(kind, ['--dir', dir, '--appendonly', 'yes', '--aof-use-rdb-preamble', 'no']);
  procs.push(p);
  const c = await RawClient.connect(p.port);
  await populate(c);
  assert.equal(await c.call('BGREWRITEAOF'), '+Background append only file rewriting started\r\n');
  for (let i = 0; i < 200; i++) {
    const text = await c.call('INFO', 'persistence');
    if (text.includes('aof_rewrite_in_progress:0') && text.includes('aof_rewrites:1')) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  await c.call('SET', 'after-rewrite', '1');
  await c.call('RPUSH', 'list', 'tail');
  const dump = await dumpDataset(c);
  c.writeRaw('*1\r\n$8\r\nSHUTDOWN\r\n');
  await c.waitClosed(5000);
  await p.exited;
  return dump;
}

async function consume(kind: 'respite' | 'redis', dir: string): Promise<string[]> {
  const p = await startProc(kind, ['--dir', dir, '--appendonly', 'yes', '--aof-use-rdb-preamble', 'no']);
  procs.push(p);
  const c = await RawClient.connect(p.port);
  const dump = await dumpDataset(c);
  c.close();
  await kill9(p);
  return dump;
}

describe('AOF interoperability with redis-server 7.0.15', { skip: oracleSkip }, () => {
  it('redis-server loads the directory respite wrote', async () => {
    const dir = tempDir('respite-aof-interop-');
    dirs.push(dir);
    const written = await produce('respite', dir);
    assert.ok(written.length >= 10);
    const manifest = fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1');
    assert.equal(manifest, 'file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n');
    // redis-check-aof agrees the files are valid.
    const check = spawnSync('redis-check-aof', [path.join(dir, 'appendonlydir', 'appendonly.aof.manifest')], { encoding: 'latin1' });
    if (check.error === undefined) assert.match(check.stdout, /All AOF files and manifest are valid/);
    assert.deepEqual(await consume('redis', dir), written);
  });

  it('respite loads the directory redis-server wrote', async () => {
    const dir = tempDir('respite-aof-interop-');
    dirs.push(dir);
    const written = await produce('redis', dir);
    assert.deepEqual(await consume('respite', dir), written);
    const r = spawnSync(process.execPath, [RESPITE_BIN, '--check-aof', path.join(dir, 'appendonlydir', 'appendonly.aof.manifest')], { encoding: 'latin1' });
    assert.equal(r.status, 0, r.stdout);
    assert.match(r.stdout, /All AOF files and manifest are valid/);
  });

  it('INFO persistence lists the AOF fields in Redis order, with AOF on and off', async () => {
    for (const on of ['yes', 'no']) {
      const names: string[][] = [];
      for (const kind of ['redis', 'respite'] as const) {
        const dir = tempDir('respite-aof-info-');
        dirs.push(dir);
        const p = await startProc(kind, ['--dir', dir, '--appendonly', on, '--aof-use-rdb-preamble', 'no']);
        procs.push(p);
        const c = await RawClient.connect(p.port);
        const text = await c.call('INFO', 'persistence');
        names.push(text.split('\r\n').filter((l) => l.includes(':')).map((l) => l.slice(0, l.indexOf(':'))));
        const vals = Object.fromEntries(text.split('\r\n').filter((l) => /^aof_(enabled|rewrite_in_progress|last_write_status|last_bgrewrite_status)/.test(l)).map((l) => l.split(':')));
        assert.deepEqual(vals, { aof_enabled: on === 'yes' ? '1' : '0', aof_rewrite_in_progress: '0', aof_last_bgrewrite_status: 'ok', aof_last_write_status: 'ok' });
        c.close();
        await kill9(p);
      }
      assert.deepEqual(names[1], names[0], `appendonly ${on}`);
    }
  });

  it('a full disk (the incr file on /dev/full) gives the same MISCONF replies as redis-server', { skip: !fs.existsSync('/dev/full') }, async () => {
    const replies: string[][] = [];
    for (const kind of ['redis', 'respite'] as const) {
      const dir = tempDir('respite-aof-full-');
      dirs.push(dir);
      const ad = path.join(dir, 'appendonlydir');
      fs.mkdirSync(ad);
      fs.writeFileSync(path.join(ad, 'appendonly.aof.manifest'), 'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
      fs.writeFileSync(path.join(ad, 'appendonly.aof.1.base.aof'), '');
      fs.symlinkSync('/dev/full', path.join(ad, 'appendonly.aof.1.incr.aof'));
      const p = await startProc(kind, ['--dir', dir, '--appendonly', 'yes', '--aof-use-rdb-preamble', 'no']);
      procs.push(p);
      const c = await RawClient.connect(p.port);
      const out = [await c.call('SET', 'k', '1')];
      await new Promise((r) => setTimeout(r, 200));
      out.push(await c.call('SET', 'k', '2'), await c.call('GET', 'k'), await c.call('PING'), await c.call('DEL', 'k'));
      replies.push(out);
      c.close();
      await kill9(p);
    }
    assert.equal(replies[0][1], '-MISCONF Errors writing to the AOF file: No space left on device\r\n');
    assert.deepEqual(replies[1], replies[0]);
  });

  it('--check-aof reports a torn file and --fix truncates it', async () => {
    const dir = tempDir('respite-aof-check-');
    dirs.push(dir);
    const f = path.join(dir, 'x.aof');
    const good = '*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n';
    fs.writeFileSync(f, good + '*2\r\n$3\r\nDE');
    const r = spawnSync(process.execPath, [RESPITE_BIN, '--check-aof', f], { encoding: 'latin1' });
    assert.equal(r.status, 1);
    // The same figures as redis-check-aof 7.0.15 prints for this file.
    assert.match(r.stdout, new RegExp(`AOF analyzed: filename=x\\.aof, size=${good.length + 10}, ok_up_to=${good.length}, ok_up_to_line=10, diff=10`));
    const fix = spawnSync(process.execPath, [RESPITE_BIN, '--check-aof', '--fix', f], { encoding: 'latin1' });
    assert.equal(fix.status, 0, fix.stdout);
    assert.equal(fs.readFileSync(f, 'latin1'), good);
  });
});
