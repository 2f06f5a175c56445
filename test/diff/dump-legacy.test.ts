/**
 * Older RDB encodings Redis 7.0 still loads (ziplist, zipmap, quicklist v1,
 * linked lists, string-score zsets): hand-built DUMP payloads are restored
 * on both servers and the results compared (value and chosen encoding).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { crc64 } from '../../src/persistence/rdb/crc64.js';
import { DiffEnv } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';

/** An RDB length-prefixed string (raw). */
function rdbStr(s: string | Buffer): Buffer {
  const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
  const n = b.length;
  const head = n < 64 ? Buffer.from([n]) : n < 16384 ? Buffer.from([0x40 | (n >> 8), n & 0xff]) : Buffer.from([0x80, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([head, b]);
}

function rdbLen(n: number): Buffer {
  return n < 64 ? Buffer.from([n]) : Buffer.from([0x40 | (n >> 8), n & 0xff]);
}

/** One ziplist entry's encoding + data (the format's integer and string forms). */
function zlEncode(e: string): Buffer {
  if (/^(0|-?[1-9]\d*)$/.test(e) && e.length < 20) {
    const v = BigInt(e);
    if (v >= 0n && v <= 12n) return Buffer.from([0xf1 + Number(v)]);
    if (v >= -128n && v <= 127n) return Buffer.from([0xfe, Number(v) & 0xff]);
    if (v >= -32768n && v <= 32767n) {
      const b = Buffer.alloc(3);
      b[0] = 0xc0;
      b.writeInt16LE(Number(v), 1);
      return b;
    }
    if (v >= -8388608n && v <= 8388607n) {
      const b = Buffer.alloc(4);
      b[0] = 0xf0;
      b.writeIntLE(Number(v), 1, 3);
      return b;
    }
    if (v >= -2147483648n && v <= 2147483647n) {
      const b = Buffer.alloc(5);
      b[0] = 0xd0;
      b.writeInt32LE(Number(v), 1);
      return b;
    }
    const b = Buffer.alloc(9);
    b[0] = 0xe0;
    b.writeBigInt64LE(v, 1);
    return b;
  }
  const s = Buffer.from(e, 'latin1');
  const n = s.length;
  const head = n < 64 ? Buffer.from([n]) : n < 16384 ? Buffer.from([0x40 | (n >> 8), n & 0xff]) : Buffer.from([0x80, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([head, s]);
}

/** A ziplist blob: zlbytes, zltail, zllen, entries with correct prevlens, 0xff. */
function ziplist(entries: string[]): Buffer {
  const parts: Buffer[] = [];
  let prev = 0;
  let offset = 10;
  let tail = 10;
  for (const e of entries) {
    const prevlen = prev < 254 ? Buffer.from([prev]) : Buffer.concat([Buffer.from([0xfe]), u32(prev)]);
    const entry = Buffer.concat([prevlen, zlEncode(e)]);
    tail = offset;
    parts.push(entry);
    offset += entry.length;
    prev = entry.length;
  }
  const body = Buffer.concat(parts);
  const total = 10 + body.length + 1;
  const head = Buffer.alloc(10);
  head.writeUInt32LE(total, 0);
  head.writeUInt32LE(tail, 4);
  head.writeUInt16LE(entries.length, 8);
  return Buffer.concat([head, body, Buffer.from([0xff])]);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

/** A zipmap blob (pre-2.6 small hashes). */
function zipmap(pairs: string[]): Buffer {
  const parts: Buffer[] = [Buffer.from([pairs.length / 2])];
  for (let i = 0; i < pairs.length; i += 2) {
    parts.push(Buffer.from([pairs[i].length]), Buffer.from(pairs[i], 'latin1'));
    parts.push(Buffer.from([pairs[i + 1].length, 0]), Buffer.from(pairs[i + 1], 'latin1'));
  }
  parts.push(Buffer.from([0xff]));
  return Buffer.concat(parts);
}

/** Type byte + body, then RDB version `ver` and the CRC-64. */
function payload(type: number, body: Buffer, ver = 9): Buffer {
  const b = Buffer.concat([Buffer.from([type]), body, Buffer.from([ver, 0])]);
  return Buffer.concat([b, crc64(b).bytes()]);
}

const LIST = ['a', '1', '-1', '12', '13', '-200', '30000', '-8000000', '2000000000', '-9223372036854775808', 'x'.repeat(300)];
const PAIRS = ['f1', 'v1', 'n', '7', 'big', '123456789012', 'long', 'y'.repeat(70)];

const CASES: Array<{ name: string; p: Buffer; read: string[] }> = [
  { name: 'list ziplist (type 10)', p: payload(10, rdbStr(ziplist(LIST))), read: ['LRANGE', 'k', '0', '-1'] },
  { name: 'list quicklist v1 (type 14)', p: payload(14, Buffer.concat([rdbLen(2), rdbStr(ziplist(LIST)), rdbStr(ziplist(['z', '0']))])), read: ['LRANGE', 'k', '0', '-1'] },
  { name: 'linked list (type 1)', p: payload(1, Buffer.concat([rdbLen(3), rdbStr('a'), rdbStr('b'), rdbStr('3')]), 6), read: ['LRANGE', 'k', '0', '-1'] },
  { name: 'hash ziplist (type 13)', p: payload(13, rdbStr(ziplist(PAIRS))), read: ['HGETALL', 'k'] },
  { name: 'hash zipmap (type 9)', p: payload(9, rdbStr(zipmap(['a', '1', 'bb', 'two', 'c', '']))), read: ['HGETALL', 'k'] },
  { name: 'hash dict (type 4)', p: payload(4, Buffer.concat([rdbLen(2), rdbStr('a'), rdbStr('1'), rdbStr('b'), rdbStr('2')])), read: ['HGETALL', 'k'] },
  { name: 'set (type 2) of integers becomes an intset', p: payload(2, Buffer.concat([rdbLen(3), rdbStr('3'), rdbStr('1'), rdbStr('2')])), read: ['SMEMBERS', 'k'] },
  { name: 'zset ziplist (type 12)', p: payload(12, rdbStr(ziplist(['a', '1', 'b', '2.5', 'c', '300000']))), read: ['ZRANGE', 'k', '0', '-1', 'WITHSCORES'] },
  {
    name: 'zset with text scores (type 3)',
    p: payload(3, Buffer.concat([rdbLen(3), rdbStr('a'), Buffer.from([3]), Buffer.from('1.5'), rdbStr('b'), Buffer.from([254]), rdbStr('c'), Buffer.from([255])]), 6),
    read: ['ZRANGE', 'k', '0', '-1', 'WITHSCORES'],
  },
  { name: 'hash ziplist with a duplicate field is refused', p: payload(13, rdbStr(ziplist(['a', '1', 'a', '2']))), read: ['EXISTS', 'k'] },
  { name: 'empty ziplist list is refused', p: payload(10, rdbStr(ziplist([]))), read: ['EXISTS', 'k'] },
  { name: 'truncated body is refused', p: payload(14, Buffer.concat([rdbLen(2), rdbStr(ziplist(LIST))])), read: ['EXISTS', 'k'] },
];

describe('RESTORE of older RDB encodings against redis-server 7.0', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());
  beforeEach(() => env.reset());

  for (const c of CASES) {
    it(c.name, async () => {
      const p = env.pair;
      const r = await p.same('RESTORE', 'k', '0', c.p);
      assert.equal(r, c.name.includes('refused') ? '-ERR Bad data format\r\n' : '+OK\r\n');
      await p.same(...c.read);
      await p.same('TYPE', 'k');
      const [enc] = await p.both('EXISTS', 'k');
      if (enc === ':1\r\n') await p.same('OBJECT', 'ENCODING', 'k');
    });
  }
});
