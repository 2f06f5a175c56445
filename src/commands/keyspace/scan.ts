/**
 * KEYS and SCAN.
 *
 * KEYS skips logically expired keys without deleting them (as Redis 7.0
 * does); SCAN expires the ones it meets. SCAN's cursor is Redis's
 * reverse-binary bucket cursor over our Dict (see dict.ts), printed as an
 * unsigned decimal; only its low 32 bits address buckets.
 */
import { Err, fail } from '../../errors.js';
import type { Database } from '../../keyspace/db.js';
import { globMatch, isLiteralPattern } from '../../keyspace/glob.js';
import type { Client } from '../../net/client.js';
import { parseInt64 } from '../../types/int64.js';
import { typeOf } from '../../types/value.js';
import { isWord } from '../args.js';
import type { CommandDef } from '../table.js';

const UINT64_MAX = 2n ** 64n - 1n;

/**
 * Parses a cursor like C strtoul(s, &end, 10) as Redis uses it: no leading
 * space, optional sign (a '-' negates modulo 2^64), digits, nothing after,
 * no overflow. Quirk kept: the empty string is cursor 0. Returns null if invalid.
 */
export function parseCursor(s: string): bigint | null {
  if (s.length === 0) return 0n;
  let i = 0;
  const sign = s[0];
  if (sign === '+' || sign === '-') i = 1;
  if (i === s.length) return null;
  for (let j = i; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  const v = BigInt(s.slice(i));
  if (v > UINT64_MAX) return null;
  return sign === '-' ? (UINT64_MAX + 1n - v) & UINT64_MAX : v;
}

/** True if the key exists and its TTL has not passed (no deletion, no stats). */
function isLive(db: Database, key: string, now: number): boolean {
  const when = db.expires.size === 0 ? undefined : db.expires.get(key);
  return when === undefined || when > now;
}

// KEYS pattern
function keys(c: Client, argv: string[]): void {
  const db = c.db;
  const pattern = argv[1];
  const now = c.server.now();
  if (isLiteralPattern(pattern)) {
    // No metacharacter: only the key itself can match, so look it up directly.
    if (db.dict.has(pattern) && isLive(db, pattern, now)) c.bulks([pattern]);
    else c.array(0);
    return;
  }
  const all = pattern === '*';
  const out: string[] = [];
  for (const key of db.dict.keys()) {
    if ((all || globMatch(pattern, key)) && isLive(db, key, now)) out.push(key);
  }
  c.bulks(out);
}

interface ScanOptions {
  count: number;
  pattern: string | null;
  type: string | null;
}

function parseScanOptions(argv: string[]): ScanOptions {
  const o: ScanOptions = { count: 10, pattern: null, type: null };
  for (let i = 2; i < argv.length; i += 2) {
    if (i + 1 >= argv.length) fail(Err.syntax);
    const v = argv[i + 1];
    if (isWord(argv[i], 'COUNT')) {
      const n = parseInt64(v);
      if (n === null) fail(Err.notInteger);
      if (n < 1) fail(Err.syntax);
      o.count = Number(n);
    } else if (isWord(argv[i], 'MATCH')) {
      // Why: "*" matches everything, so Redis skips matching altogether.
      o.pattern = v === '*' ? null : v;
    } else if (isWord(argv[i], 'TYPE')) {
      o.type = v.toLowerCase();
    } else fail(Err.syntax);
  }
  return o;
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
function scan(c: Client, argv: string[]): void {
  const cur = parseCursor(argv[1]);
  if (cur === null) fail('ERR invalid cursor');
  const o = parseScanOptions(argv);
  const db = c.db;
  const found: string[] = [];
  const count = Math.min(o.count, 2 ** 30);
  const next = db.dict.scan(Number(cur & 0xffffffffn), count, (key) => void found.push(key));
  const out: string[] = [];
  for (const key of found) {
    if (o.pattern !== null && !globMatch(o.pattern, key)) continue;
    if (o.type !== null) {
      // Why: Redis looks the key up (counting a hit or miss, expiring it) and
      // compares type names; a key gone by then is of type "none". Not an access.
      const v = db.getNoTouch(key);
      if ((v === undefined ? 'none' : typeOf(v)) !== o.type) continue;
    }
    if (db.expires.size !== 0 && db.expireIfNeeded(key)) continue;
    out.push(key);
  }
  c.array(2);
  c.bulk(String(next));
  c.bulks(out);
}

export const scanCommands: CommandDef[] = [
  { name: 'keys', handler: keys },
  { name: 'scan', handler: scan },
];
