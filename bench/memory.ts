/**
 * Memory benchmark: 1M keys with 16-byte values loaded into redis-server and
 * into respite (a separate node process); compares resident memory (VmRSS).
 * Target: respite RSS <= 1.5x redis RSS.
 *
 *   npm run bench:memory      (KEYS=1000000 VALUE_SIZE=16 to change)
 */
import { cli, fmtMB, loadKeys, rssBytes, startRedis, startRespite, type BenchServer } from './common.js';

const KEYS = Number(process.env.KEYS ?? 1000000);
const VALUE_SIZE = Number(process.env.VALUE_SIZE ?? 16);

async function measure(s: BenchServer): Promise<{ before: number; after: number; seconds: number }> {
  await new Promise((r) => setTimeout(r, 500));
  const before = rssBytes(s.proc.pid!);
  const t0 = Date.now();
  await loadKeys(s.port, 0, KEYS, VALUE_SIZE);
  const seconds = (Date.now() - t0) / 1000;
  const dbsize = Number(cli(s.port, 'DBSIZE'));
  if (dbsize !== KEYS) throw new Error(`${s.name}: DBSIZE ${dbsize}, expected ${KEYS}`);
  // Let a garbage collector settle before reading RSS.
  await new Promise((r) => setTimeout(r, 3000));
  return { before, after: rssBytes(s.proc.pid!), seconds };
}

async function main(): Promise<void> {
  const redis = await startRedis();
  const respite = await startRespite();
  try {
    const r = await measure(redis);
    const p = await measure(respite);
    console.log(`\n${KEYS.toLocaleString('en-US')} keys (16-byte names), ${VALUE_SIZE}-byte values, pipelined SET loader\n`);
    console.log('| server | RSS empty | RSS loaded | delta | bytes/key | load time |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const [name, m] of [['redis', r], ['respite', p]] as const) {
      const d = m.after - m.before;
      console.log(`| ${name} | ${fmtMB(m.before)} | ${fmtMB(m.after)} | ${fmtMB(d)} | ${Math.round(d / KEYS)} | ${m.seconds.toFixed(1)} s |`);
    }
    const ratio = p.after / r.after;
    const dRatio = (p.after - p.before) / (r.after - r.before);
    console.log(`\nRSS ratio respite/redis: ${ratio.toFixed(2)} (loaded total), ${dRatio.toFixed(2)} (delta); target <= 1.5 ${ratio <= 1.5 ? 'ok' : 'MISS'}`);
  } finally {
    await Promise.all([redis.stop(), respite.stop()]);
  }
}

await main();
