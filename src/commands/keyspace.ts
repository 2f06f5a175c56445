/**
 * Generic keyspace commands.
 */
import type { CommandDef } from './table.js';

export const keyspaceCommands: CommandDef[] = [];
