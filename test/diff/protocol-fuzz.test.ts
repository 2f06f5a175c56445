/**
 * Differential protocol fuzz: valid request streams are mutated at random
 * (bytes replaced by protocol-significant characters, deleted, truncated,
 * duplicated) and the same bytes go to redis-server and respite. Replies and
 * whether the connection was closed must match. Seeded: SEED=n reproduces.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DiffEnv } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import { Rng, testSeed } from '../support/random.js';
import { encodeCommand, type RawClient } from '../support/raw-client.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const BASE: (string | string[])[] = [
  ['PING'],
  ['ECHO', 'hello world'],
  ['SET', 'fz', 'va"l\'ue'],
  ['GET', 'fz'],
  ['ECHO', ''],
  ['EXISTS', 'fz', 'nokey'],
  'PING\r\n',
  'ECHO "quoted \\x41 arg"\r\n',
  "SET fz2 'single q'\r\n",
  'GET fz2\n',
  '\r\n',
];

const SPECIAL = ['\r', '\n', '$', '*', ':', '-', '+', '0', '1', '9', '"', "'", '\\', ' ', 'x', '\x00', '\t'];

function makeStream(rng: Rng): string {
  let s = '';
  const n = rng.int(1, 6);
  for (let i = 0; i < n; i++) {
    const item = rng.pick(BASE);
    s += typeof item === 'string' ? item : encodeCommand(item).toString('latin1');
  }
  return s;
}

function mutate(rng: Rng, s: string): string {
  const ops = rng.int(1, 3);
  for (let k = 0; k < ops && s.length > 0; k++) {
    const i = rng.int(0, s.length - 1);
    switch (rng.int(0, 4)) {
      case 0:
      case 1:
        s = s.slice(0, i) + rng.pick(SPECIAL) + s.slice(i + 1);
        break;
      case 2:
        s = s.slice(0, i) + s.slice(i + 1);
        break;
      case 3:
        s = s.slice(0, i) + rng.pick(SPECIAL) + s.slice(i);
        break;
      default:
        s = s.slice(0, i) + s.slice(i, i + rng.int(1, 12)) + s.slice(i);
    }
  }
  return s;
}

/** Waits until closed or quiet for `quietMs`. */
async function settle(c: RawClient, quietMs: number): Promise<void> {
  let last = -1;
  let since = Date.now();
  while (!c.closed) {
    await sleep(15);
    const n = c.pending().length;
    if (n !== last) {
      last = n;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return;
  }
}

describe('differential protocol fuzz', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());

  it('mutated request streams get the same replies and close state', async () => {
    const seed = testSeed(20261125);
    const rng = new Rng(seed);
    const cases = Array.from({ length: 240 }, () => {
      const stream = mutate(rng, makeStream(rng));
      // Half the cases end with a newline so trailing partial lines are resolved.
      return rng.chance(0.5) ? stream + '\r\n' : stream;
    });
    const runOne = async (data: string): Promise<void> => {
      const p = await env.connect();
      p.writeRaw(data);
      await Promise.all([settle(p.redis, 120), settle(p.respite, 120)]);
      // Slow machines: a differing outcome gets a second, longer look before failing.
      if (p.redis.pending() !== p.respite.pending() || p.redis.closed !== p.respite.closed) {
        await Promise.all([settle(p.redis, 800), settle(p.respite, 800)]);
      }
      const what = `seed ${seed}, input ${JSON.stringify(data)}`;
      assert.equal(p.respite.pending(), p.redis.pending(), `output differs: ${what}`);
      assert.equal(p.respite.closed, p.redis.closed, `close state differs (redis closed=${p.redis.closed}): ${what}`);
      p.close();
    };
    for (let i = 0; i < cases.length; i += 8) {
      await Promise.all(cases.slice(i, i + 8).map(runOne));
    }
    await env.pair.same('PING');
  });
});
