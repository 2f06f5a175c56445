/**
 * Keyspace notifications (`notify-keyspace-events`): every key event raised
 * through `Server.keyChanged` is published, when its class is enabled, as
 * `__keyspace@<db>__:<key>` -> event (flag K) and
 * `__keyevent@<db>__:<event>` -> key (flag E). The listener is attached only
 * while some class is enabled, so writes cost nothing otherwise.
 */
import type { Server } from '../server.js';
import type { Database } from './db.js';

/** Class letters and their bits (Redis 7.0's NOTIFY_* flags). */
const CLASS_BITS: Record<string, number> = {
  K: 1 << 0,
  E: 1 << 1,
  g: 1 << 2,
  $: 1 << 3,
  l: 1 << 4,
  s: 1 << 5,
  h: 1 << 6,
  z: 1 << 7,
  x: 1 << 8,
  e: 1 << 9,
  t: 1 << 10,
  m: 1 << 11,
  d: 1 << 13,
  n: 1 << 14,
};
const KEYSPACE = CLASS_BITS.K;
const KEYEVENT = CLASS_BITS.E;
/** 'A' is every class but key-miss (m) and new-key (n). */
const ALL = 'g$lshzxetd'.split('').reduce((a, ch) => a | CLASS_BITS[ch], 0);

/** Parses a flags string; unknown letters are ignored (CONFIG SET validates them). */
export function parseNotifyFlags(s: string): number {
  let flags = 0;
  for (const ch of s) flags |= ch === 'A' ? ALL : CLASS_BITS[ch] ?? 0;
  return flags;
}

/** Publishes keyspace events for `server` as its `notify-keyspace-events` directive asks. */
export class KeyspaceNotifier {
  private flags = 0;
  private readonly listener = (db: Database, key: string, cls: string, event: string): void => this.notify(db, key, cls, event);
  private readonly onNewKey = (db: Database, key: string): void => this.notify(db, key, 'n', 'new');
  private readonly onKeyMiss = (db: Database, key: string): void => this.notify(db, key, 'm', 'keymiss');

  constructor(private readonly server: Server) {
    if (server.config.directive('notify-keyspace-events') !== undefined) {
      server.config.watch('notify-keyspace-events', (v) => this.configure(parseNotifyFlags(v)));
    }
  }

  /** Sets the enabled classes and attaches/detaches the write hooks. */
  configure(flags: number): void {
    // Without K or E nothing is ever published, whatever the classes.
    const active = (flags & (KEYSPACE | KEYEVENT)) !== 0 && (flags & ~(KEYSPACE | KEYEVENT)) !== 0;
    this.flags = active ? flags : 0;
    const ls = this.server.keyListeners;
    const at = ls.indexOf(this.listener);
    if (active && at < 0) ls.push(this.listener);
    if (!active && at >= 0) ls.splice(at, 1);
    const newHook = active && (flags & CLASS_BITS.n) !== 0 ? this.onNewKey : null;
    const missHook = active && (flags & CLASS_BITS.m) !== 0 ? this.onKeyMiss : null;
    for (const db of this.server.dbs) {
      db.onNewKey = newHook;
      db.onKeyMiss = missHook;
    }
  }

  /** Publishes one event if its class is enabled. */
  notify(db: Database, key: string, cls: string, event: string): void {
    const bit = CLASS_BITS[cls];
    if (bit === undefined || (this.flags & bit) === 0) return;
    const ps = this.server.pubsub;
    if ((this.flags & KEYSPACE) !== 0) ps.publish(`__keyspace@${db.id}__:${key}`, event);
    if ((this.flags & KEYEVENT) !== 0) ps.publish(`__keyevent@${db.id}__:${event}`, key);
  }
}
