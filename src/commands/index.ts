/**
 * Every command family's registration rows, in one list for the table.
 */
import { bitmapCommands } from './bitmaps.js';
import { clientCommands } from './client.js';
import { commandCommands } from './command.js';
import { configCommands } from './config.js';
import { connectionCommands } from './connection.js';
import { debugCommands } from './debug.js';
import { geoCommands } from './geo.js';
import { hashCommands } from './hashes.js';
import { hyperloglogCommands } from './hyperloglog.js';
import { infoCommands } from './info.js';
import { keyspaceCommands } from './keyspace/index.js';
import { listCommands } from './lists/index.js';
import { migrateCommands } from './migrate.js';
import { persistenceCommands } from './persistence.js';
import { pubsubCommands } from './pubsub.js';
import { rdbCommands } from './rdb.js';
import { serverCommands } from './server-admin.js';
import { setCommands } from './sets.js';
import { sortCommands } from './sort.js';
import { stringCommands } from './strings.js';
import type { CommandDef } from './table.js';
import { transactionCommands } from './transactions.js';
import { zsetCommands } from './zsets/index.js';

export const ALL_COMMANDS: readonly CommandDef[] = [
  ...connectionCommands,
  ...stringCommands,
  ...bitmapCommands,
  ...hyperloglogCommands,
  ...keyspaceCommands,
  ...serverCommands,
  ...clientCommands,
  ...infoCommands,
  ...commandCommands,
  ...debugCommands,
  ...configCommands,
  ...transactionCommands,
  ...pubsubCommands,
  ...zsetCommands,
  ...geoCommands,
  ...sortCommands,
  ...listCommands,
  ...hashCommands,
  ...setCommands,
  ...persistenceCommands,
  ...rdbCommands,
  ...migrateCommands,
];
