/**
 * CLIENT subcommands (ID SETNAME GETNAME LIST INFO KILL PAUSE UNPAUSE REPLY
 * NO-EVICT UNBLOCK HELP). TRACKING and its companions live elsewhere.
 */
import { Err, fail } from '../errors.js';
import type { Client } from '../net/client.js';
import type { Server } from '../server.js';
import { parseInt64 } from '../types/int64.js';
import { isWord } from './args.js';
import { writeHelp } from './command.js';
import { validClientName } from './connection.js';
import type { CommandDef } from './table.js';
import { clientCachingCmd, clientGetredirCmd, clientTrackingCmd, clientTrackinginfoCmd } from '../tracking/commands.js';
import { trackingRedirOf } from '../tracking/tracking.js';

type ClientType = 'normal' | 'replica' | 'master' | 'pubsub';

/** Parses a CLIENT LIST/KILL TYPE name (slave is replica's old name). */
function clientType(name: string): ClientType {
  const n = name.toLowerCase();
  if (n === 'normal' || n === 'master' || n === 'pubsub') return n;
  if (n === 'replica' || n === 'slave') return 'replica';
  fail(`ERR Unknown client type '${name}'`);
}

function typeOf(c: Client): ClientType {
  // A monitor is a normal client; pub/sub is set once subscribed to anything.
  return c.subscriptions > 0 ? 'pubsub' : 'normal';
}

/** Redis's order of the CLIENT LIST flag letters. */
const FLAG_ORDER = 'OSMPxbtRBdcuAUre';

function flagsOf(c: Client): string {
  let f = c.flagsExtra;
  if (c.server.monitors.has(c)) f += 'O';
  if (c.subscriptions > 0) f += 'P';
  if (c.multi !== null) f += 'x';
  if (c.blocked !== null || c.postponed !== null) f += 'b';
  if (c.closeAfterReply) f += 'c';
  if (c.noEvict) f += 'e';
  const sorted = [...new Set(f)].sort((a, b) => FLAG_ORDER.indexOf(a) - FLAG_ORDER.indexOf(b)).join('');
  return sorted === '' ? 'N' : sorted;
}

function fdOf(c: Client): number {
  const handle = (c.socket as unknown as { _handle?: { fd?: number } } | null)?._handle;
  return typeof handle?.fd === 'number' ? handle.fd : -1;
}

function argvBytes(argv: readonly string[] | null | undefined): number {
  let n = 0;
  if (argv) for (const a of argv) n += a.length;
  return n;
}

/**
 * One CLIENT LIST / CLIENT INFO line, fields in Redis 7.0's order.
 * `current` is the command being executed when `c` is the caller (Redis has
 * already recorded it as the client's last command).
 */
export function clientInfoLine(c: Client, current?: { name: string; argv: string[] }): string {
  const now = Date.now();
  const qbuf = c.parser.pendingBytes;
  const multiMem = c.multi === null ? 0 : c.multi.reduce((n, q) => n + argvBytes(q.argv), 0);
  const argvMem = current !== undefined ? argvBytes(current.argv) : argvBytes(c.postponed);
  const cmd = current?.name ?? c.lastCommand?.fullName ?? 'NULL';
  const omem = c.out.length + (c.writer?.queuedBytes ?? 0);
  const fields: Array<[string, string | number]> = [
    ['id', c.id],
    ['addr', c.addr],
    ['laddr', c.laddr],
    ['fd', fdOf(c)],
    ['name', c.name],
    ['age', Math.floor((now - c.createdAt) / 1000)],
    ['idle', Math.floor((now - c.lastInteraction) / 1000)],
    ['flags', flagsOf(c)],
    ['db', c.db.id],
    ['sub', c.server.pubsub.namesOf(c, 'channel').length],
    ['psub', c.server.pubsub.namesOf(c, 'pattern').length],
    ['ssub', c.server.pubsub.namesOf(c, 'shard').length],
    ['multi', c.multi === null ? -1 : c.multi.length],
    ['qbuf', qbuf],
    ['qbuf-free', qbuf === 0 ? 0 : Math.max(0, 20474 - qbuf)],
    ['argv-mem', argvMem],
    ['multi-mem', multiMem],
    ['rbs', 16384],
    ['rbp', 16384],
    ['obl', 0],
    ['oll', 0],
    ['omem', omem],
    ['tot-mem', 20474 + 16384 + qbuf + argvMem + multiMem + omem],
    ['events', omem > 0 ? 'rw' : 'r'],
    ['cmd', cmd],
    ['user', c.user],
    ['redir', trackingRedirOf(c)],
    ['resp', c.resp],
  ];
  return fields.map(([k, v]) => `${k}=${v}`).join(' ');
}

// CLIENT ID
function id(c: Client): void {
  c.integer(c.id);
}

// CLIENT SETNAME connection-name
function setname(c: Client, argv: string[]): void {
  if (!validClientName(argv[2])) fail('ERR Client names cannot contain spaces, newlines or special characters.');
  c.name = argv[2];
  c.ok();
}

// CLIENT GETNAME
function getname(c: Client): void {
  if (c.name === '') c.nil();
  else c.bulk(c.name);
}

/** Parses CLIENT LIST's one option: TYPE type | ID id [id ...]. */
function listFilter(c: Client, argv: string[]): Client[] {
  const all = [...c.server.clients.values()];
  if (argv.length === 2) return all;
  if (isWord(argv[2], 'TYPE') && argv.length === 4) {
    const t = clientType(argv[3]);
    return all.filter((x) => typeOf(x) === t);
  }
  if (isWord(argv[2], 'ID') && argv.length >= 4) {
    const out: Client[] = [];
    for (const raw of argv.slice(3)) {
      // Any 64-bit integer is accepted; ids below 1 just match nobody.
      const cid = parseInt64(raw);
      if (cid === null) fail('ERR Invalid client ID');
      const found = c.server.clients.get(Number(cid));
      if (found !== undefined) out.push(found);
    }
    return out;
  }
  fail(Err.syntax);
}

/** A client id argument: an integer >= 1, else `msg`. */
function positiveId(raw: string, msg: string): number {
  if (!/^-?[0-9]+$/.test(raw) || raw.length > 20) fail(msg);
  const n = Number(raw);
  if (!(n >= 1)) fail(msg);
  return n;
}

// CLIENT LIST [TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]]
function list(c: Client, argv: string[]): void {
  const clients = listFilter(c, argv);
  let text = '';
  for (const x of clients) text += clientInfoLine(x, x === c ? { name: 'client|list', argv } : undefined) + '\n';
  c.verbatim(text);
}

// CLIENT INFO
function info(c: Client, argv: string[]): void {
  c.verbatim(clientInfoLine(c, { name: 'client|info', argv }) + '\n');
}

interface KillFilter {
  id?: number;
  addr?: string;
  laddr?: string;
  type?: ClientType;
  user?: string;
  skipMe: boolean;
}

function parseKillFilter(argv: string[]): KillFilter {
  const f: KillFilter = { skipMe: true };
  for (let i = 2; i < argv.length; i += 2) {
    const opt = argv[i].toLowerCase();
    const val = argv[i + 1];
    if (val === undefined) fail(Err.syntax);
    if (opt === 'id') f.id = positiveId(val, 'ERR client-id should be greater than 0');
    else if (opt === 'type') f.type = clientType(val);
    else if (opt === 'addr') f.addr = val;
    else if (opt === 'laddr') f.laddr = val;
    else if (opt === 'user') {
      // Only the default user exists until ACL lands.
      if (val !== 'default') fail(`ERR No such user '${val}'`);
      f.user = val;
    } else if (opt === 'skipme') {
      if (isWord(val, 'yes')) f.skipMe = true;
      else if (isWord(val, 'no')) f.skipMe = false;
      else fail(Err.syntax);
    } else fail(Err.syntax);
  }
  return f;
}

function matches(x: Client, f: KillFilter): boolean {
  return (
    (f.id === undefined || x.id === f.id) &&
    (f.addr === undefined || x.addr === f.addr) &&
    (f.laddr === undefined || x.laddr === f.laddr) &&
    (f.type === undefined || typeOf(x) === f.type) &&
    (f.user === undefined || x.user === f.user)
  );
}

/** Disconnects a client; the caller itself gets its reply first. */
function kill(self: Client, x: Client): void {
  if (x === self) self.closeAfterReply = true;
  else x.close();
}

// CLIENT KILL ip:port | CLIENT KILL <filter value> ...
function killCmd(c: Client, argv: string[]): void {
  if (argv.length === 3) {
    const target = [...c.server.clients.values()].find((x) => x.addr === argv[2]);
    if (target === undefined) fail('ERR No such client');
    kill(c, target);
    return c.ok();
  }
  const f = parseKillFilter(argv);
  let n = 0;
  for (const x of [...c.server.clients.values()]) {
    if (!matches(x, f) || (f.skipMe && x === c)) continue;
    kill(c, x);
    n++;
  }
  c.integer(n);
}

/** Parses a millisecond timeout as Redis's getTimeoutFromObjectOrReply does. */
function pauseTimeout(raw: string): number {
  if (!/^-?[0-9]+$/.test(raw) || raw.length > 19) fail('ERR timeout is not an integer or out of range');
  const n = Number(raw);
  if (n < 0) fail('ERR timeout is negative');
  return n;
}

// CLIENT PAUSE timeout [WRITE | ALL]
function pause(c: Client, argv: string[]): void {
  // Redis only knows this form with 3 or 4 arguments; more is a subcommand syntax error.
  if (argv.length > 4) fail(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try CLIENT HELP.`);
  const ms = pauseTimeout(argv[2]);
  let all = true;
  if (argv.length === 4) {
    if (isWord(argv[3], 'WRITE')) all = false;
    else if (!isWord(argv[3], 'ALL')) fail('ERR CLIENT PAUSE mode must be WRITE or ALL');
  }
  c.server.pause.pause(Math.min(Date.now() + ms, Number.MAX_SAFE_INTEGER), all);
  c.ok();
}

// CLIENT UNPAUSE
function unpause(c: Client): void {
  c.server.pause.unpause();
  c.ok();
}

// CLIENT REPLY ON | OFF | SKIP
function reply(c: Client, argv: string[]): void {
  if (isWord(argv[2], 'ON')) {
    c.replyOff = false;
    c.replySkipNext = false;
    c.ok();
  } else if (isWord(argv[2], 'OFF')) c.replyOff = true;
  else if (isWord(argv[2], 'SKIP')) {
    if (!c.replyOff) c.replySkipNext = true;
  } else fail(Err.syntax);
}

// CLIENT NO-EVICT ON | OFF
function noEvict(c: Client, argv: string[]): void {
  if (isWord(argv[2], 'ON')) c.noEvict = true;
  else if (isWord(argv[2], 'OFF')) c.noEvict = false;
  else fail(Err.syntax);
  c.ok();
}

/** Hook for CLIENT UNBLOCK: ends a blocking wait; false if `target` was not blocked. */
function unblockClient(server: Server, target: Client, error: boolean): boolean {
  // Clients held by CLIENT PAUSE are not blocked by a command: UNBLOCK does not apply.
  return server.blocking.unblock(target, error ? 'UNBLOCKED client unblocked via CLIENT UNBLOCK' : undefined);
}

// CLIENT UNBLOCK client-id [TIMEOUT | ERROR]
function unblock(c: Client, argv: string[]): void {
  if (argv.length > 4) fail(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try CLIENT HELP.`);
  const cid = parseInt64(argv[2]);
  if (cid === null) fail(Err.notInteger);
  let error = false;
  if (argv.length === 4) {
    if (isWord(argv[3], 'ERROR')) error = true;
    else if (!isWord(argv[3], 'TIMEOUT')) fail('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
  }
  const target = c.server.clients.get(Number(cid));
  c.integer(target !== undefined && unblockClient(c.server, target, error) ? 1 : 0);
}

const HELP = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
  'HELP',
  '    Prints this help.',
];

export const clientCommands: CommandDef[] = [
  { name: 'client|id', handler: id },
  { name: 'client|setname', handler: setname },
  { name: 'client|getname', handler: getname },
  { name: 'client|list', handler: list },
  { name: 'client|info', handler: info },
  { name: 'client|kill', handler: killCmd },
  { name: 'client|pause', handler: pause },
  { name: 'client|unpause', handler: unpause },
  { name: 'client|reply', handler: reply },
  { name: 'client|no-evict', handler: noEvict },
  { name: 'client|unblock', handler: unblock },
  { name: 'client|help', handler: (c) => writeHelp(c, HELP) },
  { name: 'client|tracking', handler: clientTrackingCmd },
  { name: 'client|caching', handler: clientCachingCmd },
  { name: 'client|getredir', handler: clientGetredirCmd },
  { name: 'client|trackinginfo', handler: clientTrackinginfoCmd },
];
