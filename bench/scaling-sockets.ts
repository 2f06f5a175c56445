/**
 * Scaling over sockets (issue 3): redis-server 7.0 and respite side by side,
 * µs per operation at 1K, 100K, 1M and 10M elements, so respite's growth can
 * be read against Redis's own growth on the same machine at the same sizes.
 *
 * For each size and data type, both servers get the same n elements through a
 * pipelined loader (commands of 1000 elements, 16 in flight; the load time per
 * element is reported too), then every operation runs OPS times in pipelined
 * batches of PIPE commands, the servers taking turns batch by batch (so noise
 * from other processes hits both alike), for ROUNDS rounds (the best counts). Writes that
 * add elements are undone after each batch, untimed, so the size stays n.
 * Only one data type is loaded at a time, to keep memory in check.
 *
 *   npm run bench:scaling -- --sockets    (SCALING_SIZES=1e6,1e7, SCALING_MAX,
 *                                          SCALING_OPS, SCALING_PORT, SCALING_TYPES)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT, rssBytes } from './common.js';

const SIZES = (process.env.SCALING_SIZES?.split(',').map(Number) ?? [1e3, 1e5, 1e6, 1e7]).filter((n) => n <= Number(process.env.SCALING_MAX ?? 1e7));
const OPS = Number(process.env.SCALING_OPS ?? 100_000);
const PIPE = 100;
const ROUNDS = 3;
const BASE_PORT = Number(process.env.SCALING_PORT ?? 7600);
/** Data types to run, by key letter: z, s, h, l (SCALING_TYPES=z for sorted sets only). */
const TYPES = process.env.SCALING_TYPES ?? 'zshl';

type Name = 'redis' | 'respite';

/** One pipelined connection that counts complete RESP2 replies. */
class Conn {
  private buf: Buffer = Buffer.alloc(0);
  private want = 0;
  private done: ((err?: Error) => void) | null = null;
  private constructor(private readonly sock: net.Socket) {
    sock.on('data', (d: Buffer) => this.onData(d));
  }

  static open(port: number): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(new Conn(s)));
      s.setNoDelay(true);
      s.on('error', reject);
    });
  }

  /** Sends `cmds` (encoded commands) and resolves when `count` replies are in. */
  send(cmds: Buffer, count: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.want = count;
      this.done = (err) => (err ? reject(err) : resolve());
      this.sock.write(cmds);
    });
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    let pos = 0;
    for (;;) {
      if (this.buf[pos] === 45 /* - */) return this.done?.(new Error(this.buf.toString('latin1', pos, pos + 200)));
      const end = skipReply(this.buf, pos);
      if (end < 0) break;
      pos = end;
      if (--this.want === 0) {
        this.buf = this.buf.subarray(pos);
        return this.done?.();
      }
    }
    this.buf = this.buf.subarray(pos);
  }

  close(): void {
    this.sock.destroy();
  }
}

/** Offset just past the RESP2 reply at `pos`, or -1 if it is incomplete. */
function skipReply(b: Buffer, pos: number): number {
  const cr = b.indexOf(13, pos);
  if (cr < 0 || cr + 1 >= b.length) return -1;
  const type = b[pos];
  if (type !== 36 /* $ */ && type !== 42 /* * */) return cr + 2;
  const n = Number(b.toString('latin1', pos + 1, cr));
  if (type === 36) return n < 0 ? cr + 2 : cr + 2 + n + 2 <= b.length ? cr + 2 + n + 2 : -1;
  let p = cr + 2;
  for (let i = 0; i < n && p >= 0; i++) p = skipReply(b, p);
  return p;
}

/** RESP encoding of one command. */
function cmd(...args: string[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

interface Server {
  name: Name;
  proc: ChildProcess;
  conn: Conn;
}

async function start(name: Name, port: number): Promise<Server> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `respite-scaling-${name}-`));
  const common = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  const proc =
    name === 'redis'
      ? spawn('redis-server', common, { stdio: ['ignore', 'ignore', 'inherit'] })
      : spawn(process.execPath, ['--max-old-space-size=12000', path.join(ROOT, 'bin', 'respite.js'), ...common], { stdio: ['ignore', 'ignore', 'inherit'] });
  process.once('exit', () => proc.kill('SIGKILL'));
  for (let tries = 0; ; tries++) {
    try {
      return { name, proc, conn: await Conn.open(port) };
    } catch (e) {
      if (tries > 200) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** A data type: how to load n elements, and its operations. */
interface Family {
  key: string;
  /** Command adding elements [from, to) in one go. */
  load(from: number, to: number, n: number): string;
  ops: Op[];
}

/** One measured operation: the command for step i, and an untimed command undoing a batch. */
interface Op {
  name: string;
  run(i: number, n: number, rnd: number): string;
  undo?(from: number, to: number): string;
  /** Commands (replies) per step; 1 unless said. */
  replies?: number;
}

const member = (i: number): string => 'member:' + i;
const fresh = (i: number): string => 'new:' + i;
const range = (from: number, to: number, f: (i: number) => string[]): string[] => {
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(...f(i));
  return out;
};

const FAMILIES: Family[] = [
  {
    key: 'z',
    // Scores are a permutation of 0..n-1 scattered over the members, so inserts land all over the list.
    load: (a, b, n) => cmd('ZADD', 'z', ...range(a, b, (i) => [String((i * 7919) % n), member(i)])),
    ops: [
      { name: 'ZADD new member', run: (i, n, r) => cmd('ZADD', 'z', String(r % n), fresh(i)), undo: (a, b) => cmd('ZREM', 'z', ...range(a, b, (i) => [fresh(i)])) },
      { name: 'ZRANK', run: (_, n, r) => cmd('ZRANK', 'z', member(r % n)) },
      { name: 'ZSCORE', run: (_, n, r) => cmd('ZSCORE', 'z', member(r % n)) },
      { name: 'ZRANGE 10 at random rank', run: (_, n, r) => cmd('ZRANGE', 'z', String(r % n), String((r % n) + 9)) },
    ],
  },
  {
    key: 's',
    load: (a, b) => cmd('SADD', 's', ...range(a, b, (i) => [member(i)])),
    ops: [
      { name: 'SADD new member', run: (i) => cmd('SADD', 's', fresh(i)), undo: (a, b) => cmd('SREM', 's', ...range(a, b, (i) => [fresh(i)])) },
      { name: 'SISMEMBER', run: (_, n, r) => cmd('SISMEMBER', 's', member(r % n)) },
    ],
  },
  {
    key: 'h',
    load: (a, b) => cmd('HSET', 'h', ...range(a, b, (i) => [member(i), 'v'])),
    ops: [
      { name: 'HSET new field', run: (i) => cmd('HSET', 'h', fresh(i), 'v'), undo: (a, b) => cmd('HDEL', 'h', ...range(a, b, (i) => [fresh(i)])) },
      { name: 'HGET', run: (_, n, r) => cmd('HGET', 'h', member(r % n)) },
    ],
  },
  {
    key: 'l',
    load: (a, b) => cmd('RPUSH', 'l', ...range(a, b, (i) => [member(i)])),
    // LPUSH then LPOP: two commands per step, so the length stays n.
    ops: [{ name: 'LPUSH+LPOP (2 commands)', run: (i) => cmd('LPUSH', 'l', fresh(i)) + cmd('LPOP', 'l'), replies: 2 }],
  },
];

/** Loads n elements of `f` (1000 per command, up to 16 commands in flight); returns µs per element. */
async function load(s: Server, f: Family, n: number): Promise<number> {
  const PER = 1000;
  const WINDOW = 16;
  const t0 = process.hrtime.bigint();
  for (let from = 0; from < n; ) {
    let batch = '';
    let count = 0;
    for (; count < WINDOW && from < n; count++, from = Math.min(n, from + PER)) batch += f.load(from, Math.min(n, from + PER), n);
    await s.conn.send(Buffer.from(batch, 'latin1'), count);
  }
  return Number(process.hrtime.bigint() - t0) / 1000 / n;
}

/**
 * Runs `op` OPS times at size n on every server, batch by batch in turn (the
 * first server alternating), so bursts of load from other processes hit all
 * of them alike. Returns µs per step for each (undo batches excluded).
 */
async function measure(servers: Server[], op: Op, n: number, seed: number): Promise<Record<Name, number>> {
  let rnd = seed >>> 0;
  const ns: Record<Name, bigint> = { redis: 0n, respite: 0n };
  const replies = (op.replies ?? 1) * PIPE;
  for (let done = 0; done < OPS; done += PIPE) {
    let batch = '';
    for (let i = done; i < done + PIPE; i++) {
      rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0;
      batch += op.run(i, n, rnd >>> 1);
    }
    const buf = Buffer.from(batch, 'latin1');
    const order = (done / PIPE) % 2 === 0 ? servers : [...servers].reverse();
    for (const s of order) {
      const t0 = process.hrtime.bigint();
      await s.conn.send(buf, replies);
      ns[s.name] += process.hrtime.bigint() - t0;
      if (op.undo) await s.conn.send(Buffer.from(op.undo(done, done + PIPE), 'latin1'), 1);
    }
  }
  return { redis: Number(ns.redis) / 1000 / OPS, respite: Number(ns.respite) / 1000 / OPS };
}

interface Row {
  name: string;
  us: Record<Name, number[]>;
}

async function main(): Promise<void> {
  const servers = [await start('redis', BASE_PORT), await start('respite', BASE_PORT + 1)];
  const rows = new Map<string, Row>();
  const rssRow: Record<Name, number[]> = { redis: [], respite: [] };
  const rss = (name: Name): number[] => rssRow[name];
  const row = (name: string): Row => {
    let r = rows.get(name);
    if (r === undefined) rows.set(name, (r = { name, us: { redis: [], respite: [] } }));
    return r;
  };
  const families = FAMILIES.filter((f) => TYPES.includes(f.key));
  try {
    // Warm-up, untimed, so the first column does not pay for respite's JIT compilation.
    for (const f of families) {
      for (const s of servers) await load(s, f, 1000);
      for (const op of f.ops) await measure(servers, op, 1000, 1);
      for (const s of servers) await s.conn.send(Buffer.from(cmd('DEL', f.key), 'latin1'), 1);
    }
    for (const n of SIZES) {
      for (const f of families) {
        for (const s of servers) {
          const us = await load(s, f, n);
          if (f.key === 'z') {
            row('load ZADD (per element)').us[s.name].push(us);
            rss(s.name).push(rssBytes(s.proc.pid!) / 1048576);
          }
          process.stderr.write(`n=${n} ${s.name} loaded ${f.key} (${us.toFixed(2)} µs/element)\n`);
        }
        for (const op of f.ops) {
          const best: Record<Name, number> = { redis: Infinity, respite: Infinity };
          for (let round = 0; round < ROUNDS; round++) {
            const us = await measure(servers, op, n, 12345 + round);
            for (const s of servers) best[s.name] = Math.min(best[s.name], us[s.name]);
          }
          for (const s of servers) row(op.name).us[s.name].push(best[s.name]);
          process.stderr.write(`n=${n} ${op.name}: redis ${best.redis.toFixed(2)} µs, respite ${best.respite.toFixed(2)} µs\n`);
        }
        for (const s of servers) await s.conn.send(Buffer.from(cmd('DEL', f.key), 'latin1'), 1);
      }
    }
  } finally {
    for (const s of servers) {
      s.conn.close();
      s.proc.kill('SIGKILL');
    }
  }
  print([...rows.values()]);
  if (TYPES.includes('z')) {
    console.log(`\nRSS in MB after loading the sorted set, redis / respite: ${SIZES.map((n, i) => `${n.toLocaleString('en-US')}: ${rssRow.redis[i].toFixed(0)} / ${rssRow.respite[i].toFixed(0)}`).join(', ')}`);
  }
}

function print(rows: Row[]): void {
  const sizes = SIZES.map((n) => n.toLocaleString('en-US'));
  console.log(`\nµs per operation over sockets, redis / respite (${OPS} operations, pipelined ${PIPE} deep, servers taking turns per batch, best of ${ROUNDS} rounds)\n`);
  console.log(`| operation | ${sizes.join(' | ')} | growth 1M→10M redis / respite | respite / redis at ${sizes[sizes.length - 1]} |`);
  console.log(`|---|${SIZES.map(() => '---:').join('|')}|---:|---:|`);
  const i1m = SIZES.indexOf(1e6);
  const last = SIZES.length - 1;
  for (const r of rows) {
    const cells = SIZES.map((_, i) => `${r.us.redis[i].toFixed(2)} / ${r.us.respite[i].toFixed(2)}`);
    const growth = i1m >= 0 && i1m < last ? `${(r.us.redis[last] / r.us.redis[i1m]).toFixed(2)}x / ${(r.us.respite[last] / r.us.respite[i1m]).toFixed(2)}x` : '-';
    console.log(`| ${r.name} | ${cells.join(' | ')} | ${growth} | ${(r.us.respite[last] / r.us.redis[last]).toFixed(2)}x |`);
  }
}

await main();
