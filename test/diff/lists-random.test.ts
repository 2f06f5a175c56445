import { after, before, describe, it } from 'node:test';
import { DiffEnv, type Pair } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import { Rng, testSeed } from '../support/random.js';
import { runRandomSequence } from '../support/random-sequence.js';

const KEYS = ['l1', 'l2', 'l3', '\x00k\xff', 'str'];
const VALUES = ['a', 'b', 'c', '', '\x00', '\xff\r\n', 'xyz', '1', '-1', '01', 'a'.repeat(100)];
const INDEXES = ['0', '1', '-1', '2', '-2', '5', '-5', '100', '-100', '9223372036854775807', '-9223372036854775808', 'x', '1.5'];

function val(r: Rng): string {
  return r.pick(VALUES);
}

function idx(r: Rng): string {
  return r.chance(0.8) ? String(r.int(-12, 12)) : r.pick(INDEXES);
}

function count(r: Rng): string {
  return r.chance(0.85) ? String(r.int(0, 6)) : r.pick(['-1', 'x', '9223372036854775807', '-9223372036854775808']);
}

function end(r: Rng): string {
  return r.chance(0.95) ? r.pick(['LEFT', 'RIGHT', 'left', 'right']) : 'MIDDLE';
}

function values(r: Rng): string[] {
  // Sometimes many elements, so lists cross the flat/node layout boundaries.
  const n = r.chance(0.08) ? r.int(100, 400) : r.int(1, 4);
  return Array.from({ length: n }, () => val(r));
}

function lposOptions(r: Rng): string[] {
  const out: string[] = [];
  if (r.chance(0.5)) out.push('RANK', r.pick(['1', '2', '-1', '-2', '3', '0', '-9223372036854775808']));
  if (r.chance(0.5)) out.push('COUNT', r.pick(['0', '1', '2', '-1']));
  if (r.chance(0.3)) out.push('MAXLEN', r.pick(['0', '1', '3', '10', '-1']));
  return out;
}

/** One random list command (sometimes with invalid arguments). */
function randCommand(r: Rng): string[] {
  const k = r.pick(KEYS);
  const k2 = r.pick(KEYS);
  switch (r.int(0, 27)) {
    case 0:
    case 1:
      return ['RPUSH', k, ...values(r)];
    case 2:
    case 3:
      return ['LPUSH', k, ...values(r)];
    case 4:
      return [r.pick(['LPUSHX', 'RPUSHX']), k, ...values(r)];
    case 5:
    case 6:
      return r.chance(0.5) ? [r.pick(['LPOP', 'RPOP']), k] : [r.pick(['LPOP', 'RPOP']), k, count(r)];
    case 7:
      return ['LLEN', k];
    case 8:
    case 9:
      return ['LRANGE', k, idx(r), idx(r)];
    case 10:
      return ['LINDEX', k, idx(r)];
    case 11:
      return ['LSET', k, idx(r), val(r)];
    case 12:
      return ['LINSERT', k, r.pick(['BEFORE', 'AFTER', 'after', 'NEAR']), val(r), val(r)];
    case 13:
      return ['LREM', k, r.pick(['0', '1', '-1', '2', '-2', 'x']), val(r)];
    case 14:
      return ['LTRIM', k, idx(r), idx(r)];
    case 15:
      return ['LPOS', k, val(r), ...lposOptions(r)];
    case 16:
      return ['RPOPLPUSH', k, k2];
    case 17:
      return ['LMOVE', k, k2, end(r), end(r)];
    case 18: {
      const keys = [k, k2];
      const opts = r.chance(0.5) ? ['COUNT', r.pick(['1', '2', '5', '0'])] : [];
      return ['LMPOP', r.pick(['2', '2', '1', '0']), ...keys, end(r), ...opts];
    }
    case 19:
      return [r.pick(['BLPOP', 'BRPOP']), k, k2, '0.001'];
    case 20:
      return ['BLMOVE', k, k2, end(r), end(r), '0.001'];
    case 21:
      return ['BRPOPLPUSH', k, k2, '0.001'];
    case 22:
      return ['BLMPOP', '0.001', '2', k, k2, end(r), 'COUNT', r.pick(['1', '3'])];
    case 23:
      return ['DEL', k];
    case 24:
      return ['SET', 'str', val(r)];
    case 25:
      return ['OBJECT', 'ENCODING', k];
    case 26:
      return ['TYPE', k];
    default:
      return ['EXISTS', k, k2];
  }
}

describe('differential: randomized list command sequences', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());

  /**
   * Sends one command to both. A blocking command whose source keys are all
   * missing would wait for its timeout (Redis checks timeouts only every
   * ~50 ms): it runs inside MULTI/EXEC instead, where it must not block.
   */
  async function runOne(p: Pair, cmd: string[]): Promise<void> {
    const sources = cmd[0] === 'BLMOVE' || cmd[0] === 'BRPOPLPUSH' ? [cmd[1]] : cmd[0] === 'BLMPOP' ? cmd.slice(3, 5) : cmd.slice(1, -1);
    if (cmd[0].startsWith('B') && (await p.redis.call('EXISTS', ...sources)) === ':0\r\n') {
      await p.same('MULTI');
      await p.same(...cmd);
      await p.same('EXEC');
    } else await p.same(...cmd);
  }

  async function run(p: Pair, seed: number, steps: number): Promise<void> {
    await runRandomSequence({
      rng: new Rng(seed),
      steps,
      next: randCommand,
      run: async (cmd, i) => {
        await runOne(p, cmd);
        // Every so often compare whole lists, not just replies.
        if (i % 50 === 49 || process.env.LISTS_CHECK_ALL) for (const k of KEYS) await p.same('LRANGE', k, '0', '-1');
      },
    });
  }

  it('RESP2', async () => {
    await env.reset();
    await run(env.pair, testSeed(20260), 4000);
  });

  it('RESP3', async () => {
    await env.reset();
    const p = await env.connect();
    await p.both('HELLO', '3');
    await run(p, testSeed(20260) + 1, 2000);
  });
});
