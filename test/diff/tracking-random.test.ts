/**
 * Seeded randomized differential sequences for client tracking: tracked
 * RESP3 connections (default, NOLOOP, OPTIN with CLIENT CACHING, BCAST with
 * prefixes), a RESP2 one redirecting to a subscribed RESP2 connection, and
 * the redirect target itself as a writer run random reads, writes, deletes, MULTI/EXEC
 * and flushes over a small key set. After every step each connection's
 * pending frames are drained up to a PING's reply and compared byte for byte.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DiffEnv, type Pair } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import { encodeCommand, type RawClient } from '../support/raw-client.js';
import { Rng, testSeed } from '../support/random.js';
import { runRandomSequence } from '../support/random-sequence.js';

const KEYS = ['a1', 'a2', 'b1', 'b2', 'c'];

/** Sends PING and returns every frame up to and including its reply. */
async function drain(c: RawClient): Promise<string[]> {
  c.writeRaw(encodeCommand(['PING']));
  const frames: string[] = [];
  for (;;) {
    const f = await c.readRaw();
    frames.push(f);
    // A RESP2 subscriber answers PING with a ["pong", ""] array.
    if (f === '+PONG\r\n' || f === '*2\r\n$4\r\npong\r\n$0\r\n\r\n') return frames;
  }
}

function randomOp(rng: Rng): string[] {
  const k = rng.pick(KEYS);
  switch (rng.int(0, 9)) {
    case 0:
    case 1:
    case 2:
      return ['GET', k];
    case 3:
      return ['MGET', k, rng.pick(KEYS)];
    case 4:
    case 5:
      return ['SET', k, String(rng.int(0, 99))];
    case 6:
      return ['DEL', k];
    case 7:
      return ['INCR', k];
    case 8:
      return ['EXISTS', k, rng.pick(KEYS)];
    default:
      return rng.chance(0.3) ? ['FLUSHDB'] : ['APPEND', k, 'x'];
  }
}

/** One step of one client: its commands, in a MULTI/EXEC or not, after CLIENT CACHING YES or not. */
interface Step {
  who: number;
  caching: boolean;
  multi: boolean;
  ops: string[][];
}

/** A random step for one of clients 0..`last` (client 2 is the OPTIN one). */
function randomStep(rng: Rng, last: number): Step {
  const who = rng.int(0, last);
  const caching = who === 2 && rng.chance(0.5);
  const multi = rng.chance(0.1);
  const n = multi ? rng.int(1, 3) : 1;
  const ops: string[][] = [];
  for (let j = 0; j < n; j++) ops.push(randomOp(rng));
  return { who, caching, multi, ops };
}

describe('differential client tracking: random sequences', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  let clients: Pair[];
  before(async () => {
    env = await DiffEnv.start();
    clients = [env.pair, await env.connect(), await env.connect(), await env.connect(), await env.connect(), await env.connect()];
  });
  after(() => env.stop());

  it('reads, writes and flushes from several tracking clients', async () => {
    const seed = testSeed(4242);
    const rng = new Rng(seed);
    const modes = [['ON'], ['ON', 'NOLOOP'], ['ON', 'OPTIN'], ['ON', 'BCAST', 'PREFIX', 'a', 'PREFIX', 'b', 'NOLOOP']];
    for (let i = 0; i < modes.length; i++) {
      await clients[i].both('HELLO', '3');
      await clients[i].same('CLIENT', 'TRACKING', ...modes[i]);
    }
    // Client 4 (RESP2) redirects to client 5, subscribed in RESP2.
    const [ra, rb] = await clients[5].both('CLIENT', 'ID');
    await clients[5].same('SUBSCRIBE', 'chan');
    const [oa, ob] = await Promise.all([
      clients[4].redis.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', ra.slice(1, -2)),
      clients[4].respite.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', rb.slice(1, -2)),
    ]);
    assert.equal(ob, oa);
    let pushes = 0;
    let redirected = 0;
    await runRandomSequence({
      rng,
      steps: 400,
      next: (r) => randomStep(r, clients.length - 2),
      run: async (s) => {
        const p = clients[s.who];
        if (s.caching) await p.same('CLIENT', 'CACHING', 'YES');
        if (s.multi) await p.same('MULTI');
        for (const op of s.ops) await p.same(...op);
        if (s.multi) await p.same('EXEC');
        for (let i = 0; i < clients.length; i++) {
          const [fa, fb] = await Promise.all([drain(clients[i].redis), drain(clients[i].respite)]);
          assert.deepEqual(fb, fa, `frames of client ${i}`);
          for (const f of fa) {
            if (f.startsWith('>2\r\n$10\r\ninvalidate')) pushes++;
            else if (f.includes('__redis__:invalidate')) redirected++;
          }
        }
      },
    });
    assert.ok(pushes > 50 && redirected > 10, `seed ${seed}: too few invalidations (${pushes} pushes, ${redirected} redirected)`);
    const [ia, ib] = await clients[4].both('INFO', 'stats');
    for (const f of ['tracking_total_keys', 'tracking_total_items', 'tracking_total_prefixes']) {
      assert.equal(new RegExp(`${f}:(\\d+)`).exec(ib)![1], new RegExp(`${f}:(\\d+)`).exec(ia)![1], `seed ${seed}: ${f}`);
    }
  });
});
