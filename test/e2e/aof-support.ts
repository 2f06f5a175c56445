/**
 * Helpers shared by the AOF and crash tests: a canonical dump of a whole
 * dataset through commands any Redis answers (so respite and redis-server
 * dumps compare), a respite child process, and a temp-dir maker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RespValue } from '../../src/protocol/resp-reader.js';
import { freePort } from '../support/oracle.js';
import { RawClient } from '../support/raw-client.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const RESPITE_BIN = path.join(root, 'bin', 'respite.js');

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function flat(v: RespValue): string[] {
  if (v.t === 'array' || v.t === 'set' || v.t === 'push') return (v.v ?? []).flatMap(flat);
  if (v.t === 'map') return v.v.flatMap(([a, b]) => [...flat(a), ...flat(b)]);
  if (v.t === 'bulk') return [v.v ?? '(nil)'];
  if (v.t === 'null') return ['(nil)'];
  if (v.t === 'int') return [String(v.v)];
  if (v.t === 'simple' || v.t === 'error' || v.t === 'double' || v.t === 'verbatim' || v.t === 'bignum') return [String(v.v)];
  return [JSON.stringify(v)];
}

function pairs(a: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < a.length; i += 2) out.push(`${a[i]}=${a[i + 1]}`);
  return out.sort();
}

/** What dumpDataset adds besides type, value and absolute expiry. */
export interface DumpExtras {
  /** OBJECT ENCODING of each key (compared when both servers must pick the same encodings). */
  encoding?: boolean;
  /**
   * The DUMP payload in hex (byte-identical serialization), for every key
   * whose encoding is not hashtable: a hash table's order is its own.
   */
  dump?: boolean;
}

/** Every key of databases 0..dbs-1 with its type, value and absolute expiry, as sorted text lines. */
export async function dumpDataset(c: RawClient, dbs = 16, extras: DumpExtras = {}): Promise<string[]> {
  const out: string[] = [];
  for (let db = 0; db < dbs; db++) {
    await c.call('SELECT', String(db));
    const keys = flat(await c.callValue('KEYS', '*')).sort();
    for (const k of keys) {
      const type = flat(await c.callValue('TYPE', k))[0];
      let val: string[];
      if (type === 'string') val = flat(await c.callValue('GET', k));
      else if (type === 'list') val = flat(await c.callValue('LRANGE', k, '0', '-1'));
      else if (type === 'hash') val = pairs(flat(await c.callValue('HGETALL', k)));
      else if (type === 'set') val = flat(await c.callValue('SMEMBERS', k)).sort();
      else if (type === 'zset') val = flat(await c.callValue('ZRANGE', k, '0', '-1', 'WITHSCORES'));
      else val = [type];
      const exp = flat(await c.callValue('PEXPIRETIME', k))[0];
      let line = `${db} ${JSON.stringify(k)} ${type} ${JSON.stringify(val)} ${exp}`;
      const enc = extras.encoding === true || extras.dump === true ? flat(await c.callValue('OBJECT', 'ENCODING', k))[0] : '';
      if (extras.encoding === true) line += ` ${enc}`;
      if (extras.dump === true && enc !== 'hashtable') line += ` ${Buffer.from(flat(await c.callValue('DUMP', k))[0], 'latin1').toString('hex')}`;
      out.push(line);
    }
  }
  await c.call('SELECT', '0');
  return out;
}

/**
 * A dataset with every type in each of its encodings (int / embstr / raw /
 * LZF-compressible strings, small and multi-node lists, listpack and
 * hashtable hashes, intset and hashtable sets, listpack and skiplist
 * zsets), TTLs, and keys in several databases.
 */
export async function populateEveryType(c: RawClient): Promise<void> {
  const range = (n: number, f: (i: number) => string[]) => Array.from({ length: n }, (_, i) => f(i)).flat();
  await c.call('SET', 'str', 'v\r\n\x00\xff');
  await c.call('SET', 'int', '12345');
  await c.call('SET', 'negint', '-9000000000');
  await c.call('SET', 'notint', '123456789012345678901234');
  await c.call('SET', 'empty', '');
  await c.call('SET', 'long', 'abc'.repeat(400));
  await c.call('INCRBYFLOAT', 'float', '1.25');
  await c.call('SET', 'ttl', 'x', 'EX', '100000');
  await c.call('RPUSH', 'lsmall', 'a', '1', '-2', 'x'.repeat(100));
  await c.call('RPUSH', 'llarge', ...range(3000, (i) => [i % 3 === 0 ? String(i) : `element-${i}`]));
  await c.call('HSET', 'hsmall', 'f1', 'v1', 'f2', '2', 'f3', '-3');
  await c.call('HSET', 'hlarge', ...range(600, (i) => [`field${i}`, `value${i}`]));
  await c.call('HSET', 'hlongval', 'f', 'y'.repeat(100));
  await c.call('SADD', 'sint', '1', '2', '3', '-100', '70000', '5000000000');
  await c.call('SADD', 'sint2', '7', '-7', '2147483648');
  await c.call('SADD', 'sintlarge', ...range(600, (i) => [String(i * 7)]));
  await c.call('SADD', 'sstr', 'a', 'b', '1');
  await c.call('ZADD', 'zsmall', '1.5', 'a', '-inf', 'b', '0.1', 'c', 'inf', 'd', '3', 'e');
  await c.call('ZADD', 'zlarge', ...range(200, (i) => [String(i / 3), `m${i}`]));
  await c.call('ZADD', 'zlongmember', '1', 'z'.repeat(100));
  await c.call('EXPIRE', 'hsmall', '5000');
  await c.call('PEXPIREAT', 'zlarge', String(Date.now() + 86400000));
  await c.call('EXPIRE', 'sint', '7000');
  await c.call('EXPIRE', 'llarge', '8000');
  await c.call('SELECT', '3');
  await c.call('SET', 'db3', 'three');
  await c.call('RPUSH', 'l3', 'a');
  await c.call('SELECT', '15');
  await c.call('HSET', 'h15', 'a', 'b');
  await c.call('SET', 'ttl15', 'v', 'PX', '9000000');
  await c.call('SELECT', '0');
}

/** Writes that land in the incr file after a rewrite: new keys, changes to base keys, deletions, TTL changes. */
export async function writeAfterRewrite(c: RawClient): Promise<void> {
  await c.call('SET', 'after-rewrite', '1');
  await c.call('RPUSH', 'llarge', 'tail');
  await c.call('HSET', 'hsmall', 'new', 'field');
  await c.call('ZADD', 'zlarge', '-1', 'first');
  await c.call('SADD', 'sint', 'now-a-hashtable');
  await c.call('DEL', 'sstr');
  await c.call('PERSIST', 'sint');
  await c.call('EXPIRE', 'str', '9000');
  await c.call('SELECT', '3');
  await c.call('INCR', 'counter3');
  await c.call('APPEND', 'db3', '-more');
  await c.call('SELECT', '0');
}

export async function waitPort(port: number, child: ChildProcess | null, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child !== null && child.exitCode !== null) throw new Error(`process exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface Proc {
  port: number;
  child: ChildProcess;
  /** stdout+stderr so far. */
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/** Starts a server binary (`node bin/respite.js` or redis-server) with the given arguments on a free port. */
export async function startProc(kind: 'respite' | 'redis', args: string[]): Promise<Proc> {
  const p = await spawnProc(kind, args);
  try {
    await waitPort(p.port, p.child);
  } catch (e) {
    // The log tells why (a refused file, a port taken by another process).
    throw new Error(`${(e as Error).message}; ${kind} output:\n${p.output().split('\n').slice(-12).join('\n')}`);
  }
  return p;
}

async function spawnProc(kind: 'respite' | 'redis', args: string[]): Promise<Proc> {
  const port = await freePort();
  const full = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...args];
  const child = kind === 'respite' ? spawn(process.execPath, [RESPITE_BIN, ...full]) : spawn('redis-server', full);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { port, child, output: () => out, exited };
}

/**
 * Starts a server expected to refuse to start: resolves with its exit code
 * and output once it exited, or with code null (after killing it) if it
 * still runs after `timeoutMs`.
 */
export async function runToExit(kind: 'respite' | 'redis', args: string[], timeoutMs = 10000): Promise<{ code: number | null; output: string }> {
  const p = await spawnProc(kind, args);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
  const code = await p.exited;
  clearTimeout(timer);
  return { code: p.child.signalCode === 'SIGKILL' ? null : code, output: p.output() };
}

/** Kills with SIGKILL and waits for the exit. */
export async function kill9(p: Proc): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await p.exited;
}
