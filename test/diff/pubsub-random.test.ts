/**
 * Seeded random pub/sub traffic: three subscriber connections (two RESP2, one
 * RESP3) subscribe and unsubscribe to channels, patterns and shard channels
 * while a publisher publishes; every reply and every delivered message must
 * match the oracle's. Messages one subscriber gets from one PUBLISH are
 * compared as a set, since Redis walks its pattern dict in hash order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DiffEnv, type Pair } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import { Rng, testSeed } from '../support/random.js';
import { runRandomSequence } from '../support/random-sequence.js';
import type { RawClient } from '../support/raw-client.js';

const CHANNELS = ['a', 'b', 'ab', 'news.1', 'news.22'];
const PATTERNS = ['a*', '*', 'n?ws.*', '[ab]', 'news.[0-9]'];
const PONGS = new Set(['+PONG\r\n', '*2\r\n$4\r\npong\r\n$0\r\n\r\n']);

/** Messages received before the reply to a PING sentinel, sorted. */
async function drain(c: RawClient): Promise<string[]> {
  c.writeRaw('*1\r\n$4\r\nPING\r\n');
  const out: string[] = [];
  for (;;) {
    const raw = await c.readRaw();
    if (PONGS.has(raw)) return out.sort();
    out.push(raw);
  }
}

/** One step: a subscriber (0-2) changes its subscriptions, or the publisher (3) publishes. */
function randomStep(rng: Rng, i: number): [number, string[]] {
  const who = rng.int(0, 3);
  const ch = rng.pick(CHANNELS);
  const r = rng.next();
  if (who === 3) return [who, r < 0.8 ? ['PUBLISH', ch, `m${i}`] : ['SPUBLISH', ch, `s${i}`]];
  if (r < 0.25) return [who, ['SUBSCRIBE', ch]];
  if (r < 0.45) return [who, ['PSUBSCRIBE', rng.pick(PATTERNS)]];
  if (r < 0.55) return [who, ['SSUBSCRIBE', ch]];
  if (r < 0.7) return [who, ['UNSUBSCRIBE', ch]];
  if (r < 0.85) return [who, ['PUNSUBSCRIBE', rng.pick(PATTERNS)]];
  return [who, ['SUNSUBSCRIBE', ch]];
}

describe('differential pub/sub: random traffic', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  let subs: Pair[];
  before(async () => {
    env = await DiffEnv.start();
    subs = [await env.connect(), await env.connect(), await env.connect()];
  });
  after(() => env.stop());

  for (const base of [1, 2]) {
    const seed = testSeed(5200 + base);
    it(`seed ${seed}: 400 steps give identical replies and deliveries`, async () => {
      const rng = new Rng(seed);
      for (const s of subs) await s.same('RESET');
      await subs[2].both('HELLO', '3'); // carries the client id
      await runRandomSequence({
        rng,
        steps: 400,
        next: randomStep,
        run: async ([who, cmd]) => {
          await (who === 3 ? env.pair : subs[who]).same(...cmd);
          if (who !== 3) return;
          for (const s of subs) {
            const [a, b] = await Promise.all([drain(s.redis), drain(s.respite)]);
            assert.deepEqual(b, a, 'delivered messages differ');
          }
        },
        show: ([who, cmd]) => `${who}: ${JSON.stringify(cmd)}`,
      });
      await env.pair.sameUnordered('PUBSUB', 'CHANNELS');
      await env.pair.sameUnordered('PUBSUB', 'SHARDCHANNELS');
      await env.pair.same('PUBSUB', 'NUMSUB', ...CHANNELS);
      await env.pair.same('PUBSUB', 'SHARDNUMSUB', ...CHANNELS);
      await env.pair.same('PUBSUB', 'NUMPAT');
    });
  }
});
