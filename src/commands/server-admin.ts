/**
 * Server commands.
 */
import { Err, fail } from '../errors.js';
import type { Client } from '../net/client.js';
import { isWord } from './args.js';
import type { CommandDef } from './table.js';

/** Parses the optional ASYNC|SYNC of FLUSHDB/FLUSHALL. */
function flushMode(argv: string[]): void {
  if (argv.length > 2 || (argv.length === 2 && !isWord(argv[1], 'ASYNC') && !isWord(argv[1], 'SYNC'))) fail(Err.syntax);
}

// FLUSHDB [ASYNC | SYNC]
function flushdb(c: Client, argv: string[]): void {
  flushMode(argv);
  c.db.clear();
  c.server.propagate(c.db.id, ['FLUSHDB']);
  c.ok();
}

// FLUSHALL [ASYNC | SYNC]
function flushall(c: Client, argv: string[]): void {
  flushMode(argv);
  for (const db of c.server.dbs) db.clear();
  c.server.propagate(c.db.id, ['FLUSHALL']);
  c.ok();
}

// DBSIZE
function dbsize(c: Client): void {
  c.integer(c.db.size);
}

export const serverCommands: CommandDef[] = [
  { name: 'flushdb', handler: flushdb },
  { name: 'flushall', handler: flushall },
  { name: 'dbsize', handler: dbsize },
];
