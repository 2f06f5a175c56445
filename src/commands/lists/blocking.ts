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
import { type BlockingSource, serveOrBlock } from '../blocking-serve.js';
import type { CommandDef } from '../table.js';
import { type End, endArg, popped, writeList } from './common.js';
import { lmoveFrom, mpopFrom, parseMpop } from './move.js';

/** Lists that can serve a blocked client: non-empty ones. */
const lists: BlockingSource<ListValue> = {
  woken(c, key) {
    const v = c.db.peek(key);
    return v instanceof ListValue && v.length !== 0 ? v : undefined;
  },
  first(c, keys) {
    for (const key of keys) {
      const list = writeList(c, key);
      if (list !== undefined && list.length !== 0) return [key, list];
    }
    return null;
  },
};

// BLPOP|BRPOP key [key ...] timeout
function bpop(c: Client, argv: string[], end: End): void {
  const timeoutMs = parseBlockTimeout(argv[argv.length - 1]);
  serveOrBlock(c, { argv, keys: argv.slice(1, -1), timeoutMs }, lists, (key, list) => {
    const v = (end === 'head' ? list.popHead() : list.popTail())!;
    popped(c, key, list, end);
    // Propagated as the non-blocking pop it amounted to; counted only when served at once.
    c.server.propagate(c.db.id, [end === 'head' ? 'LPOP' : 'RPOP', key], wokenChanges(c));
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
  serveOrBlock(c, { argv, keys, timeoutMs }, lists, (key, list) => mpopFrom(c, key, list, end, count));
}

/** BLMOVE/BRPOPLPUSH; `effect` is the propagated command (LMOVE/RPOPLPUSH). */
function bmove(c: Client, argv: string[], from: End, to: End, timeoutMs: number, effect: string[]): void {
  // Why nil inside MULTI but a nil array on timeout: Redis 7.0 replies a null
  // bulk there, and its timeout path answers every list wait with a null array.
  const call = { argv, keys: [argv[1]], timeoutMs, inExec: (cl: Client) => cl.nil() };
  // A destination of another type ends the wait with WRONGTYPE (thrown by the lookup).
  serveOrBlock(c, call, lists, (_key, src) => lmoveFrom(c, src, argv, from, to, effect, wokenChanges(c)));
}

/**
 * Why: Redis 7.0 counts a BLPOP/BRPOP/BLMOVE served at once as one change,
 * but serves a woken client outside the command (the pop is propagated, not
 * counted); BLMPOP goes through its counting pop both ways.
 */
function wokenChanges(c: Client): number {
  return c.server.blocking.servingKey === null ? 1 : 0;
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
