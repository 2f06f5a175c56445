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

/** Every key of databases 0..dbs-1 with its type, value and absolute expiry, as sorted text lines. */
export async function dumpDataset(c: RawClient, dbs = 16): Promise<string[]> {
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
      out.push(`${db} ${JSON.stringify(k)} ${type} ${JSON.stringify(val)} ${exp}`);
    }
  }
  await c.call('SELECT', '0');
  return out;
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
  const port = await freePort();
  const full = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...args];
  const child = kind === 'respite' ? spawn(process.execPath, [RESPITE_BIN, ...full]) : spawn('redis-server', full);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await waitPort(port, child);
  return { port, child, output: () => out, exited };
}

/** Kills with SIGKILL and waits for the exit. */
export async function kill9(p: Proc): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await p.exited;
}
