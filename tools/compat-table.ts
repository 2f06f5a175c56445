/**
 * Prints the README's compatibility table: every Redis 7.0 command by group,
 * marked implemented or not from respite's command table.
 *
 *   npm run build && node dist/tools/compat-table.js
 */
import { ALL_COMMANDS } from '../src/commands/index.js';
import { redisCommandMeta } from '../src/commands/meta/index.js';
import type { RespValue } from '../src/protocol/resp-reader.js';

function group(docs: RespValue | undefined): string {
  if (docs === undefined || docs.t !== 'map') return 'other';
  for (const [k, v] of docs.v) if (k.t === 'bulk' && k.v === 'group' && v.t === 'bulk' && v.v !== null) return v.v;
  return 'other';
}

const registered = new Set(ALL_COMMANDS.map((d) => d.name));
const byGroup = new Map<string, { done: string[]; missing: string[] }>();
for (const [name, meta] of [...redisCommandMeta()].sort(([a], [b]) => a.localeCompare(b))) {
  const g = group(meta.docs);
  let e = byGroup.get(g);
  if (e === undefined) byGroup.set(g, (e = { done: [], missing: [] }));
  const subs = meta.subcommands.map((s) => s.fullName);
  const upper = name.toUpperCase();
  if (subs.length === 0) {
    (registered.has(name) ? e.done : e.missing).push(upper);
  } else {
    const doneSubs = subs.filter((s) => registered.has(s));
    if (doneSubs.length === subs.length) e.done.push(upper);
    else if (doneSubs.length === 0) e.missing.push(upper);
    else {
      e.done.push(`${upper} (${doneSubs.map((s) => s.split('|')[1].toUpperCase()).join(' ')})`);
      e.missing.push(`${upper} ${subs.filter((s) => !registered.has(s)).map((s) => s.split('|')[1].toUpperCase()).join(' ')}`);
    }
  }
}
let total = 0;
let done = 0;
console.log('| group | implemented | not yet |');
console.log('|---|---|---|');
for (const [g, e] of [...byGroup].sort(([a], [b]) => a.localeCompare(b))) {
  console.log(`| ${g} | ${e.done.join(' ') || '—'} | ${e.missing.join(' ') || '—'} |`);
}
for (const [name, meta] of redisCommandMeta()) {
  const subs = meta.subcommands.length === 0 ? [name] : meta.subcommands.map((s) => s.fullName);
  total += subs.length;
  done += subs.filter((s) => registered.has(s)).length;
}
console.log(`\n${done} of ${total} Redis 7.0 commands and subcommands are implemented.`);
