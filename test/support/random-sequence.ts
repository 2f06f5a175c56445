/**
 * The driver the seeded random-sequence differential tests share: a seeded
 * generator makes one step at a time, each step runs on both servers and is
 * compared, and a failure names the seed, the step and what it ran, so
 * `SEED=<n>` reproduces it. Each family's test file only says how to make a
 * step and, where Redis itself is not deterministic, how to compare it; the
 * comparisons several families need (random picks, collections whose order
 * depends on the encoding) are here too.
 */
import assert from 'node:assert/strict';
import { readReply, type RespValue } from '../../src/protocol/resp-reader.js';
import type { DiffEnv, Pair } from './diff.js';
import { Rng } from './random.js';

/** One seeded random sequence: how to make each step and how to run it. */
export interface RandomSequence<S> {
  /** The generator; its seed is reported on failure. */
  rng: Rng;
  steps: number;
  /** Makes step `i` (a command, or whatever the family's runner takes). */
  next: (rng: Rng, i: number) => S;
  /** Runs one step on both servers and asserts they agree. */
  run: (step: S, i: number) => Promise<unknown>;
  /** How a step reads in a failure report (default: its JSON, cut at 300 characters). */
  show?: (step: S) => string;
  /** More context for a failure report, read after the failure (e.g. the key's state on the oracle). */
  explain?: (step: S) => Promise<string>;
}

/**
 * Runs `steps` generated steps in order. The first failure is rethrown (the
 * same error object, so an assertion keeps its actual/expected values) with
 * "seed N step I: <step>: " in front of its message.
 */
export async function runRandomSequence<S>(s: RandomSequence<S>): Promise<void> {
  const show = s.show ?? ((step: S) => JSON.stringify(step).slice(0, 300));
  for (let i = 0; i < s.steps; i++) {
    const step = s.next(s.rng, i);
    try {
      await s.run(step, i);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      const extra = s.explain === undefined ? '' : `\n${await s.explain(step)}`;
      err.message = `seed ${s.rng.seed} step ${i}: ${show(step)}: ${err.message}${extra}`;
      throw err;
    }
  }
}

/** The single RESP value in a raw reply. */
export function parseReply(raw: string): RespValue {
  return readReply(Buffer.from(raw, 'latin1'))![0];
}

/**
 * A random pick (SRANDMEMBER, HRANDFIELD, ZRANDMEMBER, SPOP with a count):
 * errors byte-identical; a bulk or null reply of the same kind; anything
 * else a collection of the same type and length.
 */
export function assertSameShape(a: string, b: string): void {
  if (a.startsWith('-')) return assert.equal(b, a);
  assert.equal(b[0], a[0], `reply kind: redis=${JSON.stringify(a.slice(0, 40))} respite=${JSON.stringify(b.slice(0, 40))}`);
  const [x, y] = [parseReply(a), parseReply(b)];
  assert.equal(y.t, x.t);
  if (a[0] === '$' || a[0] === '_') return;
  assert.ok(x.t === 'array' || x.t === 'set' || x.t === 'map', `not a collection: ${JSON.stringify(a.slice(0, 40))}`);
  assert.equal((y as { v: unknown[] | null }).v?.length, (x as { v: unknown[] | null }).v?.length, 'collection length');
}

/** Sends `cmd` to both servers and compares the replies by shape (assertSameShape). */
export async function sameShape(p: Pair, cmd: string[]): Promise<void> {
  const [a, b] = await p.both(...cmd);
  assertSameShape(a, b);
}

/**
 * For a hash or set command whose reply order Redis defines only in the
 * compact encodings: the oracle's encoding of `key` before the command
 * decides. Compact (listpack, intset): byte-identical replies. Hashtable: a
 * SCAN step by its first bytes only (cursors differ), a RESP2 flat
 * field/value array (`flatPairs`) as a set of pairs, anything else as an
 * unordered collection.
 */
export async function sameInEncodingOrder(p: Pair, cmd: string[], key: string, flatPairs = false): Promise<void> {
  const enc = await p.redis.call('OBJECT', 'ENCODING', key);
  await p.respite.call('OBJECT', 'ENCODING', key);
  if (!enc.includes('hashtable')) return void (await p.same(...cmd));
  const [a, b] = await p.both(...cmd);
  if (cmd[0].endsWith('SCAN')) assert.equal(b.slice(0, 2), a.slice(0, 2));
  else if (flatPairs && a.startsWith('*')) assert.deepEqual(pairsOf(b), pairsOf(a));
  else assert.deepEqual(unordered(b), unordered(a));
}

/** A collection reply with its elements (or map entries) sorted; anything else as parsed. */
function unordered(raw: string): unknown {
  const v = parseReply(raw);
  if ((v.t !== 'map' && v.t !== 'set' && v.t !== 'array') || v.v === null) return v;
  return { t: v.t, v: v.v.map((x) => JSON.stringify(x)).sort() };
}

/** A flat field/value array as sorted [field, value] pairs. */
function pairsOf(raw: string): string[] {
  const v = parseReply(raw) as { v: Array<{ v: string }> };
  const out: string[] = [];
  for (let i = 0; i < v.v.length; i += 2) out.push(JSON.stringify([v.v[i].v, v.v[i + 1].v]));
  return out.sort();
}

/** How a generated collection command's replies are compared. */
export type Check = 'exact' | 'unordered' | 'shape' | 'encoding-order';

/** A generated command, how to compare it, and (for 'encoding-order') the key whose encoding decides. */
export type CheckedCommand = [cmd: string[], check: Check, key?: string];

/** Runs one checked command on both servers (a RESP2 HGETALL over a hashtable compares as pairs). */
export async function runChecked(p: Pair, [cmd, check, key]: CheckedCommand): Promise<unknown> {
  if (check === 'exact') return p.same(...cmd);
  if (check === 'unordered') return p.sameUnordered(...cmd);
  if (check === 'shape') return sameShape(p, cmd);
  return sameInEncodingOrder(p, cmd, key!, cmd[0] === 'HGETALL');
}

/** A hash or set sequence: see collectionSequence. */
export interface CollectionSequence {
  resp: 2 | 3;
  seed: number;
  steps: number;
  keys: string[];
  next: (rng: Rng) => CheckedCommand;
  /** The command that reads a whole key (HGETALL, SMEMBERS), compared at the end. */
  contents: string;
}

/**
 * A seeded hash or set sequence on a fresh connection speaking RESP `resp`:
 * an emptied dataset holding a string key `str` (for WRONGTYPE), the
 * generated commands, then every key's TYPE, OBJECT ENCODING and contents.
 */
export async function runCollectionSequence(env: DiffEnv, o: CollectionSequence): Promise<void> {
  const p = await env.connect();
  await p.same('FLUSHALL');
  if (o.resp === 3) await p.both('HELLO', '3');
  await p.same('SET', 'str', 'v');
  await runRandomSequence({ rng: new Rng(o.seed), steps: o.steps, next: o.next, run: (c) => runChecked(p, c), show: ([cmd]) => JSON.stringify(cmd) });
  for (const k of o.keys) {
    await p.same('TYPE', k);
    await p.same('OBJECT', 'ENCODING', k);
    await runChecked(p, [[o.contents, k], 'encoding-order', k]);
  }
}
