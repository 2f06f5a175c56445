import assert from 'node:assert/strict';
import { readReply, type RespValue } from '../../src/protocol/resp-reader.js';

/** Parses a SCAN reply into its cursor and keys. */
export function parseScanReply(raw: string): { cursor: string; keys: string[] } {
  const r: RespValue = readReply(Buffer.from(raw, 'latin1'))![0];
  assert.ok(r.t === 'array' && r.v !== null && r.v.length === 2, `bad SCAN reply ${raw}`);
  const [cur, list] = r.v;
  assert.ok(cur.t === 'bulk' && list.t === 'array' && list.v !== null);
  return { cursor: String(cur.v), keys: list.v.map((k) => String((k as { v: string }).v)) };
}
