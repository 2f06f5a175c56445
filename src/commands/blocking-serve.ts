/**
 * What every blocking command (BLPOP BLMPOP BLMOVE BRPOPLPUSH, BZPOPMIN
 * BZPOPMAX BZMPOP) does before it waits: serve now if it can, or block.
 * The family says where data can come from and how to serve it; the
 * blocking manager (src/keyspace/blocking.ts) re-runs the handler when a key
 * it waits on gets data.
 */
import type { Client } from '../net/client.js';

/** Where a blocking command can take data from. */
export interface BlockingSource<V> {
  /** The value at `key` if it can serve a woken client now (undefined: keep waiting). */
  woken(c: Client, key: string): V | undefined;
  /** The first of `keys` that can serve, with its value, else null (WRONGTYPE thrown as a lookup would). */
  first(c: Client, keys: string[]): [string, V] | null;
}

/** A blocking call: its arguments, the keys it waits on and its timeout (ms, 0 = forever). */
export interface BlockingCall {
  argv: string[];
  keys: string[];
  timeoutMs: number;
  /** The reply inside MULTI/EXEC when nothing can be served (default: the timeout's null array). */
  inExec?: (c: Client) => void;
}

/**
 * Serves `call` now or blocks it. A woken client (re-run by the blocking
 * manager) is served only from the key that became ready, as Redis 7.0
 * does, and keeps waiting if that key cannot serve it (emptied again, or
 * now another type). A first call serves from the first key that can;
 * inside MULTI/EXEC, where nothing may block, it answers as if the timeout
 * had passed; otherwise the client blocks on all its keys, with a null
 * array as the timeout reply (Redis's reply for every list and zset wait).
 */
export function serveOrBlock<V>(c: Client, call: BlockingCall, source: BlockingSource<V>, serve: (key: string, v: V) => void): void {
  const woken = c.server.blocking.servingKey;
  if (woken !== null) {
    const v = source.woken(c, woken);
    if (v !== undefined) return serve(woken, v);
  } else {
    const found = source.first(c, call.keys);
    if (found !== null) return serve(found[0], found[1]);
    if (c.inExec) return (call.inExec ?? nullArray)(c);
  }
  const cmd = c.server.commands.get(call.argv[0])!;
  c.server.blocking.block(c, cmd, call.argv, call.keys, call.timeoutMs, nullArray);
}

function nullArray(c: Client): void {
  c.nilArray();
}
