/**
 * Connection commands: PING ECHO QUIT RESET HELLO AUTH SELECT.
 */
import { Err, fail } from '../errors.js';
import type { Client } from '../net/client.js';
import { REDIS_VERSION } from '../version.js';
import { intArg, isWord } from './args.js';
import type { CommandDef } from './table.js';

// PING [message]
function ping(c: Client, argv: string[]): void {
  if (argv.length > 2) fail(Err.wrongArity('ping'));
  if (c.subscriptions > 0 && c.resp === 2) {
    // In RESP2 subscribe mode the reply is shaped like a pub/sub message.
    c.array(2);
    c.bulk('pong');
    c.bulk(argv.length === 2 ? argv[1] : '');
  } else if (argv.length === 2) c.bulk(argv[1]);
  else c.simple('PONG');
}

// ECHO message
function echo(c: Client, argv: string[]): void {
  c.bulk(argv[1]);
}

// QUIT
function quit(c: Client): void {
  c.ok();
  c.closeAfterReply = true;
}

// SELECT index
function select(c: Client, argv: string[]): void {
  const idx = intArg(argv[1]);
  if (idx < 0 || idx >= c.server.dbs.length) fail(Err.dbIndexOutOfRange);
  c.db = c.server.dbs[idx];
  c.ok();
}

/** Checks credentials as Redis's default user does (requirepass or nopass). */
function authenticate(c: Client, user: string, pass: string): boolean {
  if (user !== 'default') return false;
  if (!c.server.requiresAuth()) return true;
  return c.server.checkPassword(pass);
}

// AUTH [username] password
function auth(c: Client, argv: string[]): void {
  if (argv.length > 3) fail(Err.syntax);
  if (argv.length === 2 && !c.server.requiresAuth()) {
    fail('ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?');
  }
  const [user, pass] = argv.length === 3 ? [argv[1], argv[2]] : ['default', argv[1]];
  if (!authenticate(c, user, pass)) fail(Err.wrongPass);
  c.setAuthenticated(true);
  c.user = user;
  c.ok();
}

/** Redis refuses client names with spaces or characters outside '!'..'~'. */
export function validClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch < 33 || ch > 126) return false;
  }
  return true;
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]
function hello(c: Client, argv: string[]): void {
  let proto = c.resp;
  if (argv.length >= 2) {
    const v = intArg(argv[1], 'ERR Protocol version is not an integer or out of range');
    if (v !== 2 && v !== 3) fail('NOPROTO unsupported protocol version');
    proto = v;
  }
  let name: string | undefined;
  let creds: [string, string] | undefined;
  for (let i = 2; i < argv.length; i++) {
    const more = argv.length - i - 1;
    if (isWord(argv[i], 'AUTH') && more >= 2) {
      creds = [argv[i + 1], argv[i + 2]];
      i += 2;
    } else if (isWord(argv[i], 'SETNAME') && more >= 1) {
      name = argv[++i];
      if (!validClientName(name)) fail('ERR Client names cannot contain spaces, newlines or special characters.');
    } else {
      fail(`ERR Syntax error in HELLO option '${argv[i]}'`);
    }
  }
  if (creds !== undefined) {
    if (!authenticate(c, creds[0], creds[1])) fail(Err.wrongPass);
    c.setAuthenticated(true);
    c.user = creds[0];
  }
  if (!c.authenticated) fail('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time');
  if (name !== undefined) c.name = name;
  c.resp = proto;
  c.map(7);
  c.bulk('server');
  c.bulk('redis');
  c.bulk('version');
  c.bulk(REDIS_VERSION);
  c.bulk('proto');
  c.integer(proto);
  c.bulk('id');
  c.integer(c.id);
  c.bulk('mode');
  c.bulk('standalone');
  c.bulk('role');
  c.bulk('master');
  c.bulk('modules');
  c.array(0);
}

// RESET
function reset(c: Client): void {
  c.server.resetClient(c);
  c.simple('RESET');
}

export const connectionCommands: CommandDef[] = [
  { name: 'ping', handler: ping },
  { name: 'echo', handler: echo },
  { name: 'quit', handler: quit },
  { name: 'select', handler: select },
  { name: 'auth', handler: auth },
  { name: 'hello', handler: hello },
  { name: 'reset', handler: reset },
];
