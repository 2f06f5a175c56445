/**
 * Parser for RESP2/RESP3 *replies* (the server-to-client direction), used by
 * tests, the command-metadata generator and, later, replication and MIGRATE.
 * Values keep their RESP3 type so they can be re-encoded faithfully.
 */

export type RespValue =
  | { t: 'simple'; v: string }
  | { t: 'error'; v: string }
  | { t: 'int'; v: bigint }
  | { t: 'bulk'; v: string | null }
  | { t: 'array'; v: RespValue[] | null }
  | { t: 'map'; v: [RespValue, RespValue][] }
  | { t: 'set'; v: RespValue[] }
  | { t: 'push'; v: RespValue[] }
  | { t: 'attr'; v: [RespValue, RespValue][] }
  | { t: 'double'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'null' }
  | { t: 'bignum'; v: string }
  | { t: 'verbatim'; v: string };

/** Returns [value, bytesConsumed] or null when `buf` holds no complete reply yet. */
export function readReply(buf: Buffer, start = 0): [RespValue, number] | null {
  const r = parseAt(buf, start);
  return r === null ? null : [r[0], r[1] - start];
}

function line(buf: Buffer, pos: number): [string, number] | null {
  const cr = buf.indexOf('\r\n', pos, 'latin1');
  if (cr < 0) return null;
  return [buf.toString('latin1', pos + 1, cr), cr + 2];
}

function parseAt(buf: Buffer, pos: number): [RespValue, number] | null {
  if (pos >= buf.length) return null;
  const type = String.fromCharCode(buf[pos]);
  const l = line(buf, pos);
  if (l === null) return null;
  const [text, next] = l;
  switch (type) {
    case '+':
      return [{ t: 'simple', v: text }, next];
    case '-':
      return [{ t: 'error', v: text }, next];
    case ':':
      return [{ t: 'int', v: BigInt(text) }, next];
    case ',':
      return [{ t: 'double', v: text }, next];
    case '#':
      return [{ t: 'bool', v: text === 't' }, next];
    case '_':
      return [{ t: 'null' }, next];
    case '(':
      return [{ t: 'bignum', v: text }, next];
    case '$':
    case '=':
    case '!': {
      const n = Number(text);
      if (n < 0) return [{ t: 'bulk', v: null }, next];
      if (next + n + 2 > buf.length) return null;
      const s = buf.toString('latin1', next, next + n);
      const end = next + n + 2;
      if (type === '$') return [{ t: 'bulk', v: s }, end];
      if (type === '=') return [{ t: 'verbatim', v: s }, end];
      return [{ t: 'error', v: s }, end];
    }
    case '*':
    case '~':
    case '>': {
      const n = Number(text);
      if (n < 0) return [{ t: 'array', v: null }, next];
      const items: RespValue[] = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const r = parseAt(buf, p);
        if (r === null) return null;
        items.push(r[0]);
        p = r[1];
      }
      if (type === '*') return [{ t: 'array', v: items }, p];
      return [{ t: type === '~' ? 'set' : 'push', v: items }, p];
    }
    case '%':
    case '|': {
      const n = Number(text);
      const pairs: [RespValue, RespValue][] = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const k = parseAt(buf, p);
        if (k === null) return null;
        const v = parseAt(buf, k[1]);
        if (v === null) return null;
        pairs.push([k[0], v[0]]);
        p = v[1];
      }
      if (type === '|') {
        // An attribute precedes the real reply; keep the reply.
        return parseAt(buf, p);
      }
      return [{ t: 'map', v: pairs }, p];
    }
    default:
      throw new Error(`bad RESP type byte ${JSON.stringify(type)} at ${pos}`);
  }
}

/** Length of the complete reply at `start`, or -1 if incomplete. */
export function replyLength(buf: Buffer, start = 0): number {
  const r = parseAt(buf, start);
  return r === null ? -1 : r[1] - start;
}
