/**
 * The error catalog: every error reply text, byte-identical to Redis 7.0.
 * Handlers throw a {@link ReplyError}; the dispatcher turns it into `-<msg>`.
 */

export class ReplyError extends Error {
  /** `msg` includes the code prefix ("ERR ...", "WRONGTYPE ..."). */
  constructor(msg: string) {
    super(msg);
  }
}

/** Redis prints these arguments with C's %s, which stops at the first NUL byte. */
function cstr(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}

export const Err = {
  syntax: 'ERR syntax error',
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  notInteger: 'ERR value is not an integer or out of range',
  notFloat: 'ERR value is not a valid float',
  overflow: 'ERR increment or decrement would overflow',
  noSuchKey: 'ERR no such key',
  dbIndexOutOfRange: 'ERR DB index is out of range',
  invalidExpire: (cmd: string) => `ERR invalid expire time in '${cmd}' command`,
  wrongArity: (cmd: string) => `ERR wrong number of arguments for '${cmd}' command`,
  unknownCommand: (name: string, args: readonly string[]) => {
    let list = '';
    for (let i = 0; i < args.length && list.length < 128; i++) list += `'${cstr(args[i]).slice(0, 128 - list.length)}' `;
    return sanitize(`ERR unknown command '${cstr(name).slice(0, 128)}', with args beginning with: ${list}`);
  },
  unknownSubcommand: (sub: string, container: string) =>
    sanitize(`ERR unknown subcommand '${cstr(sub).slice(0, 128)}'. Try ${container.toUpperCase()} HELP.`),
  noAuth: 'NOAUTH Authentication required.',
  wrongPass: 'WRONGPASS invalid username-password pair or user is disabled.',
  outOfRangeOffset: 'ERR offset is out of range',
  stringTooLong: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
  selectNotAllowed: 'ERR SELECT is not allowed in cluster mode',
} as const;

/** Redis replaces CR and LF in error texts with spaces so the reply stays one line. */
export function sanitize(msg: string): string {
  return msg.replace(/[\r\n]/g, ' ');
}

export function fail(msg: string): never {
  throw new ReplyError(msg);
}
