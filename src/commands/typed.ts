/**
 * Typed key lookups shared by the aggregate families: the value if it has the
 * expected type, undefined if the key is missing, WRONGTYPE otherwise.
 */
import { Err, fail } from '../errors.js';
import type { Client } from '../net/client.js';
import type { ObjectValue } from '../types/value.js';

/** Lookup for a read command (counts keyspace hits/misses). */
export function readTyped<T extends ObjectValue>(c: Client, key: string, type: T['type']): T | undefined {
  const v = c.db.get(key);
  if (v === undefined) return undefined;
  if (typeof v === 'string' || v.type !== type) fail(Err.wrongType);
  return v as T;
}

/** Lookup for a write command (no hit/miss counting). */
export function writeTyped<T extends ObjectValue>(c: Client, key: string, type: T['type']): T | undefined {
  const v = c.db.peek(key);
  if (v === undefined) return undefined;
  if (typeof v === 'string' || v.type !== type) fail(Err.wrongType);
  return v as T;
}
