/**
 * AOF throughput: redis-benchmark SET against respite and redis-server 7.0
 * with appendonly no, appendfsync everysec and appendfsync always, in the
 * same run (alternating rounds). Prints ratios: respite/redis per mode, and
 * each respite mode against respite's own no-AOF figure.
 * Targets: everysec >= 0.9x respite's no-AOF; always >= 1.0x Redis's always.
 *
 *   npm run bench:aof     (ROUNDS=3 BENCH_N=100000 MODES=no,everysec,always)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fmtOps, median, redisBenchmark, startRedis, startRespite, type BenchServer } from './common.js';

const N = Number(process.env.BENCH_N ?? 100000);
const ROUNDS = Math.max(1, Number(process.env.ROUNDS ?? 3));
const ALL_MODES = ['no', 'everysec', 'always'] as const;
/** MODES=always (comma-separated) runs only those modes. */
const MODES = ALL_MODES.filter((m) => (process.env.MODES ?? ALL_MODES.join(',')).split(',').includes(m));

function modeArgs(mode: (typeof MODES)[number], dir: string): string[] {
  if (mode === 'no') return ['--appendonly', 'no', '--dir', dir];
  return ['--appendonly', 'yes', '--appendfsync', mode, '--aof-use-rdb-preamble', 'no', '--dir', dir, '--auto-aof-rewrite-percentage', '0'];
}

async function main(): Promise<void> {
  const res: Record<string, { respite: number[]; redis: number[] }> = {};
  for (const mode of MODES) {
    const dirs = [fs.mkdtempSync(path.join(os.tmpdir(), 'respite-bench-aof-')), fs.mkdtempSync(path.join(os.tmpdir(), 'respite-bench-aof-'))];
    const servers: BenchServer[] = [await startRespite([], modeArgs(mode, dirs[0])), await startRedis(modeArgs(mode, dirs[1]))];
    res[mode] = { respite: [], redis: [] };
    try {
      for (let round = 0; round < ROUNDS; round++) {
        for (const s of servers) {
          const rows = redisBenchmark(s.port, ['-t', 'set', '-c', '50', '-n', String(N)]);
          res[mode][s.name as 'respite' | 'redis'].push(rows[0].rps);
          process.stderr.write(`${mode} round ${round + 1}/${ROUNDS} ${s.name}: ${fmtOps(rows[0].rps)}\n`);
        }
      }
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    }
  }
  const base = res.no === undefined ? NaN : median(res.no.respite);
  console.log(`\nredis-benchmark -t set -c 50 -n ${N}; median of ${ROUNDS} alternating rounds\n`);
  console.log('| appendfsync | redis ops/s | respite ops/s | respite/redis | per-round respite/redis (min-median-max) | respite/respite-no-AOF | target |');
  console.log('|---|---:|---:|---:|---:|---:|---|');
  for (const mode of MODES) {
    const r = median(res[mode].redis);
    const s = median(res[mode].respite);
    const target = mode === 'everysec' ? `>= 0.9 of no-AOF: ${s / base >= 0.9 ? 'ok' : 'MISS'}` : mode === 'always' ? `>= 1.0 of redis: ${s / r >= 1 ? 'ok' : 'MISS'}` : '-';
    // Rounds alternate (respite, then redis): each round's own ratio shows the spread behind the medians.
    const rounds = res[mode].respite.map((x, i) => x / res[mode].redis[i]);
    const spread = `${Math.min(...rounds).toFixed(2)}-${median(rounds).toFixed(2)}-${Math.max(...rounds).toFixed(2)}`;
    console.log(`| ${mode === 'no' ? '(appendonly no)' : mode} | ${fmtOps(r)} | ${fmtOps(s)} | ${(s / r).toFixed(2)} | ${spread} | ${(s / base).toFixed(2)} | ${target} |`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
