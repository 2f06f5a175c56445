/**
 * The commands that rebuild one key, per value type, as an AOF rewrite
 * writes them: SET for strings; RPUSH / SADD / ZADD / HMSET for aggregates,
 * at most 64 elements per command (Redis's AOF_REWRITE_ITEMS_PER_CMD); then
 * PEXPIREAT when the key has a TTL. ZADD scores use %.17g like Redis's
 * rioWriteBulkDouble. A type without an entry (streams, until they exist)
 * makes the rewrite fail rather than silently drop the key.
 */
import type { HashValue } from '../../types/hash.js';
import type { ListValue } from '../../types/list.js';
import type { SetValue } from '../../types/set.js';
import type { ObjectValue, Value } from '../../types/value.js';
import type { ZSet } from '../../types/zset.js';
import { formatDouble } from '../../protocol/number-format.js';
import { encodeCommand } from './encode.js';

/** Elements per rebuilding command (Redis's AOF_REWRITE_ITEMS_PER_CMD). */
export const ITEMS_PER_CMD = 64;

type Rewriter = (key: string, v: ObjectValue) => string;

/** Emits `name key e1 e2 ...` in batches of ITEMS_PER_CMD units (a unit is `per` arguments). */
class Batcher {
  private args: string[] = [];
  private units = 0;
  out = '';
  constructor(
    private readonly name: string,
    private readonly key: string,
  ) {}
  add(...unit: string[]): void {
    for (const a of unit) this.args.push(a);
    if (++this.units === ITEMS_PER_CMD) this.end();
  }
  end(): string {
    if (this.units > 0) this.out += encodeCommand([this.name, this.key, ...this.args]);
    this.args = [];
    this.units = 0;
    return this.out;
  }
}

/** The per-type table; other helpers' types register here as they land. */
export const REWRITERS: Partial<Record<ObjectValue['type'], Rewriter>> = {
  list: (key, v) => {
    const b = new Batcher('RPUSH', key);
    (v as ListValue).scan(0, false, (e) => void b.add(e));
    return b.end();
  },
  set: (key, v) => {
    const b = new Batcher('SADD', key);
    for (const m of v as SetValue) b.add(m);
    return b.end();
  },
  zset: (key, v) => {
    const b = new Batcher('ZADD', key);
    (v as ZSet).forEach((m, score) => b.add(formatDouble(score), m));
    return b.end();
  },
  hash: (key, v) => {
    const b = new Batcher('HMSET', key);
    (v as HashValue).forEach((f, val) => b.add(f, val));
    return b.end();
  },
};

/** Thrown when a value's type has no rewriter. */
export class UnsupportedTypeError extends Error {}

/** The commands that rebuild `key` with value `v` and absolute expiry `expireAt` (-1: none). */
export function rewriteKey(key: string, v: Value, expireAt: number): string {
  let out: string;
  if (typeof v === 'string') out = encodeCommand(['SET', key, v]);
  else {
    const fn = REWRITERS[v.type];
    if (fn === undefined) throw new UnsupportedTypeError(`AOF rewrite: no rewrite function for type '${v.type}'`);
    out = fn(key, v);
  }
  if (expireAt !== -1) out += encodeCommand(['PEXPIREAT', key, String(expireAt)]);
  return out;
}
