/**
 * Helpers for differential tests of blocking commands: wait until both
 * servers report the same number of blocked clients.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DiffEnv, Pair } from './diff.js';
import { encodeCommand } from './raw-client.js';

/** [redis-server's blocked_clients, respite's blocked client count]. */
export async function blockedCounts(env: DiffEnv): Promise<[number, number]> {
  const info = await env.pair.redis.call('INFO', 'clients');
  const m = /blocked_clients:(\d+)/.exec(info);
  return [Number(m![1]), env.server.server.blocking.blockedCount];
}

/** Waits until both servers have exactly `n` blocked clients. */
export async function waitBlocked(env: DiffEnv, n: number): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    const [a, b] = await blockedCounts(env);
    if (a === n && b === n) return;
    await sleep(i < 50 ? 0 : 2);
  }
  assert.fail(`expected ${n} blocked clients on both servers, got ${await blockedCounts(env)}`);
}

/** Sends a blocking command on `p` and waits until `n` clients are blocked on both servers. */
export async function blockOn(env: DiffEnv, p: Pair, n: number, ...args: string[]): Promise<void> {
  p.writeRaw(encodeCommand(args));
  await waitBlocked(env, n);
}
