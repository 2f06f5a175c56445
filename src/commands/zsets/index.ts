/**
 * The sorted-set family's registration rows.
 */
import type { CommandDef } from '../table.js';
import { zsetPopCommands } from './pop.js';
import { zsetRangeCommands } from './range.js';
import { zsetReadCommands } from './read.js';
import { zsetSetOpCommands } from './setops.js';
import { zsetWriteCommands } from './write.js';

export const zsetCommands: CommandDef[] = [
  ...zsetWriteCommands,
  ...zsetReadCommands,
  ...zsetRangeCommands,
  ...zsetSetOpCommands,
  ...zsetPopCommands,
];
