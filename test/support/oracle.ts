/**
 * Starts the reference redis-server (Debian's 7.0.15) on an ephemeral
 * loopback port for differential tests. Under CI=true a missing binary is an
 * error; elsewhere `oracleAvailable()` lets tests skip with a clear message.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const BIN = process.env.REDIS_SERVER ?? 'redis-server';

export function oracleAvailable(): boolean {
  const r = spawnSync(BIN, ['--version'], { encoding: 'utf8' });
  const ok = r.status === 0 && /v=7\.0\./.test(r.stdout);
  if (!ok && process.env.CI === 'true') {
    throw new Error(`CI=true but the oracle ${BIN} 7.0.x is not installed (apt-get install redis-server)`);
  }
  return ok;
}

/** Skip reason for node:test when the oracle is missing (never under CI). */
export const oracleSkip: string | false = oracleAvailable()
  ? false
  : 'redis-server 7.0 not installed: differential tests skipped (apt-get install redis-server redis-tools)';

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

export interface Oracle {
  port: number;
  dir: string;
  proc: ChildProcess;
  stop(): Promise<void>;
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
    if (Date.now() > deadline) throw new Error(`redis-server did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts redis-server with persistence off unless `args` say otherwise. */
export async function startOracle(args: string[] = []): Promise<Oracle> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'respite-oracle-'));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const proc = spawn(
      BIN,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...args],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let exited = false;
    proc.on('exit', () => (exited = true));
    try {
      await waitPort(port, 5000);
      if (exited) throw new Error('exited');
    } catch (e) {
      proc.kill('SIGKILL');
      if (attempt < 3) continue;
      throw e;
    }
    return {
      port,
      dir,
      proc,
      stop: () =>
        new Promise<void>((resolve) => {
          if (exited) return resolve();
          proc.once('exit', () => {
            fs.rmSync(dir, { recursive: true, force: true });
            resolve();
          });
          proc.kill('SIGKILL');
        }),
    };
  }
}
