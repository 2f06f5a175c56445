/**
 * Seeded random values of every type: DUMP gives Redis's exact bytes where
 * Redis's layout is deterministic, and payloads restore across servers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DiffEnv, type Pair } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import { Rng, testSeed } from '../support/random.js';
import { runRandomSequence } from '../support/random-sequence.js';

const SEED = testSeed(424242);

function element(rng: Rng): string {
  switch (rng.int(0, 6)) {
    case 0:
      return String(rng.int(-200, 200));
    case 1:
      return String(rng.int(-9000000, 9000000));
    case 2:
      return String(BigInt(rng.int(-(2 ** 30), 2 ** 30)) * BigInt(rng.int(1, 2 ** 30)) * 7n);
    case 3:
      return 'x'.repeat(rng.int(0, 80));
    case 4:
      return `${rng.int(0, 99)}.${rng.int(0, 9)}`;
    case 5:
      return Array.from({ length: rng.int(0, 40) }, () => String.fromCharCode(rng.int(0, 255))).join('');
    default:
      return `el-${rng.int(0, 100000)}`;
  }
}

function score(rng: Rng): string {
  switch (rng.int(0, 5)) {
    case 0:
      return String(rng.int(-1000, 1000));
    case 1:
      return String(rng.int(-1e6, 1e6) / rng.pick([3, 7, 10, 1024]));
    case 2:
      return `${rng.int(1, 9)}e${rng.int(-30, 30)}`;
    case 3:
      return rng.pick(['inf', '-inf', '0', '-0', '4503599627370496', '-4503599627370495', '1e300']);
    default:
      return String(rng.int(-(2 ** 31), 2 ** 31) * 1024);
  }
}

/** Builds a random value under `key` on both servers; returns whether Redis's DUMP bytes are deterministic. */
async function build(p: Pair, rng: Rng, key: string): Promise<{ deterministic: boolean; read: string[]; unordered: boolean }> {
  const n = rng.pick([1, 3, 10, 50, 200, 700]);
  switch (rng.int(0, 4)) {
    case 0:
      await p.same('SET', key, rng.pick([element(rng), element(rng).repeat(rng.int(1, 50))]));
      return { deterministic: true, read: ['GET', key], unordered: false };
    case 1:
      await p.same('RPUSH', key, ...Array.from({ length: n }, () => element(rng)));
      return { deterministic: true, read: ['LRANGE', key, '0', '-1'], unordered: false };
    case 2: {
      const args: string[] = [];
      for (let i = 0; i < n; i++) args.push(`f${rng.int(0, 1000)}`, element(rng));
      await p.same('HSET', key, ...args);
      const [enc] = await p.both('OBJECT', 'ENCODING', key);
      return { deterministic: enc.includes('listpack'), read: ['HGETALL', key], unordered: true };
    }
    case 3: {
      const ints = rng.int(0, 2) > 0;
      await p.same('SADD', key, ...Array.from({ length: n }, () => (ints ? String(rng.int(-(2 ** 40), 2 ** 40)) : element(rng))));
      const [enc] = await p.both('OBJECT', 'ENCODING', key);
      return { deterministic: enc.includes('intset'), read: ['SMEMBERS', key], unordered: true };
    }
    default: {
      const args: string[] = [];
      for (let i = 0; i < n; i++) args.push(score(rng), element(rng));
      await p.same('ZADD', key, ...args);
      return { deterministic: true, read: ['ZRANGE', key, '0', '-1', 'WITHSCORES'], unordered: false };
    }
  }
}

describe('DUMP / RESTORE of random values against redis-server 7.0', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());

  it(`300 random values (seed ${SEED})`, async () => {
    const p = env.pair;
    const rng = new Rng(SEED);
    await runRandomSequence({
      rng,
      steps: 300,
      // The value is built on both servers by the step itself, from the same generator.
      next: (_r, round) => `k${round}`,
      run: async (key) => {
        const v = await build(p, rng, key);
        if (v.deterministic) await p.same('DUMP', key);
        const fromRedis = (await p.redis.callValue('DUMP', key)) as { v: string };
        const fromUs = (await p.respite.callValue('DUMP', key)) as { v: string };
        assert.equal(await p.respite.call('RESTORE', `${key}:copy`, '0', Buffer.from(fromRedis.v, 'latin1')), '+OK\r\n', 'RESTORE of Redis\'s payload');
        assert.equal(await p.redis.call('RESTORE', `${key}:copy`, '0', Buffer.from(fromUs.v, 'latin1')), '+OK\r\n', 'RESTORE of our payload');
        const read = [v.read[0], `${key}:copy`, ...v.read.slice(2)];
        if (v.unordered) await p.sameUnordered(...read);
        else await p.same(...read);
        await p.same('OBJECT', 'ENCODING', `${key}:copy`);
      },
    });
  });
});
