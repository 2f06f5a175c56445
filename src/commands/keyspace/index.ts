/**
 * Generic keyspace commands (Redis's "generic" group), split by theme:
 * basic.ts (DEL, EXISTS, RENAME, COPY, MOVE, SWAPDB...), expire.ts (EXPIRE
 * and TTL families, PERSIST), scan.ts (KEYS, SCAN), object.ts (OBJECT).
 */
import type { CommandDef } from '../table.js';
import { basicKeyspaceCommands } from './basic.js';
import { expireCommands } from './expire.js';
import { objectCommands } from './object.js';
import { scanCommands } from './scan.js';

export const keyspaceCommands: CommandDef[] = [...basicKeyspaceCommands, ...expireCommands, ...scanCommands, ...objectCommands];
