/**
 * Shared harnesses for the "side effects" differential tests: what a command
 * sequence propagates (respite's propagation sinks vs the oracle's replication
 * stream) and which keyspace notifications it raises.
 */
import type { DiffEnv } from './diff.js';
import type { RawClient } from './raw-client.js';
import { SyncStream } from './sync-stream.js';

/**
 * Runs `run` on both servers and returns what each propagated: respite's
 * effects and the commands in redis-server's replication stream, both ending
 * with the `SET __end__ 1` marker this function sends last.
 */
export async function collectPropagation(env: DiffEnv, run: () => Promise<void>): Promise<{ ours: string[][]; theirs: string[][] }> {
  const stream = SyncStream.open(env.oracle.port);
  const ours: string[][] = [];
  env.server.server.propagationSinks.push((_db, argv) => ours.push([...argv]));
  try {
    await stream.ready();
    await run();
    await env.pair.same('SET', '__end__', '1');
    await stream.waitFor('SET', '__end__');
    return { ours, theirs: stream.commands };
  } finally {
    stream.close();
    env.server.server.propagationSinks.pop();
  }
}

/**
 * Runs `run` with every keyspace notification on (KEA) and returns what a
 * `__key*__:*` pattern subscriber received from each server. Both datasets
 * are emptied first (before notifications are on); notifications are off
 * again afterwards.
 */
export async function collectNotifications(env: DiffEnv, run: () => Promise<void>): Promise<{ ours: string[]; theirs: string[] }> {
  const sub = await env.connect();
  await env.pair.same('FLUSHALL');
  await env.pair.same('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
  try {
    await sub.same('PSUBSCRIBE', '__key*__:*');
    await run();
    const [theirs, ours] = await Promise.all([drainUntilPong(sub.redis), drainUntilPong(sub.respite)]);
    return { ours, theirs };
  } finally {
    await env.pair.same('CONFIG', 'SET', 'notify-keyspace-events', '');
    sub.close();
  }
}

const PONG_IN_SUBSCRIBE_MODE = '*2\r\n$4\r\npong\r\n$0\r\n\r\n';

/**
 * Everything a RESP2 subscriber has been sent so far: sends PING and collects
 * raw replies until its subscribe-mode PONG comes back.
 */
export async function drainUntilPong(c: RawClient): Promise<string[]> {
  c.writeRaw('*1\r\n$4\r\nPING\r\n');
  const out: string[] = [];
  for (;;) {
    const raw = await c.readRaw();
    if (raw === PONG_IN_SUBSCRIBE_MODE) return out;
    out.push(raw);
  }
}
