/**
 * CLIENT subcommands.
 */
import type { CommandDef } from './table.js';

export const clientCommands: CommandDef[] = [];
