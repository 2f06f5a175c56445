/**
 * Persistence under load (issue 5): BGSAVE and BGREWRITEAOF of a KEYS-key
 * dataset while redis-benchmark writes to it, and the time to load the same
 * RDB file and the same AOF at start-up, against redis-server 7.0 in the
 * same run (the two servers alternate, phase by phase).
 *
 * For each server and each operation:
 *  - idle: redis-benchmark SET (-c 50, random existing keys) with no save
 *    running gives the idle p99; a probe connection sends PING every ~1 ms
 *    and records every round trip (its p99 and its longest, the "stall");
 *  - during: the same load, with the operation started at once and started
 *    again each time it finishes until the load ends (the load is sized from
 *    an unloaded run of the operation so it covers about one of them);
 *  - memory: respite's RSS growth over its pre-save RSS; for Redis the fork
 *    child's Private_Dirty (/proc/<child>/smaps_rollup: the pages copy-on-write
 *    duplicated) plus any growth of the parent's RSS, also read from INFO
 *    (rdb_last_cow_size / aof_last_cow_size). Compared with the dataset size
 *    (each server's RSS after the fill minus its RSS when empty).
 * Load: Redis SAVEs dump.rdb and rewrites an AOF (aof-use-rdb-preamble no,
 * i.e. commands); both servers then start from copies of those same files,
 * timed from spawn to the first PONG.
 *
 *   npm run bench:persistence       (KEYS=5000000 ROUNDS=2 PORT_BASE=7400 VALUE_SIZE=16 AOF_PREAMBLE=yes)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fmtMB, fmtOps, loadKeys, median, ROOT, rssBytes } from './common.js';

const KEYS = Number(process.env.KEYS ?? 5000000);
const ROUNDS = Math.max(1, Number(process.env.ROUNDS ?? 2));
const PORT_BASE = Number(process.env.PORT_BASE ?? 7400);
const VALUE_SIZE = Number(process.env.VALUE_SIZE ?? 16);
const PREAMBLE = process.env.AOF_PREAMBLE ?? 'yes';
/** Extra node flags for respite (e.g. RESPITE_NODE_ARGS=--cpu-prof). */
const NODE_ARGS = (process.env.RESPITE_NODE_ARGS ?? '').split(' ').filter(Boolean);
/** OPS=bgsave (or none: only the load times, with SERVERS=redis to skip filling respite). */
const OPS = (process.env.OPS ?? 'bgsave,bgrewriteaof').split(',').filter((o) => o === 'bgsave' || o === 'bgrewriteaof') as Op[];
const SKIP_LOAD = process.env.SKIP_LOAD === '1';
/** SERVERS=respite measures only respite under load (profiling; the load phase still needs Redis's files). */
const ONLY = process.env.SERVERS;

type Name = 'redis' | 'respite';
type Op = 'bgsave' | 'bgrewriteaof';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ------------------------------------------------------------ a tiny RESP client

type Reply = string | number | null | Error | Reply[];

/** One connection, one command at a time (enough for control and the probe). */
class Conn {
  private buf: Buffer = Buffer.alloc(0);
  private waiting: Array<(r: Reply) => void> = [];
  private constructor(private readonly sock: net.Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      for (;;) {
        const r = parseReply(this.buf, 0);
        if (r === null) break;
        this.buf = this.buf.subarray(r.end);
        this.waiting.shift()?.(r.value);
      }
    });
  }

  static open(port: number): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(new Conn(s)));
      s.setNoDelay(true);
      s.on('error', reject);
    });
  }

  call(...args: string[]): Promise<Reply> {
    let s = `*${args.length}\r\n`;
    for (const a of args) s += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.sock.write(s);
    });
  }

  close(): void {
    this.sock.destroy();
  }
}

function parseReply(b: Buffer, at: number): { value: Reply; end: number } | null {
  const eol = b.indexOf('\r\n', at);
  if (eol < 0) return null;
  const line = b.toString('latin1', at + 1, eol);
  switch (b[at]) {
    case 0x2b: // +
      return { value: line, end: eol + 2 };
    case 0x2d: // -
      return { value: new Error(line), end: eol + 2 };
    case 0x3a: // :
      return { value: Number(line), end: eol + 2 };
    case 0x24: {
      // $
      const n = Number(line);
      if (n < 0) return { value: null, end: eol + 2 };
      if (b.length < eol + 2 + n + 2) return null;
      return { value: b.toString('latin1', eol + 2, eol + 2 + n), end: eol + 4 + n };
    }
    case 0x2a: {
      // *
      const n = Number(line);
      const out: Reply[] = [];
      let pos = eol + 2;
      for (let i = 0; i < n; i++) {
        const r = parseReply(b, pos);
        if (r === null) return null;
        out.push(r.value);
        pos = r.end;
      }
      return { value: out, end: pos };
    }
    default:
      throw new Error(`bad reply byte ${b[at]}`);
  }
}

async function info(c: Conn, section: string): Promise<Record<string, string>> {
  const r = await c.call('INFO', section);
  const out: Record<string, string> = {};
  for (const line of String(r).split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

// ------------------------------------------------------------------- servers

interface Srv {
  name: Name;
  port: number;
  proc: ChildProcess;
  dir: string;
  /** Everything the server printed (its log). */
  log: string;
  startedAt: number;
  stop(): Promise<void>;
}

async function startServer(name: Name, port: number, dir: string, extra: string[]): Promise<Srv> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra];
  const startedAt = performance.now();
  const proc = name === 'redis' ? spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'inherit'] }) : spawn(process.execPath, [...NODE_ARGS, path.join(ROOT, 'bin', 'respite.js'), ...args], { stdio: ['ignore', 'pipe', 'inherit'], cwd: dir });
  let exited = false;
  proc.on('exit', () => (exited = true));
  process.once('exit', () => {
    if (!exited) proc.kill('SIGKILL');
  });
  const srv: Srv = {
    name,
    port,
    proc,
    dir,
    log: '',
    startedAt,
    stop: () =>
      new Promise((resolve) => {
        if (exited) return resolve();
        proc.once('exit', () => resolve());
        // SIGINT lets node write a --cpu-prof profile; Redis with save '' exits without saving.
        proc.kill(NODE_ARGS.length > 0 ? 'SIGINT' : 'SIGKILL');
      }),
  };
  proc.stdout!.on('data', (d: Buffer) => (srv.log += d.toString('latin1')));
  return srv;
}

/** Waits for PONG (Redis answers -LOADING while it loads); returns ms since spawn. */
async function waitReady(s: Srv, timeoutMs = 600000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      const c = await Conn.open(s.port);
      for (;;) {
        const r = await c.call('PING');
        if (r === 'PONG') {
          c.close();
          return performance.now() - s.startedAt;
        }
        await sleep(5);
        if (performance.now() > deadline) throw new Error(`${s.name} not ready`);
      }
    } catch (e) {
      if (performance.now() > deadline) throw e;
      await sleep(5);
    }
  }
}

// ------------------------------------------------------------------ measures

/** PING about every millisecond on its own connection; every round trip is kept. */
class Probe {
  readonly lat: number[] = [];
  private running = true;
  private done: Promise<void>;
  constructor(c: Conn) {
    this.done = (async () => {
      while (this.running) {
        const t = performance.now();
        await c.call('PING');
        this.lat.push(performance.now() - t);
        await sleep(1);
      }
    })();
  }
  async stop(): Promise<{ p99: number; max: number; n: number }> {
    this.running = false;
    await this.done;
    const s = [...this.lat].sort((a, b) => a - b);
    return { p99: s[Math.min(s.length - 1, Math.floor(s.length * 0.99))] ?? 0, max: s[s.length - 1] ?? 0, n: s.length };
  }
}

/** Private_Dirty of a process in bytes (0 if it is gone). */
function privateDirty(pid: number): number {
  try {
    const m = /Private_Dirty:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m === null ? 0 : Number(m[1]) * 1024;
  } catch {
    return 0;
  }
}

function children(pid: number): number[] {
  try {
    return fs
      .readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** Samples extra memory every 10 ms: RSS growth, plus (Redis) the fork children's private dirty pages. */
class MemSampler {
  peak = 0;
  private timer: NodeJS.Timeout;
  constructor(pid: number, base: number) {
    this.timer = setInterval(() => {
      let extra = rssBytes(pid) - base;
      for (const c of children(pid)) extra += privateDirty(c);
      if (extra > this.peak) this.peak = extra;
    }, 10);
  }
  stop(): number {
    clearInterval(this.timer);
    return this.peak;
  }
}

interface BenchOut {
  rps: number;
  p99: number;
  max: number;
}

/** redis-benchmark SET over the loaded keys (key:%012d, the loader's names), asynchronously. */
function benchLoad(port: number, n: number): Promise<BenchOut> {
  return new Promise((resolve, reject) => {
    const p = spawn('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '--csv', '-t', 'set', '-c', '50', '-n', String(n), '-r', String(KEYS), '-d', String(VALUE_SIZE)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`redis-benchmark: ${err}`));
      // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
      const row = out
        .split('\n')
        .map((l) => l.trim())
        .find((l) => l.startsWith('"SET"'));
      if (row === undefined) return reject(new Error(`no SET row in: ${out}`));
      const f = row.split(',').map((x) => Number(x.replace(/"/g, '')));
      resolve({ rps: f[1], p99: f[6], max: f[7] });
    });
  });
}

async function opRunning(c: Conn, op: Op): Promise<boolean> {
  const i = await info(c, 'persistence');
  return op === 'bgsave' ? i.rdb_bgsave_in_progress === '1' : i.aof_rewrite_in_progress === '1' || i.aof_rewrite_scheduled === '1';
}

/** Starts the operation and resolves when it has finished; returns its duration in ms. */
async function runOp(c: Conn, op: Op): Promise<number> {
  const t = performance.now();
  const r = await c.call(op.toUpperCase());
  if (r instanceof Error) throw new Error(`${op}: ${r.message}`);
  while (await opRunning(c, op)) await sleep(20);
  const i = await info(c, 'persistence');
  const ok = op === 'bgsave' ? i.rdb_last_bgsave_status : i.aof_last_bgrewrite_status;
  if (ok !== 'ok') throw new Error(`${op} failed`);
  return performance.now() - t;
}

interface OpResult {
  unloadedMs: number;
  idle: BenchOut & { probeP99: number; probeMax: number };
  during: BenchOut & { probeP99: number; probeMax: number; ops: number; opMs: number[] };
  extraMem: number;
  /** RSS growth during the idle load (no save), for context. */
  idleGrowth: number;
  cowInfo: number;
}

/** Idle load, then the same load while `op` runs back to back. */
async function measureOp(s: Srv, ctl: Conn, op: Op): Promise<OpResult> {
  const pid = s.proc.pid!;
  // An unloaded run sizes the load so it lasts about one operation.
  const unloadedMs = await runOp(ctl, op);
  await sleep(500);

  const probeConn = await Conn.open(s.port);
  const idleProbe = new Probe(probeConn);
  const idleStart = rssBytes(pid);
  const idleMem = new MemSampler(pid, idleStart);
  const calib = await benchLoad(s.port, 50000);
  const n = Math.max(50000, Math.min(20000000, Math.round((calib.rps * unloadedMs) / 1000)));
  const idleBench = await benchLoad(s.port, n);
  const idleGrowth = idleMem.stop();
  const ip = await idleProbe.stop();
  await sleep(500);

  const base = rssBytes(pid);
  const mem = new MemSampler(pid, base);
  const probe = new Probe(probeConn);
  const load = benchLoad(s.port, n);
  let loadDone = false;
  void load.then(
    () => (loadDone = true),
    () => (loadDone = true),
  );
  const opMs: number[] = [];
  while (!loadDone) opMs.push(await runOp(ctl, op));
  const during = await load;
  const dp = await probe.stop();
  const extraMem = mem.stop();
  probeConn.close();
  const i = await info(ctl, 'persistence');
  const cowInfo = Number(op === 'bgsave' ? i.rdb_last_cow_size : i.aof_last_cow_size) || 0;
  return {
    unloadedMs,
    idle: { ...idleBench, probeP99: ip.p99, probeMax: ip.max },
    during: { ...during, probeP99: dp.p99, probeMax: dp.max, ops: opMs.length, opMs },
    extraMem,
    idleGrowth,
    cowInfo,
  };
}

// ---------------------------------------------------------------------- main

function tmpDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `respite-bench-persist-${tag}-`));
}

const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;

async function main(): Promise<void> {
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const dirs = { redis: tmpDir('redis'), respite: tmpDir('respite') };
  const servers: Srv[] = [];
  const results: Record<Name, Partial<Record<Op, OpResult>>> = { redis: {}, respite: {} };
  const dataset: Record<Name, number> = { redis: 0, respite: 0 };
  const preamble = ['--aof-use-rdb-preamble', PREAMBLE];
  try {
    servers.push(await startServer('redis', PORT_BASE + 1, dirs.redis, preamble));
    servers.push(await startServer('respite', PORT_BASE + 2, dirs.respite, preamble));
    const measured = servers.filter((s) => ONLY === undefined || ONLY === s.name || (s.name === 'redis' && !SKIP_LOAD));
    for (const s of servers) await waitReady(s);
    for (const s of measured) {
      const empty = rssBytes(s.proc.pid!);
      const t = performance.now();
      await loadKeys(s.port, 0, KEYS, VALUE_SIZE);
      // Let respite's idle heap compaction run, as in bench:memory.
      await sleep(3000);
      dataset[s.name] = rssBytes(s.proc.pid!) - empty;
      log(`${s.name}: ${KEYS} keys loaded in ${((performance.now() - t) / 1000).toFixed(1)} s, dataset ${fmtMB(dataset[s.name])}`);
    }
    const ctl: Record<Name, Conn> = { redis: await Conn.open(servers[0].port), respite: await Conn.open(servers[1].port) };
    for (const op of OPS) {
      for (const s of servers) {
        if (ONLY !== undefined && ONLY !== s.name) continue;
        const r = await measureOp(s, ctl[s.name], op);
        results[s.name][op] = r;
        log(
          `${op} ${s.name}: unloaded ${ms(r.unloadedMs)}; idle p99 ${r.idle.p99} ms (probe ${ms(r.idle.probeP99)}, max ${ms(r.idle.probeMax)}) ${fmtOps(r.idle.rps)}/s; ` +
            `during ${r.during.ops}x p99 ${r.during.p99} ms (probe ${ms(r.during.probeP99)}, max ${ms(r.during.probeMax)}) ${fmtOps(r.during.rps)}/s; ` +
            `extra ${fmtMB(r.extraMem)} (idle-load growth ${fmtMB(r.idleGrowth)}, INFO cow ${fmtMB(r.cowInfo)})`,
        );
      }
    }
    // The files both servers will load: Redis's own SAVE and command-AOF rewrite.
    if (!SKIP_LOAD) {
      const c = ctl.redis;
      await c.call('CONFIG', 'SET', 'aof-use-rdb-preamble', 'no');
      await c.call('SAVE');
      await runOp(c, 'bgrewriteaof');
    }
    for (const c of Object.values(ctl)) c.close();
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    // LOG_DIR=d keeps each server's output (e.g. with RESPITE_NODE_ARGS=--trace-gc).
    if (process.env.LOG_DIR !== undefined) for (const s of servers) fs.writeFileSync(path.join(process.env.LOG_DIR, `${s.name}.log`), s.log);
  }

  const load: Record<'rdb' | 'aof', Record<Name, { ready: number[] }>> = { rdb: { redis: { ready: [] }, respite: { ready: [] } }, aof: { redis: { ready: [] }, respite: { ready: [] } } };
  let rdbSize = 0;
  let aofSize = 0;
  if (!SKIP_LOAD) {
    const rdbFile = path.join(dirs.redis, 'dump.rdb');
    const aofDir = path.join(dirs.redis, 'appendonlydir');
    rdbSize = fs.statSync(rdbFile).size;
    for (const f of fs.readdirSync(aofDir)) aofSize += f.endsWith('.manifest') ? 0 : fs.statSync(path.join(aofDir, f)).size;
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of ['rdb', 'aof'] as const) {
        for (const name of ['redis', 'respite'] as const) {
          const d = tmpDir(`load-${name}`);
          if (kind === 'rdb') fs.copyFileSync(rdbFile, path.join(d, 'dump.rdb'));
          else fs.cpSync(aofDir, path.join(d, 'appendonlydir'), { recursive: true });
          const s = await startServer(name, PORT_BASE + 3, d, kind === 'aof' ? ['--appendonly', 'yes'] : []);
          try {
            const t = await waitReady(s);
            const c = await Conn.open(s.port);
            const n = Number(await c.call('DBSIZE'));
            c.close();
            if (n !== KEYS) throw new Error(`${name} loaded ${n} keys from the ${kind}, expected ${KEYS}`);
            load[kind][name].ready.push(t);
            log(`load ${kind} round ${round + 1}/${ROUNDS} ${name}: ${(t / 1000).toFixed(2)} s to first PONG`);
          } finally {
            await s.stop();
            fs.rmSync(d, { recursive: true, force: true });
          }
        }
      }
    }
  }
  for (const d of Object.values(dirs)) fs.rmSync(d, { recursive: true, force: true });

  // ------------------------------------------------------------------ report
  console.log(`\n${KEYS.toLocaleString('en-US')} keys (key:%012d, ${VALUE_SIZE}-byte values); load: redis-benchmark -t set -c 50 -r ${KEYS} -d ${VALUE_SIZE};`);
  console.log(`aof-use-rdb-preamble ${PREAMBLE}; probe: PING every ~1 ms on its own connection (p99 and longest round trip)\n`);
  console.log(`dataset (RSS after fill - RSS empty): redis ${fmtMB(dataset.redis)}, respite ${fmtMB(dataset.respite)}\n`);
  console.log('| operation | server | unloaded | idle p99 | p99 during | p99 ratio | longest stall (idle / during) | ops/s (idle / during) | extra memory | % of dataset | target |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const op of OPS) {
    for (const name of ['redis', 'respite'] as const) {
      const r = results[name][op];
      if (r === undefined) continue;
      const ratio = r.during.p99 / r.idle.p99;
      const pct = (100 * r.extraMem) / dataset[name];
      const stall = r.during.probeMax;
      const ok = ratio <= 2 && stall < 50 && pct < 25;
      const target = name === 'respite' ? `${ok ? 'ok' : 'MISS'} (p99 ${ratio <= 2 ? 'ok' : 'miss'}, stall ${stall < 50 ? 'ok' : 'miss'}, mem ${pct < 25 ? 'ok' : 'miss'})` : '-';
      console.log(
        `| ${op.toUpperCase()} | ${name} | ${(r.unloadedMs / 1000).toFixed(1)} s | ${r.idle.p99.toFixed(2)} ms | ${r.during.p99.toFixed(2)} ms | ${ratio.toFixed(2)} | ` +
          `${r.idle.probeMax.toFixed(1)} / ${stall.toFixed(1)} ms | ${fmtOps(r.idle.rps)} / ${fmtOps(r.during.rps)} | ${fmtMB(r.extraMem)} | ${pct.toFixed(1)}% | ${target} |`,
      );
    }
  }
  if (!SKIP_LOAD) {
    console.log(`\nload at start-up, same files (Redis's dump.rdb ${fmtMB(rdbSize)}, Redis's AOF rewrite ${fmtMB(aofSize)}), spawn to first PONG, median of ${ROUNDS}\n`);
    console.log('| file | redis | respite | respite/redis | target |');
    console.log('|---|---:|---:|---:|---|');
    for (const kind of ['rdb', 'aof'] as const) {
      const r = median(load[kind].redis.ready);
      const s = median(load[kind].respite.ready);
      console.log(`| ${kind.toUpperCase()} | ${(r / 1000).toFixed(2)} s | ${(s / 1000).toFixed(2)} s | ${(s / r).toFixed(2)} | <= 2.0 ${s / r <= 2 ? 'ok' : 'MISS'} |`);
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
