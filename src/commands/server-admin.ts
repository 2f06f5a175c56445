/**
 * Server commands.
 */
import { Err, fail } from '../errors.js';
import type { Client } from '../net/client.js';
import { isWord } from './args.js';
import type { CommandDef } from './table.js';
import { afterFlushall, shutdownSave } from '../persistence/rdb/manager.js';

/** Parses the optional ASYNC|SYNC of FLUSHDB/FLUSHALL. */
function flushMode(argv: string[]): void {
  if (argv.length > 2 || (argv.length === 2 && !isWord(argv[1], 'ASYNC') && !isWord(argv[1], 'SYNC'))) fail(Err.syntax);
}

// FLUSHDB [ASYNC | SYNC]
// Database.clear() swaps in empty dictionaries in O(1) and leaves the old
// ones to the garbage collector: ASYNC's lazy free, so both modes behave alike.
function flushdb(c: Client, argv: string[]): void {
  flushMode(argv);
  const removed = c.db.size;
  c.db.clear();
  // Redis counts the keys removed (an empty database: no change, still propagated).
  c.server.propagate(c.db.id, ['FLUSHDB'], removed);
  c.ok();
}

// FLUSHALL [ASYNC | SYNC]
function flushall(c: Client, argv: string[]): void {
  flushMode(argv);
  let removed = 0;
  for (const db of c.server.dbs) {
    removed += db.size;
    db.clear();
  }
  // Redis counts the keys removed, then (with save points) the empty dump.rdb
  // it writes resets the count: FLUSHALL itself adds nothing after the save.
  c.server.dirty += removed;
  // A BGSAVE in progress is abandoned; with save points an empty dump.rdb is written.
  afterFlushall(c.server);
  c.server.propagate(c.db.id, ['FLUSHALL'], 0);
  c.ok();
}

// DBSIZE
function dbsize(c: Client): void {
  c.integer(c.db.size);
}

// MONITOR
function monitor(c: Client): void {
  if (c.server.monitors.has(c)) return;
  c.server.monitors.add(c);
  c.ok();
}

/** SHUTDOWN's options; Redis rejects NOSAVE with SAVE, and ABORT with anything else. */
function shutdownOptions(argv: string[]): { abort: boolean; save: boolean; nosave: boolean; force: boolean } {
  let save = false;
  let nosave = false;
  let abort = false;
  let others = false;
  let force = false;
  for (const a of argv.slice(1)) {
    if (isWord(a, 'NOSAVE')) nosave = true;
    else if (isWord(a, 'SAVE')) save = true;
    else if (isWord(a, 'NOW')) others = true;
    else if (isWord(a, 'FORCE')) others = force = true;
    else if (isWord(a, 'ABORT')) abort = true;
    else fail(Err.syntax);
  }
  if ((save && nosave) || (abort && (save || nosave || others))) fail(Err.syntax);
  return { abort, save, nosave, force };
}

// SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]
function shutdown(c: Client, argv: string[]): void {
  const flags = shutdownOptions(argv);
  const abort = flags.abort;
  // Shutdown is immediate (nothing to save, no replicas to wait for), so none is ever in progress.
  if (abort) fail('ERR No shutdown in progress.');
  const server = c.server;
  if (server.onShutdown === null) fail('ERR Errors trying to SHUTDOWN. Check logs.');
  // The final RDB snapshot (with save points, or SAVE); a failed save keeps the server up unless FORCE.
  if (!shutdownSave(server, flags)) fail('ERR Errors trying to SHUTDOWN. Check logs.');
  server.log('warning', 'User requested shutdown...');
  server.shuttingDown = true;
  // Like Redis, the client gets no reply: the connection just closes.
  c.closeAfterReply = true;
  server.onShutdown();
}

// TIME
function time(c: Client): void {
  const us = BigInt(Math.round(performance.timeOrigin * 1000 + performance.now() * 1000));
  c.array(2);
  c.bulk(String(us / 1000000n));
  c.bulk(String(us % 1000000n));
}

// LASTSAVE
function lastsave(c: Client): void {
  c.integer(c.server.lastSave);
}

export const serverCommands: CommandDef[] = [
  { name: 'monitor', handler: monitor },
  { name: 'shutdown', handler: shutdown },
  { name: 'time', handler: time },
  { name: 'lastsave', handler: lastsave },
  { name: 'flushdb', handler: flushdb },
  { name: 'flushall', handler: flushall },
  { name: 'dbsize', handler: dbsize },
];
