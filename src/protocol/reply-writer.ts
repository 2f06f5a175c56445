/**
 * RESP2/RESP3 reply encoder. Command handlers describe replies through these
 * methods and never format protocol bytes themselves. Output accumulates in
 * `out` as a latin1 string (one character per byte) that the connection
 * writes once per read batch.
 */
import { formatDouble } from './number-format.js';
import type { RespValue } from './resp-reader.js';

/** `$<len>\r\n` for short lengths, precomputed: number-to-string per element dominates long replies. */
const BULK_HEADERS: string[] = Array.from({ length: 1024 }, (_, n) => '$' + n + '\r\n');

/** `:<n>\r\n` for small counts (PUBLISH, EXISTS, SADD... answer these most). */
const INTEGERS: string[] = Array.from({ length: 1024 }, (_, n) => ':' + n + '\r\n');

function bulkHeader(len: number): string {
  return len < 1024 ? BULK_HEADERS[len] : '$' + len + '\r\n';
}

export class ReplyWriter {
  /** Pending output, latin1. */
  out = '';
  /** Protocol version negotiated with HELLO. */
  resp: 2 | 3 = 2;

  ok(): void {
    this.out += '+OK\r\n';
  }

  simple(s: string): void {
    this.out += '+' + s + '\r\n';
  }

  /** `msg` starts with the error code, e.g. "ERR syntax error". */
  error(msg: string): void {
    this.out += '-' + msg + '\r\n';
  }

  integer(n: number | bigint): void {
    this.out += typeof n === 'number' && n >= 0 && n < 1024 && Number.isInteger(n) ? INTEGERS[n] : ':' + n + '\r\n';
  }

  bulk(s: string): void {
    this.out += bulkHeader(s.length) + s + '\r\n';
  }

  /** A missing value: `$-1` in RESP2, `_` in RESP3. */
  nil(): void {
    this.out += this.resp === 2 ? '$-1\r\n' : '_\r\n';
  }

  /** A missing aggregate: `*-1` in RESP2, `_` in RESP3. */
  nilArray(): void {
    this.out += this.resp === 2 ? '*-1\r\n' : '_\r\n';
  }

  array(n: number): void {
    this.out += '*' + n + '\r\n';
  }

  /** A map of n pairs: RESP3 `%`, RESP2 a flat array of 2n elements. */
  map(n: number): void {
    this.out += this.resp === 2 ? '*' + 2 * n + '\r\n' : '%' + n + '\r\n';
  }

  /** A set: RESP3 `~`, RESP2 an array. */
  set(n: number): void {
    this.out += (this.resp === 2 ? '*' : '~') + n + '\r\n';
  }

  /** An out-of-band push: RESP3 `>`, RESP2 an array. */
  push(n: number): void {
    this.out += (this.resp === 2 ? '*' : '>') + n + '\r\n';
  }

  /** A double formatted as Redis 7.0 does (`%.17g`, `inf`, `-inf`). */
  double(d: number): void {
    const s = formatDouble(d);
    this.out += this.resp === 2 ? '$' + s.length + '\r\n' + s + '\r\n' : ',' + s + '\r\n';
  }

  /** A double already formatted by the caller (e.g. Redis's "human" long-double text): bulk in RESP2, `,` in RESP3. */
  doubleText(s: string): void {
    this.out += this.resp === 2 ? '$' + s.length + '\r\n' + s + '\r\n' : ',' + s + '\r\n';
  }

  /** A big number given as decimal digits: RESP3 `(`, a bulk string in RESP2. */
  bigNumber(digits: string): void {
    if (this.resp === 2) this.bulk(digits);
    else this.out += '(' + digits + '\r\n';
  }

  /** RESP3 attribute header for `n` pairs, followed by the reply it annotates; nothing in RESP2. */
  attribute(n: number): void {
    if (this.resp === 3) this.out += '|' + n + '\r\n';
  }

  bool(b: boolean): void {
    this.out += this.resp === 2 ? (b ? ':1\r\n' : ':0\r\n') : b ? '#t\r\n' : '#f\r\n';
  }

  /** Verbatim text (RESP3 `=` with a 3-letter format), a bulk string in RESP2. */
  verbatim(s: string, format = 'txt'): void {
    if (this.resp === 2) this.bulk(s);
    else this.out += '=' + (s.length + 4) + '\r\n' + format + ':' + s + '\r\n';
  }

  bulks(items: readonly string[]): void {
    const n = items.length;
    let out = '*' + n + '\r\n';
    for (let i = 0; i < n; i++) {
      const s = items[i];
      out += bulkHeader(s.length) + s + '\r\n';
    }
    this.out += out;
  }

  /** Re-encodes a parsed reply tree for this client's protocol (used for static metadata replies). */
  value(v: RespValue): void {
    switch (v.t) {
      case 'simple':
        return this.simple(v.v);
      case 'error':
        return this.error(v.v);
      case 'int':
        return this.integer(v.v);
      case 'bulk':
        return v.v === null ? this.nil() : this.bulk(v.v);
      case 'verbatim':
        return this.verbatim(v.v.slice(4), v.v.slice(0, 3));
      case 'double':
        return this.double(Number(v.v));
      case 'bool':
        return this.bool(v.v);
      case 'null':
        return this.nil();
      case 'bignum':
        this.out += this.resp === 2 ? '$' + v.v.length + '\r\n' + v.v + '\r\n' : '(' + v.v + '\r\n';
        return;
      case 'array':
        if (v.v === null) return this.nilArray();
        this.array(v.v.length);
        for (const x of v.v) this.value(x);
        return;
      case 'set':
      case 'push':
        this[v.t](v.v.length);
        for (const x of v.v) this.value(x);
        return;
      case 'map':
      case 'attr':
        this.map(v.v.length);
        for (const [k, x] of v.v) {
          this.value(k);
          this.value(x);
        }
        return;
    }
  }
}
