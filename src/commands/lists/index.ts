/**
 * List commands, split by theme: basic.ts (one key: push/pop, LRANGE, LSET,
 * LINSERT, LREM, LTRIM, LPOS...), move.ts (RPOPLPUSH, LMOVE, LMPOP) and
 * blocking.ts (BLPOP, BRPOP, BLMPOP, BRPOPLPUSH, BLMOVE). The data structure
 * is src/types/list.ts.
 */
import type { CommandDef } from '../table.js';
import { basicListCommands } from './basic.js';
import { blockingListCommands } from './blocking.js';
import { moveListCommands } from './move.js';

export const listCommands: CommandDef[] = [...basicListCommands, ...moveListCommands, ...blockingListCommands];
