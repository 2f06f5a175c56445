/**
 * Blocking list commands: BLPOP BRPOP BLMPOP BRPOPLPUSH BLMOVE.
 *
 * Each handler first tries to serve like its non-blocking twin. With nothing
 * to serve it blocks (src/keyspace/blocking.ts), or, inside MULTI/EXEC or a
 * script, answers as if the timeout had passed. When a watched key gets data
 * the manager re-runs the handler with `blocking.servingKey` set: Redis 7.0
 * then serves the client from that key only (not from its first non-empty
 * key), and a key that now holds another type leaves the client blocked.
 */
import { parseBlockTimeout } from '../../keyspace/blocking.js';
import type { Client } from '../../net/client.js';
import { ListValue } from '../../types/list.js';
import type { CommandDef } from '../table.js';
import { type End, endArg, popped, writeList } from './common.js';
import { lmoveFrom, mpopFrom, parseMpop } from './move.js';

/** Serves one key: `list` is non-empty. */
type Serve = (key: string, list: ListValue) => void;

/** The non-empty list at the key being served to a woken client, else undefined. */
function wokenList(c: Client, key: string): ListValue | undefined {
  const v = c.db.peek(key);
  return v instanceof ListValue && v.length !== 0 ? v : undefined;
}

function block(c: Client, argv: string[], keys: string[], timeoutMs: number, onTimeout: (c: Client) => void): void {
  const cmd = c.server.commands.get(argv[0])!;
  c.server.blocking.block(c, cmd, argv, keys, timeoutMs, onTimeout);
}

/** Serves from the first non-empty list among `keys` (woken: from the ready key), else blocks. */
function serveOrBlock(c: Client, argv: string[], keys: string[], timeoutMs: number, serve: Serve): void {
  const woken = c.server.blocking.servingKey;
  if (woken !== null) {
    const list = wokenList(c, woken);
    if (list !== undefined) return serve(woken, list);
    return block(c, argv, keys, timeoutMs, nilArray);
  }
  for (const key of keys) {
    const list = writeList(c, key);
    if (list !== undefined && list.length !== 0) return serve(key, list);
  }
  if (c.inExec) return c.nilArray();
  block(c, argv, keys, timeoutMs, nilArray);
}

function nilArray(c: Client): void {
  c.nilArray();
}

// BLPOP|BRPOP key [key ...] timeout
function bpop(c: Client, argv: string[], end: End): void {
  const timeoutMs = parseBlockTimeout(argv[argv.length - 1]);
  serveOrBlock(c, argv, argv.slice(1, -1), timeoutMs, (key, list) => {
    const v = (end === 'head' ? list.popHead() : list.popTail())!;
    popped(c, key, list, end);
    // Propagated as the non-blocking pop it amounted to.
    c.server.propagate(c.db.id, [end === 'head' ? 'LPOP' : 'RPOP', key]);
    c.array(2);
    c.bulk(key);
    c.bulk(v);
  });
}

// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
function blmpop(c: Client, argv: string[]): void {
  // Why this order: Redis parses numkeys/direction/COUNT before the timeout.
  const { keys, end, count } = parseMpop(argv, 2);
  const timeoutMs = parseBlockTimeout(argv[1]);
  serveOrBlock(c, argv, keys, timeoutMs, (key, list) => mpopFrom(c, key, list, end, count));
}

/** BLMOVE/BRPOPLPUSH; `effect` is the propagated command (LMOVE/RPOPLPUSH). */
function bmove(c: Client, argv: string[], from: End, to: End, timeoutMs: number, effect: string[]): void {
  const woken = c.server.blocking.servingKey;
  if (woken !== null) {
    const src = wokenList(c, woken);
    if (src === undefined) return block(c, argv, [argv[1]], timeoutMs, nilArray);
    // A destination of another type ends the wait with WRONGTYPE (thrown by the lookup).
    return lmoveFrom(c, src, argv, from, to, effect);
  }
  const src = writeList(c, argv[1]);
  if (src !== undefined && src.length !== 0) return lmoveFrom(c, src, argv, from, to, effect);
  // Why nil here but a nil array on timeout: Redis 7.0 replies a null bulk
  // inside MULTI, and its timeout path answers every list wait with a null array.
  if (c.inExec) return c.nil();
  block(c, argv, [argv[1]], timeoutMs, nilArray);
}

// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout
function blmove(c: Client, argv: string[]): void {
  const from = endArg(argv[3]);
  const to = endArg(argv[4]);
  const timeoutMs = parseBlockTimeout(argv[5]);
  // Propagated with the client's own LEFT/RIGHT words, served at once or woken.
  bmove(c, argv, from, to, timeoutMs, ['LMOVE', argv[1], argv[2], argv[3], argv[4]]);
}

// BRPOPLPUSH source destination timeout
function brpoplpush(c: Client, argv: string[]): void {
  const timeoutMs = parseBlockTimeout(argv[3]);
  bmove(c, argv, 'tail', 'head', timeoutMs, ['RPOPLPUSH', argv[1], argv[2]]);
}

export const blockingListCommands: CommandDef[] = [
  { name: 'blpop', handler: (c, a) => bpop(c, a, 'head') },
  { name: 'brpop', handler: (c, a) => bpop(c, a, 'tail') },
  { name: 'blmpop', handler: blmpop },
  { name: 'blmove', handler: blmove },
  { name: 'brpoplpush', handler: brpoplpush },
];
