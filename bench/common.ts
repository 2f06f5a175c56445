/**
 * Shared helpers for the benchmarks: start redis-server and respite as
 * separate processes on free ports, run redis-benchmark, read a process's RSS.
 * Benchmarks are programs, not tests: they print figures and never assert.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (dist/bench/../..). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A server process started by a benchmark. */
export interface BenchServer {
  name: 'redis' | 'respite';
  port: number;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** Asks the kernel for a free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function track(name: BenchServer['name'], port: number, proc: ChildProcess, cleanup: () => void): BenchServer {
  let exited = false;
  proc.on('exit', () => (exited = true));
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (exited) {
        cleanup();
        return resolve();
      }
      proc.once('exit', () => {
        cleanup();
        resolve();
      });
      proc.kill('SIGKILL');
    });
  process.once('exit', () => {
    if (!exited) proc.kill('SIGKILL');
  });
  return { name, port, proc, stop };
}

/** Starts redis-server (the reference) with persistence off. */
export async function startRedis(extra: string[] = []): Promise<BenchServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'respite-bench-redis-'));
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitPort(port, 10000);
  return track('redis', port, proc, () => fs.rmSync(dir, { recursive: true, force: true }));
}

/** Starts respite as its own `node bin/respite.js` process (never in-process). */
export async function startRespite(nodeArgs: string[] = [], extra: string[] = []): Promise<BenchServer> {
  const port = await freePort();
  const proc = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'bin', 'respite.js'), '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extra], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitPort(port, 20000);
  return track('respite', port, proc, () => {});
}

/** One redis-benchmark CSV row: test name and requests per second. */
export interface BenchRow {
  test: string;
  rps: number;
}

/** Runs redis-benchmark with `--csv` and returns its rows. */
export function redisBenchmark(port: number, args: string[]): BenchRow[] {
  const r = spawnSync('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '--csv', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
  const rows: BenchRow[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^"([^"]+)","([\d.]+)"/.exec(line.trim());
    if (m !== null) rows.push({ test: m[1], rps: Number(m[2]) });
  }
  return rows;
}

/** Resident set size of a process in bytes, from /proc/<pid>/status (VmRSS). */
export function rssBytes(pid: number): number {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(s);
  if (m === null) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

/** Runs a redis-cli command and returns its trimmed stdout. */
export function cli(port: number, ...args: string[]): string {
  const r = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`redis-cli ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** Median of a non-empty list. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Formats ops/s with thousands separators. */
export function fmtOps(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Formats a byte count in MB. */
export function fmtMB(n: number): string {
  return `${(n / 1048576).toFixed(1)} MB`;
}

/** Key name used by the loaders: fixed width so every key has the same size. */
export function keyName(i: number): string {
  return 'key:' + String(i).padStart(12, '0');
}

/**
 * Loads `count` keys (keyName(from) ...) with `valueSize`-byte values through
 * one pipelined connection: batches of SETs with a bounded number in flight.
 * `onProgress` is called after each acknowledged batch with keys loaded so far.
 */
export function loadKeys(port: number, from: number, count: number, valueSize: number, onProgress?: (done: number) => void): Promise<void> {
  const BATCH = 2000;
  const WINDOW = 16;
  const value = 'v'.repeat(valueSize);
  const tail = `\r\n$${valueSize}\r\n${value}\r\n`;
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host: '127.0.0.1' });
    let sent = 0;
    let acked = 0;
    let replyBytes = 0;
    let lastReport = 0;
    const pump = (): void => {
      while (sent < count && sent - acked < BATCH * WINDOW) {
        const n = Math.min(BATCH, count - sent);
        let s = '';
        for (let i = 0; i < n; i++) {
          const k = keyName(from + sent + i);
          s += `*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}${tail}`;
        }
        sent += n;
        sock.write(s, 'latin1');
      }
    };
    sock.on('connect', pump);
    sock.on('data', (d: Buffer) => {
      if (d[0] === 45 /* '-' */) return reject(new Error(`server error: ${d.toString('latin1', 0, 200)}`));
      replyBytes += d.length;
      acked = Math.floor(replyBytes / 5); // each reply is "+OK\r\n"
      if (onProgress !== undefined && acked - lastReport >= 1000000) {
        lastReport = acked;
        onProgress(acked);
      }
      if (acked >= count) {
        sock.end();
        resolve();
      } else pump();
    });
    sock.on('error', reject);
  });
}
