/**
 * Scaling benchmark for the data structures (issue 3): time per operation at
 * 1K, 100K, 1M and 10M elements for list push/pop at both ends, sorted-set
 * insert and rank, set add/ismember and hash set/get. Flat (O(1)) or slowly
 * growing (O(log N)) figures are the point; an O(N) operation would grow
 * 10,000x from the first column to the last.
 *
 *   npm run bench:scaling        (SCALING_MAX=1000000 for a shorter run)
 *   npm run bench:scaling -- --sockets   (redis-server and respite side by side, see scaling-sockets.ts)
 */
import { HashValue } from '../src/types/hash.js';
import { ListValue } from '../src/types/list.js';
import { SetValue } from '../src/types/set.js';
import { ZSet } from '../src/types/zset.js';

const SIZES = [1e3, 1e5, 1e6, 1e7].filter((n) => n <= Number(process.env.SCALING_MAX ?? 1e7));
const OPS = 200_000;
const LIM = { entries: 128, value: 64 };

/**
 * ns per call of `op`, run OPS times on a structure already holding n
 * elements. When `undo` is given, each batch of 100 calls is undone untimed
 * (removing what they added), so the size stays about n even at n = 1000.
 */
function time(op: (i: number) => void, undo?: (i: number) => void): number {
  let ns = 0n;
  for (let b = 0; b < OPS; b += 100) {
    const t0 = process.hrtime.bigint();
    for (let i = b; i < b + 100; i++) op(i);
    ns += process.hrtime.bigint() - t0;
    if (undo !== undefined) for (let i = b; i < b + 100; i++) undo(i);
  }
  return Number(ns) / OPS;
}

const member = (i: number) => 'member:' + i;

interface Row {
  name: string;
  ns: number[];
}

/** Each family builds its structure, times it and drops it, so only one big structure is alive at a time. */
function measureList(n: number, out: Record<string, number>): void {
  const list = new ListValue();
  for (let i = 0; i < n; i++) list.pushTail(member(i));
  out['LPUSH+LPOP (head)'] = time((i) => {
    list.pushHead(member(i));
    list.popHead();
  });
  out['RPUSH+RPOP (tail)'] = time((i) => {
    list.pushTail(member(i));
    list.popTail();
  });
}

function measureZset(n: number, out: Record<string, number>): void {
  const z = ZSet.build([], LIM);
  for (let i = 0; i < n; i++) z.insert(member(i), (i * 7919) % n, LIM);
  out['ZADD new member'] = time(
    (i) => z.insert('new:' + i, (i * 104729) % n, LIM),
    (i) => z.remove('new:' + i),
  );
  out['ZRANK'] = time((i) => z.rank(member((i * 31) % n), false));
}

function measureSet(n: number, out: Record<string, number>): void {
  const s = SetValue.empty();
  for (let i = 0; i < n; i++) s.add(member(i), 512);
  out['SADD new member'] = time(
    (i) => s.add('new:' + i, 512),
    (i) => s.remove('new:' + i),
  );
  out['SISMEMBER'] = time((i) => s.has(member((i * 31) % n)));
}

function measureHash(n: number, out: Record<string, number>): void {
  const h = new HashValue();
  for (let i = 0; i < n; i++) h.set(member(i), 'v', LIM);
  out['HSET new field'] = time(
    (i) => h.set('new:' + i, 'v', LIM),
    (i) => h.delete('new:' + i),
  );
  out['HGET'] = time((i) => h.get(member((i * 31) % n)));
}

function measure(n: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of [measureList, measureZset, measureSet, measureHash]) f(n, out);
  return out;
}

function inProcess(): void {
  // Warm-up so the first column does not pay for JIT compilation.
  measure(1000);
  const rows = new Map<string, Row>();
  for (const n of SIZES) {
    const r = measure(n);
    for (const [name, ns] of Object.entries(r)) {
      let row = rows.get(name);
      if (row === undefined) rows.set(name, (row = { name, ns: [] }));
      row.ns.push(ns);
    }
    process.stderr.write(`measured n=${n}\n`);
  }
  console.log(`\nns per operation (${OPS} operations at each size)\n`);
  console.log(`| operation | ${SIZES.map((n) => n.toLocaleString('en-US')).join(' | ')} | last / first |`);
  console.log(`|---|${SIZES.map(() => '---:').join('|')}|---:|`);
  for (const row of rows.values()) {
    const ratio = row.ns[row.ns.length - 1] / row.ns[0];
    console.log(`| ${row.name} | ${row.ns.map((x) => x.toFixed(0)).join(' | ')} | ${ratio.toFixed(1)}x |`);
  }
}

if (process.argv.includes('--sockets')) await import('./scaling-sockets.js');
else inProcess();
