/**
 * Transactions: MULTI EXEC DISCARD WATCH UNWATCH. Queueing itself happens in
 * the dispatch gate (`c.multi`); a command refused at queue time sets
 * `c.multiDirty` and EXEC then aborts the whole transaction. Errors raised
 * while the queued commands run (syntax, WRONGTYPE) are just elements of
 * EXEC's reply. WATCH bookkeeping lives in src/keyspace/watch.ts.
 */
import { fail } from '../errors.js';
import type { Client } from '../net/client.js';
import type { Server } from '../server.js';
import { call } from './dispatch.js';
import type { CommandDef } from './table.js';

/** Leaves MULTI state: drops the queue, the dirty mark and every WATCH. */
export function discardTransaction(c: Client): void {
  c.multi = null;
  c.multiDirty = false;
  c.server.watches.unwatchAll(c);
}

// MULTI
function multi(c: Client): void {
  if (c.multi !== null) fail('ERR MULTI calls can not be nested');
  c.multi = [];
  c.multiDirty = false;
  c.ok();
}

// DISCARD
function discard(c: Client): void {
  if (c.multi === null) fail('ERR DISCARD without MULTI');
  discardTransaction(c);
  c.ok();
}

// EXEC
function exec(c: Client): void {
  if (c.multi === null) fail('ERR EXEC without MULTI');
  const server = c.server;
  if (c.multiDirty) {
    discardTransaction(c);
    c.error('EXECABORT Transaction discarded because of previous errors.');
    return;
  }
  // A watched key changed, or (Redis 7.0) one alive at WATCH time has expired since.
  if (server.watches.execMustFail(c)) {
    discardTransaction(c);
    c.nilArray();
    return;
  }
  const queued = c.multi;
  discardTransaction(c);
  c.array(queued.length);
  const outer = server.propagationBuffer;
  const effects = outer ?? [];
  server.propagationBuffer = effects;
  c.inExec = true;
  try {
    // Nested calls: the time frozen for EXEC holds for every queued command.
    for (const q of queued) call(c, q.cmd, q.argv, true);
  } finally {
    c.inExec = false;
    if (outer === null) {
      server.propagationBuffer = null;
      emitEffects(server, effects);
    }
  }
}

/**
 * Feeds EXEC's effects to the sinks; more than one is wrapped in MULTI/EXEC
 * (as Redis 7.0 wraps any execution unit that propagates several commands),
 * the wrappers carrying no database (-1).
 */
function emitEffects(server: Server, effects: Array<{ dbId: number; argv: string[] }>): void {
  if (effects.length === 0) return;
  const wrap = effects.length > 1;
  for (const sink of server.propagationSinks) {
    if (wrap) sink(-1, ['MULTI']);
    for (const e of effects) sink(e.dbId, e.argv);
    if (wrap) sink(-1, ['EXEC']);
  }
}

// WATCH key [key ...]
function watch(c: Client, argv: string[]): void {
  if (c.multi !== null) fail('ERR WATCH inside MULTI is not allowed');
  for (let i = 1; i < argv.length; i++) c.server.watches.watch(c, c.db, argv[i]);
  c.ok();
}

// UNWATCH
function unwatch(c: Client): void {
  c.server.watches.unwatchAll(c);
  c.ok();
}

export const transactionCommands: CommandDef[] = [
  { name: 'multi', handler: multi },
  { name: 'exec', handler: exec },
  { name: 'discard', handler: discard },
  { name: 'watch', handler: watch },
  { name: 'unwatch', handler: unwatch },
];
