/**
 * Throughput benchmark: redis-benchmark against redis-server 7.0 and against
 * respite (a separate node process), alternating runs so that machine noise
 * hits both alike. Prints a markdown table with the ratio respite/redis.
 *
 *   npm run bench            (ROUNDS=3 BENCH_N=200000 to change the defaults)
 *   npm run bench:types      (the data-type commands: LPUSH ... LRANGE_600)
 */
import { fmtOps, median, redisBenchmark, startRedis, startRespite, type BenchServer } from './common.js';

interface Case {
  label: string;
  args: string[];
  target: number;
}

const N = Number(process.env.BENCH_N ?? 200000);
const NP = Number(process.env.BENCH_NP ?? 2000000);
const ROUNDS = Math.max(2, Number(process.env.ROUNDS ?? 3));

const unpipelined = (t: string): Case => ({ label: '', args: ['-t', t, '-c', '50', '-n', String(N)], target: 0.9 });
const pipelined = (t: string): Case => ({ label: ' -P 16', args: ['-t', t, '-c', '50', '-P', '16', '-n', String(NP)], target: 0.7 });
/** Data-type commands (issue 3's list), unpipelined, target 0.8. */
const typed = (t: string): Case => ({ ...unpipelined(t), target: 0.8 });
// One redis-benchmark run per test, so a command respite lacks only loses its own row.
// BENCH_SET=types runs the data-type suite instead of the core one.
const CASES: Case[] =
  process.env.BENCH_SET === 'types'
    ? ['lpush', 'rpush', 'lpop', 'rpop', 'sadd', 'hset', 'spop', 'zadd', 'zpopmin', 'lrange_100', 'lrange_300', 'lrange_600'].map(typed)
    : [...['ping_inline', 'ping_mbulk', 'set', 'get', 'incr', 'mset'].map(unpipelined), ...['set', 'get'].map(pipelined)];

async function main(): Promise<void> {
  const servers: BenchServer[] = [await startRespite(), await startRedis()];
  const results = new Map<string, { redis: number[]; respite: number[]; target: number }>();
  try {
    for (const c of CASES) {
      for (let round = 0; round < ROUNDS; round++) {
        for (const s of servers) {
          let rows;
          try {
            rows = redisBenchmark(s.port, c.args);
          } catch (e) {
            process.stderr.write(`${s.name} ${c.args.join(' ')}: ${(e as Error).message.split('\n').slice(0, 3).join(' ')}\n`);
            continue;
          }
          for (const r of rows) {
            const key = r.test + c.label;
            let e = results.get(key);
            if (e === undefined) results.set(key, (e = { redis: [], respite: [], target: c.target }));
            e[s.name].push(r.rps);
          }
          process.stderr.write(`round ${round + 1}/${ROUNDS} ${s.name}${c.label}: ${rows.map((r) => `${r.test}=${fmtOps(r.rps)}`).join(' ')}\n`);
        }
      }
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
  console.log(`\nredis-benchmark, -c 50, -n ${N} (unpipelined) / -n ${NP} (-P 16); median of ${ROUNDS} alternating rounds\n`);
  console.log('| test | redis ops/s | respite ops/s | ratio | per-round ratios (min-median-max) | target |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [test, e] of results) {
    if (e.respite.length === 0) {
      console.log(`| ${test} | ${fmtOps(median(e.redis))} | failed | - | - | >= ${e.target} MISS |`);
      continue;
    }
    const r = median(e.redis);
    const p = median(e.respite);
    const ratio = p / r;
    // Rounds alternate (respite, then redis): each round's own ratio shows the spread behind the medians.
    const rounds = e.respite.slice(0, e.redis.length).map((x, i) => x / e.redis[i]);
    const spread = `${Math.min(...rounds).toFixed(2)}-${median(rounds).toFixed(2)}-${Math.max(...rounds).toFixed(2)}`;
    console.log(`| ${test} | ${fmtOps(r)} | ${fmtOps(p)} | ${ratio.toFixed(2)} | ${spread} | >= ${e.target} ${ratio >= e.target ? 'ok' : 'MISS'} |`);
  }
}

await main();
