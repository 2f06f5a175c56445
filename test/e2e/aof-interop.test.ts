/**
 * Real processes both ways: redis-server 7.0.15 loads an AOF directory that
 * respite wrote, and respite loads one redis-server wrote, with an AOF-format
 * base (--aof-use-rdb-preamble no) and with an RDB base (the default). The
 * datasets are compared key by key, TTLs included (PEXPIRETIME), encodings
 * and DUMP payloads too for the RDB bases, and the check-aof tools validate
 * the directories. Damaged directories (torn incr, corrupt RDB base,
 * old-style preamble file) are given to both servers and their outcomes
 * compared.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { oracleSkip } from '../support/oracle.js';
import { RawClient } from '../support/raw-client.js';
import { dumpDataset, kill9, populateEveryType, RESPITE_BIN, runToExit, startProc, tempDir, writeAfterRewrite, type DumpExtras, type Proc } from './aof-support.js';

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

const EXTRAS: DumpExtras = { encoding: true, dump: true };
const AD = 'appendonlydir';
const MANIFEST = 'appendonly.aof.manifest';

function newDir(prefix: string): string {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
}

/** A copy of `dir` (so each server gets the same bytes and the original stays as written). */
function copyDir(dir: string): string {
  const d = newDir('respite-aof-copy-');
  fs.cpSync(dir, d, { recursive: true });
  return d;
}

/** Every file of the AOF directory with its bytes, to prove nothing changed. */
function snapshotFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(path.join(dir, AD)).sort()) out[f] = fs.readFileSync(path.join(dir, AD, f)).toString('hex');
  return out;
}

async function waitRewrite(c: RawClient, n: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const text = await c.call('INFO', 'persistence');
    if (text.includes('aof_rewrite_in_progress:0') && text.includes(`aof_rewrites:${n}`)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the rewrite did not finish');
}

/** Default preamble: every type, BGREWRITEAOF (an RDB base), more writes into the new incr, clean SHUTDOWN. */
async function producePreamble(kind: 'respite' | 'redis', dir: string): Promise<string[]> {
  const p = await startProc(kind, ['--dir', dir, '--appendonly', 'yes']);
  procs.push(p);
  const c = await RawClient.connect(p.port);
  await populateEveryType(c);
  assert.equal(await c.call('BGREWRITEAOF'), '+Background append only file rewriting started\r\n');
  await waitRewrite(c, 1);
  await writeAfterRewrite(c);
  const dump = await dumpDataset(c, 16, EXTRAS);
  c.writeRaw('*1\r\n$8\r\nSHUTDOWN\r\n');
  await c.waitClosed(5000);
  await p.exited;
  return dump;
}

/** Starts `kind` on `dir` with appendonly yes and returns its dataset and log. */
async function consumeWith(kind: 'respite' | 'redis', dir: string, extras: DumpExtras = EXTRAS): Promise<{ dump: string[]; log: string }> {
  const p = await startProc(kind, ['--dir', dir, '--appendonly', 'yes']);
  procs.push(p);
  const c = await RawClient.connect(p.port);
  await waitLoaded(c);
  const dump = await dumpDataset(c, 16, extras);
  c.close();
  await kill9(p);
  return { dump, log: p.output() };
}

/** redis-server accepts connections while it loads (replying -LOADING) and before it writes its first base: wait for PONG. */
async function waitLoaded(c: RawClient): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const r = await c.call('PING');
    if (r === '+PONG\r\n') return;
    assert.match(r, /^-LOADING /);
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error('still loading');
}

const REWRITTEN = 'file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n';

describe('RDB-preamble AOF bases (aof-use-rdb-preamble yes) with redis-server 7.0.15', { skip: oracleSkip }, () => {
  it('respite loads the directory redis-server wrote: every type, encoding, DUMP payload and TTL match', async () => {
    const dir = newDir('respite-aof-rdb-');
    const written = await producePreamble('redis', dir);
    assert.equal(fs.readFileSync(path.join(dir, AD, MANIFEST), 'latin1'), REWRITTEN);
    assert.equal(fs.readFileSync(path.join(dir, AD, 'appendonly.aof.2.base.rdb')).toString('latin1', 0, 9), 'REDIS0010');
    assert.ok(written.length >= 25, written.join('\n'));
    const got = await consumeWith('respite', copyDir(dir));
    assert.deepEqual(got.dump, written);
    assert.match(got.log, /Reading RDB base file on AOF loading\.\.\./);
    assert.match(got.log, /RDB is base AOF/);
    assert.match(got.log, /DB loaded from base file appendonly\.aof\.2\.base\.rdb/);
    const check = checkAofWithRespite(dir);
    assert.equal(check.status, 0, check.stdout);
    assert.match(check.stdout, /All AOF files and manifest are valid/);
  });

  it('redis-server loads the directory respite wrote, and redis-check-aof finds it valid', async () => {
    const dir = newDir('respite-aof-rdb-');
    const written = await produceAndCheck(dir);
    const got = await consumeWith('redis', copyDir(dir));
    assert.deepEqual(got.dump, written);
    assert.match(got.log, /RDB is base AOF/);
    // And respite reads its own directory back the same way.
    assert.deepEqual((await consumeWith('respite', copyDir(dir))).dump, written);
  });

  it('the base format follows aof-use-rdb-preamble at each rewrite, at first start and when AOF is turned on, as in redis-server', async () => {
    const seen: Array<Array<[string, string]>> = [];
    for (const kind of ['redis', 'respite'] as const) {
      const steps: Array<[string, string]> = [];
      const dir = newDir('respite-aof-fmt-');
      const p = await startProc(kind, ['--dir', dir, '--appendonly', 'yes']);
      procs.push(p);
      const c = await RawClient.connect(p.port);
      // Why: redis-server listens before it has written the first base and manifest.
      await waitLoaded(c);
      const note = (what: string) => steps.push([what, fs.readFileSync(path.join(dir, AD, MANIFEST), 'latin1')]);
      note('first start');
      await c.call('SET', 'k', 'v');
      assert.equal(await c.call('CONFIG', 'SET', 'aof-use-rdb-preamble', 'no'), '+OK\r\n');
      await c.call('BGREWRITEAOF');
      await waitRewrite(c, 1);
      note('rewrite with preamble no');
      assert.match(fs.readFileSync(path.join(dir, AD, 'appendonly.aof.2.base.aof'), 'latin1'), /^\*2\r\n\$6\r\nSELECT\r\n/);
      assert.equal(await c.call('CONFIG', 'SET', 'aof-use-rdb-preamble', 'yes'), '+OK\r\n');
      await c.call('BGREWRITEAOF');
      await waitRewrite(c, 2);
      note('rewrite with preamble yes');
      assert.equal(fs.readFileSync(path.join(dir, AD, 'appendonly.aof.3.base.rdb')).toString('latin1', 0, 5), 'REDIS');
      steps.push(['files', fs.readdirSync(path.join(dir, AD)).sort().join(' ')]);
      c.close();
      await kill9(p);

      const dir2 = newDir('respite-aof-fmt-');
      const q = await startProc(kind, ['--dir', dir2, '--appendonly', 'no']);
      procs.push(q);
      const d = await RawClient.connect(q.port);
      await d.call('SET', 'k', 'v');
      assert.equal(await d.call('CONFIG', 'SET', 'appendonly', 'yes'), '+OK\r\n');
      await waitRewrite(d, 1);
      steps.push(['CONFIG SET appendonly yes', fs.readFileSync(path.join(dir2, AD, MANIFEST), 'latin1')]);
      d.close();
      await kill9(q);
      seen.push(steps);
    }
    assert.equal(seen[0][0][1], 'file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
    assert.deepEqual(seen[1], seen[0]);
  });

  it('a torn incr after an RDB base is cut and loaded (aof-load-truncated yes) exactly as redis-server does', async () => {
    const dir = newDir('respite-aof-torn-');
    const written = await producePreamble('respite', dir);
    const incr = path.join(dir, AD, 'appendonly.aof.2.incr.aof');
    const good = fs.statSync(incr).size;
    fs.appendFileSync(incr, '*3\r\n$3\r\nSET\r\n$4\r\ntorn\r\n$5\r\nval');
    const outcomes: Array<{ dump: string[]; size: number }> = [];
    for (const kind of ['redis', 'respite'] as const) {
      const copy = copyDir(dir);
      const got = await consumeWith(kind, copy);
      assert.match(got.log, /Truncating the AOF appendonly\.aof\.2\.incr\.aof at offset/);
      outcomes.push({ dump: got.dump, size: fs.statSync(path.join(copy, AD, 'appendonly.aof.2.incr.aof')).size });
    }
    assert.deepEqual(outcomes[0], { dump: written, size: good });
    assert.deepEqual(outcomes[1], outcomes[0]);
  });

  it('a corrupt or truncated RDB base stops start-up naming the file and changes nothing on disk; redis-server refuses it too', async () => {
    const dir = newDir('respite-aof-bad-');
    await producePreamble('respite', dir);
    const base = path.join(dir, AD, 'appendonly.aof.2.base.rdb');
    const bytes = fs.readFileSync(base);
    const at = bytes.indexOf('three', 0, 'latin1');
    assert.ok(at > 0, 'the base holds db3 = three');
    const flipped = Buffer.from(bytes);
    flipped[at + 3] = 'E'.charCodeAt(0);
    for (const damaged of [flipped, bytes.subarray(0, Math.floor(bytes.length / 2))]) {
      fs.writeFileSync(base, damaged);
      for (const kind of ['redis', 'respite'] as const) {
        const copy = copyDir(dir);
        const before = snapshotFiles(copy);
        const r = await runToExit(kind, ['--dir', copy, '--appendonly', 'yes']);
        assert.notEqual(r.code, null, `${kind} should refuse to start`);
        assert.notEqual(r.code, 0, r.output);
        assert.deepEqual(snapshotFiles(copy), before, kind);
        if (kind === 'respite') {
          assert.match(r.output, /Error reading the RDB base file appendonly\.aof\.2\.base\.rdb, AOF loading aborted/);
          assert.match(r.output, /Wrong RDB checksum|Short read/);
        }
      }
      // Both check tools reject the base too.
      assert.notEqual(spawnSync('redis-check-aof', [path.join(dir, AD, MANIFEST)], { encoding: 'latin1' }).status, 0);
      const check = checkAofWithRespite(dir);
      assert.equal(check.status, 1, check.stdout);
      assert.match(check.stdout, /AOF appendonly\.aof\.2\.base\.rdb: RDB preamble is not valid/);
    }
  });

  it('an old-style appendonly.aof (RDB preamble + commands) is migrated and loaded as redis-server does', async () => {
    const src = newDir('respite-aof-old-');
    const p = await startProc('redis', ['--dir', src, '--appendonly', 'no']);
    procs.push(p);
    const c = await RawClient.connect(p.port);
    await populateEveryType(c);
    assert.equal(await c.call('SAVE'), '+OK\r\n');
    c.close();
    await kill9(p);
    const tail = ['SET tail 1', 'RPUSH lsmall appended', 'SELECT 3', 'DEL db3', 'INCR counter3']
      .map((cmd) => cmd.split(' '))
      .map((a) => `*${a.length}\r\n${a.map((x) => `$${x.length}\r\n${x}\r\n`).join('')}`)
      .join('');
    const dir = newDir('respite-aof-old-');
    fs.writeFileSync(path.join(dir, 'appendonly.aof'), Buffer.concat([fs.readFileSync(path.join(src, 'dump.rdb')), Buffer.from(tail, 'latin1')]));
    const outcomes: Array<{ dump: string[]; manifest: string }> = [];
    for (const kind of ['redis', 'respite'] as const) {
      const copy = copyDir(dir);
      const got = await consumeWith(kind, copy, { encoding: true });
      assert.match(got.log, /Reading RDB preamble from AOF file\.\.\./, kind);
      assert.match(got.log, /Reading the remaining AOF tail\.\.\./, kind);
      outcomes.push({ dump: got.dump, manifest: fs.readFileSync(path.join(copy, AD, MANIFEST), 'latin1') });
    }
    assert.ok(outcomes[0].dump.some((l) => l.startsWith('0 "tail"')));
    assert.deepEqual(outcomes[1], outcomes[0]);
  });
});

/** producePreamble on respite, then the directory's shape and redis-check-aof's verdict. */
async function produceAndCheck(dir: string): Promise<string[]> {
  const written = await producePreamble('respite', dir);
  assert.equal(fs.readFileSync(path.join(dir, AD, MANIFEST), 'latin1'), REWRITTEN);
  assert.deepEqual(fs.readdirSync(path.join(dir, AD)).sort(), ['appendonly.aof.2.base.rdb', 'appendonly.aof.2.incr.aof', MANIFEST]);
  const check = spawnSync('redis-check-aof', [path.join(dir, AD, MANIFEST)], { encoding: 'latin1' });
  assert.equal(check.error, undefined, 'redis-check-aof is installed with redis-server');
  assert.equal(check.status, 0, check.stdout);
  assert.match(check.stdout, /Start to check BASE AOF \(RDB format\)/);
  assert.match(check.stdout, /AUX FIELD aof-base = '1'/);
  assert.match(check.stdout, /RDB preamble is OK, proceeding with AOF tail/);
  assert.match(check.stdout, /All AOF files and manifest are valid/);
  return written;
}

function checkAofWithRespite(dir: string): { status: number | null; stdout: string } {
  return spawnSync(process.execPath, [RESPITE_BIN, '--check-aof', path.join(dir, AD, MANIFEST)], { encoding: 'latin1' });
}
