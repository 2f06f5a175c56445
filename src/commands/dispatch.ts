/**
 * The dispatch gate: Redis's processCommand as a row of small named checks —
 * lookup, arity, auth, pub/sub context, MULTI queueing — then the call with
 * time frozen, errors turned into replies and stats counted. Handlers may
 * assume every gate has passed.
 */
import { Err, ReplyError } from '../errors.js';
import type { Client } from '../net/client.js';
import { CmdFlag, type Command } from './table.js';
import { discardTransaction } from './transactions.js';
import { trackingAfterCall, trackingBeforeCall, trackingRejected, trackingUse } from '../tracking/tracking.js';

/** Resolves argv to a command (or subcommand); replies the error and returns undefined if none. */
function lookup(c: Client, argv: string[]): Command | undefined {
  const name = argv[0];
  // Clients repeat their commands, and the parser hands out the same string
  // for a repeated name, so comparing with the last name (a pointer check
  // when it is that string) usually skips the table lookup.
  let cmd: Command | undefined;
  if (name === c.lastLookupName) cmd = c.lastLookup;
  else {
    cmd = c.server.commands.get(name);
    c.lastLookupName = name;
    c.lastLookup = cmd;
  }
  if (cmd === undefined) {
    c.error(Err.unknownCommand(argv[0], argv.slice(1)));
    return undefined;
  }
  if (cmd.subcommands === undefined || argv.length < 2) return cmd;
  const sub = cmd.subcommands.get(argv[1].toLowerCase());
  if (sub === undefined) {
    c.error(Err.unknownSubcommand(argv[1], cmd.fullName));
    return undefined;
  }
  return sub;
}

function arityOk(cmd: Command, argc: number): boolean {
  const a = cmd.arity;
  return a > 0 ? argc === a : argc >= -a;
}

/** Commands that run immediately even inside MULTI. */
const MULTI_PASSTHROUGH = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);
/** The only commands a RESP2 client in subscribe mode may run. */
const PUBSUB_ALLOWED = new Set(['subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'ping', 'quit', 'reset']);

/** Runs one client request through the gates and, if admitted, executes it. */
export function dispatch(c: Client, argv: string[]): void {
  const cmd = lookup(c, argv);
  if (cmd === undefined) return rejected(c, undefined);
  // Redis records the last command at lookup, so a queued or refused command shows in CLIENT LIST.
  c.lastCommand = cmd;
  if (!arityOk(cmd, argv.length)) {
    return refuse(c, cmd, Err.wrongArity(cmd.fullName));
  }
  if (!c.authenticated && !cmd.has(CmdFlag.NoAuth) && c.server.requiresAuth()) {
    return refuse(c, cmd, Err.noAuth);
  }
  const top = cmd.parent ?? cmd;
  if (c.server.persistenceError !== null && deniedByDiskError(c, cmd, top)) return refuse(c, cmd, c.server.persistenceError);
  if (c.subscriptions > 0 && c.resp === 2 && !PUBSUB_ALLOWED.has(top.name)) {
    return refuse(
      c,
      cmd,
      `ERR Can't execute '${cmd.fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
    );
  }
  // CLIENT PAUSE: the command waits (neither runs nor fails) until the pause ends.
  if (c.server.pause.active && c.server.pause.holds(c, cmd)) return c.server.pause.postpone(c, argv);
  if (c.multi !== null && !MULTI_PASSTHROUGH.has(top.name)) {
    if (cmd.has(CmdFlag.NoMulti)) {
      c.error(`ERR Command not allowed inside a transaction`);
      return rejected(c, cmd);
    }
    c.multi.push({ cmd, argv });
    c.simple('QUEUED');
    return;
  }
  call(c, cmd, argv);
}

/**
 * The disk-error gate (Redis's writeCommandsDeniedByDiskError check): while
 * the AOF cannot be written, write commands, an EXEC with queued writes and
 * (a Redis quirk) PING are refused with MISCONF; reads keep working.
 */
function deniedByDiskError(c: Client, cmd: Command, top: Command): boolean {
  if (cmd.has(CmdFlag.Write) || top.name === 'ping') return true;
  return top.name === 'exec' && c.multi !== null && c.multi.some((q) => q.cmd.has(CmdFlag.Write));
}

/**
 * A gate refused `cmd` with error `msg`. A refused EXEC (even outside MULTI)
 * answers EXECABORT with the reason and drops the transaction, as Redis's
 * rejectCommand does.
 */
function refuse(c: Client, cmd: Command, msg: string): void {
  if (cmd.parent === undefined && cmd.name === 'exec') {
    cmd.stats.rejectedCalls++;
    c.error('EXECABORT Transaction discarded because of: ' + (msg.startsWith('ERR ') ? msg.slice(4) : msg));
    discardTransaction(c);
    return;
  }
  c.error(msg);
  rejected(c, cmd);
}

/** A gate refused the command: count it, and poison a transaction being queued. */
function rejected(c: Client, cmd: Command | undefined): void {
  if (cmd !== undefined) cmd.stats.rejectedCalls++;
  if (c.multi !== null) c.multiDirty = true;
  if (trackingUse.clients !== 0) trackingRejected(c, cmd);
}

/**
 * Executes an admitted command. `nested` calls (inside EXEC or a script) keep
 * the enclosing command's frozen time.
 */
export function call(c: Client, cmd: Command, argv: string[], nested = false): void {
  const server = c.server;
  const start = server.beginTiming(cmd.stats);
  if (!nested) server.freezeTime(start);
  const errorsBefore = server.stats.errorReplies;
  const mark = c.out.length;
  // An AOF rewrite copies the keys this command may write before they change.
  if (server.beforeWrite !== null) server.beforeWrite(c, cmd, argv);
  // Likewise a BGSAVE in progress (point-in-time snapshot).
  if (server.snapshotBeforeWrite !== null) server.snapshotBeforeWrite(c, cmd, argv);
  // Client-side caching: note the executing client (one counter check while nobody tracks).
  const trackingPrev = trackingUse.clients !== 0 ? trackingBeforeCall(c, nested) : undefined;
  try {
    cmd.handler!(c, argv);
  } catch (e) {
    if (e instanceof ReplyError) c.error(e.message);
    else {
      server.log('warning', `internal error in '${cmd.fullName}': ${(e as Error).stack ?? e}`);
      c.error(`ERR internal error while executing '${cmd.fullName}'`);
    }
  }
  // Redis feeds monitors after the call, so the line shows the db the command left selected.
  if (server.monitors.size !== 0 && !cmd.has(CmdFlag.SkipMonitor) && !cmd.has(CmdFlag.Admin)) server.feedMonitors(c, argv);
  const stats = cmd.stats;
  stats.calls++;
  if (server.stats.errorReplies !== errorsBefore) stats.failedCalls++;
  server.stats.commandsProcessed++;
  // Clients blocked on keys this command fed are served once it is complete.
  if (!nested) server.blocking.handleReady();
  c.lastCommand = cmd;
  if (c.replyOff || c.replySkip) {
    c.out = c.out.slice(0, mark);
    c.replySkip = false;
  }
  if (c.replySkipNext) {
    c.replySkipNext = false;
    c.replySkip = true;
  }
  // Keys read by a tracking client; its own invalidations go out after its reply.
  if (trackingPrev !== undefined || trackingUse.clients !== 0) trackingAfterCall(c, cmd, argv, nested, trackingPrev);
}
