/**
 * The point-in-time scan shared by the AOF rewrite and BGSAVE (no fork):
 * each database's key and expiry dictionaries are captured at T0 (the
 * objects, so FLUSHALL/SWAPDB swapping in other dictionaries does not change
 * what is scanned), scanned in time slices with Dict cursors, and
 * `beforeWrite` lets a command's keys be emitted in their T0 state before
 * they change if the scan has not reached them yet. Such keys (and keys
 * found absent at T0) are remembered so the scan skips them later.
 * The reasoning behind the guarantee is written up in aof/rewrite-job.ts.
 */
import { isWord } from '../commands/args.js';
import { CmdFlag, type Command } from '../commands/table.js';
import type { Database } from '../keyspace/db.js';
import { hashKey, reverseBits32, type Dict } from '../keyspace/dict.js';
import type { Client } from '../net/client.js';
import type { Value } from '../types/value.js';

/** Keys visited per scan call inside a slice. */
const SCAN_COUNT = 64;

/** One database as captured at T0. */
export interface CapturedDb {
  /** Database number at T0 (its keys are written under it). */
  readonly id: number;
  readonly dict: Dict<Value>;
  readonly expires: Dict<number>;
  /** Keys and keys with a TTL at T0. */
  readonly size: number;
  readonly expiresSize: number;
}

interface ScanState extends CapturedDb {
  cursor: number;
  done: boolean;
  /** Keys handled ahead of the scan (emitted, or absent at T0). */
  readonly ahead: Set<string>;
}

export class PointInTimeScan {
  private readonly byDict = new Map<Dict<Value>, ScanState>();
  private readonly order: ScanState[] = [];
  private next = 0;

  /** `emit` writes one key in its T0 state (with its absolute expiry or -1). */
  constructor(
    dbs: readonly Database[],
    private readonly emit: (db: CapturedDb, key: string, v: Value, expireAt: number) => void,
  ) {
    for (const db of dbs) {
      const s: ScanState = {
        id: db.id,
        dict: db.dict,
        expires: db.expires,
        size: db.dict.size,
        expiresSize: db.expires.size,
        cursor: 0,
        done: db.dict.size === 0,
        ahead: new Set(),
      };
      this.byDict.set(db.dict, s);
      this.order.push(s);
    }
  }

  /** The captured databases, in scan order. */
  get databases(): readonly CapturedDb[] {
    return this.order;
  }

  /** True once every captured dictionary has been scanned. */
  get scanned(): boolean {
    return this.next >= this.order.length;
  }

  /**
   * A command may write `key` in `db`: if the scan has not reached it, it is
   * emitted now. Returns true if a key was emitted ahead of the scan.
   */
  beforeWrite(db: Database, key: string): boolean {
    const s = this.byDict.get(db.dict);
    if (s === undefined || s.done || s.ahead.has(key)) return false;
    if (s.cursor !== 0 && reverseBits32(hashKey(key)) < reverseBits32(s.cursor)) return false;
    s.ahead.add(key);
    const v = s.dict.get(key);
    if (v === undefined) return false;
    this.emitKey(s, key, v);
    return true;
  }

  /** Scans for about `budgetMs` (Server.scheduleSlice sets it); returns true when the scan is complete. */
  step(budgetMs: number): boolean {
    const until = performance.now() + budgetMs;
    while (this.next < this.order.length) {
      const s = this.order[this.next];
      if (s.done) {
        this.next++;
        continue;
      }
      s.cursor = s.dict.scan(s.cursor, SCAN_COUNT, (key, v) => {
        if (s.ahead.size === 0 || !s.ahead.has(key)) this.emitKey(s, key, v);
      });
      if (s.cursor === 0) {
        s.done = true;
        s.ahead.clear();
        this.next++;
      }
      if (performance.now() >= until) break;
    }
    return this.scanned;
  }

  private emitKey(s: ScanState, key: string, v: Value): void {
    // No TTL anywhere now means none at T0 for an unchanged key (a key whose TTL went away was emitted first).
    this.emit(s, key, v, s.expires.size === 0 ? -1 : (s.expires.get(key) ?? -1));
  }
}

/**
 * Calls `visit` with every database/key pair the command `argv` may write,
 * so a point-in-time scan can save them before they change: the key specs'
 * keys in the client's database, plus the ones specs cannot name (MOVE's and
 * COPY's key in the other database, SORT's STORE destination).
 */
export function forEachWrittenKey(c: Client, cmd: Command, argv: string[], visit: (db: Database, key: string) => void): void {
  if (!cmd.has(CmdFlag.Write) && !cmd.meta.flags.includes('may_replicate')) return;
  let idx: number[];
  try {
    idx = cmd.keyIndexes(argv);
  } catch {
    return;
  }
  for (const i of idx) if (i < argv.length) visit(c.db, argv[i]);
  const name = (cmd.parent ?? cmd).name;
  if (name === 'move') {
    const db = dbArg(c, argv[2]);
    if (db !== undefined) visit(db, argv[1]);
  } else if (name === 'copy') {
    for (let i = 3; i < argv.length - 1; i++) {
      const db = isWord(argv[i], 'DB') ? dbArg(c, argv[i + 1]) : undefined;
      if (db !== undefined) visit(db, argv[2]);
    }
  } else if (name === 'sort' || name === 'sort_ro') {
    for (let i = 2; i < argv.length - 1; i++) if (isWord(argv[i], 'STORE')) visit(c.db, argv[i + 1]);
  }
}

/** The database a MOVE/COPY DB argument names, if it is a plain number of an existing one. */
function dbArg(c: Client, n: string | undefined): Database | undefined {
  return n !== undefined && /^\d+$/.test(n) ? c.server.dbs[Number(n)] : undefined;
}
