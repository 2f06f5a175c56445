/**
 * Crash tests with real processes (`node bin/respite.js`): a write load from
 * several clients, kill -9 at a random moment (sometimes during a
 * BGREWRITEAOF), restart on the same directory, and check the durability
 * contract:
 *  - appendfsync always: no acknowledged write is lost;
 *  - appendfsync everysec: the server always starts, each client's log is a
 *    prefix of what it sent, and at most ~2 s of acknowledged writes are lost.
 * Each client appends 0, 1, 2, ... to its own list, one command at a time.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { RawClient } from '../support/raw-client.js';
import { Rng, testSeed } from '../support/random.js';
import { kill9, startProc, tempDir, type Proc } from './aof-support.js';

const CLIENTS = 4;
const dirs: string[] = [];
const procs: Proc[] = [];
after(async () => {
  for (const p of procs) await kill9(p);
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

interface Load {
  /** acked[i]: how many appends client i saw acknowledged. */
  acked: number[];
  /** (time, acked copy) samples, to know what was acknowledged 2 s before the kill. */
  history: Array<{ t: number; acked: number[] }>;
  stop: () => Promise<void>;
}

/** Starts sequential RPUSH loads; `base[i]` is where client i's numbering resumes. */
async function startLoad(port: number, base: number[]): Promise<Load> {
  const acked = [...base];
  const history: Load['history'] = [];
  let running = true;
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => RawClient.connect(port)));
  const loops = clients.map(async (c, i) => {
    while (running) {
      try {
        const r = await c.call('RPUSH', `log${i}`, String(acked[i]));
        if (!r.startsWith(':')) throw new Error(`unexpected reply ${r}`);
        acked[i]++;
      } catch {
        return; // connection gone: the server was killed
      }
    }
  });
  const sampler = setInterval(() => history.push({ t: Date.now(), acked: [...acked] }), 50);
  return {
    acked,
    history,
    stop: async () => {
      running = false;
      clearInterval(sampler);
      for (const c of clients) c.close();
      await Promise.all(loops);
    },
  };
}

async function readLogs(port: number): Promise<string[][]> {
  const c = await RawClient.connect(port);
  const out: string[][] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const v = await c.callValue('LRANGE', `log${i}`, '0', '-1');
    out.push(v.t === 'array' && v.v !== null ? v.v.map((x) => (x.t === 'bulk' ? (x.v ?? '') : '?')) : []);
  }
  c.close();
  return out;
}

function assertPrefix(log: string[], client: number): void {
  for (let j = 0; j < log.length; j++) assert.equal(log[j], String(j), `client ${client}: element ${j} is ${log[j]}`);
}

async function crashCycles(policy: 'always' | 'everysec', cycles: number, seed: number): Promise<void> {
  const rng = new Rng(seed);
  const dir = tempDir(`respite-crash-${policy}-`);
  dirs.push(dir);
  const args = ['--dir', dir, '--appendonly', 'yes', '--appendfsync', policy];
  let base = new Array<number>(CLIENTS).fill(0);
  for (let cycle = 0; cycle < cycles; cycle++) {
    const p = await startProc('respite', args);
    procs.push(p);
    // What survived the previous crash is where the numbering resumes.
    const logs = await readLogs(p.port);
    logs.forEach((l, i) => assertPrefix(l, i));
    base = logs.map((l) => l.length);
    const load = await startLoad(p.port, base);
    const runMs = rng.int(300, 1200);
    if (cycle % 2 === 1) {
      setTimeout(() => {
        void RawClient.connect(p.port)
          .then((c) => c.call('BGREWRITEAOF').finally(() => c.close()))
          .catch(() => undefined);
      }, rng.int(50, runMs - 50));
    }
    await new Promise((r) => setTimeout(r, runMs));
    const killedAt = Date.now();
    await kill9(p);
    await load.stop();
    const acked = [...load.acked];
    const p2 = await startProc('respite', args);
    procs.push(p2);
    const after2 = await readLogs(p2.port);
    const twoSecBefore = load.history.filter((h) => h.t <= killedAt - 2000).pop()?.acked ?? base;
    for (let i = 0; i < CLIENTS; i++) {
      assertPrefix(after2[i], i);
      // At most the one command in flight can be there without an acknowledgement.
      assert.ok(after2[i].length <= acked[i] + 1, `client ${i}: ${after2[i].length} > acked ${acked[i]} + 1 (seed ${seed})`);
      const floor = policy === 'always' ? acked[i] : twoSecBefore[i];
      assert.ok(after2[i].length >= floor, `client ${i}: ${after2[i].length} < ${floor} (${policy}, acked ${acked[i]}, seed ${seed})`);
    }
    assert.ok(acked.some((a, i) => a > base[i]), 'the load made progress');
    await kill9(p2);
  }
}

describe('crash recovery (kill -9 during writes)', () => {
  it('appendfsync always: no acknowledged write is lost', async () => {
    await crashCycles('always', 3, testSeed(11));
  });

  it('appendfsync everysec: restarts, keeps a prefix, loses at most ~2 s', async () => {
    await crashCycles('everysec', 3, testSeed(12));
  });
});
