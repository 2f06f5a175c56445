/**
 * Persistence commands: BGREWRITEAOF, and the AOF fields of INFO
 * persistence (exported for info.ts).
 */
import type { Client } from '../net/client.js';
import type { Server } from '../server.js';
import type { CommandDef } from './table.js';

// BGREWRITEAOF
function bgrewriteaof(c: Client): void {
  const aof = c.server.aof;
  if (aof.job !== null) {
    c.error('ERR Background append only file rewriting already in progress');
    return;
  }
  const err = aof.startRewrite();
  // Redis answers with a generic text and leaves the reason to the log.
  if (err !== null) c.error("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.");
  else c.simple('Background append only file rewriting started');
}

/** INFO persistence's AOF fields, in Redis 7.0's order, from aof_enabled to module_fork_last_cow_size. */
export function aofInfoFields(s: Server): Array<[string, string | number]> {
  const aof = s.aof;
  return [
    ['aof_enabled', aof.state === 'off' ? 0 : 1],
    ['aof_rewrite_in_progress', aof.job === null ? 0 : 1],
    ['aof_rewrite_scheduled', aof.rewriteScheduled ? 1 : 0],
    ['aof_last_rewrite_time_sec', aof.lastRewriteTimeSec],
    ['aof_current_rewrite_time_sec', aof.currentRewriteSec()],
    ['aof_last_bgrewrite_status', aof.lastRewriteOk ? 'ok' : 'err'],
    ['aof_rewrites', aof.rewrites],
    ['aof_rewrites_consecutive_failures', aof.consecutiveFailures],
    ['aof_last_write_status', aof.writeError === null ? 'ok' : 'err'],
    // No fork: there is no copy-on-write to report.
    ['aof_last_cow_size', 0],
    ['module_fork_in_progress', 0],
    ['module_fork_last_cow_size', 0],
  ];
}

/** The fields Redis adds after module_fork_last_cow_size while AOF is on. */
export function aofEnabledInfoFields(s: Server): Array<[string, string | number]> {
  const aof = s.aof;
  if (aof.state === 'off') return [];
  return [
    ['aof_current_size', aof.currentSize],
    ['aof_base_size', aof.rewriteBaseSize],
    ['aof_pending_rewrite', aof.rewriteScheduled ? 1 : 0],
    ['aof_buffer_length', aof.bufferLength],
    ['aof_pending_bio_fsync', aof.fsyncInProgress ? 1 : 0],
    ['aof_delayed_fsync', 0],
  ];
}

export const persistenceCommands: CommandDef[] = [{ name: 'bgrewriteaof', handler: bgrewriteaof }];
