/**
 * Publish/subscribe registries: global channels, glob patterns and shard
 * channels, each mapping a name to its subscribers in subscription order.
 * Messages are appended to the subscribers' output and flushed once per
 * event-loop turn (so a pipelined burst of PUBLISH leaves in one write per
 * subscriber), and slow subscribers are cut off by
 * `client-output-buffer-limit pubsub <hard> <soft> <seconds>`.
 */
import { parseMemory } from '../config/config.js';
import { globMatch } from '../keyspace/glob.js';
import type { Client } from '../net/client.js';
import type { Server } from '../server.js';

/** The three subscription namespaces. */
export type SubKind = 'channel' | 'pattern' | 'shard';

/** What one client is subscribed to. */
interface ClientSubs {
  channels: Set<string>;
  patterns: Set<string>;
  shard: Set<string>;
  /** Unix ms since when the output has been above the soft limit, or 0. */
  softSince: number;
}

/** The pubsub class of `client-output-buffer-limit`: 0 means no limit. */
interface OutputLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}

export class PubSub {
  readonly channels = new Map<string, Set<Client>>();
  readonly patterns = new Map<string, Set<Client>>();
  readonly shardChannels = new Map<string, Set<Client>>();
  private readonly perClient = new Map<Client, ClientSubs>();
  private readonly toFlush = new Set<Client>();
  private flushScheduled = false;
  private limit: OutputLimit = { hard: 0, soft: 0, softSeconds: 0 };

  constructor(private readonly server: Server) {
    server.config.watch('client-output-buffer-limit', (v) => (this.limit = parsePubsubLimit(v)));
  }

  private registry(kind: SubKind): Map<string, Set<Client>> {
    return kind === 'channel' ? this.channels : kind === 'pattern' ? this.patterns : this.shardChannels;
  }

  private subsOf(c: Client): ClientSubs {
    let s = this.perClient.get(c);
    if (s === undefined) {
      s = { channels: new Set(), patterns: new Set(), shard: new Set(), softSince: 0 };
      this.perClient.set(c, s);
    }
    return s;
  }

  private ownSet(s: ClientSubs, kind: SubKind): Set<string> {
    return kind === 'channel' ? s.channels : kind === 'pattern' ? s.patterns : s.shard;
  }

  /** The names `c` is subscribed to in `kind`, in subscription order. */
  namesOf(c: Client, kind: SubKind): string[] {
    const s = this.perClient.get(c);
    return s === undefined ? [] : [...this.ownSet(s, kind)];
  }

  /**
   * The count a (un)subscribe reply carries: channels + patterns for the
   * global namespace, shard channels alone for the sharded one (Redis 7.0).
   */
  replyCount(c: Client, kind: SubKind): number {
    const s = this.perClient.get(c);
    if (s === undefined) return 0;
    return kind === 'shard' ? s.shard.size : s.channels.size + s.patterns.size;
  }

  /** Adds a subscription; false if `c` already had it. Keeps `c.subscriptions` in step. */
  subscribe(c: Client, kind: SubKind, name: string): boolean {
    const own = this.ownSet(this.subsOf(c), kind);
    if (own.has(name)) return false;
    own.add(name);
    const reg = this.registry(kind);
    let set = reg.get(name);
    if (set === undefined) reg.set(name, (set = new Set()));
    set.add(c);
    c.subscriptions++;
    return true;
  }

  /** Removes a subscription; false if `c` did not have it. */
  unsubscribe(c: Client, kind: SubKind, name: string): boolean {
    const s = this.perClient.get(c);
    if (s === undefined || !this.ownSet(s, kind).delete(name)) return false;
    const reg = this.registry(kind);
    const set = reg.get(name)!;
    set.delete(c);
    if (set.size === 0) reg.delete(name);
    c.subscriptions--;
    if (c.subscriptions === 0) this.perClient.delete(c);
    return true;
  }

  /** Forgets every subscription of `c` without replying (RESET, disconnect). */
  dropClient(c: Client): void {
    const s = this.perClient.get(c);
    this.toFlush.delete(c);
    if (s === undefined) return;
    for (const name of [...s.channels]) this.unsubscribe(c, 'channel', name);
    for (const name of [...s.patterns]) this.unsubscribe(c, 'pattern', name);
    for (const name of [...s.shard]) this.unsubscribe(c, 'shard', name);
    this.perClient.delete(c);
    c.subscriptions = 0;
  }

  /** PUBLISH: delivers to channel subscribers, then to matching patterns; returns the receiver count. */
  publish(channel: string, message: string): number {
    let n = 0;
    const subs = this.channels.get(channel);
    if (subs !== undefined) {
      for (const c of subs) {
        c.push(3);
        c.out += '$7\r\nmessage\r\n';
        c.bulk(channel);
        c.bulk(message);
        this.delivered(c);
      }
      n += subs.size;
    }
    if (this.patterns.size === 0) return n;
    for (const [pattern, clients] of this.patterns) {
      if (!globMatch(pattern, channel)) continue;
      for (const c of clients) {
        c.push(4);
        c.out += '$8\r\npmessage\r\n';
        c.bulk(pattern);
        c.bulk(channel);
        c.bulk(message);
        this.delivered(c);
      }
      n += clients.size;
    }
    return n;
  }

  /** SPUBLISH: delivers to the shard channel's subscribers. */
  spublish(channel: string, message: string): number {
    const subs = this.shardChannels.get(channel);
    if (subs === undefined) return 0;
    for (const c of subs) {
      c.push(3);
      c.out += '$8\r\nsmessage\r\n';
      c.bulk(channel);
      c.bulk(message);
      this.delivered(c);
    }
    return subs.size;
  }

  /** Subscribers of a channel name (PUBSUB NUMSUB / SHARDNUMSUB). */
  count(kind: SubKind, name: string): number {
    return this.registry(kind).get(name)?.size ?? 0;
  }

  /** Queues `c` for the end-of-turn flush. */
  private delivered(c: Client): void {
    this.toFlush.add(c);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(this.flushAll);
  }

  /** Writes every subscriber's pending messages and enforces the output limits. */
  private readonly flushAll = (): void => {
    this.flushScheduled = false;
    const now = Date.now();
    for (const c of this.toFlush) {
      if (c.closed) continue;
      c.flush();
      this.checkLimit(c, now);
    }
    this.toFlush.clear();
  };

  /**
   * Disconnects a subscriber whose unsent output passed the hard limit, or
   * stayed above the soft limit for the configured seconds (Redis measures
   * the reply list; we measure the socket's queue plus unflushed bytes).
   */
  private checkLimit(c: Client, now: number): void {
    const { hard, soft, softSeconds } = this.limit;
    if (hard === 0 && soft === 0) return;
    const pending = (c.socket?.writableLength ?? 0) + c.out.length;
    const s = this.perClient.get(c);
    let over = hard > 0 && pending >= hard;
    if (!over && soft > 0 && s !== undefined) {
      if (pending < soft) s.softSince = 0;
      else if (s.softSince === 0) s.softSince = now;
      else if (now - s.softSince >= softSeconds * 1000) over = true;
    }
    if (!over) return;
    this.server.log('warning', `Client id=${c.id} addr=${c.addr} scheduled to be closed ASAP for overcoming of output buffer limits.`);
    this.server.stats.clientOutputBufferLimitDisconnections++;
    c.out = '';
    c.close();
    c.socket?.destroy();
  }
}

/** Reads the pubsub class out of `client-output-buffer-limit` ("normal 0 0 0 ... pubsub 32mb 8mb 60"). */
export function parsePubsubLimit(v: string): OutputLimit {
  const parts = v.trim().split(/\s+/);
  for (let i = 0; i + 3 < parts.length; i += 4) {
    if (parts[i].toLowerCase() !== 'pubsub') continue;
    return { hard: Number(parseMemory(parts[i + 1]) ?? 0), soft: Number(parseMemory(parts[i + 2]) ?? 0), softSeconds: Number(parts[i + 3]) || 0 };
  }
  return { hard: 32 * 1024 * 1024, soft: 8 * 1024 * 1024, softSeconds: 60 };
}
