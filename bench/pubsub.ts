/**
 * Pub/Sub fan-out benchmark: publishers pipeline PUBLISH to one channel that
 * 1 or 100 subscribers listen to; the figure is messages delivered to
 * subscribers per second, respite (a separate `node bin/respite.js` process)
 * against redis-server 7.0 in the same run, alternating rounds.
 *
 *   node dist/bench/pubsub.js       (BENCH_SECONDS=3 ROUNDS=3 to change the defaults)
 */
import net from 'node:net';
import { fmtOps, median, startRedis, startRespite, type BenchServer } from './common.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Math.max(1, Number(process.env.ROUNDS ?? 3));
const PUBLISHERS = 4;
const PIPELINE = 32;
const CHANNEL = 'bench:channel';
const PAYLOAD = 'p'.repeat(32);
/** Exact size of one delivered frame, so subscribers only count bytes. */
const FRAME_BYTES = `*3\r\n$7\r\nmessage\r\n$${CHANNEL.length}\r\n${CHANNEL}\r\n$${PAYLOAD.length}\r\n${PAYLOAD}\r\n`.length;

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(s));
    s.setNoDelay(true);
    s.once('error', reject);
  });
}

/** Opens `n` subscribers; `bytes()` is what they received after their confirmations. */
async function subscribers(port: number, n: number): Promise<{ bytes: () => number; close: () => void }> {
  const socks: net.Socket[] = [];
  let total = 0;
  const confirm = `*3\r\n$9\r\nsubscribe\r\n$${CHANNEL.length}\r\n${CHANNEL}\r\n:1\r\n`.length;
  for (let i = 0; i < n; i++) {
    const s = await connect(port);
    let skip = confirm;
    s.on('data', (d: Buffer) => {
      const take = Math.min(skip, d.length);
      skip -= take;
      total += d.length - take;
    });
    s.write(`*2\r\n$9\r\nSUBSCRIBE\r\n$${CHANNEL.length}\r\n${CHANNEL}\r\n`);
    socks.push(s);
  }
  await new Promise((r) => setTimeout(r, 100));
  return { bytes: () => total, close: () => socks.forEach((s) => s.destroy()) };
}

/** A publisher keeping one pipelined batch of PUBLISH in flight until `stop()`. */
async function publisher(port: number): Promise<{ stop: () => Promise<void> }> {
  const s = await connect(port);
  const cmd = `*3\r\n$7\r\nPUBLISH\r\n$${CHANNEL.length}\r\n${CHANNEL}\r\n$${PAYLOAD.length}\r\n${PAYLOAD}\r\n`;
  const batch = cmd.repeat(PIPELINE);
  let stopping = false;
  let lines = 0;
  let done: () => void = () => {};
  s.on('data', (d: Buffer) => {
    for (let i = 0; i < d.length; i++) if (d[i] === 10) lines++;
    if (lines < PIPELINE) return;
    lines -= PIPELINE;
    if (stopping) return done();
    s.write(batch, 'latin1');
  });
  s.write(batch, 'latin1');
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        done = () => {
          s.destroy();
          resolve();
        };
        stopping = true;
      }),
  };
}

/** Delivered messages per second for one server and fan-out. */
async function measure(srv: BenchServer, fanout: number): Promise<number> {
  const subs = await subscribers(srv.port, fanout);
  const pubs = await Promise.all(Array.from({ length: PUBLISHERS }, () => publisher(srv.port)));
  await new Promise((r) => setTimeout(r, 500)); // warm-up (JIT, buffers)
  const b0 = subs.bytes();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const b1 = subs.bytes();
  const secs = (performance.now() - t0) / 1000;
  await Promise.all(pubs.map((p) => p.stop()));
  subs.close();
  return (b1 - b0) / FRAME_BYTES / secs;
}

async function main(): Promise<void> {
  const servers: BenchServer[] = [await startRespite(), await startRedis()];
  try {
    console.log(`| fan-out | redis-server msg/s | respite msg/s | ratio | target |`);
    console.log(`|---|---|---|---|---|`);
    for (const fanout of [1, 100]) {
      const got: Record<string, number[]> = { redis: [], respite: [] };
      for (let round = 0; round < ROUNDS; round++) {
        for (const s of servers) got[s.name].push(await measure(s, fanout));
      }
      const r = median(got.redis);
      const o = median(got.respite);
      console.log(`| ${fanout} subscriber${fanout > 1 ? 's' : ''} | ${fmtOps(r)} | ${fmtOps(o)} | ${(o / r).toFixed(2)} | 0.8 |`);
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

await main();
