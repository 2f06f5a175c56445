/**
 * Publish/subscribe registries: global channels, glob patterns and shard
 * channels, each mapping a name to its subscribers in subscription order.
 * Messages are appended to the subscribers' output and flushed once per
 * event-loop turn, after every read of that turn (so bursts of PUBLISH from
 * several publishers leave in one write per subscriber), and slow subscribers are cut off by
 * `client-output-buffer-limit pubsub <hard> <soft> <seconds>`.
 */
import { parseMemory } from '../config/config.js';
import { globMatch } from '../keyspace/glob.js';
import type { Client } from '../net/client.js';
import type { Server } from '../server.js';
import { Fanout, newPending, type Pending } from './fanout.js';

/** The three subscription namespaces. */
export type SubKind = 'channel' | 'pattern' | 'shard';

/** What one client is subscribed to. */
interface ClientSubs {
  channels: Set<string>;
  patterns: Set<string>;
  shard: Set<string>;
  /** Unix ms since when the output has been above the soft limit, or 0. */
  softSince: number;
  /** Delivery state for the current turn's fan-out. */
  pending: Pending;
}

/**
 * The subscribers of one channel or pattern, in subscription order, with the
 * start of every frame delivered to them (type byte excluded), encoded once.
 */
class Subscribers extends Map<Client, Pending> {
  constructor(readonly framePrefix: string) {
    super();
  }
}

/** A delivered frame's start for each namespace, before the channel or pattern name. */
const FRAME_HEAD: Record<SubKind, string> = {
  channel: '3\r\n$7\r\nmessage\r\n',
  pattern: '4\r\n$8\r\npmessage\r\n',
  shard: '3\r\n$8\r\nsmessage\r\n',
};

/** The pubsub class of `client-output-buffer-limit`: 0 means no limit. */
interface OutputLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}

export class PubSub {
  readonly channels = new Map<string, Subscribers>();
  readonly patterns = new Map<string, Subscribers>();
  readonly shardChannels = new Map<string, Subscribers>();
  private readonly perClient = new Map<Client, ClientSubs>();
  private readonly fanout: Fanout;
  private limit: OutputLimit = { hard: 0, soft: 0, softSeconds: 0 };

  constructor(private readonly server: Server) {
    this.fanout = new Fanout(
      (c, now) => this.checkLimit(c, now),
      (fn) => server.afterWritesThisTurn(fn),
    );
    server.config.watch('client-output-buffer-limit', (v) => (this.limit = parsePubsubLimit(v)));
  }

  private registry(kind: SubKind): Map<string, Subscribers> {
    return kind === 'channel' ? this.channels : kind === 'pattern' ? this.patterns : this.shardChannels;
  }

  private subsOf(c: Client): ClientSubs {
    let s = this.perClient.get(c);
    if (s === undefined) {
      s = { channels: new Set(), patterns: new Set(), shard: new Set(), softSince: 0, pending: newPending(c) };
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
    const subs = this.subsOf(c);
    const own = this.ownSet(subs, kind);
    if (own.has(name)) return false;
    own.add(name);
    const reg = this.registry(kind);
    let set = reg.get(name);
    if (set === undefined) reg.set(name, (set = new Subscribers(FRAME_HEAD[kind] + bulk(name))));
    set.set(c, subs.pending);
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
    if (s === undefined) return;
    // Messages already delivered this turn still go out, ahead of the reply.
    this.fanout.materializeClient(c);
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
      // One frame body for every subscriber; only the RESP2/RESP3 type byte differs.
      this.fanout.deliver(subs.values(), subs.framePrefix + bulk(message));
      n += subs.size;
    }
    if (this.patterns.size === 0) return n;
    for (const [pattern, clients] of this.patterns) {
      if (!globMatch(pattern, channel)) continue;
      this.fanout.deliver(clients.values(), clients.framePrefix + bulk(channel) + bulk(message));
      n += clients.size;
    }
    return n;
  }

  /** SPUBLISH: delivers to the shard channel's subscribers. */
  spublish(channel: string, message: string): number {
    const subs = this.shardChannels.get(channel);
    if (subs === undefined) return 0;
    this.fanout.deliver(subs.values(), subs.framePrefix + bulk(message));
    return subs.size;
  }

  /** Subscribers of a channel name (PUBSUB NUMSUB / SHARDNUMSUB). */
  count(kind: SubKind, name: string): number {
    return this.registry(kind).get(name)?.size ?? 0;
  }

  /**
   * Disconnects a subscriber whose unsent output passed the hard limit, or
   * stayed above the soft limit for the configured seconds (Redis measures
   * the reply list; we measure the socket's queue plus unflushed bytes).
   */
  private checkLimit(c: Client, now: number): void {
    const { hard, soft, softSeconds } = this.limit;
    if (hard === 0 && soft === 0) return;
    const s = this.perClient.get(c);
    const pending = (c.writer?.queuedBytes ?? 0) + c.out.length;
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

/** A RESP bulk string (latin1). */
function bulk(s: string): string {
  return '$' + s.length + '\r\n' + s + '\r\n';
}
